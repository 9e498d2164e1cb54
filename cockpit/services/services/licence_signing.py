"""E-licences the cockpit issues (电子证照签发), a component of the application-support platform: when a service
item completes, the holder gets a licence whose payload is signed with the install's Ed25519 key
(`cryptography`) and a QR code (`qrcode`) that carries the number and the signature, so a counter can
verify it offline against the public key or online through `GET /api/v1/licences/{id}/verify`, which
checks the signature over the stored payload and that the licence was not revoked. The private key lives
in var/ (0600), made on first use."""

from __future__ import annotations

import base64
import io
import os
from datetime import datetime
from functools import cache
from pathlib import Path

import orjson
import qrcode
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cockpit.actor import Actor
from cockpit.permissions import allows
from cockpit.refusal import Refused
from cockpit.services.kernel.clock import stored_now
from cockpit.services.services import service_items
from cockpit.services.support import audit, support_components
from data_access import services as store
from data_access.db import transaction, write_transaction

ISSUER = "北京市政务服务管理局"
KEY_FILE = "licence_ed25519.pem"


@cache
def _key(var_dir: Path) -> Ed25519PrivateKey:
    path = var_dir / KEY_FILE
    if not path.exists():
        var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
        except FileExistsError:  # another worker made it a moment ago
            pass
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise Refused("licence.bad_key", http=500)
    return loaded


def public_key_pem(var_dir: Path) -> str:
    return (
        _key(var_dir)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def qr_png(text: str) -> str:
    image = qrcode.make(text, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def issue(url: str, var_dir: Path, actor: Actor, item_code: str, holder: str, now: datetime | None = None) -> dict:
    if not allows(actor.role, "licence.issue"):
        raise Refused("licence.not_allowed", http=403)
    holder = (holder or "").strip()
    if not 2 <= len(holder) <= 200:
        raise Refused("licence.bad_holder")
    item = service_items.item(url, item_code)
    now = now or stored_now()
    with write_transaction(url) as session:
        serial = len(store.licences(session, 1_000_000)) + 1
        number = f"DZZZ-{now:%Y%m%d}-{serial:06d}"
        payload = {
            "number": number,
            "item_code": item["code"],
            "item": item["name"],
            "department": item["department"],
            "holder": holder,
            "issuer": ISSUER,
            "issued_at": now.isoformat(timespec="seconds") + "Z",
        }
        body = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
        signature = _key(var_dir).sign(body).hex()
        row = store.add_licence(
            session,
            {
                "number": number,
                "item_code": item["code"],
                "holder": holder,
                "payload": body.decode(),
                "signature": signature,
                "issued_at": now,
                "revoked": False,
            },
        )
        audit.record(session, actor, "licence.issue", f"licence:{row['id']}", after=payload)
    support_components.record_call(url, actor, "licences")
    return payload | {"id": row["id"], "signature": signature, "qr_png": qr_png(f"{number}|{row['id']}|{signature}")}


def verify(url: str, var_dir: Path, actor: Actor, licence_id: int) -> dict:
    with transaction(url) as session:
        row = store.licence(session, licence_id)
    support_components.record_call(url, actor, "licences")
    if row is None:
        raise Refused("licence.not_issued", http=404, licence=licence_id)
    try:
        _key(var_dir).public_key().verify(bytes.fromhex(row["signature"]), row["payload"].encode())
        signed = True
    except (InvalidSignature, ValueError):
        signed = False
    valid = signed and not row["revoked"]
    why = "valid" if valid else "revoked" if signed else "bad_signature"
    return {"valid": valid, "why": why, "licence": orjson.loads(row["payload"]), "signature": row["signature"]}


def recent(url: str, limit: int = 20) -> list[dict]:
    with transaction(url) as session:
        return [r | {"payload": orjson.loads(r["payload"])} for r in store.licences(session, limit)]
