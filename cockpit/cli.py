"""The `cockpit` console script (commands of DESIGN.md that are built so far)."""

from __future__ import annotations

import argparse
import getpass
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from gunicorn import util
from gunicorn.app.base import BaseApplication

from cockpit.actor import Actor
from cockpit.permissions import ROLES
from cockpit.refusal import Refused
from cockpit.services.cim import dem, simulations
from cockpit.services.data import conflicts
from cockpit.services.data.comparisons import BY_NAME as COMPARISONS
from cockpit.services.kernel.clock import stored_now
from cockpit.services.support import anchor, audit, throttle, users
from cockpit.settings import load_settings
from cockpit.vocab import FREQUENCY_DAYS, OPENING, SHARING
from data_access.schema import upgrade
from sample_data.generator import SCALES

WSGI_APP = "app:server"  # the composition root at the top of the repository


class _Gunicorn(BaseApplication):
    """Gunicorn with options from the command line; loads `app:server` in every worker."""

    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return util.import_app(WSGI_APP)


def _cli_actor() -> Actor:
    """Whoever runs the console script on the server acts as an administrator, and is logged as such."""
    return Actor(f"cli:{getpass.getuser()}", "admin")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        raise users.UserError("the two passwords differ")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    from sample_data.load import load_sample_city, load_scenarios

    settings = load_settings()
    started = time.monotonic()
    upgrade(settings.database_url)
    meta = load_sample_city(settings.database_url, args.scale, args.seed, force=args.force)
    print(
        f"schema at head; sample city scale={meta['sample_scale']} seed={meta['sample_seed']} "
        f"loaded {meta['loaded_at']} ({time.monotonic() - started:.1f} s)"
    )
    if not args.no_demo_users:
        made = users.ensure_demo_users(settings.database_url, _cli_actor())
        named = {users.DEMO_FIELD, users.DEMO_CREW}
        for username, role, password in made:
            if role != "field_worker" or username in named:
                print(f"DEMO ONLY user {username!r} ({role}) password {password!r}: disable before real use")
        more = sum(role == "field_worker" and username not in named for username, role, _ in made)
        if more:
            print(f"DEMO ONLY {more} more grid workers gw<grid code>, password gw<grid code>-demo-2026")
    now = stored_now()
    for line in load_scenarios(settings.database_url, _cli_actor(), args.seed, now):
        print(line)
    anchor.write(settings.database_url, settings.var_dir, settings.anchor_key, settings.anchor_copy)
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    url = load_settings().database_url
    actor = _cli_actor()
    if args.action == "add":
        if not args.role or not args.name:
            raise users.UserError("user add needs --role and --name")
        users.add_user(url, actor, args.username, args.name, args.role, _password(args), phone=args.phone)
    elif args.action == "reset":
        users.reset_password(url, actor, args.username, _password(args))
    elif args.action == "unlock":
        throttle.unlock(url, actor, args.username)
    else:
        users.set_active(url, actor, args.username, args.action == "enable")
    print(f"user {args.username}: {args.action} done")
    return 0


def _duration(text: str) -> timedelta:
    """'90d', '12h' or '30m'."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdecimal() or int(text[:-1]) < 1:
        raise argparse.ArgumentTypeError(f"a duration is a whole number with d, h or m (90d, 12h), not {text!r}")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def cmd_token(args: argparse.Namespace) -> int:
    url = load_settings().database_url
    if args.token_command == "create":
        print(users.create_token(url, _cli_actor(), args.name, args.role, args.expires))
    elif args.token_command == "revoke":
        users.revoke_token(url, _cli_actor(), args.name)
        print(f"token {args.name}: revoked")
    else:
        print(f"{'name':<28} {'role':<15} {'state':<8} {'created':<17} {'expires':<17} last used")
        for t in users.tokens(url):
            times = [
                t[k].strftime("%Y-%m-%d %H:%M") if t[k] else "-" for k in ("created_at", "expires_at", "last_used_at")
            ]
            print(f"{t['name']:<28} {t['role']:<15} {t['state']:<8} {times[0]:<17} {times[1]:<17} {times[2]}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.audit_command == "anchor":
        return _anchor(args.every)
    try:
        report, anchors = audit.check(
            settings.database_url, settings.var_dir, settings.anchor_key, settings.anchor_copy
        )
    except anchor.AnchorError as error:
        print(f"audit anchors TAMPERED: {error}", file=sys.stderr)
        return 1
    if not report.intact:
        print(f"audit chain BROKEN at row id {report.broken_at}: {report.reason}", file=sys.stderr)
        return 1
    if report.rows and not anchors:
        print(f"no audit anchor in {anchor.path_of(settings.var_dir)}: cannot rule out cut rows", file=sys.stderr)
        return 1
    latest = f"; latest anchor {anchors[-1].at} ({anchors[-1].rows} rows)" if anchors else ""
    print(f"audit chain intact: {report.rows} rows, {len(anchors)} anchors hold{latest}")
    return 0


def _anchor(every: float | None) -> int:
    """Once, or every `every` seconds until stopped (`cockpit serve` runs it so)."""
    settings = load_settings()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while True:
        made = anchor.write(settings.database_url, settings.var_dir, settings.anchor_key, settings.anchor_copy)
        if not every:
            print(f"anchored {made.rows} rows up to id {made.last_id}: {made.head}")
            return 0
        if stop.wait(every):
            return 0


def _start_simulator(args: argparse.Namespace) -> subprocess.Popen | None:
    """With no broker configured, the live city runs beside the server and feeds ingestion in-process."""
    if load_settings().mqtt_url or args.no_simulate:
        return None
    command = [sys.executable, "-m", "cockpit.cli", "simulate", "--rate", str(args.sim_rate)]
    return subprocess.Popen(command)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    helpers = [
        subprocess.Popen([sys.executable, "-m", "cockpit.cli", "audit", "anchor", "--every", str(anchor.EVERY_S)])
    ]
    simulator = _start_simulator(args)
    if simulator:
        helpers.append(simulator)
    print(f"cockpit on http://{args.host}:{args.port}/ ({args.workers} workers)", flush=True)
    try:
        _serve(args)
    finally:
        for helper in helpers:
            helper.terminate()
        for helper in helpers:
            helper.wait(timeout=10)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from sample_data.live.feed import simulate

    settings = load_settings()
    target = settings.mqtt_url or "in-process ingestion"
    print(f"simulating the sample city at x{args.rate:g} into {target}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        simulate(
            settings.database_url,
            args.rate,
            args.duration,
            args.seed,
            settings.mqtt_url,
            stop=stop,
            var_dir=settings.var_dir,
        )
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from cockpit import supervisor
    from cockpit.services.iot.live import ingest_forever

    settings = load_settings()
    if not settings.mqtt_url:
        print("cockpit ingest needs COCKPIT_MQTT_URL (mqtt://host:1883)", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    print(f"ingesting {settings.mqtt_url} as {args.client_id} with {args.workers} process(es)", flush=True)
    try:
        if args.workers == 1:
            ingest_forever(settings.database_url, settings.mqtt_url, stop, client_id=args.client_id)
        else:
            supervisor.run(settings.database_url, settings.mqtt_url, args.client_id, args.workers, stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from cockpit.services.iot import retention

    settings = load_settings()
    upgrade(settings.database_url)
    kept = retention.keep(
        settings.database_url, _cli_actor(), args.months or settings.reading_months, datetime.now(UTC).date()
    )
    from cockpit.services.safety import safety_retention

    purged = safety_retention.run(settings.database_url, _cli_actor(), stored_now())
    print(
        f"public safety: {purged.sightings} sightings older than {purged.cutoff:%Y-%m-%d} deleted, "
        f"{purged.person_files} empty person files, {purged.cases} closed lost-person cases' artefacts, "
        f"{purged.grants} expired unmask grants"
    )
    print(
        f"readings kept from {kept.cutoff}: dropped months {', '.join(kept.dropped_months) or 'none'}, "
        f"{kept.deleted} readings removed, partitions made for {', '.join(kept.added_months) or 'nothing new'}"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cockpit.services.data.import_jobs import ATTRIBUTES
    from cockpit.services.data.importing.errors import ImportFailed
    from cockpit.services.data.importing.pipeline import Request, run
    from cockpit.services.data.importing.sources import Declared

    settings = load_settings()
    upgrade(settings.database_url)
    if Path(args.path).suffix.lower() == ".plt":  # a GeoLife track: replayed past the cameras as sightings
        try:
            from sample_data.live import vision_sim

            made = vision_sim.replay_track(settings.database_url, Path(args.path), _cli_actor())
        except Refused as error:
            print(f"cockpit import: {error}", file=sys.stderr)
            return 2
        print(f"{made['points']} track points replayed: {made['sightings']} sightings at {made['cameras']} cameras")
        return 0
    if Path(args.path).is_file() and dem.is_dem(Path(args.path)):  # an elevation model: the CIM terrain
        try:
            made = dem.import_dem(settings.database_url, Path(args.path), _cli_actor())
        except Refused as error:
            print(f"cockpit import: {error}", file=sys.stderr)
            return 2
        print(f"terrain {made['id']}: {made['source']}, heights {made['low']:.1f} to {made['high']:.1f} m")
        return 0
    request = Request(
        Path(args.path),
        args.dataset or Path(args.path).name.split(".")[0],
        args.department,
        title=args.title,
        record={k: v for k in ATTRIBUTES if (v := getattr(args, k))},
        declared=Declared(crs=args.crs, encoding=args.encoding),
        source_name=args.source_name,
    )

    def shown(share: float, rows: int) -> None:
        bar = "#" * int(share * 30)
        print(f"\r[{bar:<30}] {share:6.1%} {rows:>10,} rows", end="", file=sys.stderr, flush=True)

    actor = Actor(*args.actor.rsplit("|", 1)) if args.actor else _cli_actor()
    try:
        report = run(settings.database_url, request, actor, args.version_id, None if args.quiet else shown)
    except ImportFailed as error:
        print(f"\ncockpit import: {error}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    print(
        f"dataset {request.dataset} version {report.number}: {report.rows} records, {report.quarantined} rows "
        f"quarantined, format {report.format}, encoding {report.encoding or '-'}, CRS {report.crs or '-'}, "
        f"quality {report.quality['score']:.2f}, {report.seconds:.1f} s"
    )
    for item in report.fields:
        bad = f", {item['invalid']} not {item['type']}" if item["invalid"] else ""
        print(f"  {item['name']}: {item['type']} ({item['nulls']} empty{bad})")
    for transform in report.transforms:
        print(f"  · {transform}")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    if args.conflicts_command == "detect":
        chosen = [COMPARISONS[args.comparison]] if args.comparison else list(COMPARISONS.values())
        for comparison in chosen:
            done = conflicts.detect(settings.database_url, comparison, _cli_actor())
            print(
                f"{done.comparison}: {done.matched} entities matched, {done.found} disagreements "
                f"({done.new} new), {done.settled} settled since the last run"
            )
        return 0
    for row in conflicts.listing(settings.database_url, args.status, limit=args.limit):
        print(
            f"#{row['id']} {row['status']:<9} {row['comparison']} {row['attribute']} {row['entity']}: "
            f"{row['left_value']} ≠ {row['right_value']} → {row['department']}"
        )
    return 0


def cmd_terrain(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    gone = dem.clear(settings.database_url, _cli_actor())
    print(f"{gone} imported elevation models removed: the terrain is generated again")
    return 0


def cmd_simulation(args: argparse.Namespace) -> int:
    """Run a simulation the page or the API recorded (the child process of cockpit.services.cim.simulations)."""
    settings = load_settings()
    simulations.execute(settings.database_url, args.id)
    done = simulations.status(settings.database_url, args.id)
    print(f"simulation {args.id} ({done['kind']}): {done['status']} {done['message'] or ''}".rstrip())
    return 0 if done["status"] == "done" else 2


def _serve(args: argparse.Namespace) -> None:
    _Gunicorn(
        {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "worker_connections": args.connections,
            # idle keep-alive connections outlive nginx's upstream ones (60 s), so neither end closes one while
            # the other sends on it; under gevent an idle connection costs a greenlet, not a thread
            "keepalive": 75,
            "timeout": 60,
            "graceful_timeout": 5,  # open event streams would otherwise hold a restart for the full 30 s
            "accesslog": None,
            # gunicorn's control socket is one path per host: two cockpits on a host would break each other's
            "control_socket_disable": True,
        }
    ).run()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cockpit", description="City Brain management cockpit")
    sub = p.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create or migrate the schema, load the sample city")
    init.add_argument("--scale", choices=list(SCALES), default="small")
    init.add_argument("--seed", type=int, default=20261124)
    init.add_argument("--force", action="store_true", help="reload even if this scale and seed are loaded")
    init.add_argument("--no-demo-users", action="store_true", help="do not create the demo accounts")
    init.set_defaults(run=cmd_init)

    serve = sub.add_parser("serve", help="serve with gunicorn")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--worker-class",
        choices=("gevent", "gthread"),
        default="gevent",
        help="gevent: an open page's push stream is a greenlet; gthread (the old design) holds a thread for it",
    )
    serve.add_argument("--connections", type=int, default=4000, help="per gevent worker: open pages and requests")
    serve.add_argument("--threads", type=int, default=16, help="per gthread worker")
    serve.add_argument("--no-simulate", action="store_true", help="do not run the in-process live city")
    serve.add_argument("--sim-rate", type=float, default=60.0, help="simulated seconds per real second")
    serve.set_defaults(run=cmd_serve)

    simulate = sub.add_parser("simulate", help="publish a live city (to MQTT if COCKPIT_MQTT_URL is set)")
    simulate.add_argument("--rate", type=float, default=60.0, help="simulated seconds per real second")
    simulate.add_argument("--duration", type=float, default=None, help="stop after this many real seconds")
    simulate.add_argument("--seed", type=int, default=1)
    simulate.set_defaults(run=cmd_simulate)

    ingest = sub.add_parser("ingest", help="consume MQTT into storage (at-least-once in, exactly-once stored)")
    ingest.add_argument("--client-id", default="cockpit-ingest", help="MQTT client id of the persistent session")
    ingest.add_argument(
        "--workers", type=int, default=1, help="processes sharing the subscription ($share/<client-id>/…)"
    )
    ingest.set_defaults(run=cmd_ingest)

    user = sub.add_parser("user", help="manage people and their roles")
    user.add_argument("action", choices=["add", "disable", "enable", "reset", "unlock"])
    user.add_argument("username")
    user.add_argument("--role", choices=ROLES)
    user.add_argument("--name", help="display name")
    user.add_argument("--phone")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(run=cmd_user)

    token = sub.add_parser("token", help="API bearer tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="print a new bearer token (shown once)")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--expires", type=_duration, default=None, help="lifetime such as 90d or 12h (default: none)")
    create.set_defaults(run=cmd_token)
    token_sub.add_parser("list", help="every token: role, state, created, expires, last used").set_defaults(
        run=cmd_token
    )
    revoke = token_sub.add_parser("revoke", help="end a token at once")
    revoke.add_argument("name")
    revoke.set_defaults(run=cmd_token)

    load = sub.add_parser("import", help="import a file into the data catalog as a new dataset version")
    load.add_argument(
        "path",
        help="CSV, Excel, GeoJSON, GeoPackage, Shapefile (zip), OSM (XML/PBF), CityJSON, GTFS (zip); a GeoTIFF or "
        "SRTM .hgt elevation model becomes the CIM terrain",
    )
    load.add_argument("--dataset", help="the dataset's name (letters, digits, _ and -); default: the file's name")
    load.add_argument("--department", default="未指定部门", help="the providing department (提供部门)")
    load.add_argument("--title", help="the dataset's title, for a new dataset")
    load.add_argument("--sharing", choices=SHARING, help="共享属性 (a new dataset: conditional)")
    load.add_argument("--opening", choices=OPENING, help="开放属性 (a new dataset: closed)")
    load.add_argument("--frequency", choices=list(FREQUENCY_DAYS), help="更新频率 (a new dataset: irregular)")
    load.add_argument("--description", help="what the dataset holds")
    load.add_argument("--source-department", help="数源部门, if not the providing department")
    load.add_argument("--crs", help="the file's coordinate system if it does not say: EPSG:xxxx, gcj02 or bd09")
    load.add_argument("--encoding", help="a CSV's text encoding if detection should not decide (e.g. gb18030)")
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    load.add_argument("--version-id", type=int, help=argparse.SUPPRESS)  # a version the upload page prepared
    load.add_argument("--source-name", help=argparse.SUPPRESS)  # the uploaded file's own name
    load.add_argument("--actor", help=argparse.SUPPRESS)  # the analyst who uploaded it
    load.set_defaults(run=cmd_import)

    fights = sub.add_parser("conflicts", help="数据打架: departments' datasets that disagree")
    fights_sub = fights.add_subparsers(dest="conflicts_command", required=True)
    detect = fights_sub.add_parser("detect", help="run the comparisons (all, or one)")
    detect.add_argument("--comparison", choices=sorted(COMPARISONS))
    listed = fights_sub.add_parser("list", help="the conflict tickets")
    listed.add_argument("--status", choices=conflicts.STATUSES)
    listed.add_argument("--limit", type=int, default=100)
    fights.set_defaults(run=cmd_conflicts)

    ground = sub.add_parser("terrain", help="the CIM terrain (import a DEM with `cockpit import FILE.tif|.hgt`)")
    ground.add_argument("terrain_command", choices=["clear"], help="clear: back to the generated terrain")
    ground.set_defaults(run=cmd_terrain)

    simulation = sub.add_parser("simulation", help="run a recorded simulation (started by the page or the API)")
    simulation.add_argument("id", type=int)
    simulation.set_defaults(run=cmd_simulation)

    keep = sub.add_parser("retention", help="drop readings older than COCKPIT_READING_MONTHS months")
    keep.add_argument("--months", type=int, default=None, help="override the setting for this run")
    keep.set_defaults(run=cmd_retention)

    audit_cmd = sub.add_parser("audit", help="the audit log")
    audit_sub = audit_cmd.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="check the hash chain against its anchors").set_defaults(run=cmd_audit)
    anchor_cmd = audit_sub.add_parser("anchor", help="write the chain's head to the signed anchor file")
    anchor_cmd.add_argument("--every", type=float, default=None, help="seconds between anchors; once if omitted")
    anchor_cmd.set_defaults(run=cmd_audit)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except users.UserError as error:
        print(f"cockpit: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
