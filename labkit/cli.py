"""The ``labkit`` command: ``labkit run SCRIPT [--interrupt SIGNAL@SECONDS]... [--json]``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence

from .interpreters import InterpreterNotFound
from .runner import PlanError, ProgramRun
from .textview import render


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labkit", description="Run asyncio programs, interrupt them, see every task's fate."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a script traced and show what happened")
    run.add_argument("script", help="the Python script to run")
    run.add_argument("args", nargs="*", help="arguments for the script (after --)")
    run.add_argument(
        "--interrupt", action="append", default=[], metavar="SIGNAL@SECONDS",
        help="send SIGNAL this many seconds after the first event loop starts "
        "(repeatable, e.g. --interrupt INT@0.5 --interrupt INT@1.5)",
    )
    run.add_argument("--python", metavar="VERSION_OR_PATH",
                     help="interpreter to run under: a version such as 3.12, or a path")
    run.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                     help="then SIGINT, SIGTERM, SIGKILL (default: %(default)s)")
    run.add_argument("--json", action="store_true", help="print the trace as one JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 when the program ran, whatever it did)."""
    options = _parser().parse_args(argv)
    try:
        program = ProgramRun(options.script, args=options.args, python=options.python,
                             interrupts=options.interrupt, timeout=options.timeout)
    except (PlanError, InterpreterNotFound, ValueError) as exc:
        print(f"labkit: {exc}", file=sys.stderr)
        return 2
    program.start()
    try:
        trace = program.wait()
    except KeyboardInterrupt:
        # Ctrl+C here goes to the program as an interrupt; a second one ends it.
        program.send(signal.SIGINT)
        try:
            trace = program.wait()
        except KeyboardInterrupt:
            print("labkit: stopped; the program was killed", file=sys.stderr)
            return 130
    if options.json:
        json.dump(trace.to_dict(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(render(trace))
        print("--- stdout ---")
        sys.stdout.write(trace.stdout_text())
        print("--- stderr ---")
        sys.stdout.write(trace.stderr_text())
    return 2 if trace.python is None or any(
        "does not exist" in note for _, note in trace.notes) else 0


if __name__ == "__main__":
    sys.exit(main())
