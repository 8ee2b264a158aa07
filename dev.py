"""Set up a development environment for this project and run things in it.

    python3 dev.py lab     set everything up, then open JupyterLab on the first notebook
    python3 dev.py test    set everything up, then run ruff, mypy and pytest

Standard library only, so it works on a machine that has nothing but python3.
"""

import sys

# Keep this check first, and the file free of syntax newer than Python 3.6, so an
# old interpreter gets this message rather than a SyntaxError or a TypeError.
if sys.version_info < (3, 11):  # noqa: UP036 - the point is to run on older ones too
    sys.stderr.write(
        f"dev.py needs Python 3.11 or newer; this is Python {sys.version.split()[0]}"
        f" ({sys.executable}).\n"
        "Install a newer Python and run dev.py with that, e.g. 'python3.11 dev.py test'.\n"
    )
    sys.exit(2)

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
VENV_PYTHON = VENV_BIN / "python"
STAMP = VENV / ".labkit-dev-stamp"
LAB_SPEC = "."  # labkit with JupyterLab and ipywidgets: all a learner needs
TEST_SPEC = ".[dev]"  # plus the test tools (pytest, nbclient, playwright, mypy, ruff)
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"
LINT_TARGETS = ("labkit", "tests", "dev.py", "benchmarks")

USAGE = """\
usage: python3 dev.py COMMAND [ARGS...]

Both commands first make sure .venv exists and has labkit installed in
editable mode (reinstalling only when pyproject.toml has changed): 'lab'
installs labkit with JupyterLab, 'test' adds the test tools (labkit[dev]).

commands:
  lab [ARGS...]    open JupyterLab on notebooks/00-start-here.ipynb;
                   ARGS go to 'jupyter lab' (e.g. --no-browser --port 8899;
                   on a machine without a browser, open the URL it prints)
  test [ARGS...]   run 'ruff check', 'mypy', then 'python -m pytest ARGS';
                   stops at the first step that fails and exits with its status
  help             show this message

examples:
  python3 dev.py test -k environment -x
  python3 dev.py test -m "not browser"
"""


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def fail(message: str, status: int = 1) -> NoReturn:
    print(f"dev.py: error: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


# --- running children -----------------------------------------------------------------


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    return env


def run(cmd: Sequence[str | os.PathLike[str]]) -> int:
    """Run cmd in the project root and return its exit status.

    Unlike subprocess.run, which kills the child 0.25 s after a Ctrl+C, this gives the
    child (which got the same SIGINT from the terminal) time to clean up, and only
    re-raises once it has exited. A second Ctrl+C, or SIGTERM to dev.py, stops it harder.
    Either way no child is left running when dev.py exits.
    """
    proc = subprocess.Popen(list(cmd), cwd=ROOT, env=child_env())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        try:
            proc.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            _stop(proc)
        raise
    except BaseException:
        _stop(proc)
        raise


def _stop(proc: "subprocess.Popen[bytes]") -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the virtual environment ---------------------------------------------------------


def venv_is_healthy() -> bool:
    if not VENV_PYTHON.exists():  # exists() follows the symlink to the base interpreter
        return False
    try:
        check = subprocess.run(
            [VENV_PYTHON, "-c", "import pip"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return False
    return check.returncode == 0


def install_fingerprint(spec: str) -> str:
    digest = hashlib.sha256()
    digest.update(spec.encode())
    digest.update(b"\0")
    digest.update((ROOT / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def create_venv() -> None:
    if VENV.is_symlink() or VENV.is_file():
        VENV.unlink()
    elif VENV.exists():
        say(".venv is broken (no working python or pip in it): removing it")
        shutil.rmtree(VENV)
    if importlib.util.find_spec("ensurepip") is None:
        fail(
            f"{sys.executable} cannot create virtual environments with pip "
            "(module ensurepip is missing). On Debian or Ubuntu: "
            f"apt-get install python3.{sys.version_info[1]}-venv",
            status=2,
        )
    say(f"creating .venv with Python {sys.version.split()[0]} ({sys.executable})")
    status = run([sys.executable, "-m", "venv", VENV])
    if status != 0:
        fail(f"creating .venv failed (exit {status})", status)


def ensure_venv(spec: str) -> None:
    """Make sure .venv has labkit installed as ``spec`` says (TEST_SPEC also serves LAB_SPEC)."""
    if not (ROOT / "pyproject.toml").is_file():
        fail(f"no pyproject.toml in {ROOT}", status=2)
    if not venv_is_healthy():
        create_venv()
    enough = {install_fingerprint(spec), install_fingerprint(TEST_SPEC)}
    try:
        if STAMP.read_text().strip() in enough:
            return  # nothing changed since the last successful install
    except FileNotFoundError:
        pass
    what = "labkit[dev]" if spec == TEST_SPEC else "labkit"
    say(f"installing {what} into .venv (pip install -e '{spec}'); the first time takes a minute")
    started = time.monotonic()
    STAMP.unlink(missing_ok=True)
    status = run([VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-e", spec])
    if status != 0:
        fail(f"installing {what} failed (pip exit {status})", status)
    STAMP.write_text(install_fingerprint(spec) + "\n")
    say(f"installed in {time.monotonic() - started:.0f} s")


# --- commands ------------------------------------------------------------------------


def cmd_lab(args: list[str]) -> int:
    ensure_venv(LAB_SPEC)
    jupyter = VENV_BIN / "jupyter"
    if not jupyter.exists():
        fail(f"{jupyter} is missing; delete .venv and run again")
    # The whole project in the file browser (scenarios/ too); the first notebook opened.
    argv = [str(jupyter), "lab", f"--ServerApp.root_dir={ROOT}",
            f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}", *args]
    if os.geteuid() == 0 and "--allow-root" not in args:
        argv.append("--allow-root")
    say("starting " + " ".join(argv[1:]) + "  (Ctrl+C twice to stop)")
    os.chdir(ROOT)
    os.execve(argv[0], argv, child_env())


def cmd_test(args: list[str]) -> int:
    ensure_venv(TEST_SPEC)
    lint_targets = [t for t in LINT_TARGETS if (ROOT / t).exists()]
    steps: list[tuple[str, list[str | os.PathLike[str]]]] = [
        ("ruff", [VENV_PYTHON, "-m", "ruff", "check", *lint_targets]),
        ("mypy", [VENV_PYTHON, "-m", "mypy"]),
        ("pytest", [VENV_PYTHON, "-m", "pytest", *args]),
    ]
    for name, cmd in steps:
        say("running " + " ".join([name, *map(str, cmd[3:])]))
        status = run(cmd)
        if name == "pytest" and status == 5:
            say("step 'pytest' failed: no tests were collected (pytest exit 5)")
            return status
        if status != 0:
            say(f"step '{name}' failed (exit {status})")
            return status
    say("all steps passed: ruff, mypy, pytest")
    return 0


COMMANDS = {"lab": cmd_lab, "test": cmd_test}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"dev.py: unknown command {command!r}\n", file=sys.stderr)
        print(USAGE, end="", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    return COMMANDS[command](args)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        # Any child has exited by now (see run). Die of SIGINT, as an interrupted
        # program should, so that the calling shell or CI sees an interrupt.
        print("dev.py: interrupted", file=sys.stderr, flush=True)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
