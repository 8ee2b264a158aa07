"""Every exercise check judges behaviour: it rejects the starter and the wrong fixes a learner
would plausibly write, and accepts the solution and other right fixes, on every CPython here.

The check is the notebook's own check cell, run on each program (``exercise_support``). The
fixes are in ``tests/exercise_fixes/<notebook>/<exercise>/``, one program per file, each saying
in its docstring whether it is right, and for a wrong one, what the check must say about it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from labkit import RunsReport, interpreters

from .exercise_support import Exercise, Fix, all_exercises, judge

pytestmark = pytest.mark.slow

PYTHONS = interpreters.available()
EXERCISES = all_exercises()
MIN_WRONG, MIN_RIGHT = 4, 2  # fix files per exercise, besides the starter and the solution
CONCURRENT = 3  # cases judged at a time, each running two programs at a time


def _cases() -> list[object]:
    cases = []
    for exercise in EXERCISES:
        names = ["starter", "solution", *(path.name for path in exercise.fixes())]
        for name in names:
            for version in PYTHONS:
                cases.append(pytest.param(exercise, name, version,
                                          id=f"{exercise.stem[:2]}-{exercise.name}-{name}-{version}"))
    return cases


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: f"{ex.stem[:2]}-{ex.name}")
def test_each_exercise_has_one_check_and_enough_fixes(exercise: Exercise) -> None:
    assert exercise.check is not None, (
        f"{exercise.notebook}: {exercise.name} needs exactly one check_runs({exercise.name}, "
        "...) cell")
    fixes = [Fix.read(path) for path in exercise.fixes()]
    assert sum(not fix.right for fix in fixes) >= MIN_WRONG
    assert sum(fix.right for fix in fixes) >= MIN_RIGHT
    # a right fix is not just the solution again
    solution = exercise.solution().strip()
    assert all(fix.program.strip() != solution for fix in fixes)


def _program(exercise: Exercise, name: str) -> tuple[str, bool, str | None]:
    """The program of a case, whether it is right, and what must reject it if it is wrong."""
    if name == "starter":
        return exercise.starter, False, None
    if name == "solution":
        return exercise.solution(), True, None
    fix = Fix.read(next(p for p in exercise.fixes() if p.name == name))
    return fix.program, fix.right, fix.rejected_by


Case = tuple[Exercise, str, str]


@pytest.fixture(scope="module")
def verdicts(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> dict[Case, object]:
    """Every selected case judged, CONCURRENT at a time (the programs mostly sleep: judged one
    after the other, they kept the machine 85% idle for twelve minutes)."""
    cases: list[Case] = [
        (item.callspec.params["exercise"], item.callspec.params["name"],
         item.callspec.params["version"])
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_check_judges_the_program"
    ]

    def judged(case: Case) -> object:
        exercise, name, version = case
        try:
            return judge(exercise, _program(exercise, name)[0], PYTHONS[version],
                         tmp_path_factory.mktemp("exercise"))
        except Exception as error:  # reported by the case's own test
            return error

    with ThreadPoolExecutor(CONCURRENT) as pool:
        return dict(zip(cases, pool.map(judged, cases), strict=True))


@pytest.mark.parametrize(("exercise", "name", "version"), _cases())
def test_check_judges_the_program(exercise: Exercise, name: str, version: str,
                                  verdicts: dict[Case, object]) -> None:
    _, right, rejected_by = _program(exercise, name)
    report = verdicts[exercise, name, version]
    if isinstance(report, Exception):
        raise report
    assert isinstance(report, RunsReport)
    if right:
        assert report.passed, f"a right fix was rejected:\n{report}"
        return
    assert not report.passed, f"a wrong fix passed:\n{report}"
    if rejected_by is not None:
        failures = [str(result) for verdict in report.failed for result in verdict.report.failures]
        assert any(rejected_by in failure for failure in failures), (
            f"rejected, but not for the reason its file gives ({rejected_by!r}):\n{report}")
