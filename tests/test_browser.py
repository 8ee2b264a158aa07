"""The lab panel in a real browser: JupyterLab, Debian's chromium, a click on Ctrl+C.

With CI=true a missing chromium is a failure; elsewhere the test is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser_support import (
    CHROMIUM_ARGS,
    lab_server,
    open_notebook,
    require_chromium,
    run_all_cells,
    write_notebook,
)
from .conftest import program

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


def test_ctrl_c_button_in_jupyterlab_cancels_the_tasks(chromium: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with lab_server(tmp_path) as server:
        write_notebook(
            server.root / "lab.ipynb",
            f"import labkit\nlab = labkit.Lab({program('workers.py')!r}, timeout=20)\nlab",
            "_ = lab.start()",
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 1400})
            try:
                open_notebook(page, server, "lab.ipynb")
                run_all_cells(page)
                panel = page.locator(".labkit-lab")
                expect(panel.get_by_text("running for")).to_be_visible(timeout=30_000)
                # the program prints "ready" once both workers wait: the output pane shows it
                expect(panel.get_by_text("ready", exact=True)).to_be_visible()
                ctrl_c = panel.get_by_role("button", name="Ctrl+C", exact=True)
                expect(ctrl_c).to_be_enabled()
                ctrl_c.click()
                # the status says how it ended, and the final timeline shows the cancellations
                ended = re.compile(r"KeyboardInterrupt it never caught .*\(exit status -2\)")
                expect(panel.get_by_text(ended)).to_be_visible(timeout=20_000)
                timeline = page.locator(".labkit-timeline svg")
                expect(timeline).to_be_visible()
                expect(timeline).to_contain_text("worker-0")
                expect(timeline).to_contain_text("cancelled")
                expect(panel.get_by_role("button", name="Run", exact=True)).to_be_enabled()
            finally:
                page.screenshot(path=str(ARTIFACTS / "browser-ctrl-c.png"), full_page=True)
                browser.close()
