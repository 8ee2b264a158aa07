"""A real JupyterLab server and Debian's chromium, for browser tests and benchmarks.

``lab_server(folder)`` starts JupyterLab on 127.0.0.1 with a token and settings, data and
workspaces isolated under ``folder``; ``open_notebook(page, server, name)`` opens a notebook
in a fresh workspace and waits for its kernel. Chromium is never downloaded: it must be
``/usr/bin/chromium`` (``apt-get install chromium``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class LabServer:
    """A running JupyterLab server."""

    url: str
    token: str
    root: Path

    def notebook_url(self, name: str) -> str:
        """The address that opens notebook ``name`` alone, in a workspace of its own."""
        workspace = f"w{secrets.token_hex(4)}"
        return f"{self.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"


def require_chromium() -> Path:
    """``CHROMIUM``, or skip the test where it is missing (with CI=true, fail it)."""
    import pytest

    from .conftest import IN_CI

    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if IN_CI:
            pytest.fail(message + " (required with CI=true)")
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def lab_server(folder: Path) -> Iterator[LabServer]:
    """Run JupyterLab serving ``folder / "root"`` until the block ends."""
    root, settings = folder / "root", folder / "settings"
    root.mkdir(parents=True, exist_ok=True)
    news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(folder / "runtime"))
    port, token = _free_port(), secrets.token_hex(16)
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start: see "
                                       f"{folder / 'server.log'}") from None
                time.sleep(0.2)
        yield LabServer(url, token, root)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def write_notebook(path: Path, *sources: str) -> None:
    """A notebook with these code cells and the python3 kernel, without outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nbformat.write(nb, path)


def open_notebook(page: Any, server: LabServer, name: str) -> None:
    """Open the notebook and wait until its kernel is idle."""
    page.goto(server.notebook_url(name))
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)


def run_all_cells(page: Any) -> None:
    """Run > Run All Cells, from the menu as a user would."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
