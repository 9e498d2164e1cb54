"""The IoT sensing platform's services: devices, the one ingestion path, alarms and their rules, commands, the live
loop and its status, retention of readings."""
