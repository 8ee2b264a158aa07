"""How long the notebook series takes to run top to bottom, headless (nbclient, a fresh kernel
per notebook, as a learner's Run All). Target: the six notebooks 00-05 in under 3 minutes.

Usage: python benchmarks/notebook_series.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.notebook_support import NOTEBOOKS, execute

TARGET_S = 180.0


def main() -> None:
    """Execute each numbered notebook and print its time and the total."""
    total = 0.0
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        start = time.perf_counter()
        execute(path.name)
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"{path.name:<40} {elapsed:6.1f} s")
    verdict = "met" if total < TARGET_S else "NOT met"
    print(f"{'all':<40} {total:6.1f} s (target < {TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
