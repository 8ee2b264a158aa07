"""labkit's performance targets, measured side by side in one run (not timed tests).

1. Tracer overhead on task churn: whole-process wall time of the churn script traced by labkit
   (from start to exit), untraced, and untraced under asyncio's debug mode, interleaved round by
   round; the medians' ratios are reported. Target: traced/untraced at most 1.5x. labkit.run's
   end-to-end time (which adds the parent reading and building the trace) is shown beside it.
2. Signal latency: from the runner sending SIGINT to the resulting "signal received" event
   reaching the parent. Target: p95 under 20 ms.

Usage: python benchmarks/run_benchmarks.py [--rounds N] [--python VERSION]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import labkit
from labkit.interpreters import resolve

HERE = Path(__file__).parent


def _time(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _time_traced(script: str, python: labkit.Interpreter) -> tuple[float, float, int]:
    """The traced process's lifetime (start to exit, as the runner saw it), labkit.run's whole
    wall time (with reading and building the trace), and the number of tasks traced."""
    start = time.perf_counter()
    trace = labkit.run(script, python=python, timeout=120)
    elapsed = time.perf_counter() - start
    assert trace.exit_code == 0 and trace.ended is not None, trace.stderr_text()
    return trace.ended, elapsed, len(trace.tasks)


def overhead(python: labkit.Interpreter, rounds: int) -> dict[str, float]:
    """Median wall times of the three ways to run the churn script, and their ratios."""
    script = str(HERE / "churn.py")
    debug_env = dict(os.environ, PYTHONASYNCIODEBUG="1")
    plain, traced, end_to_end, debug = [], [], [], []
    tasks = 0
    for _ in range(rounds):
        plain.append(_time([python.path, script]))
        lifetime, elapsed, tasks = _time_traced(script, python)
        traced.append(lifetime)
        end_to_end.append(elapsed)
        debug.append(_time([python.path, script], debug_env))
    result = {
        "plain_s": statistics.median(plain),
        "traced_s": statistics.median(traced),
        "end_to_end_s": statistics.median(end_to_end),
        "debug_s": statistics.median(debug),
        "tasks": float(tasks),
    }
    result["traced_ratio"] = result["traced_s"] / result["plain_s"]
    result["end_to_end_ratio"] = result["end_to_end_s"] / result["plain_s"]
    result["debug_ratio"] = result["debug_s"] / result["plain_s"]
    return result


def latency(python: labkit.Interpreter, signals: int = 40) -> dict[str, float]:
    """Delay from sending each SIGINT to its 'received' event arriving in the parent."""
    arrivals: dict[int, float] = {}

    def on_event(trace: labkit.Trace) -> None:
        now = time.monotonic()
        for index, record in enumerate(trace.signals):
            if record.received is not None and index not in arrivals:
                arrivals[index] = now

    plan = [f"INT@{0.2 + 0.05 * i:.2f}" for i in range(signals)]
    run = labkit.ProgramRun(str(HERE / "signal_target.py"), python=python, interrupt=plan,
                            timeout=0.4 + 0.05 * signals, grace=1.0, on_event=on_event)
    trace = run.start().wait()
    delays = []
    for index, record in enumerate(trace.signals[:signals]):
        if record.reason == "plan" and record.sent is not None and index in arrivals:
            delays.append((arrivals[index] - run.origin - record.sent) * 1000)
    delays.sort()
    return {
        "signals": float(len(delays)),
        "p50_ms": statistics.median(delays),
        "p95_ms": delays[int(0.95 * (len(delays) - 1))],
        "max_ms": delays[-1],
    }


def main() -> int:
    """Run both benchmarks and print the figures next to their targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--python", default=None)
    options = parser.parse_args()
    python = resolve(options.python)
    print(f"Python {python.version}, {os.cpu_count()} cores")
    o = overhead(python, options.rounds)
    print(f"task churn ({o['tasks']:.0f} tasks), median of {options.rounds} interleaved rounds:")
    print(f"  untraced {o['plain_s']:.3f} s | traced process {o['traced_s']:.3f} s "
          f"({o['traced_ratio']:.2f}x, target <= 1.5x) | asyncio debug {o['debug_s']:.3f} s "
          f"({o['debug_ratio']:.2f}x)")
    print(f"  labkit.run end to end, with reading and building the trace: "
          f"{o['end_to_end_s']:.3f} s ({o['end_to_end_ratio']:.2f}x)")
    lat = latency(python)
    print(f"signal -> first event in parent, {lat['signals']:.0f} signals: p50 "
          f"{lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms (target < 20 ms), "
          f"max {lat['max_ms']:.2f} ms")
    ok = o["traced_ratio"] <= 1.5 and lat["p95_ms"] < 20
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
