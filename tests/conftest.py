"""Shared fixtures: the CPython versions to run programs under, and paths to test programs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labkit import interpreters

PROGRAMS = Path(__file__).parent / "programs"
SCENARIOS = Path(__file__).parent.parent / "scenarios"
IN_CI = os.environ.get("CI") == "true"
REQUIRED = interpreters.SUPPORTED if IN_CI else ("3.11",)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every test that takes ``python`` over the supported versions."""
    if "python" in metafunc.fixturenames:
        metafunc.parametrize("python", interpreters.SUPPORTED, indirect=True)


@pytest.fixture(scope="session")
def found_interpreters() -> dict[str, interpreters.Interpreter]:
    """The supported interpreters on this machine."""
    return interpreters.available()


@pytest.fixture
def python(
    request: pytest.FixtureRequest, found_interpreters: dict[str, interpreters.Interpreter]
) -> interpreters.Interpreter:
    """A supported version's interpreter; a missing one fails where required, else skips."""
    version: str = request.param
    if version not in found_interpreters:
        message = f"Python {version} is not installed here"
        if version in REQUIRED:
            pytest.fail(message + " and it is required" + (" (CI=true)" if IN_CI else ""))
        pytest.skip(message)
    return found_interpreters[version]


def program(name: str) -> str:
    """Path of a test program in tests/programs."""
    return str(PROGRAMS / name)
