"""The README's first quick-start command, `python3 dev.py lab`, as a user runs it."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_dev_lab_serves_the_project_and_opens_the_first_notebook(tmp_path: Path) -> None:
    port, token = _free_port(), "devpy-test-token"
    log = tmp_path / "lab.log"
    terminal, keyboard = pty.openpty()  # Jupyter takes Ctrl+C only from a terminal
    with log.open("w") as out:
        lab = subprocess.Popen(
            [sys.executable, "dev.py", "lab", "--no-browser", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
            cwd=ROOT, stdin=keyboard, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    os.close(keyboard)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        notebook = None
        while notebook is None and time.monotonic() < deadline:
            assert lab.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(
                    f"{base}/api/contents/notebooks/00-start-here.ipynb?token={token}", timeout=5
                ) as response:
                    notebook = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert notebook is not None, log.read_text()
        assert notebook["type"] == "notebook"
        # the file browser shows the whole project, so the scenario scripts can be opened
        with urllib.request.urlopen(f"{base}/api/contents/scenarios?token={token}") as response:
            assert any(item["name"].endswith(".py") for item in json.load(response)["content"])
        printed = log.read_text()
        # the address to open (Jupyter prints a token it was given as "...")
        assert re.search(rf"http://127\.0\.0\.1:{port}/lab/tree/notebooks/00-start-here\.ipynb"
                         r"\?token=", printed), printed
    finally:
        for _ in range(2):  # "Press Ctrl+C twice to stop it"
            lab.send_signal(signal.SIGINT)
            time.sleep(0.5)
        try:
            lab.wait(timeout=30)
        finally:
            os.close(terminal)
            if _group_alive(lab.pid):
                os.killpg(lab.pid, signal.SIGKILL)
    assert not _group_alive(lab.pid)
