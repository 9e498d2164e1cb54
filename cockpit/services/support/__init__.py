"""The application-support platform's services: the audit chain and its anchors, users and sessions, sign-in
throttling, the common components, notifications."""
