"""12345 routing: latency and throughput of the router, and its accuracy, macro-F1 and top-3 accuracy by
5-fold stratified cross-validation on the 395 real labelled messages, against a majority-class and a keyword
baseline scored on the same folds in the same run.

    .venv/bin/python bench/services.py [--tickets 2000]

Latency (`cockpit.services.services.ticket_router.route`, one text at a time, as the intake calls it; target p95 <=
20 ms) over --tickets real messages replayed from messages_with_replies/votes; throughput both one at a time
and as one batch (`predict_proba` on all texts), the batch being the baseline the one-at-a-time figure is
compared with. The model is trained once before the clock starts."""

from __future__ import annotations

import argparse
import time

from common import pct

from cockpit.services.services import ticket_router
from sample_data.services import replayed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    model = ticket_router.model()
    print(
        f"router trained on the labelled messages in {time.perf_counter() - started:.1f} s (jieba dictionary included)"
    )
    texts = [f"{title}。{detail}" for title, detail, _days in replayed()[: args.tickets]]
    times = []
    for text in texts:
        started = time.perf_counter()
        ticket_router.route(text)
        times.append(time.perf_counter() - started)
    total = sum(times)
    print(
        f"routing one at a time, {len(texts)} tickets: p50 {pct(times, 50) * 1000:.1f} ms, "
        f"p95 {pct(times, 95) * 1000:.1f} ms (target <= 20 ms); {len(texts) / total:.0f} tickets/s"
    )
    started = time.perf_counter()
    model.predict_proba(texts)
    batch = time.perf_counter() - started
    print(f"  baseline one batch: {len(texts) / batch:.0f} tickets/s; one at a time is {batch / total:.2f}x of it")
    started = time.perf_counter()
    cv = ticket_router.cross_validate(5)
    print(
        f"5-fold stratified cross-validation on {cv['messages']} real labelled messages "
        f"({time.perf_counter() - started:.0f} s):"
    )
    for name in ("router", "keyword", "majority"):
        scores = cv[name]
        top3 = f", top-3 {scores['top3']:.3f}" if "top3" in scores else ""
        print(f"  {name:9} accuracy {scores['accuracy']:.3f}, macro-F1 {scores['macro_f1']:.3f}{top3}")
    ratio = cv["router"]["accuracy"] / cv["keyword"]["accuracy"]
    print(
        f"  router / keyword accuracy: {ratio:.2f}x; router / majority: "
        f"{cv['router']['accuracy'] / cv['majority']['accuracy']:.2f}x"
    )


if __name__ == "__main__":
    main()
