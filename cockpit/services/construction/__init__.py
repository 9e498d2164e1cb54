"""The construction lifecycle's services: projects, schedules and the critical path, structural monitoring."""
