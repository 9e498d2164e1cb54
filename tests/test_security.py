"""Regression tests for findings of the black-box security test (#11) fixed so far: body-size limit (F13),
request ids made by the server (F15), no shared gunicorn control socket between instances (F21)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from conftest import ROOT, TEST_ACTOR, csrf_token_of, free_port, wait_for

from cockpit.services import audit, users

BIG = b"x" * (3 * 1024 * 1024)


def test_bodies_over_the_limit_are_refused_before_anything_is_read(app_client, client_as, city_url):
    token = users.create_token(city_url, TEST_ACTOR, "security-size", "analyst")
    answer = app_client.post(
        "/api/v1/readings", data=BIG, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and "larger than" in answer.get_json()["error"]
    duty = client_as("duty_officer")
    dash = duty.post(
        "/_dash-update-component",
        data=BIG,
        headers={"X-CSRFToken": csrf_token_of(duty), "Content-Type": "application/json"},
    )
    assert dash.status_code == 413


def test_a_client_request_id_is_neither_trusted_nor_echoed(app_client, city_url):
    forged = '<svg onload="alert(1)">'
    answer = app_client.get("/login", headers={"X-Request-ID": forged})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])
    app_client.post("/login", data={"username": "nobody", "password": "x"}, headers={"X-Request-ID": forged})
    assert all(forged not in (row["request_id"] or "") for row in audit.rows(city_url, limit=50))


def test_two_instances_on_one_host_keep_no_shared_control_socket(city_dir):
    env = os.environ | {"COCKPIT_VAR_DIR": str(city_dir)}
    started = []
    for _ in range(2):
        port = free_port()
        log = city_dir / f"instance-{port}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "cockpit.cli", "serve", "--port", str(port), "--workers", "1", "--no-simulate"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, port, log))
    try:
        for _, port, _ in started:
            wait_for(f"http://127.0.0.1:{port}/login")
        time.sleep(0.5)
        for _, _, log in started:
            assert "Control socket" not in log.read_text()
    finally:
        for process, _, _ in started:
            process.terminate()
            process.wait(timeout=30)
