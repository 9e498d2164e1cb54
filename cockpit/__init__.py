"""City Brain management cockpit: settings, app factory, i18n, services and UI components."""
