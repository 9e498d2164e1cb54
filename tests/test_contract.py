"""The page contract holds: every callback's ids live in a layout that hosts them, every page names a known
permission, every i18n key has both languages and is defined once, no module imports a floor above its own (nor
the HTTP and drawing edges into the services), and only the CLI's sample loading reads the sample city."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import flask_login
import pytest
from fixtures.db import TEST_ACTOR
from fixtures.servers import ACCOUNTS, ROOT

from cockpit.i18n import LANGS, TABLE
from cockpit.permissions import PERMISSIONS
from cockpit.ui.wall import layout as wall_layout
from pages import PAGES

LAYERS = ["data_access", "cockpit", "callbacks", "pages"]  # sources → data_access → cockpit → callbacks → pages
CORE = [*LAYERS, "app.py"]
SAMPLE_LOADING = {"cockpit/cli.py"}  # `cockpit init`, `simulate`, `serve` and `import TRACK.plt` drive the sample city
# inside cockpit/: the edges (HTTP routes, drawing, the Flask/Dash shell) stand on the services, never under them
EDGES = ("cockpit.api", "cockpit.ui", "cockpit.web", "cockpit.factory", "cockpit.cli", "cockpit.auth", "cockpit.push")
WEB = ("flask", "dash", "dash_leaflet", "flask_login", "flask_wtf")
DASH_INTERNAL = {"_pages_content", "_pages_store", "_pages_dummy", "_pages_location"}


def _ids(node: object) -> set[str]:
    """Every string id and every pattern `type` in a component tree."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        if not hasattr(item, "to_plotly_json"):
            continue
        ident = getattr(item, "id", None)
        if isinstance(ident, str):
            found.add(ident)
        elif isinstance(ident, dict) and "type" in ident:
            found.add(f"type:{ident['type']}")
        for prop in item._prop_names:
            value = getattr(item, prop, None)
            if hasattr(value, "to_plotly_json") or isinstance(value, list | tuple):
                stack.append(value)
    return found


def _dependency_id(raw: str) -> str:
    if raw.startswith("{"):
        return "type:" + re.search(r'"type":"([^"]+)"', raw).group(1)
    return raw


@pytest.fixture(scope="module")
def hosted(dash_app, city_url) -> set[str]:
    """The ids the shell and the pages place, drawn for a duty officer (pages keep controls a role may not
    use, hidden, so every role's layout hosts every callback)."""
    from cockpit.auth import SessionUser
    from cockpit.services.support import users

    username = ACCOUNTS["duty_officer"][0]
    row = next(u for u in users.directory(city_url) if u["username"] == username)
    with dash_app.server.test_request_context("/"):
        flask_login.login_user(SessionUser(row, users.open_session(city_url, TEST_ACTOR, row)))
        ids = _ids(dash_app.layout())
        for page in PAGES:
            ids |= _ids(page.layout())
            if page.wall is not None:
                ids |= _ids(wall_layout(page.name, page.wall.detail))
    return ids


def _made_by_callbacks(dash_app) -> set[str]:
    """Pattern ids a callback draws into a list (case items, alarm buttons): declared by the pattern's type."""
    return {
        _dependency_id(d["id"])
        for spec in dash_app.callback_map.values()
        for d in [*spec["inputs"], *spec["state"]]
        if d["id"].startswith("{")
    }


def test_every_callback_id_is_in_a_layout_that_hosts_it(dash_app, hosted):
    missing = []
    patterns = _made_by_callbacks(dash_app)
    for key, spec in dash_app.callback_map.items():
        outputs = [o.strip(".") for o in key.strip(".").split("...")]
        deps = [d["id"] for d in [*spec["inputs"], *spec["state"]]]
        deps += [re.sub(r"\.[^.]+$", "", o) for o in outputs if not o.startswith("{")]
        for raw in deps:
            ident = _dependency_id(raw)
            if ident in DASH_INTERNAL or ident in hosted or (ident.startswith("type:") and ident in patterns):
                continue
            missing.append(f"{ident} (callback {key[:80]})")
    assert missing == [], "ids no layout places:\n" + "\n".join(missing)


def test_a_nonexistent_input_is_caught(dash_app, hosted):
    """The check above can fail: an id no page places is reported."""
    assert "ops-export-nowhere" not in hosted
    assert _dependency_id('{"id":1,"type":"case-pick"}') == "type:case-pick"


def test_every_page_declares_a_known_permission_and_unique_path():
    assert all(p.permission in PERMISSIONS for p in PAGES)
    assert len({p.path for p in PAGES}) == len(PAGES)
    assert all(p.nav in TABLE and p.title in TABLE for p in PAGES)
    assert all(p.ready for p in PAGES)


def test_every_i18n_key_has_every_language():
    incomplete = [key for key, texts in TABLE.items() if len(texts) != len(LANGS) or not all(texts)]
    assert incomplete == []


def _python_files() -> list[Path]:
    return [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py") if "migrations" not in p.parts]


def test_every_literal_i18n_key_exists():
    used = set()
    for path in [*_python_files(), ROOT / "app.py"]:
        used |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z0-9_.]+)"', path.read_text()))
    prefixes = {key for key in used if key.endswith(".")}
    assert sorted(used - prefixes - set(TABLE)) == []
    assert [p for p in prefixes if not any(k.startswith(p) for k in TABLE)] == []


def _modules(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name (`from a import b` counts as a and a.b)."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _modules(path)}


def _reaches(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in _modules(path) if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_no_module_imports_upward():
    upward = []
    for path in _python_files():
        layer = path.relative_to(ROOT).parts[0]
        above = set(LAYERS[LAYERS.index(layer) + 1 :])
        upward += [f"{path.relative_to(ROOT)} imports {name}" for name in _imports(path) & above]
    assert upward == []


def _core_files() -> list[Path]:
    return [p for p in _python_files() if "migrations" not in p.parts] + [ROOT / "app.py"]


def test_the_core_never_reads_the_sample_city():
    readers = [
        f"{p.relative_to(ROOT)} imports {m}"
        for p in _core_files()
        if str(p.relative_to(ROOT)) not in SAMPLE_LOADING
        for m in _reaches(p, ("sample_data",))
    ]
    assert readers == []


def test_the_services_stand_below_the_edges():
    """Services (and the kernel beside them) hold the decisions and know nothing of HTTP or drawing; the API
    and the drawing floor call services, never each other, and never the stores directly."""
    kernel = [ROOT / "cockpit" / f"{name}.py" for name in ("actor", "refusal", "permissions", "vocab", "profile")]
    below = [*sorted((ROOT / "cockpit" / "services").rglob("*.py")), *kernel]
    wrong = [f"{p.relative_to(ROOT)} imports {m}" for p in below for m in _reaches(p, (*EDGES, *WEB))]
    api, ui = sorted((ROOT / "cockpit" / "api").glob("*.py")), sorted((ROOT / "cockpit" / "ui").glob("*.py"))
    wrong += [f"{p.relative_to(ROOT)} imports {m}" for p in api for m in _reaches(p, ("cockpit.ui", "data_access"))]
    wrong += [f"{p.relative_to(ROOT)} imports {m}" for p in ui for m in _reaches(p, ("cockpit.api", "data_access"))]
    assert wrong == []


def test_the_kernel_stands_on_nothing_but_storage():
    """The shared kernel (clock, GeoJSON, geometry, routing…) serves every platform and scenario, so it may not
    import any of them: a scenario's package may use the kernel and the platforms, never the other way round."""
    kernel = sorted((ROOT / "cockpit" / "services" / "kernel").glob("*.py"))
    packages = tuple(
        f"cockpit.services.{p.name}"
        for p in (ROOT / "cockpit" / "services").iterdir()
        if p.is_dir() and p.name not in ("kernel", "__pycache__")
    )
    wrong = [f"{p.relative_to(ROOT)} imports {m}" for p in kernel for m in _reaches(p, packages)]
    assert wrong == [] and len(packages) >= 12


def test_the_floor_check_can_fail(tmp_path):
    """The checks above read real imports: a service that reaches for Flask or the sample city is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("import flask\nfrom sample_data.plans import zones\nfrom cockpit.ui import kit\n")
    assert _reaches(bad, WEB) == ["flask"]
    assert _reaches(bad, ("sample_data",)) == ["sample_data.plans", "sample_data.plans.zones"]
    assert _reaches(bad, EDGES) == ["cockpit.ui", "cockpit.ui.kit"]


def test_an_i18n_key_defined_twice_fails_at_import():
    from types import SimpleNamespace

    from cockpit.i18n import merged

    first = SimpleNamespace(__name__="first", TEXTS={"a.b": ("甲", "a")})
    second = SimpleNamespace(__name__="second", TEXTS={"a.b": ("乙", "b")})
    with pytest.raises(KeyError, match=re.escape("a.b")):
        merged((first, second))
    assert merged((first,)) == {"a.b": ("甲", "a")}


def test_each_page_module_has_its_ids_and_texts_in_its_own_rooms():
    """Adding a page is four files under one name; the shared tables that every page wrote into are gone."""
    for gone in ("cockpit/i18n.py", "cockpit/ids.py", "data_access/models.py", "cockpit/ui.py"):
        assert not (ROOT / gone).exists(), gone
    for page in PAGES:
        room = page.layout.__module__.rsplit(".", 1)[-1]
        for floor in ("callbacks", "cockpit/ui", "cockpit/i18n"):
            assert (ROOT / floor / f"{room}.py").exists(), f"{floor}/{room}.py"


def test_colours_come_from_the_vocabulary():
    """A hex colour written anywhere but cockpit/vocab.py is a second declaration of the theme."""
    import io
    import tokenize

    stray = []
    for path in _python_files():
        if path == ROOT / "cockpit" / "vocab.py":
            continue
        for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
            if token.type == tokenize.STRING and re.fullmatch(r"""["']#[0-9a-fA-F]{3,8}["']""", token.string):
                stray.append(f"{path.relative_to(ROOT)}:{token.start[0]} {token.string}")
    assert stray == []
