"""Labs inside a real Jupyter kernel: notebooks run headless by nbclient press the buttons from
code, the ``%%lab`` magic runs a cell as a program, and no program outlives its kernel."""

from __future__ import annotations

import json
import signal
import textwrap
import time
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from .conftest import program
from .test_lab import alive

pytestmark = pytest.mark.slow

UNTIL = """
import asyncio
async def until(condition, timeout=10):
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")
"""


def execute_notebook(*sources: str) -> nbformat.NotebookNode:
    """Run code cells top to bottom in a fresh python3 kernel; return the executed notebook."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(s)) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return nb


def cell_json(cell: nbformat.NotebookNode) -> Any:
    """The JSON a cell printed on its last stdout line."""
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


def test_notebook_presses_the_buttons_and_keeps_the_final_timeline() -> None:
    nb = execute_notebook(
        f"import labkit\nlab = labkit.Lab({program('workers.py')!r})\nlab",
        UNTIL,
        """
        import json
        lab.buttons.run.click()
        await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
        lab.buttons.ctrl_c.click()
        trace = await lab.wait()
        print(json.dumps({"outcomes": {n: trace.task(n).outcome
                                       for n in ("main", "worker-0", "worker-1")},
                          "signals": [[s.signal, s.reason, s.handler] for s in trace.signals],
                          "exit": trace.exit_code, "status": lab.status.value}))
        """,
    )
    result = cell_json(nb.cells[2])
    assert result["outcomes"] == {"main": "cancelled", "worker-0": "cancelled",
                                  "worker-1": "cancelled"}
    assert result["signals"] == [["SIGINT", "manual", "asyncio.Runner"]]
    assert result["exit"] == -signal.SIGINT
    assert "KeyboardInterrupt it never caught (Python then dies of SIGINT) (exit status -2)" in (
        result["status"])
    # the first cell's output: the panel (widget) and, once the run ended, the final timeline
    # as ordinary rich output that a notebook viewer without a kernel shows
    outputs = nb.cells[0].outputs
    assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
    final = outputs[1]["data"]
    assert final["image/svg+xml"].lstrip().startswith("<svg")
    assert "worker-0" in final["text/plain"] and "cancelled" in final["text/plain"]


def test_lab_cell_magic_runs_the_cell_as_a_program() -> None:
    nb = execute_notebook(
        "%load_ext labkit",
        """
        %%lab --interrupt INT@0.3 --name cell_lab --timeout 10
        import asyncio

        async def main():
            try:
                await asyncio.sleep(10)
            finally:
                print("cleanup ran", flush=True)

        asyncio.run(main())
        """,
        """
        import json
        trace = await cell_lab.wait()
        print(json.dumps({"main": trace.task("main").outcome, "out": trace.stdout_text(),
                          "signals": [s.reason for s in trace.signals]}))
        """,
        "%%lab --interrupt soon\npass",
        "%%lab --python 2.7\npass",
    )
    assert cell_json(nb.cells[2]) == {"main": "cancelled", "out": "cleanup ran\n",
                                      "signals": ["plan"]}
    # the run ended while a later cell waited: its final timeline still reached the magic's cell
    final = [o for o in nb.cells[1].outputs if "image/svg+xml" in o.get("data", {})]
    assert len(final) == 1 and "cancelled" in final[0]["data"]["text/plain"]
    bad_plan = "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert "cannot read interrupt 'soon'" in bad_plan
    bad_python = "".join(o.get("text", "") for o in nb.cells[4].outputs)
    assert "2.7" in bad_python


# --- kernel safety: the program dies with its Lab's kernel, whatever happens to the kernel ---
START_LAB = f"""
import labkit
lab = labkit.Lab({program('workers.py')!r})
task = lab.start()
{UNTIL}
await until(lambda: lab.trace is not None and lab.trace.loop_started is not None)
print(lab.trace.pid)
"""


@pytest.fixture
def kernel() -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    try:
        yield manager, client
    finally:
        client.stop_channels()
        if manager.is_alive():
            manager.shutdown_kernel(now=True)


def run_code(client: BlockingKernelClient, code: str, metadata: dict[str, str] | None = None,
             timeout: float = 30) -> tuple[str, dict[str, Any]]:
    """Execute code; return what it printed and the execute_reply content."""
    printed: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            printed.append("\n".join(msg["content"]["traceback"]))

    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}
    msg = client.session.msg("execute_request", content)
    msg["metadata"].update(metadata or {})
    client.shell_channel.send(msg)
    reply = client._recv_reply(msg["header"]["msg_id"], timeout=timeout)
    # the reply may come before the last output: wait for the kernel to go idle
    while True:
        out = client.get_iopub_msg(timeout=timeout)
        if out["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        if out["msg_type"] == "status" and out["content"]["execution_state"] == "idle":
            break
        hook(out)
    return "".join(printed), reply["content"]


def start_program(client: BlockingKernelClient, cell_id: str | None = None) -> int:
    printed, reply = run_code(client, START_LAB, {"cellId": cell_id} if cell_id else None)
    assert reply["status"] == "ok", printed
    pid = int(printed.strip().splitlines()[-1])
    assert alive(pid)
    return pid


def gone_soon(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_program_ends_when_the_kernel_shuts_down(kernel: tuple[KernelManager, Any]) -> None:
    manager, client = kernel
    pid = start_program(client)
    manager.shutdown_kernel(now=False)
    assert gone_soon(pid)


def test_program_ends_when_the_kernel_is_killed(kernel: tuple[KernelManager, Any]) -> None:
    manager, client = kernel
    pid = start_program(client)
    manager.shutdown_kernel(now=True)  # SIGKILL: no exit handler runs; the watchdog acts
    assert gone_soon(pid)


def test_program_ends_when_the_kernel_restarts(kernel: tuple[KernelManager, Any]) -> None:
    manager, client = kernel
    pid = start_program(client)
    manager.restart_kernel(now=False)
    assert gone_soon(pid)


def test_program_ends_when_the_awaiting_cell_is_interrupted(
    kernel: tuple[KernelManager, BlockingKernelClient],
) -> None:
    manager, client = kernel
    pid = start_program(client)
    msg_id = client.execute("trace = await lab.wait()")
    time.sleep(0.5)
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=15)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert gone_soon(pid)


def test_program_ends_when_its_cell_runs_again(
    kernel: tuple[KernelManager, BlockingKernelClient],
) -> None:
    _, client = kernel
    first = start_program(client, cell_id="cell-1")
    second = start_program(client, cell_id="cell-1")
    assert gone_soon(first)
    assert alive(second)
    other = start_program(client, cell_id="cell-2")  # another cell's Lab is left alone
    assert alive(second) and alive(other)
