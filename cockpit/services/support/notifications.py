"""The notification outbox (消息通知), a component of the application-support platform: every notice is kept
in the outbox and shown in the app; an SMS or e-mail notice also goes out through its adapter when one is set
(COCKPIT_SMS_URL, an HTTP gateway taking JSON {to, text}; COCKPIT_SMTP_URL, smtp://host:port/sender) and
stays in the app only when none is. Delivery runs apart from the change that queued the notice, so a slow
gateway never holds a transaction open."""

from __future__ import annotations

import smtplib
import urllib.request
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlparse

import orjson
from sqlalchemy.orm import Session

from cockpit.services.kernel.clock import stored_now
from cockpit.settings import Settings
from data_access import services as store
from data_access.db import transaction, write_transaction

CHANNELS = ("in_app", "sms", "email")
TIMEOUT_S = 5


def _adapter(settings: Settings, channel: str) -> str | None:
    return {"sms": settings.sms_url, "email": settings.smtp_url}.get(channel)


def queue(session: Session, channel: str, recipient: str, subject: str, body: str, now: datetime) -> None:
    """In the caller's transaction; `deliver` sends it later, or keeps it in the app if its channel has no
    adapter."""
    state = "in_app" if channel == "in_app" else "queued"
    store.notify(
        session,
        {
            "channel": channel,
            "recipient": recipient[:200],
            "subject": subject[:200],
            "body": body,
            "created_at": now,
            "sent_at": None,
            "state": state,
        },
    )


def _send(settings: Settings, row: dict) -> None:
    if row["channel"] == "sms":
        request = urllib.request.Request(
            settings.sms_url or "",
            data=orjson.dumps({"to": row["recipient"], "text": f"{row['subject']} {row['body']}"}),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            answer.read()
        return
    target = urlparse(settings.smtp_url or "")
    message = EmailMessage()
    message["From"] = target.path.strip("/") or "cockpit@localhost"
    message["To"] = row["recipient"]
    message["Subject"] = row["subject"]
    message.set_content(row["body"])
    with smtplib.SMTP(target.hostname or "localhost", target.port or 25, timeout=TIMEOUT_S) as smtp:
        smtp.send_message(message)


def deliver(url: str, settings: Settings, limit: int = 100) -> dict[str, int]:
    """Send what is queued; a failure is marked and kept, never retried in a loop."""
    with transaction(url) as session:
        waiting = [n for n in store.notifications(session, 1000) if n["state"] == "queued"][:limit]
    done = {"sent": 0, "failed": 0}
    done["in_app"] = 0
    for row in waiting:
        if not _adapter(settings, row["channel"]):
            state = "in_app"
        else:
            try:
                _send(settings, row)
                state = "sent"
            except OSError:
                state = "failed"
        with write_transaction(url) as session:
            store.mark_sent(session, row["id"], state, stored_now() if state == "sent" else None)
        done[state] += 1
    return done


def listing(url: str, limit: int = 50) -> list[dict]:
    with transaction(url) as session:
        return store.notifications(session, limit)
