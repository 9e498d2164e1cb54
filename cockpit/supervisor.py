"""`cockpit ingest --workers N`: N ingestion processes behind one MQTT shared subscription, so decoding,
validation and rule evaluation use every core; SQLite still takes one writer at a time (they queue on its
writers' lock), PostgreSQL takes them side by side. A worker that dies is started again under the same
client id, so the broker hands it the messages its persistent session was holding."""

from __future__ import annotations

import multiprocessing
import signal
import threading
from multiprocessing.context import SpawnProcess

RESTART_CHECK_S = 1.0


def _worker(url: str, mqtt_url: str, client_id: str, share: str, housekeeping: bool) -> None:
    from cockpit.services.iot.live import ingest_forever

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stored = ingest_forever(url, mqtt_url, stop, client_id=client_id, share=share, housekeeping=housekeeping)
    print(f"{client_id} stopped after storing {stored} readings", flush=True)


def run(url: str, mqtt_url: str, client_id: str, workers: int, stop: threading.Event) -> None:
    """Keep `workers` processes running until `stop` is set; the first one also sweeps and relays commands."""
    context = multiprocessing.get_context("spawn")  # no engine, pool or thread of this process is inherited

    def start(k: int) -> SpawnProcess:
        process = context.Process(
            target=_worker, args=(url, mqtt_url, f"{client_id}-{k}", client_id, k == 0), name=f"{client_id}-{k}"
        )
        process.start()
        return process

    processes = [start(k) for k in range(workers)]
    try:
        while not stop.wait(RESTART_CHECK_S):
            for k, process in enumerate(processes):
                if not process.is_alive():
                    print(f"{process.name} exited with {process.exitcode}; starting it again", flush=True)
                    processes[k] = start(k)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=20)
            if process.is_alive():
                process.kill()
