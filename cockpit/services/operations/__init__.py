"""City operations' services: events and cases, the daily report, the field page's steps and photos."""
