"""Public safety's services: person and vehicle files, searches, lost persons, camera alarms, oversight and
retention."""
