"""Time until `/` has drawn its map and KPIs in headless Debian Chromium, per sample-city scale.

Each scale gets its own database and `cockpit serve` (2 workers). Every run is a fresh browser context
(cold cache, as a wall screen after a restart). The baseline, measured in the same run against the same
server, is the cockpit's bare shell (the not-found page): the ratio shows what the overview adds.

    .venv/bin/python bench/page_load.py [--scales small large] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import FLAGS, ROOT, serve
from playwright.sync_api import sync_playwright

DRAWN = """() => document.querySelector('#overview-kpis .kpi-value')
  && document.querySelectorAll('#overview-air .air-station').length === 12
  && document.querySelector('.cockpit-cluster')
  && document.querySelector('.leaflet-overlay-pane canvas')"""
SHELL = "() => document.querySelector('.not-found') && document.querySelector('h1')"


def signed_in_state(browser, base: str) -> dict:
    """Cookies of a signed-in leader (a demo account of `cockpit init`), reused by every cold context."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/login?next=/no-such-page")
    page.fill("#username", "leader")
    page.fill("#password", "leader-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_function(SHELL)
    state = context.storage_state()
    context.close()
    return state


def measure(browser, url: str, ready: str, state: dict) -> float:
    """Milliseconds from navigation start until `ready` holds, in a fresh context (empty browser cache)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, storage_state=state)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function(ready, timeout=60_000, polling="raf")
    elapsed = page.evaluate("performance.now()")
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", nargs="+", default=["small", "large"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    targets = {"small": 1500, "medium": 2000, "large": 3000}
    print(f"{'scale':<7} {'overview median ms':>19} {'shell median ms':>16} {'ratio':>6} {'target ms':>10}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for scale in args.scales:
            with tempfile.TemporaryDirectory() as tmp:
                env = os.environ | {"COCKPIT_VAR_DIR": tmp}
                cmd = [sys.executable, "-m", "cockpit.cli", "init", "--scale", scale]
                subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
                proc = serve(Path(tmp), args.port)
                try:
                    base = f"http://127.0.0.1:{args.port}"
                    state = signed_in_state(browser, base)
                    measure(browser, base + "/", DRAWN, state)  # warm the server's layer cache, as any first visit
                    overview = [measure(browser, base + "/", DRAWN, state) for _ in range(args.runs)]
                    shell = [measure(browser, base + "/no-such-page", SHELL, state) for _ in range(args.runs)]
                finally:
                    proc.terminate()
                    proc.wait()
            o, s = statistics.median(overview), statistics.median(shell)
            print(f"{scale:<7} {o:>19.0f} {s:>16.0f} {o / s:>6.2f} {targets[scale]:>10}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
