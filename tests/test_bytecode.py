"""The tracer compiled ahead (``labkit.bytecode``): used whenever it can be; a missing, stale,
foreign, damaged or unwritable cache changes nothing but the start-up time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import labkit
from labkit import bytecode, runner
from labkit.interpreters import Interpreter

from .conftest import program

REPORT = program("tracer_code.py")  # prints whether the tracer's modules came compiled ahead


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(folder))
    return folder


def _report(python: Interpreter) -> str:
    trace = labkit.run(REPORT, python=python)
    assert trace.exit_code == 0, trace.stderr_text()
    return trace.stdout_text()


def _summary(trace: labkit.Trace) -> tuple[object, ...]:
    """What a trace says, without its times."""
    tasks = [(t.id, t.name, t.coro, t.parent, t.eager, t.outcome, len(t.steps), t.exc_type,
              [c.accepted for c in t.cancel_requests]) for t in trace.tasks]
    return trace.exit_code, trace.stdout_text(), trace.stderr_text(), trace.exit_how, tasks


def test_the_first_run_compiles_the_tracer_and_every_run_loads_it(
    python: Interpreter, cache: Path
) -> None:
    assert _report(python) == "compiled ahead: all\n"
    [made] = cache.glob("tracer-*.bin")
    assert _report(python) == "compiled ahead: all\n"
    assert list(cache.glob("tracer-*.bin")) == [made]  # not compiled again


def _cut_short(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _other_version(data: bytes) -> bytes:
    return b"\x00\x01\r\n" + data[4:]  # a magic number no CPython has


@pytest.mark.parametrize("damage", [_cut_short, _other_version, lambda data: b""])
def test_a_damaged_or_foreign_file_is_not_used(
    python: Interpreter, cache: Path, damage: Callable[[bytes], bytes]
) -> None:
    _report(python)
    [made] = cache.glob("tracer-*.bin")
    made.write_bytes(damage(made.read_bytes()))
    assert _report(python) == "compiled ahead: none\n"


def test_a_file_compiled_for_another_folder_is_not_used(
    python: Interpreter, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(bytecode.compiled_tracer(python.path, python.version) or "")
    sources = bytecode.tracer_sources()
    with monkeypatch.context() as patch:
        patch.setattr(bytecode, "TRACER_DIR", "/somewhere/else/tracer")
        bytecode._compile(python.path, sources, path)
    assert _report(python) == "compiled ahead: none\n"


def test_a_program_run_with_optimizations_compiles_its_own(
    python: Interpreter, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONOPTIMIZE", "1")  # the file holds code compiled without -O
    assert _report(python) == "compiled ahead: none\n"


def test_a_changed_tracer_or_interpreter_gets_a_file_of_its_own(python: Interpreter) -> None:
    sources = bytecode.tracer_sources()
    changed = dict(sources, protocol=sources["protocol"] + "\n# changed\n")
    key = bytecode._key(python.path, python.version, sources)
    assert bytecode._key(python.path, python.version, changed) != key
    assert bytecode._key(python.path, "3.99.0", sources) != key  # a shim, now another Python


def test_without_a_writable_cache_the_tracer_compiles_itself(
    python: Interpreter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(blocker / "cache"))  # cannot be a folder
    assert bytecode.compiled_tracer(python.path, python.version) is None
    assert _report(python) == "compiled ahead: none\n"


def test_the_trace_is_the_same_with_or_without_the_cache(
    python: Interpreter, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def summary() -> tuple[object, ...]:
        return _summary(labkit.run(program("task_life.py"), python=python))

    compiled_then, loaded = summary(), summary()
    [made] = cache.glob("tracer-*.bin")
    made.write_bytes(_cut_short(made.read_bytes()))
    damaged = summary()
    monkeypatch.setattr(runner, "compiled_tracer", lambda python, version: None)
    assert compiled_then == loaded == damaged == summary()
