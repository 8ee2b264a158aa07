"""The ``labkit`` command: ``labkit run SCRIPT [--interrupt SIGNAL@SECONDS]... [-- ARGS]``."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from .interpreters import InterpreterNotFound
from .model import Trace
from .runner import LOOP_WAIT, PlanError, ProgramRun, working_directory
from .textview import render

EXIT_BAD_INPUT = 2
EXIT_STOPPED = 130  # the user pressed Ctrl+C twice: as a shell reports a SIGINT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labkit", description="Run asyncio programs, interrupt them, see every task's fate."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run a script traced and show what happened",
        usage="labkit run SCRIPT [options] [-- SCRIPT_ARGS...]",
        epilog="Arguments for the script go after --, e.g. "
        "labkit run app.py --interrupt INT@0.5 -- --port 8080. "
        "Ctrl+C while it runs is passed on to the program; a second Ctrl+C kills it.",
    )
    run.add_argument("script", help="the Python script to run")
    run.add_argument(
        "--interrupt", action="append", default=[], metavar="SIGNAL@SECONDS",
        help="send SIGNAL this many seconds after the first event loop starts, or after the "
        f"process started if no loop is seen within {LOOP_WAIT:g} s "
        "(repeatable, e.g. --interrupt INT@0.5 --interrupt INT@1.5)",
    )
    run.add_argument("--python", metavar="VERSION_OR_PATH",
                     help="interpreter to run under: a version such as 3.12, or a path")
    run.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                     help="if the program still runs after this long, send it SIGINT, then "
                     "SIGTERM and SIGKILL 2 s apart (default: %(default)s)")
    run.add_argument("--json", action="store_true", help="print the trace as one JSON object")
    run.add_argument("--events", action="store_true",
                     help="with --json: include the whole event stream (\"events\"), which "
                     "on a busy program is most of the output")
    return parser


def _split_script_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """labkit's own arguments, and the script's (everything after the first ``--``)."""
    argv = list(argv)
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


def _script_problem(script: str) -> str | None:
    try:
        path = working_directory() / script
    except FileNotFoundError as exc:
        return str(exc)
    if path.is_dir():
        return f"{script!r} is a folder; give the Python script to run"
    if not path.is_file():
        return f"there is no script at {script!r} (looked from {Path.cwd()})"
    return None


def _run_passing_ctrl_c(program: ProgramRun) -> tuple[Trace, bool]:
    """Wait for the program; a Ctrl+C goes on to it, a second one kills it.

    Returns the trace and whether the user killed the program. Ctrl+C is taken by a signal
    handler, not as KeyboardInterrupt, so the wait itself is never cut short.
    """
    presses = 0

    def on_ctrl_c(signum: int, frame: FrameType | None) -> None:
        nonlocal presses
        presses += 1
        if presses == 1:
            print("labkit: Ctrl+C passed on to the program (press it again to kill it)",
                  file=sys.stderr, flush=True)
            program.send(signal.SIGINT, reason="ctrl-c")
        else:
            print("labkit: killing the program", file=sys.stderr, flush=True)
            program.kill()

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        program.start()
        trace = program.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return trace, presses > 1


def _print_trace(trace: Trace, as_json: bool, events: bool) -> None:
    if as_json:  # compact to a file or a pipe, indented for a person at a terminal
        from .jsonview import write_json  # here: orjson's library takes a while to load

        sys.stdout.flush()
        write_json(trace, sys.stdout.buffer, events=events, indent=sys.stdout.isatty())
    else:
        print(render(trace))
        print("--- stdout ---")
        sys.stdout.write(trace.stdout_text())
        print("--- stderr ---")
        sys.stdout.write(trace.stderr_text())
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 when the program ran, whatever it did)."""
    own, script_args = _split_script_args(sys.argv[1:] if argv is None else argv)
    options = _parser().parse_args(own)
    if options.events and not options.json:
        print("labkit: --events goes with --json (the text view shows no event stream)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = _script_problem(options.script)
    if problem is not None:
        print(f"labkit: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        program = ProgramRun(options.script, args=script_args, python=options.python,
                             interrupt=options.interrupt, timeout=options.timeout)
    except (PlanError, InterpreterNotFound, ValueError) as exc:
        print(f"labkit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    trace, killed = _run_passing_ctrl_c(program)
    try:
        _print_trace(trace, options.json, options.events)
    except BrokenPipeError:  # e.g. `labkit run ... | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if killed:
        return EXIT_STOPPED
    return EXIT_BAD_INPUT if trace.python is None else 0


def entry() -> NoReturn:
    """The ``labkit`` command: ``main()``, then exit at once.

    A big trace is millions of objects that live until the end: the cyclic garbage collector
    would walk them again and again while the output is made, and the interpreter would free
    them one by one on the way out, after everything is written. Neither is needed.
    """
    gc.disable()
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: nothing is left to say
        pass
    os._exit(status)


if __name__ == "__main__":
    entry()
