"""pyproject.toml and environment.yml (Binder) must describe the same runtime environment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The oldest Python labkit supports; CI runs on it and Binder is pinned to it.
MIN_PYTHON = "3.11"
# Lines in the pip: section that install labkit itself.
LABKIT_INSTALL_LINES = {"-e .", "."}
# Conda entries that are not runtime dependencies of labkit.
CONDA_ONLY = {"python", "pip"}

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$")


def normalise_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def normalise_spec(spec: str) -> frozenset[str]:
    """'>=4.2, <5' and '<5,>=4.2' compare equal; a bare name gives the empty set."""
    return frozenset(part.replace(" ", "") for part in spec.split(",") if part.strip())


def split_requirement(req: str) -> tuple[str, frozenset[str]]:
    m = _REQ.match(req)
    assert m, f"cannot read requirement {req!r}"
    name, rest = m.groups()
    assert not rest.startswith(("[", ";", "@")), (
        f"{req!r}: extras, markers and URLs cannot be mirrored in environment.yml"
    )
    return normalise_name(name), normalise_spec(rest)


def parse_simple_yaml(text: str) -> dict[str, object]:
    """Read the small subset of YAML that environment.yml uses.

    Top-level ``key: value`` and ``key:`` followed by a ``- item`` list, where an
    item may itself be ``name:`` followed by a deeper ``- item`` list (conda's
    ``- pip:`` section). Anything else is an error rather than a silent guess.
    """
    doc: dict[str, object] = {}
    current: list[object] | None = None  # the top-level list being filled
    nested: list[str] | None = None  # the list under "- pip:" being filled
    item_indent = nested_indent = -1
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        where = f"environment.yml:{lineno}: {raw!r}"
        if indent == 0:
            key, sep, value = body.partition(":")
            assert sep and key and " " not in key, f"unsupported top-level line {where}"
            value = value.strip()
            if value:
                doc[key] = value
                current = None
            else:
                current = []
                doc[key] = current
            nested = None
            item_indent = -1
            continue
        assert body.startswith("- "), f"expected a '- item' line {where}"
        item = body[2:].strip()
        if nested is not None and indent > item_indent:
            assert nested_indent in (-1, indent), f"inconsistent indentation {where}"
            nested_indent = indent
            nested.append(item)
            continue
        assert current is not None, f"list item outside a list {where}"
        assert item_indent in (-1, indent), f"inconsistent indentation {where}"
        item_indent = indent
        if item.endswith(":") and " " not in item:
            nested = []
            nested_indent = -1
            current.append({item[:-1]: nested})
        else:
            nested = None
            current.append(item)
    return doc


@pytest.fixture(scope="module")
def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def environment() -> dict[str, object]:
    return parse_simple_yaml((ROOT / "environment.yml").read_text(encoding="utf-8"))


def conda_and_pip_entries(environment: dict[str, object]) -> tuple[list[str], list[str]]:
    deps = environment.get("dependencies")
    assert isinstance(deps, list), "environment.yml has no dependencies: list"
    conda: list[str] = []
    pip: list[str] = []
    for dep in deps:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"}, f"unexpected section in dependencies: {dep}"
            pip.extend(dep["pip"])
        else:
            conda.append(dep)
    return conda, pip


def test_parser_reads_nested_pip_section() -> None:
    doc = parse_simple_yaml(
        "# c\nname: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n"
        "  - a>=1,<2  # why\n  - pip:\n      - b>=2\n      - -e .\n  - c\n"
    )
    assert doc == {
        "name": "x",
        "channels": ["conda-forge"],
        "dependencies": ["python=3.11", "a>=1,<2", {"pip": ["b>=2", "-e ."]}, "c"],
    }


def test_conda_forge_is_the_only_channel(environment: dict[str, object]) -> None:
    assert environment.get("channels") == ["conda-forge"]


def test_binder_python_is_the_minimum_supported(
    environment: dict[str, object], pyproject: dict[str, object]
) -> None:
    conda, _ = conda_and_pip_entries(environment)
    pythons = [d for d in conda if re.match(r"python\b", d)]
    assert pythons == [f"python={MIN_PYTHON}"], pythons
    project = pyproject["project"]
    assert isinstance(project, dict)
    assert project["requires-python"] == f">={MIN_PYTHON}"


def test_runtime_dependencies_match(
    environment: dict[str, object], pyproject: dict[str, object]
) -> None:
    project = pyproject["project"]
    assert isinstance(project, dict)
    wanted = dict(split_requirement(r) for r in project["dependencies"])
    assert wanted, "pyproject.toml lists no runtime dependencies"

    conda, pip = conda_and_pip_entries(environment)
    assert "pip" in conda, "environment.yml needs 'pip' for its pip: section"
    assert any(line in LABKIT_INSTALL_LINES for line in pip), (
        f"the pip: section must install labkit itself with one of {sorted(LABKIT_INSTALL_LINES)}"
    )

    have: dict[str, frozenset[str]] = {}
    for entry in conda:
        name, spec = split_requirement(entry)
        if name in CONDA_ONLY:
            continue
        assert name not in have, f"{name} listed twice in environment.yml"
        have[name] = spec
    for entry in pip:
        if entry in LABKIT_INSTALL_LINES:
            continue
        name, spec = split_requirement(entry)
        assert name not in have, f"{name} listed twice in environment.yml"
        have[name] = spec

    missing = sorted(set(wanted) - set(have))
    extra = sorted(set(have) - set(wanted))
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"
    assert not extra, f"in environment.yml but not a runtime dependency in pyproject: {extra}"
    differ = {
        name: (",".join(sorted(wanted[name])), ",".join(sorted(have[name])))
        for name in wanted
        if wanted[name] != have[name]
    }
    assert not differ, f"version ranges differ (pyproject, environment.yml): {differ}"
