"""Shared fixtures: migrated databases, the sample city loaded once, a served cockpit and headless Chromium."""

from __future__ import annotations

import getpass
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import orjson
import pytest
from sqlalchemy import select

from cockpit.actor import Actor
from cockpit.permissions import ROLES
from cockpit.services import (
    catalog_measure,
    emergency,
    enterprises,
    hotline_sim,
    planning,
    projects,
    rulebook,
    sample_catalog,
    service_items,
    structural,
    users,
    vision_sim,
)
from data_access.db import transaction
from data_access.schema import upgrade
from sample_data.load import load_sample_city

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEED = 7
TEST_ACTOR = Actor("cli:test", "admin")
# role -> (username, password) of the demo accounts `cockpit init` creates
ACCOUNTS = {role: (username, f"{username}-demo-2026") for username, _name, role in reversed(users.DEMO_USERS)}
ACCOUNTS["field_worker"] = (users.DEMO_FIELD, f"{users.DEMO_FIELD}-demo-2026")
CREW = (users.DEMO_CREW, f"{users.DEMO_CREW}-demo-2026")  # a field worker too: the crew of an ambulance
assert set(ACCOUNTS) == set(ROLES)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cockpit.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def city_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A loaded small city with rules, copied by `city_db` so tests that change it stay independent."""
    var = tmp_path_factory.mktemp("template")
    url = f"sqlite:///{var / 'cockpit.db'}"
    upgrade(url)
    load_sample_city(url, "small", SEED)
    rulebook.ensure_defaults(url, TEST_ACTOR)
    emergency.ensure_default_plans(url, TEST_ACTOR)
    planning.load_sample(url, TEST_ACTOR, SEED)
    planning.detect(url, TEST_ACTOR)
    projects.load_sample(url, TEST_ACTOR, SEED)
    enterprises.load_sample(url, TEST_ACTOR, SEED)
    catalog_measure.register_tables(url, TEST_ACTOR)
    sample_catalog.load(url, TEST_ACTOR, SEED)
    service_items.load_sample(url, TEST_ACTOR, SEED)
    hotline_sim.backfill(url, SEED)
    vision_sim.backfill(url, SEED, datetime.now(UTC).replace(tzinfo=None))
    return var / "cockpit.db"


@pytest.fixture
def city_db(city_template: Path, tmp_path: Path) -> str:
    """A private copy of the loaded small city."""
    return copy_city(city_template, tmp_path / "cockpit.db")


def copy_city(template: Path, target: Path) -> str:
    """A copy through SQLite's backup API: a plain file copy would miss what still sits in the WAL."""
    import sqlite3

    source = sqlite3.connect(template)
    with sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def structural_template(city_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The loaded city with its projects' structural sensors and their daily history (which raise warnings,
    alarms and cases): apart from `city_template`, whose quiet city other tests count on."""
    var = tmp_path_factory.mktemp("structural")
    url = copy_city(city_template, var / "cockpit.db")
    structural.load_sample(url, TEST_ACTOR)
    return var / "cockpit.db"


@pytest.fixture
def structural_db(structural_template: Path, tmp_path: Path) -> str:
    return copy_city(structural_template, tmp_path / "cockpit.db")


@pytest.fixture(scope="session")
def city_dir(structural_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var/ directory holding the loaded small city, structural sensors included, with the demo accounts: the
    one the served cockpit runs, as `cockpit init` makes it."""
    var = tmp_path_factory.mktemp("var")
    url = copy_city(structural_template, var / "cockpit.db")
    users.ensure_demo_users(url, TEST_ACTOR)
    return var


@pytest.fixture(scope="session")
def city_url(city_dir: Path) -> str:
    return f"sqlite:///{city_dir / 'cockpit.db'}"


@pytest.fixture(scope="session")
def dash_app(city_dir: Path):
    """The whole cockpit on the sample city, built once as gunicorn would build it."""
    os.environ["COCKPIT_VAR_DIR"] = str(city_dir)
    from callbacks import shell, wall_view
    from cockpit.factory import create_app
    from pages import NOT_FOUND, PAGES

    return create_app(PAGES, NOT_FOUND, (shell.register, wall_view.register))


@pytest.fixture
def app_client(dash_app):
    """A fresh anonymous browser-like client (own cookie jar)."""
    return dash_app.server.test_client()


def csrf_token_of(client) -> str:
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None, "the cockpit sets the _csrf_token cookie on every page"
    return cookie.value


def sign_in(client, role: str) -> None:
    """Sign in through the real form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    username, password = ACCOUNTS[role]
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    client.get("/")


@pytest.fixture
def client_as(dash_app):
    """client_as(role) -> a test client signed in with that role's demo account."""

    def make(role: str):
        client = dash_app.server.test_client()
        sign_in(client, role)
        return client

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@pytest.fixture(scope="session")
def served(city_dir: Path) -> Iterator[str]:
    """`cockpit serve` with two gunicorn workers on a free loopback port; yields its base URL."""
    port = free_port()
    env = os.environ | {"COCKPIT_VAR_DIR": str(city_dir)}
    log = (city_dir / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cockpit.cli", "serve", "--port", str(port), "--workers", "2", "--no-simulate"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def browser_sign_in(page, base: str, role: str, path: str = "/") -> None:
    """Sign in through the form and land on `path`, as a person following a link would."""
    username, password = CREW if role == "crew" else ACCOUNTS[role]
    page.goto(f"{base}/login?next={quote(path)}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".shell-header")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium and chromium-driver (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_pages(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test that fails leaves no page open: a 3D view left drawing would slow every test after it."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def require_or_skip(what: str) -> None:
    """Skip loudly on a developer machine without the package; in CI a missing package is a failure."""
    message = f"{what} is not installed here; .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(f"CI must not skip: {message}")
    pytest.skip(f"SKIPPED FOR A MISSING PACKAGE: {message}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server on 127.0.0.1 in a throw-away data directory."""
    import glob
    import shutil
    import tempfile

    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        require_or_skip("PostgreSQL server (Debian package postgresql)")
    bin_dir = Path(initdb[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="cockpit-pg-"))
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "cockpit", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(base / "log"), "start"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [*as_user, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "cockpit", "cockpit"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://cockpit@127.0.0.1:{port}/cockpit"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


class Mosquitto:
    """A real Mosquitto broker on 127.0.0.1 with persistence, which tests may stop and start again."""

    def __init__(self, base: Path) -> None:
        self.port = free_port()
        self.base = base
        self.config = base / "mosquitto.conf"
        self.config.write_text(
            f"user {getpass.getuser()}\n"  # as root, Mosquitto would drop to a user who cannot write here
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {base}/\n"
            "autosave_interval 1\n"
            "max_inflight_messages 1000\n"
            "max_queued_messages 0\n"
        )
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["/usr/sbin/mosquitto", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.base / "broker.log").open("a"),
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    if not Path("/usr/sbin/mosquitto").exists():
        require_or_skip("Mosquitto broker (Debian package mosquitto)")
    broker = Mosquitto(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if not Path("/usr/bin/redis-server").exists():
        require_or_skip("Redis server (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        ["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Watch:
    """Collects what a page did wrong while it loaded."""

    def __init__(self, page, base: str) -> None:
        self.problems: list[str] = []
        self.closing = False
        self.origin = urlsplit(base).netloc
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser calling a request off itself: the event stream when a page is left, a
        # font still loading when the language switch reloads the page or the test closes the context. A
        # server that fails answers 4xx/5xx (see _response) or drops the connection (other errors, kept).
        if self.closing or "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"failed: {request.url} {request.failure}")

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if parts.netloc != self.origin:
            self.problems.append(f"left the origin: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


SIGNED_IN: dict[tuple[str, str], dict] = {}  # (base URL, role) -> a signed-in browser's cookies, reused


def open_page(
    browser,
    base: str,
    path: str,
    width: int = 1600,
    height: int = 900,
    role: str | None = "admin",
    lang: str | None = None,
    **options,
):
    """A signed-in page in a context of its own; `options` go to the context (a phone's geolocation…). A role
    signs in through the form once and its session cookie is reused, as a browser keeps it; a session that has
    ended (signed out, expired) signs in again. It is
    returned once the page's own ready check holds (its declared selector), not after the network falls quiet:
    a live page's pushes keep the network busy for seconds after it is usable."""
    state = SIGNED_IN.get((base, role)) if role else None
    context = browser.new_context(viewport={"width": width, "height": height}, storage_state=state, **options)
    if lang:  # the language switch's cookie, set before the first page
        context.add_cookies([{"name": "cockpit_lang", "value": lang, "url": base}])
    page = context.new_page()
    watch = Watch(page, base)
    if state is not None:
        page.goto(base + path)
    if role and (state is None or urlsplit(page.url).path == "/login"):  # first time, or the session has ended
        browser_sign_in(page, base, role, path)
        state = context.storage_state()
        SIGNED_IN[(base, role)] = state | {"cookies": [c for c in state["cookies"] if c["name"] != "cockpit_lang"]}
    elif not role:
        page.goto(base + path)
    ready = _ready_check(path, role)
    if ready:
        page.wait_for_selector(ready, timeout=30_000)
    else:
        page.wait_for_load_state("networkidle")
    return context, page, watch


def _ready_check(path: str, role: str | None) -> str | None:
    """The page's declared ready selector, when `role` may see the page as it is (else a refusal shows)."""
    from cockpit.permissions import PERMISSIONS
    from pages import PAGES

    if "?" in path:  # a query changes the page (the wall view draws another layout)
        return None
    found = next((p for p in PAGES if p.path == path), None)
    return found.ready if found and role in PERMISSIONS[found.permission] else None


def close(context, watch: Watch) -> None:
    watch.closing = True
    context.close()


def wait_for_overview(page) -> None:
    page.wait_for_selector("#overview-kpis .kpi-value")
    page.wait_for_selector("#overview-air .air-station")
    page.wait_for_selector(".cockpit-cluster")
    page.wait_for_function("document.fonts.status === 'loaded'")


def pick_until(page, item: str, shown: str, tries: int = 4) -> None:
    """Click a list entry until its detail shows: the list redraws itself on every push, and a click that
    lands while it does is lost, as it would be for a person."""
    for _ in range(tries):
        page.wait_for_selector(item)
        page.click(item)
        try:
            page.wait_for_selector(shown, timeout=5000)
            return
        except Exception:  # the redraw swallowed the click: click again
            continue
    page.wait_for_selector(shown, timeout=5000)


def wait_js(page, expression: str, arg: object = None, timeout: float = 10.0) -> None:
    """Poll a JavaScript function from here until it returns true: the cockpit's content security policy
    forbids the eval that Playwright's own in-page polling needs."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        page.wait_for_timeout(100)


# forged callback requests, built from the app's own callback map -----------------------------------------

DASH_INTERNAL = {"_pages_content", "_pages_store", "_pages_dummy"}  # Dash's page router, guarded per page


def _outputs(spec) -> list:
    out = spec["output"]
    return out if isinstance(out, list) else [out]


def server_callbacks(app) -> list[tuple[str, dict]]:
    return [(key, spec) for key, spec in app.callback_map.items() if "callback" in spec]


def _dependency(dep: dict) -> dict | list:
    """A wildcard (ALL) dependency is sent as a list of matches; none match in a forged call."""
    if dep["id"].startswith("{"):
        return []
    return {"id": dep["id"], "property": dep["property"], "value": None}


def forged_body(key: str, spec: dict) -> dict:
    """What a client would post to run this callback, built from the app's own callback map."""
    inputs = [_dependency(i) for i in spec["inputs"]]
    changed = [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)][:1]
    return {
        "output": key,
        "outputs": [{"id": o.component_id, "property": o.component_property} for o in _outputs(spec)]
        if isinstance(spec["output"], list)
        else {"id": spec["output"].component_id, "property": spec["output"].component_property},
        "inputs": inputs,
        "state": [_dependency(s) for s in spec["state"]],
        "changedPropIds": changed,
    }


def is_internal(spec) -> bool:
    return all(o.component_id in DASH_INTERNAL for o in _outputs(spec))


def role_for(path: str) -> str:
    """A role that may open the page at `path`: the administrator where it may, else the page's own role."""
    from cockpit.permissions import PERMISSIONS
    from pages import PAGES

    permitted = PERMISSIONS[next(p.permission for p in PAGES if p.path == path)]
    return "admin" if "admin" in permitted else min(permitted)


def telemetry(device: str, seq: int, ts: datetime) -> tuple[str, bytes]:
    """One MQTT telemetry message as a device sends it."""
    body = {"ts": ts.isoformat() + "Z", "seq": seq, "values": {"tilt_deg": 1.0}}
    return f"city/iot/{device}/telemetry", orjson.dumps(body)


def audit_actions(url: str) -> list[str]:
    from data_access.models import AuditLog

    with transaction(url) as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def fail_second_write(monkeypatch) -> None:
    """Make an import's second batch of records fail to store, as a full disk would."""
    from data_access import catalog

    calls = {"n": 0}
    original = catalog.add_records

    def failing(session, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        original(session, rows)

    monkeypatch.setattr(catalog, "add_records", failing)


def every_page(url: str, actor, dataset_id: int, limit: int) -> list:
    """Every record id of a dataset, read page by page through its cursor as a client would."""
    from cockpit.services import catalog

    seen, cursor = [], None
    while True:
        page = catalog.records(url, actor, dataset_id, cursor=cursor, limit=limit)
        seen += [r["_id"] for r in page.records]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
