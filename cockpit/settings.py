"""Settings come from the environment so one image serves a laptop demo and a production cluster."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    cache_url: str | None
    mqtt_url: str | None
    tile_url: str | None
    lang: str
    secret_key: str
    var_dir: Path
    cookie_secure: bool
    session_hours: float
    session_idle_minutes: float
    reading_months: int
    proxies: int
    timezone: str
    anchor_key: str = ""  # signs the audit anchors: COCKPIT_ANCHOR_KEY_FILE's key, else the install's secret key
    anchor_copy: Path | None = None  # COCKPIT_ANCHOR_COPY_DIR: a second place every anchor is written to
    sms_url: str | None = None  # an HTTP SMS gateway: each message is POSTed as JSON {to, text}
    smtp_url: str | None = None  # smtp://host:port[/sender]: e-mail notifications


def _secret_key(var_dir: Path) -> str:
    """Keep one key per install so sessions survive restarts and every worker agrees."""
    configured = os.environ.get("COCKPIT_SECRET_KEY")
    if configured:
        return configured
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    except FileExistsError:  # another process of this install made it a moment ago
        time.sleep(0.2)
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def _anchor_key() -> str | None:
    """The anchors' own key, kept where the database's writer cannot read it (see cockpit.services.support.anchor)."""
    path = os.environ.get("COCKPIT_ANCHOR_KEY_FILE")
    if not path:
        return None
    key = Path(path).read_text().strip()
    if len(key) < 32:
        raise ValueError(f"COCKPIT_ANCHOR_KEY_FILE {path} holds no key of at least 32 characters")
    return key


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"COCKPIT_TIMEZONE must be an IANA zone such as Asia/Shanghai, not {name!r}") from error
    return name


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("COCKPIT_VAR_DIR", ROOT / "var"))
    lang = os.environ.get("COCKPIT_LANG", "zh")
    if lang not in ("zh", "en"):
        raise ValueError(f"COCKPIT_LANG must be 'zh' or 'en', not {lang!r}")
    return Settings(
        database_url=os.environ.get("COCKPIT_DATABASE_URL", f"sqlite:///{var_dir / 'cockpit.db'}"),
        cache_url=os.environ.get("COCKPIT_CACHE_URL") or None,
        mqtt_url=os.environ.get("COCKPIT_MQTT_URL") or None,
        tile_url=os.environ.get("COCKPIT_TILE_URL") or None,
        lang=lang,
        secret_key=_secret_key(var_dir),
        anchor_key=_anchor_key() or _secret_key(var_dir),
        anchor_copy=Path(os.environ["COCKPIT_ANCHOR_COPY_DIR"]) if os.environ.get("COCKPIT_ANCHOR_COPY_DIR") else None,
        var_dir=var_dir,
        cookie_secure=os.environ.get("COCKPIT_COOKIE_SECURE", "0").lower() in ("1", "true", "yes"),
        session_hours=float(os.environ.get("COCKPIT_SESSION_HOURS", "12")),
        session_idle_minutes=float(os.environ.get("COCKPIT_SESSION_IDLE_MINUTES", "30")),
        reading_months=int(os.environ.get("COCKPIT_READING_MONTHS", "13")),
        proxies=int(
            os.environ.get("COCKPIT_PROXIES", "0")
        ),  # trusted proxies in front (nginx: 1)  # a year and the same month before
        timezone=_timezone(os.environ.get("COCKPIT_TIMEZONE", "Asia/Shanghai")),
        sms_url=os.environ.get("COCKPIT_SMS_URL") or None,
        smtp_url=os.environ.get("COCKPIT_SMTP_URL") or None,
    )
