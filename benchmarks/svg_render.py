"""SVG timeline rendering time for a big trace (a measurement, not a timed test).

Builds a synthetic trace of 200 tasks and 20,000 events (task steps, cancel requests, signals)
and renders it with ``labkit.svg.render_svg`` repeatedly. Target: under 100 ms per render.

Usage: python benchmarks/svg_render.py [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from labkit.model import CancelRequest, LoopRecord, SignalRecord, TaskRecord, Trace
from labkit.svg import render_svg

TASKS, EVENTS, TARGET_MS = 200, 20_000, 100.0
SIGNALS = 10
OUTCOMES = ["finished"] * 6 + ["cancelled"] * 3 + ["failed", "destroyed-pending"]


def synthetic_trace(seed: int = 1) -> Trace:
    """200 tasks over 10 s with 20,000 events between them: steps, cancels and signals."""
    rng = random.Random(seed)
    steps = EVENTS - SIGNALS - TASKS  # each task has one cancel request too
    tasks = []
    for n in range(TASKS):
        created = 0.1 + n * 0.02
        ended = created + rng.uniform(1.0, 9.0)
        count = steps // TASKS + (n < steps % TASKS)
        starts = sorted(rng.uniform(created, ended) for _ in range(count))
        outcome = rng.choice(OUTCOMES)
        tasks.append(TaskRecord(
            n + 1, f"Task-{n + 1}", "worker", 1 if n else None, 1, created,
            steps=[(t, t + 0.0002) for t in starts],
            running_time=count * 0.0002,
            cancel_requests=[CancelRequest(ended - 0.5, 1, None, 1, True)],
            outcome=outcome, ended=ended,
            exc_type="ValueError" if outcome == "failed" else None,
            exc_message="bad input" if outcome == "failed" else None,
        ))
    signals = [SignalRecord("SIGINT", 1.0 + i, "plan", "handled", 1.0005 + i, "asyncio.Runner")
               for i in range(SIGNALS)]
    loop = LoopRecord(1, "MainThread", 0.05, runs=[(0.1, 9.9, None)], stop_calls=[9.9],
                      closed=9.95)
    return Trace("synthetic.py", [], python="3.11.7", exit_code=0, ended=10.0, tasks=tasks,
                 loops=[loop], signals=signals)


def main() -> None:
    """Render the synthetic trace ``--rounds`` times and print the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=51)
    rounds = parser.parse_args().rounds
    trace = synthetic_trace()
    events = sum(len(t.steps) + len(t.cancel_requests) for t in trace.tasks) + len(trace.signals)
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(render_svg(trace))
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    verdict = "met" if median < TARGET_MS else "NOT met"
    print(f"{len(trace.tasks)} tasks, {events:,} events, SVG of {size / 1024:.0f} KiB")
    print(f"render_svg: median {median:.1f} ms, min {min(times):.1f} ms over {rounds} renders; "
          f"target under {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
