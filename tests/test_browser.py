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


def test_by_hand_run_lets_ctrl_c_be_clicked_after_the_plans_instant(
    chromium: Path, tmp_path: Path,
) -> None:
    """The plan switch is visible; by hand, nothing is sent until Ctrl+C is clicked; labkit's
    notes (here after Kill) are shown under the status line."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with lab_server(tmp_path) as server:
        write_notebook(
            server.root / "by_hand.ipynb",
            f"import labkit\nlab = labkit.Lab({program('workers.py')!r}, interrupt=['INT@0.3'], "
            "timeout=20)\nlab",
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 1400})
            try:
                open_notebook(page, server, "by_hand.ipynb")
                run_all_cells(page)
                panel = page.locator(".labkit-lab")
                planned = panel.get_by_role("button", name="planned: INT@0.3", exact=True)
                by_hand = panel.get_by_role("button", name="by hand: no planned signal",
                                            exact=True)
                expect(planned).to_be_visible(timeout=30_000)
                expect(by_hand).to_be_visible()
                by_hand.click()
                run = panel.get_by_role("button", name="Run", exact=True)
                run.click()
                # a second into the run, well past the plan's 0.3 s: nothing was sent
                expect(panel.get_by_text(re.compile(r"running for [1-9]\.\d s .* by hand: no "
                                                    "planned signal"))).to_be_visible(
                    timeout=30_000)
                ctrl_c = panel.get_by_role("button", name="Ctrl+C", exact=True)
                expect(ctrl_c).to_be_enabled()
                expect(panel.get_by_text("sent at")).to_have_count(0)
                ctrl_c.click()
                ended = re.compile(r"KeyboardInterrupt it never caught .*\(exit status -2\) "
                                   r".* by hand: no planned signal · SIGINT sent at .* \(by hand\)")
                expect(panel.get_by_text(ended)).to_be_visible(timeout=20_000)
                # once more, by hand still, ended with Kill: labkit's note shows in the panel
                expect(run).to_be_enabled()
                run.click()
                expect(panel.get_by_text("running for")).to_be_visible(timeout=30_000)
                panel.get_by_role("button", name="Kill", exact=True).click()
                expect(panel.get_by_text("1 note from labkit, below")).to_be_visible(
                    timeout=20_000)
                expect(panel.locator(".labkit-notes")).to_contain_text(
                    "the program was killed by SIGKILL")
            finally:
                page.screenshot(path=str(ARTIFACTS / "browser-by-hand.png"), full_page=True)
                browser.close()
