"""Who may do what. One table: every guarded callback, page and API route names a permission from it."""

from __future__ import annotations

DESK = ("leader", "duty_officer", "safety_officer", "analyst", "admin")  # at the command centre's screens
ROLES = (*DESK, "field_worker")  # 网格员/处置人员: their own tasks on a phone, nothing of the desk's

PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(DESK),
    "field": frozenset({"field_worker"}),
    "photo.read": frozenset({*DESK, "field_worker"}),
    "map.read": frozenset({*DESK, "field_worker"}),  # the base map; live layers need "view" as well
    "push": frozenset({*DESK, "field_worker"}),  # the live clock for all; alarms only for those who may view
    "audit.read": frozenset({"admin"}),
    "audit.export": frozenset({"admin"}),
    "users.read": frozenset({"admin"}),
    "personal.unmask": frozenset({"safety_officer"}),
    "alarm.ack": frozenset({"duty_officer"}),
    "device.command": frozenset({"duty_officer"}),
    "rules.edit": frozenset({"admin"}),
    "readings.write": frozenset({"analyst", "admin"}),
    "dispatch": frozenset({"duty_officer"}),
    "incident.report": frozenset({"duty_officer"}),
    "plans.edit": frozenset({"duty_officer", "admin"}),
    "export": frozenset({"leader", "duty_officer", "admin"}),
    "case.handle": frozenset({"duty_officer"}),
    "catalog.read": frozenset(DESK),  # the catalog, and records shared unconditionally
    "catalog.steward": frozenset({"analyst", "admin"}),  # records shared conditionally or not at all
    "dataset.import": frozenset({"analyst", "admin"}),
    "cim.read": frozenset(DESK),  # the city model, building objects and spatial services
    "planning.read": frozenset(DESK),  # the plans and their conflict patches
    "planning.coordinate": frozenset({"analyst", "admin"}),  # assign a patch, record departments' opinions
    "planning.decide": frozenset({"leader"}),  # which plan yields: a new revision of it
    "construction.read": frozenset(DESK),  # projects, their schedules and design checks
    "construction.edit": frozenset({"analyst", "admin"}),  # import a schedule, record progress, freeze a baseline
    "industry.read": frozenset(DESK),  # the economy, enterprises, chains, recommendations, zombie flags
    "industry.attract": frozenset({"leader", "analyst"}),  # track approaches to recommended enterprises
    "industry.review": frozenset({"analyst", "admin"}),  # review a zombie flag, record an appeal
    "industry.decide": frozenset({"leader"}),  # confirm or clear a zombie flag
    "services.read": frozenset(DESK),  # service items, channels, tickets (personal data masked), assessment
    "ticket.route": frozenset(ROLES),  # the NLP router: any signed-in role or token
    "ticket.intake": frozenset({"duty_officer", "admin"}),  # take a ticket in (the page, Open311, the API)
    "ticket.handle": frozenset({"duty_officer"}),  # triage, contact, handle, return, transfer, call back, reopen
    "services.configure": frozenset({"admin"}),  # the assessment's weights
    "licence.issue": frozenset({"duty_officer", "admin"}),  # sign an e-licence, record a credit commitment
    "safety.read": frozenset({"leader", "safety_officer"}),  # the public-safety page: leaders see aggregates only
    "safety.files": frozenset({"safety_officer"}),  # person and vehicle files, sightings, trajectories, searches
    "safety.oversight": frozenset({"leader", "safety_officer"}),  # the monthly report of searches per officer
    "safety.cases": frozenset({"leader"}),  # the supervisor opens cases and assigns officers to them
    "simulation.run": frozenset({"leader", "duty_officer", "analyst", "admin"}),  # flood, evacuation
    "sharing": frozenset(),  # what a department's sharing key may reach beyond the catalog: nothing
}


def allows(role: str | None, permission: str) -> bool:
    """False for an unknown permission too, so a typo locks the door rather than opening it."""
    return role is not None and role in PERMISSIONS.get(permission, frozenset())
