"""Instructions the churn script's process executes, traced and untraced, counted by callgrind.

Wall times on a shared machine move with the other load; instruction counts do not (two runs
differ by a few hundred instructions in two billion), so this is the figure to compare two
versions of the tracer by. The traced child gets the environment labkit gives it, with the
tracer compiled ahead as the runner has it (``labkit.bytecode``), and its trace channel is
drained by this process, but only the child runs under valgrind. PYTHONHASHSEED is fixed.

Usage: python benchmarks/instructions.py [--python VERSION] [--script PATH] [--repeat N]
Needs valgrind on PATH. Slow: a minute or two for the pair of counts.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from labkit.bytecode import compiled_tracer
from labkit.interpreters import resolve
from labkit.process import traced_environment

HERE = Path(__file__).parent
_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


def _drain(fd: int) -> None:
    while os.read(fd, 1 << 16):
        pass
    os.close(fd)


def count(python: str, script: str, traced: bool, version: str = "") -> int:
    """Instructions (Ir) the interpreter running ``script`` executes from start to exit."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                   python, script]
        if not traced:
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        else:
            read, write = os.pipe()
            reader = threading.Thread(target=_drain, args=(read,))
            reader.start()
            try:
                code = compiled_tracer(python, version)
                subprocess.run(command, env=traced_environment(env, write, "instructions", code),
                               pass_fds=(write,), check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            finally:
                os.close(write)
                reader.join()
        match = _TOTAL.search(Path(out).read_text())
        assert match is not None, "no totals in callgrind's output"
        return int(match.group(1))


def main() -> int:
    """Count both ways and print the counts and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=None)
    parser.add_argument("--script", default=str(HERE / "churn.py"))
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    python = resolve(options.python)
    # the interpreter itself, not a launcher such as a pyenv shim (valgrind would count that)
    executable = subprocess.run([python.path, "-c", "import sys; print(sys.executable)"],
                                capture_output=True, text=True, check=True).stdout.strip()
    for _ in range(options.repeat):
        plain = count(executable, options.script, traced=False)
        traced = count(executable, options.script, traced=True, version=python.version)
        print(f"Python {python.version}: untraced {plain:,} | traced {traced:,} "
              f"({traced / plain:.3f}x, +{traced - plain:,})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
