"""IoT sensing platform: devices, coded city components, readings, quarantine, rules, alarms, commands."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from data_access.ingest import CommandAck, Rejected, Status
from data_access.models import (
    Alarm,
    AlarmEvent,
    CameraSite,
    Command,
    Component,
    Device,
    PersonFile,
    Quarantine,
    Reading,
    Rule,
    RuleState,
    Sighting,
)
from data_access.readings import OPEN, device_index


def replace_devices(session: Session, devices: list[dict[str, Any]], components: list[dict[str, Any]]) -> None:
    """A new device population: what belonged to the old devices (readings, alarms, commands) goes too."""
    for table in (Sighting, PersonFile, CameraSite, AlarmEvent, Alarm, RuleState, Command, Reading, Component, Device):
        session.execute(delete(table))
    if devices:
        session.execute(insert(Device), devices)
    for start in range(0, len(components), 20_000):
        session.execute(insert(Component), components[start : start + 20_000])


def device_points(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Device.code, Device.name, Device.type, Device.lon, Device.lat, Device.online, Device.generated).order_by(
            Device.id
        )
    )
    return [dict(r._mapping) for r in rows]


def device_counts_by_district(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Device.district_adcode, func.count())
        .where(Device.district_adcode.is_not(None))
        .group_by(Device.district_adcode)
    )
    return dict(rows.all())


def totals(session: Session) -> dict[str, int]:
    return {
        "devices": session.scalar(select(func.count()).select_from(Device)) or 0,
        "devices_online": session.scalar(select(func.count()).where(Device.online.is_(True))) or 0,
        "components": session.scalar(select(func.count()).select_from(Component)) or 0,
    }


# readings -------------------------------------------------------------------------------------------


def apply_status(session: Session, statuses: list[Status]) -> int:
    if not statuses:
        return 0
    index = device_index(session, (s.device_code for s in statuses))
    known = [s for s in statuses if s.device_code in index]
    greatest = func.max if session.get_bind().dialect.name == "sqlite" else func.greatest
    for s in known:
        session.execute(
            update(Device)
            .where(Device.id == index[s.device_code][0])
            .values(online=s.online, last_seen=greatest(func.coalesce(Device.last_seen, s.ts), s.ts))
        )
    return len(known)


def quarantine(session: Session, rejects: list[Rejected], source: str, received_at: datetime) -> None:
    if rejects:
        session.execute(
            insert(Quarantine),
            [
                {
                    "received_at": received_at,
                    "source": source,
                    "topic": r.topic,
                    "payload": r.payload,
                    "reason": r.reason,
                }
                for r in rejects
            ],
        )


def quarantine_summary(session: Session, recent: int = 20) -> dict[str, Any]:
    total = session.scalar(select(func.count()).select_from(Quarantine)) or 0
    rows = session.scalars(select(Quarantine).order_by(Quarantine.id.desc()).limit(recent))
    return {
        "total": total,
        "recent": [
            {
                "received_at": q.received_at,
                "source": q.source,
                "topic": q.topic,
                "reason": q.reason,
                "payload": q.payload[:300],
            }
            for q in rows
        ],
    }


def device_history(session: Session, device_id: int, limit: int = 200) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Reading.ts, Reading.seq, Reading.values)
        .where(Reading.device_id == device_id)
        .order_by(Reading.ts.desc(), Reading.seq.desc())
        .limit(limit)
    )
    return [{"ts": ts, "seq": seq, "values": orjson.loads(values)} for ts, seq, values in reversed(rows.all())]


# devices ----------------------------------------------------------------------------------------------


def device_detail(session: Session, code: str) -> dict[str, Any] | None:
    device = session.scalar(select(Device).where(Device.code == code))
    if device is None:
        return None
    return {
        "id": device.id,
        "code": device.code,
        "name": device.name,
        "type": device.type,
        "lon": device.lon,
        "lat": device.lat,
        "district_adcode": device.district_adcode,
        "grid_id": device.grid_id,
        "owner_department": device.owner_department,
        "online": device.online,
        "last_seen": device.last_seen,
        "generated": device.generated,
        "last_values": orjson.loads(device.last_values) if device.last_values else {},
    }


def _names_device(text: str):
    """A device whose code or name contains the text (wildcards typed by the user match themselves)."""
    pattern = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(Device.code.like(pattern), Device.name.like(pattern))


def search_devices(session: Session, text: str, device_type: str | None, limit: int = 50) -> list[dict[str, Any]]:
    query = select(Device.code, Device.name, Device.type, Device.online, Device.last_seen, Device.generated)
    if text:
        query = query.where(_names_device(text))
    if device_type:
        query = query.where(Device.type == device_type)
    return [dict(r._mapping) for r in session.execute(query.order_by(Device.code).limit(limit))]


def silent_devices(session: Session, device_type: str | None, cutoff: datetime) -> list[dict[str, Any]]:
    """Devices last heard before `cutoff` (never-heard devices are not silent: they were never installed)."""
    query = select(Device.id, Device.type, Device.last_seen).where(Device.last_seen < cutoff)
    if device_type:
        query = query.where(Device.type == device_type)
    return [dict(r._mapping) for r in session.execute(query)]


def mark_offline(session: Session, device_ids: list[int]) -> None:
    if device_ids:
        session.execute(update(Device).where(Device.id.in_(device_ids)).values(online=False))


def device_status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Device.online, func.count()).group_by(Device.online))
    counts = {"online" if online else "offline": n for online, n in rows}
    counts["alarm"] = (
        session.scalar(select(func.count(func.distinct(Alarm.device_id))).where(Alarm.status.in_(OPEN))) or 0
    )
    return counts


def devices_in_alarm(session: Session) -> set[int]:
    return set(session.scalars(select(Alarm.device_id).where(Alarm.status.in_(OPEN))))


def device_points_with_status(session: Session) -> list[dict[str, Any]]:
    alarmed = devices_in_alarm(session)
    rows = session.execute(
        select(
            Device.id, Device.code, Device.name, Device.type, Device.lon, Device.lat, Device.online, Device.generated
        ).order_by(Device.id)
    )
    return [dict(r._mapping) | {"alarm": r.id in alarmed} for r in rows]


def devices_alarmed_at(session: Session, at: datetime) -> set[int]:
    """Devices with an alarm open at a past moment: raised by then and not yet resolved or closed."""
    ended = func.coalesce(Alarm.resolved_at, Alarm.closed_at)
    query = select(Alarm.device_id).where(Alarm.raised_at <= at, or_(ended.is_(None), ended > at))
    return set(session.scalars(query.distinct()))


def component_points(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Component.code, Component.major, Component.minor, Component.lon, Component.lat))
    return [dict(r._mapping) for r in rows]


# rules ----------------------------------------------------------------------------------------------


RULE_FIELDS = (
    "name",
    "name_en",
    "device_type",
    "kind",
    "metric",
    "op",
    "threshold",
    "duration_s",
    "severity",
    "escalate_after_s",
    "enabled",
)


def rules(session: Session, enabled_only: bool = False, scoped: bool | None = None) -> list[dict[str, Any]]:
    """`scoped`: True for the rules of single devices only, False for the rules of device types only."""
    table = Rule.__table__
    columns = [table.c[name] for name in ("id", *RULE_FIELDS, "device_code", "updated_by", "updated_at")]
    query = select(*columns).order_by(table.c.id)
    if enabled_only:
        query = query.where(table.c.enabled.is_(True))
    if scoped is not None:
        query = query.where(table.c.device_code.is_not(None) if scoped else table.c.device_code.is_(None))
    return [dict(row._mapping) for row in session.connection().execute(query)]


def device_rules(session: Session, codes: list[str]) -> list[dict[str, Any]]:
    table = Rule.__table__
    columns = [table.c[name] for name in ("id", *RULE_FIELDS, "device_code", "updated_by", "updated_at")]
    query = select(*columns).where(table.c.device_code.in_(codes)).order_by(table.c.id)
    return [dict(row._mapping) for row in session.connection().execute(query)]


def add_rules(session: Session, values: list[dict[str, Any]]) -> None:
    if values:
        session.execute(insert(Rule), values)


def update_rule(session: Session, rule_id: int, values: dict[str, Any]) -> dict[str, Any] | None:
    rule = session.get(Rule, rule_id)
    if rule is None:
        return None
    before = {f: getattr(rule, f) for f in RULE_FIELDS}
    for key, value in values.items():
        setattr(rule, key, value)
    return before


# alarms ---------------------------------------------------------------------------------------------

ALARM_FIELDS = (
    "id",
    "rule_id",
    "device_id",
    "alarm_type",
    "severity",
    "status",
    "value",
    "raised_at",
    "acknowledged_at",
    "acknowledged_by",
    "resolved_at",
    "resolved_by",
    "closed_at",
    "closed_by",
    "escalation_level",
    "escalated_at",
)


def _alarm_row(alarm: Alarm) -> dict[str, Any]:
    return {f: getattr(alarm, f) for f in ALARM_FIELDS} | {"active_rules": orjson.loads(alarm.active_rules)}


def open_alarms_by_type(
    session: Session, device_ids: Iterable[int] | None, alarm_type: str | None = None
) -> dict[tuple[int, str], dict[str, Any]]:
    """The open alarm of each (device, alarm type), among these devices (None: all)."""
    query = select(Alarm).where(Alarm.status.in_(OPEN))
    if device_ids is not None:
        query = query.where(Alarm.device_id.in_(list(device_ids)))
    if alarm_type is not None:
        query = query.where(Alarm.alarm_type == alarm_type)
    return {(a.device_id, a.alarm_type): _alarm_row(a) for a in session.scalars(query)}


def recently_cleared(
    session: Session, device_ids: Iterable[int], since: datetime, cleared_by: str
) -> dict[tuple[int, str], dict[str, Any]]:
    """Alarms an operator acknowledged and the system cleared since `since`, newest per (device, type)."""
    query = (
        select(Alarm)
        .where(
            Alarm.status == "resolved",
            Alarm.resolved_by == cleared_by,
            Alarm.resolved_at >= since,
            Alarm.acknowledged_at.is_not(None),
            Alarm.device_id.in_(list(device_ids)),
        )
        .order_by(Alarm.resolved_at)
    )
    return {(a.device_id, a.alarm_type): _alarm_row(a) for a in session.scalars(query)}


def add_alarm(session: Session, values: dict[str, Any], at: datetime) -> int:
    alarm = Alarm(**(values | {"active_rules": orjson.dumps(sorted(values["active_rules"])).decode()}))
    session.add(alarm)
    session.flush()
    session.add(AlarmEvent(alarm_id=alarm.id, kind="raised", at=at, severity=alarm.severity))
    return alarm.id


def alarm(session: Session, alarm_id: int, for_update: bool = False) -> dict[str, Any] | None:
    query = select(Alarm).where(Alarm.id == alarm_id)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    return _alarm_row(found) if found else None


def update_alarm(session: Session, alarm_id: int, values: dict[str, Any]) -> None:
    if "active_rules" in values:
        values = values | {"active_rules": orjson.dumps(sorted(values["active_rules"])).decode()}
    session.execute(update(Alarm).where(Alarm.id == alarm_id).values(**values))


def change_alarm(
    session: Session, alarm_id: int, kind: str, values: dict[str, Any], at: datetime, severity: int | None = None
) -> None:
    """A change a person sees, kept as an alarm event (the cursor server push follows)."""
    update_alarm(session, alarm_id, values)
    session.add(AlarmEvent(alarm_id=alarm_id, kind=kind, at=at, severity=severity))


def alarm_history(session: Session, alarm_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AlarmEvent.kind, AlarmEvent.at, AlarmEvent.severity)
        .where(AlarmEvent.alarm_id == alarm_id)
        .order_by(AlarmEvent.id)
    )
    return [dict(r._mapping) for r in rows]


def alarms(
    session: Session,
    statuses: Iterable[str] | None = None,
    limit: int = 200,
    device_id: int | None = None,
    severities: Iterable[int] | None = None,
    types: Iterable[str] | None = None,
    text: str = "",
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """Alarms with their device and deciding rule, gravest first (or newest first), filtered as asked."""
    order = (Alarm.raised_at.desc(), Alarm.id.desc()) if newest_first else (Alarm.severity, Alarm.raised_at.desc())
    query = (
        select(Alarm, Device.code, Device.name, Device.type, Device.lon, Device.lat, Rule.name, Rule.name_en)
        .join(Device, Alarm.device_id == Device.id)
        .join(Rule, Alarm.rule_id == Rule.id)
        .order_by(*order)
        .limit(limit)
    )
    if statuses:
        query = query.where(Alarm.status.in_(list(statuses)))
    if device_id is not None:
        query = query.where(Alarm.device_id == device_id)
    if severities:
        query = query.where(Alarm.severity.in_(list(severities)))
    if types:
        query = query.where(Alarm.alarm_type.in_(list(types)))
    if text:
        query = query.where(_names_device(text))
    return [
        _alarm_row(a)
        | {
            "device_code": code,
            "device_name": name,
            "device_type": kind,
            "lon": lon,
            "lat": lat,
            "rule_name": rule_name,
            "rule_name_en": rule_name_en,
        }
        for a, code, name, kind, lon, lat, rule_name, rule_name_en in session.execute(query)
    ]


def unacknowledged_alarms(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Alarm, Rule.escalate_after_s).join(Rule, Alarm.rule_id == Rule.id).where(Alarm.status == "new")
    )
    return [_alarm_row(a) | {"escalate_after_s": after} for a, after in rows]


def alarm_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(Alarm.severity, func.count()).where(Alarm.status.in_(OPEN)).group_by(Alarm.severity))
    return dict(rows.all())


def last_alarm_event(session: Session) -> int:
    return session.scalar(select(func.max(AlarmEvent.id))) or 0


# commands -------------------------------------------------------------------------------------------


def add_command(session: Session, values: dict[str, Any]) -> int:
    command = Command(**values)
    session.add(command)
    session.flush()
    return command.id


def commands_to_send(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Command.id, Command.name, Command.params, Device.code)
        .join(Device, Command.device_id == Device.id)
        .where(Command.status == "pending")
        .order_by(Command.id)
    )
    return [{"id": i, "name": n, "params": orjson.loads(p), "device_code": c} for i, n, p, c in rows]


def mark_sent(session: Session, command_ids: list[int], at: datetime) -> None:
    if command_ids:
        session.execute(
            update(Command)
            .where(Command.id.in_(command_ids), Command.status == "pending")
            .values(status="sent", sent_at=at)
        )


def answer_command(session: Session, ack: CommandAck, at: datetime) -> bool:
    """Record a device's answer; False if no such open command belongs to that device."""
    device = device_index(session, [ack.device_code]).get(ack.device_code)
    if device is None:
        return False
    changed = session.execute(
        update(Command)
        .where(Command.id == ack.command_id, Command.device_id == device[0], Command.status.in_(("pending", "sent")))
        .values(status="acknowledged" if ack.ok else "failed", answered_at=at, result=ack.detail)
    )
    return changed.rowcount == 1


def time_out_commands(session: Session, issued_before: datetime, at: datetime) -> int:
    changed = session.execute(
        update(Command)
        .where(Command.status.in_(("pending", "sent")), Command.issued_at < issued_before)
        .values(status="timed_out", answered_at=at)
    )
    return changed.rowcount


def device_commands(session: Session, device_id: int, limit: int = 10) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Command).where(Command.device_id == device_id).order_by(Command.id.desc()).limit(limit)
    )
    return [
        {
            "id": c.id,
            "name": c.name,
            "status": c.status,
            "issued_by": c.issued_by,
            "issued_at": c.issued_at,
            "answered_at": c.answered_at,
            "result": c.result,
        }
        for c in rows
    ]


def alarm_points(session: Session, since: datetime) -> list[dict[str, Any]]:
    """Alarms open now or raised since `since`, with where their device stands."""
    rows = session.execute(
        select(Alarm.id, Alarm.status, Alarm.severity, Alarm.raised_at, Device.lon, Device.lat)
        .join(Device, Alarm.device_id == Device.id)
        .where(or_(Alarm.status.in_(OPEN), Alarm.raised_at >= since))
    )
    return [dict(r._mapping) for r in rows]


def simulation_devices(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Device.id, Device.code, Device.type, Device.last_seq, Device.lon, Device.lat).order_by(Device.id)
    )
    return [dict(r._mapping) for r in rows]


def device_page(session: Session, limit: int, offset: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Device.code,
            Device.name,
            Device.type,
            Device.lon,
            Device.lat,
            Device.district_adcode,
            Device.owner_department,
            Device.online,
            Device.last_seen,
            Device.generated,
        )
        .order_by(Device.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(r._mapping) for r in rows]


def alarm_sources(session: Session, alarm_ids: list[int]) -> list[dict[str, Any]]:
    """Where raised alarms came from: the device's type, code and place."""
    rows = session.execute(
        select(Alarm.id, Alarm.raised_at, Device.type, Device.code, Device.lon, Device.lat)
        .join(Device, Alarm.device_id == Device.id)
        .where(Alarm.id.in_(alarm_ids))
    )
    return [dict(r._mapping) for r in rows]
