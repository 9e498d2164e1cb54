"""The `cockpit` console script (commands of DESIGN.md that are built so far)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from gunicorn import util
from gunicorn.app.base import BaseApplication

from cockpit.settings import load_settings
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


def cmd_init(args: argparse.Namespace) -> int:
    from sample_data.load import load_sample_city

    settings = load_settings()
    started = time.monotonic()
    upgrade(settings.database_url)
    meta = load_sample_city(settings.database_url, args.scale, args.seed, force=args.force)
    print(
        f"schema at head; sample city scale={meta['sample_scale']} seed={meta['sample_seed']} "
        f"loaded {meta['loaded_at']} ({time.monotonic() - started:.1f} s)"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    upgrade(settings.database_url)
    print(f"cockpit on http://{args.host}:{args.port}/ ({args.workers} workers)", flush=True)
    _Gunicorn(
        {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "worker_class": "gthread",
            "threads": args.threads,
            "timeout": 60,
            "accesslog": None,
        }
    ).run()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cockpit", description="City Brain management cockpit")
    sub = p.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create or migrate the schema, load the sample city")
    init.add_argument("--scale", choices=list(SCALES), default="small")
    init.add_argument("--seed", type=int, default=20261124)
    init.add_argument("--force", action="store_true", help="reload even if this scale and seed are loaded")
    init.set_defaults(run=cmd_init)

    serve = sub.add_parser("serve", help="serve with gunicorn")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4)
    serve.set_defaults(run=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
