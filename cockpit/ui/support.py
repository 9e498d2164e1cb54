"""Component ids of the application-support platform (/platform/support):
placed by its page module, filled by its callbacks."""

SUPPORT_AUDIT = "support-audit"
SUPPORT_ACTION = "support-action"
SUPPORT_ACTOR = "support-actor"
SUPPORT_EXPORT = "support-export"
SUPPORT_DOWNLOAD = "support-download"
SUPPORT_VERIFY = "support-verify"
SUPPORT_CHAIN = "support-chain"
SUPPORT_USERS = "support-users"
SUPPORT_ALERTS = "support-alerts"
SUPPORT_COMPONENTS = "support-components"
