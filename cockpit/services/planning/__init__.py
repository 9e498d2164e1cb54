"""Multi-plan integration's services: plans, conflict patches and their workflow, pre-screening, schemes."""
