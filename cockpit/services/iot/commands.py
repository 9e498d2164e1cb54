"""Reverse control: a command is stored pending (audited with who asked), relayed to the device over
city/iot/{code}/command, and answered over …/command/ack, or it times out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from cockpit.actor import Actor
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import audit
from data_access import iot
from data_access.db import transaction, write_transaction

# device type -> commands it understands
CATALOG: dict[str, tuple[str, ...]] = {
    "street_lamp": ("switch_on", "switch_off"),
    "water_level": ("close_gate", "open_gate"),
}


class CommandError(Refused):
    pass


def issue(url: str, actor: Actor, device_code: str, name: str) -> int:
    with write_transaction(url) as session:
        device = iot.device_detail(session, device_code)
        if device is None:
            raise CommandError("no_device", 404, device=device_code)
        if name not in CATALOG.get(device["type"], ()):
            raise CommandError("no_such_command", device_type="device." + device["type"], command=name)
        command_id = iot.add_command(
            session,
            {
                "device_id": device["id"],
                "name": name,
                "params": "{}",
                "status": "pending",
                "issued_by": actor.name,
                "issued_at": stored_now(),
            },
        )
        audit.record(
            session, actor, "device.command", f"device:{device_code}", after={"command": name, "id": command_id}
        )
    return command_id


def relay(url: str, send: Callable[[str, bytes], None]) -> list[dict[str, Any]]:
    """Hand every pending command to `send` (an MQTT publish, or the in-process simulator) and mark it sent."""
    now = stored_now()
    with write_transaction(url) as session:
        pending = iot.commands_to_send(session)
        for command in pending:
            payload = {
                "ts": now.isoformat() + "Z",
                "command_id": command["id"],
                "name": command["name"],
                "params": command["params"],
            }
            send(f"city/iot/{command['device_code']}/command", orjson.dumps(payload))
        iot.mark_sent(session, [c["id"] for c in pending], now)
    return pending


def recent(url: str, device_code: str) -> list[dict[str, Any]]:
    with transaction(url) as session:
        device = iot.device_detail(session, device_code)
        return iot.device_commands(session, device["id"]) if device else []
