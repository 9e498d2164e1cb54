"""Emergency dispatch's services: incidents, run cards and dispatch, evacuation, crews, after-action reports."""
