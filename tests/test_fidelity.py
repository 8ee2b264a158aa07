"""The tracer never changes what a program does, also where the outcome is a matter of timing.

Each program in ``tests/programs/timing/`` gets its Ctrl+C at instants where what happens
depends on which thread runs first, or on where in the main thread the KeyboardInterrupt lands.
It is run many times untraced and traced, each untraced run side by side with a traced one (so
both meet the same load), and the outcomes (exit status and output) are compared as
distributions: a deterministic program must give its one outcome every time traced too; for a
racy one, Fisher's exact test must not find the two distributions different (p >= ALPHA).
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import labkit
from labkit import interpreters

pytestmark = pytest.mark.slow

PROGRAMS = Path(__file__).parent / "programs" / "timing"
PYTHONS = interpreters.available()
ALPHA = 0.001  # a false alarm at most once in a thousand comparisons of equal distributions
READY = "main: ready"  # each program prints this when its event loop runs

Outcome = tuple[int, tuple[str, ...]]


def untraced(script: Path, python: str, instants: list[float]) -> Outcome:
    """Run the program as a terminal would, and send SIGINT to its process group at each
    instant after it said it is ready (labkit's plan counts from the loop's start likewise)."""
    child = subprocess.Popen([python, "-u", str(script)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert child.stdout is not None
    first = child.stdout.readline()
    ready = time.monotonic()
    for instant in instants:
        time.sleep(max(0.0, ready + instant - time.monotonic()))
        os.killpg(child.pid, signal.SIGINT)
    rest, _ = child.communicate(timeout=20)
    return child.returncode, tuple((first + rest).splitlines())


def traced(script: Path, python: str, instants: list[float]) -> Outcome:
    """The same under labkit, with the plan ``INT@instant`` for each instant."""
    trace = labkit.run(script, python=python, interrupt=[f"INT@{t}" for t in instants],
                       timeout=20)
    assert trace.exit_code is not None
    return trace.exit_code, tuple(trace.stdout_text().splitlines())


def side_by_side(script: Path, python: str, instants: list[float],
                 runs: int) -> tuple[Counter[Outcome], Counter[Outcome]]:
    """``runs`` untraced and ``runs`` traced outcomes, each pair run at the same time."""
    plain: Counter[Outcome] = Counter()
    with_tracer: Counter[Outcome] = Counter()
    with ThreadPoolExecutor(2) as pool:
        for _ in range(runs):
            a = pool.submit(untraced, script, python, instants)
            b = pool.submit(traced, script, python, instants)
            plain[a.result()] += 1
            with_tracer[b.result()] += 1
    print(f"{script.name} on {python}: untraced {dict(plain)}; traced {dict(with_tracer)}")
    return plain, with_tracer


def fisher(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test for the 2x2 table [[a, b], [c, d]]."""
    row, column, n = a + b, a + c, a + b + c + d

    def probability(x: int) -> float:
        return math.comb(column, x) * math.comb(n - column, row - x) / math.comb(n, row)
    observed = probability(a)
    lowest, highest = max(0, row + column - n), min(row, column)
    return min(1.0, sum(p for x in range(lowest, highest + 1)
                        if (p := probability(x)) <= observed * (1 + 1e-9)))


def different(plain: Counter[Outcome], with_tracer: Counter[Outcome]) -> float:
    """The smallest p-value over the outcomes, each tested as "this outcome or another"."""
    n, m = sum(plain.values()), sum(with_tracer.values())
    return min(fisher(plain[o], n - plain[o], with_tracer[o], m - with_tracer[o])
               for o in set(plain) | set(with_tracer))


def test_fisher_against_known_values() -> None:
    assert fisher(3, 1, 1, 3) == pytest.approx(0.4857, abs=1e-4)  # the tea-tasting table
    assert fisher(12, 0, 6, 6) == pytest.approx(0.0137, abs=1e-4)
    assert fisher(24, 0, 12, 12) < ALPHA  # the size of shift the tests below must catch
    assert fisher(10, 10, 10, 10) == pytest.approx(1.0)


SCENARIOS = Path(__file__).parent.parent / "scenarios"
DETERMINISTIC = [("join_interrupted.py", [0.5]), ("second_ctrl_c.py", [0.5, 0.7]),
                 # its cleanups run as Python clears its modules at exit, in an order the
                 # tracer's own imports could change
                 (str(SCENARIOS / "11e_fix3_graceful_shutdown.py"), [0.5])]
RACY = [("join_then_cancel.py", [0.5]), ("lands_in_step.py", [0.5])]


@pytest.mark.parametrize("version", sorted(PYTHONS))
@pytest.mark.parametrize(("name", "instants"), DETERMINISTIC,
                         ids=[Path(n).name for n, _ in DETERMINISTIC])
def test_a_deterministic_outcome_stays_the_same_traced(name: str, instants: list[float],
                                                       version: str) -> None:
    plain, with_tracer = side_by_side(PROGRAMS / name, PYTHONS[version].path, instants, 8)
    if len(plain) == 1:
        assert with_tracer == plain, f"untraced {dict(plain)}, traced {dict(with_tracer)}"
    else:  # not deterministic on this machine after all: compare as distributions
        assert different(plain, with_tracer) >= ALPHA, (
            f"untraced {dict(plain)}, traced {dict(with_tracer)}")


@pytest.mark.parametrize(("name", "instants"), RACY, ids=[n for n, _ in RACY])
def test_a_racy_outcome_keeps_its_distribution_traced(name: str, instants: list[float]) -> None:
    python = PYTHONS.get("3.11") or next(iter(PYTHONS.values()))
    plain, with_tracer = side_by_side(PROGRAMS / name, python.path, instants, 24)
    assert different(plain, with_tracer) >= ALPHA, (
        f"untraced {dict(plain)}, traced {dict(with_tracer)}")
