"""E-licences the cockpit issues (电子证照签发), a component of the application-support platform: when a service
item completes, the holder gets a licence whose payload is signed with the install's Ed25519 key
(`cryptography`) and a QR code (`qrcode`) that carries the signed payload itself and its signature
(`DZZZ1.<base64url payload>.<hex signature>`), so a counter verifies what it was shown: offline against the
public key the cockpit publishes (`GET /api/v1/licences/public-key`), or online through
`POST /api/v1/licences/verify`, which also says whether the licence was revoked. `GET …/{id}/verify` checks
the stored licence, and the copy presented when its number or signature is given. The private key lives in
var/ (0600), made on first use."""

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
QR_PREFIX = "DZZZ1"


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
    code = qr_text(body, signature)
    return payload | {"id": row["id"], "signature": signature, "qr": code, "qr_png": qr_png(code)}


def qr_text(body: bytes, signature: str) -> str:
    """What the QR code carries: the signed payload and the signature, enough to verify it with no server."""
    return f"{QR_PREFIX}.{base64.urlsafe_b64encode(body).decode().rstrip('=')}.{signature}"


def _signed(var_dir: Path, body: bytes, signature: str) -> bool:
    try:
        _key(var_dir).public_key().verify(bytes.fromhex(signature), body)
        return True
    except (InvalidSignature, ValueError):
        return False


def verify_presented(url: str, var_dir: Path, actor: Actor, code: str) -> dict:
    """A licence as presented (the QR's text): its signature over the payload it carries, then the register
    for the number it names, which must hold that very payload and not be revoked."""
    prefix, _, rest = code.strip().partition(".")
    encoded, _, signature = rest.partition(".")
    try:
        body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        presented = orjson.loads(body)
    except (ValueError, orjson.JSONDecodeError):
        raise Refused("licence.bad_qr") from None
    if prefix != QR_PREFIX or not isinstance(presented, dict) or not isinstance(presented.get("number"), str):
        raise Refused("licence.bad_qr")
    support_components.record_call(url, actor, "licences")
    if not _signed(var_dir, body, signature):
        return {"valid": False, "why": "bad_signature", "licence": presented, "signature": signature}
    with transaction(url) as session:
        row = store.licence_by_number(session, presented["number"])
    if row is None or row["payload"].encode() != body:
        return {"valid": False, "why": "not_as_issued", "licence": presented, "signature": signature}
    why = "revoked" if row["revoked"] else "valid"
    return {"valid": why == "valid", "why": why, "licence": presented, "signature": signature}


def verify(url: str, var_dir: Path, actor: Actor, licence_id: int, presented: dict[str, str] | None = None) -> dict:
    """The stored licence: its signature and revocation; and, when a copy's number or signature is given,
    whether the copy is this licence (a forged QR with a genuine id is not)."""
    with transaction(url) as session:
        row = store.licence(session, licence_id)
    support_components.record_call(url, actor, "licences")
    if row is None:
        raise Refused("licence.not_issued", http=404, licence=licence_id)
    signed = _signed(var_dir, row["payload"].encode(), row["signature"])
    payload = orjson.loads(row["payload"])
    shown = {k: v for k, v in (presented or {}).items() if v is not None}
    matches = shown.get("number", payload["number"]) == payload["number"] and (
        shown.get("signature", row["signature"]).lower() == row["signature"]
    )
    why = (
        "bad_signature" if not signed else "not_as_issued" if not matches else "revoked" if row["revoked"] else "valid"
    )
    return {"valid": why == "valid", "why": why, "licence": payload, "signature": row["signature"]}


def recent(url: str, limit: int = 20) -> list[dict]:
    with transaction(url) as session:
        return [r | {"payload": orjson.loads(r["payload"])} for r in store.licences(session, limit)]
