"""The terminal timeline: past MAX_ROWS tasks the rest are grouped, a row per outcome."""

from __future__ import annotations

from labkit import textview
from labkit.model import TaskRecord, Trace


def _task(n: int, outcome: str, created: float, ended: float) -> TaskRecord:
    return TaskRecord(n, f"Task-{n}", "job", None, 1, created, outcome=outcome, ended=ended,
                      steps=[(created, created + 0.01)])


def _trace(tasks: list[TaskRecord]) -> Trace:
    return Trace("many.py", [], python="3.11.7", exit_code=0, ended=2.0, tasks=tasks)


def _task_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Task-")]


def _group_rows(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith(start) and "grouped by outcome" not in line]


def test_a_few_tasks_get_a_row_each() -> None:
    tasks = [_task(n, "finished", 0.1, 1.0) for n in range(1, 51)]
    text = textview.render(_trace(tasks))
    assert len(_task_rows(text)) == 50
    assert "more tasks" not in text


def test_many_tasks_are_grouped_but_bad_outcomes_keep_their_rows() -> None:
    tasks = [_task(n, "finished", 0.1 + n / 10_000, 1.0 + n / 10_000) for n in range(1, 5001)]
    tasks[4000] = _task(4001, "failed", 1.0, 1.5)
    tasks[4500] = _task(4501, "pending-at-exit", 1.0, 2.0)
    text = textview.render(_trace(tasks), max_rows=100)
    rows = _task_rows(text)
    groups = _group_rows(text, "4,901 more tasks")
    assert len(rows) + len(groups) == 100
    assert {"Task-4001", "Task-4501"} <= {row.split()[0] for row in rows}
    assert rows[0].startswith("Task-1 ") and rows[-1].startswith("Task-4501 ")
    [group] = groups
    assert group.endswith(" finished")
    assert "4,901 more tasks, grouped by outcome" in text
    assert "how many of a group were alive" in text


def test_a_group_row_is_as_high_as_how_many_were_alive() -> None:
    early = [_task(n, "cancelled", 0.0, 0.5) for n in range(1, 9)]  # 8 alive in the first half
    late = [_task(n, "cancelled", 1.0, 2.0) for n in range(9, 11)]  # 2 in the second
    text = textview.render(_trace(early + late), width=40, max_rows=1)
    [row] = _group_rows(text, "10 more tasks")
    cells = row.split(" ", 3)[3].strip().rsplit(" ", 1)[0]
    assert cells[:10] == "█" * 10
    assert set(cells[20:]) == {"▂"}  # a quarter of the peak (2 of 8): two levels of eight


def test_groups_are_those_the_svg_timeline_draws() -> None:
    tasks = [_task(n, "finished" if n % 3 else "cancelled", 0.1, 1.0) for n in range(1, 401)]
    shown, groups = textview.choose_rows(tasks, 200)
    assert len(shown) + len(groups) == 200
    assert list(groups) == ["finished", "cancelled"]
    assert sum(map(len, groups.values())) + len(shown) == 400
