"""What the user waits for: whole commands timed side by side (a measurement, not a timed test).

Interleaved round by round, each variant once a round, start to exit of the whole command:

- churn (``benchmarks/churn61k.py``, about 61,200 tasks): the untraced program, ``labkit run`` (text
  to a file), ``labkit run --json`` and ``labkit run --json --events`` (to a file);
- a real aiohttp service (``benchmarks/aiohttp_service.py``) under a client load from a second
  process (``benchmarks/http_load.py``, a new connection per request): the same four.

Also the labkit process's peak memory (its maximum resident set, from ``os.wait4``) per task
traced on the churn (a process's peak starts at its parent's, so this script keeps its own
small; on the smaller aiohttp trace the interpreter's own 20 MB weigh more, so it is shown, not
judged). Reports medians and their ratios to the untraced program. Targets: the commands at
most 2.0x on the churn (aim: 1.5x), at most 1.5x on the aiohttp load, at most 2 KB a task.

aiohttp is installed from PyPI into ``.third-party/`` (git-ignored) if it is missing there.
``--compare DIR`` times a second labkit too (DIR holds its ``labkit`` package, e.g. an older
checkout), in the same rounds. The machine's other load moves single runs a lot: read the
ratios of the medians, over several rounds.

Usage: python benchmarks/whole_command.py [--rounds N] [--requests N] [--compare DIR]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
THIRD_PARTY = HERE.parent / ".third-party"
CHURN = HERE / "churn61k.py"
SERVICE = HERE / "aiohttp_service.py"
LOAD = HERE / "http_load.py"
TARGETS = {"churn": 2.0, "aiohttp": 1.5}
MEMORY_TARGET = 2048  # bytes a task


def ensure_aiohttp() -> None:
    """aiohttp importable from THIRD_PARTY, installed there with pip if it is not."""
    check = [sys.executable, "-c", "import aiohttp"]
    env = dict(os.environ, PYTHONPATH=str(THIRD_PARTY))
    if subprocess.run(check, env=env, capture_output=True).returncode == 0:
        return
    print(f"installing aiohttp into {THIRD_PARTY} ...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "--target", str(THIRD_PARTY), "aiohttp"],
                   check=True)


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(command: list[str], out: Path, env: dict[str, str],
          load: list[str] | None = None) -> tuple[float, int]:
    """Wall time of ``command`` from start to exit (stdout to ``out``), and its peak memory in
    bytes; ``load`` is started beside it and waited for after."""
    with out.open("wb") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, env=env)
        client = subprocess.Popen(load, env=env) if load else None
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    if client is not None:
        client.wait(60)
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return elapsed, usage.ru_maxrss * 1024


def count_tasks(trace: Path) -> int:
    """The tasks in a JSON trace, counted in another process: a process's peak memory starts
    at its parent's when it forks, so this one must stay small."""
    count = "import json, sys; print(len(json.load(open(sys.argv[1]))['tasks']))"
    return int(subprocess.run([sys.executable, "-c", count, str(trace)], check=True,
                              capture_output=True, text=True).stdout)


def variants(compare: Path | None) -> dict[str, tuple[list[str], list[str]]]:
    """The ways to run a program: untraced, and each labkit's two commands (the command up to
    the script, and the options after it)."""
    script = Path(sys.executable).parent / "labkit"  # the console script, as a user runs it
    labkits = {"": [str(script)] if script.exists() else [sys.executable, "-m", "labkit.cli"]}
    if compare is not None:  # as its own console script did: sys.exit(main())
        labkits[" (compared)"] = [sys.executable, "-c", f"import sys; sys.path.insert(0, "
                                  f"{str(compare)!r}); from labkit.cli import main; "
                                  "sys.exit(main())"]
    result: dict[str, tuple[list[str], list[str]]] = {"untraced": ([sys.executable], [])}
    for suffix, labkit in labkits.items():
        result[f"labkit run{suffix}"] = ([*labkit, "run"], ["--timeout", "300"])
        result[f"labkit run --json{suffix}"] = ([*labkit, "run"], ["--timeout", "300", "--json"])
        if not suffix:  # an earlier labkit always wrote the events
            result["labkit run --json --events"] = ([*labkit, "run"],
                                                    ["--timeout", "300", "--json", "--events"])
    return result


def command(variant: tuple[list[str], list[str]], script: Path, args: list[str]) -> list[str]:
    """``variant`` running ``script`` with ``args``."""
    before, options = variant
    if not options:
        return [*before, str(script), *args]
    return [*before, str(script), *options, "--", *args]


def measure(rounds: int, requests: int, compare: Path | None) -> dict[str, dict[str, list[float]]]:
    """Times (s) and memory (bytes) of each variant on each load, round by round."""
    env = dict(os.environ, PYTHONPATH=str(THIRD_PARTY))
    results: dict[str, dict[str, list[float]]] = {}
    runners = variants(compare)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        for index in range(rounds):
            for load in ("churn", "aiohttp"):
                for name, runner in runners.items():
                    if load == "churn":
                        elapsed, memory = timed(command(runner, CHURN, []), out, env)
                    else:
                        port = free_port()
                        args = [str(port), str(requests)]
                        client = [sys.executable, str(LOAD), *args]
                        elapsed, memory = timed(command(runner, SERVICE, args), out, env, client)
                    cell = results.setdefault(load, {}).setdefault(name, [])
                    cell.append(elapsed)
                    results[load].setdefault(f"{name} memory", []).append(memory)
                    if "--json" in name and index == 0:
                        results[load]["tasks"] = [count_tasks(out)]
            print(f"round {index + 1} of {rounds} done", file=sys.stderr, flush=True)
    return results


def report(results: dict[str, dict[str, list[float]]], rounds: int) -> bool:
    """Print medians and ratios; whether every target is met."""
    ok = True
    for load, cells in results.items():
        tasks = int(cells["tasks"][0])
        plain = statistics.median(cells["untraced"])
        print(f"{load} ({tasks:,} tasks), median of {rounds} interleaved rounds:")
        for name, times in cells.items():
            if name == "tasks" or name.endswith("memory"):
                continue
            median = statistics.median(times)
            line = f"  {name:<30} {median:7.3f} s  {median / plain:5.2f}x"
            if name != "untraced":
                memory = statistics.median(cells[f"{name} memory"])
                line += f"  peak memory {memory / 2**20:6.1f} MiB, {memory / tasks:6.0f} B a task"
                if "compared" not in name:
                    met = median / plain <= TARGETS[load]
                    met = met and (load != "churn" or memory / tasks <= MEMORY_TARGET)
                    ok = ok and met
                    memory_target = ", <= 2 KB a task" if load == "churn" else ""
                    line += f"  (target <= {TARGETS[load]}x{memory_target}: "
                    line += "met)" if met else "NOT met)"
            print(line + f"  [{min(times):.3f} to {max(times):.3f} s]")
    return ok


def main() -> int:
    """Measure and report; exit status 0 when the targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--compare", type=Path, default=None,
                        help="a folder holding another labkit package, timed beside this one")
    options = parser.parse_args()
    ensure_aiohttp()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    results = measure(options.rounds, options.requests, options.compare)
    ok = report(results, options.rounds)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
