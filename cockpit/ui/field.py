"""Component ids of the field page (/field): placed by its page module, filled by its callbacks."""

FIELD_TASKS = "field-tasks"
FIELD_MAP = "field-map"
FIELD_TASK_LAYER = "field-task-layer"
FIELD_ROUTE = "field-route"
FIELD_POSITION = "field-position"  # set by assets/field.js from the phone's position
FIELD_SENT = "field-sent"  # set by assets/field.js when queued steps have been applied
FIELD_CATEGORY = "field-category"
FIELD_REPORT_NOTE = "field-report-note"
FIELD_REPORT_PHOTO = "field-report-photo"
FIELD_REPORT = "field-report"
FIELD_STATE = "field-state"
FIELD_SHOWN = "field-shown"  # what the task list shows, so it is redrawn only when that changes
FIELD_LOCATE = "field-locate"  # handled by assets/field.js
