"""pyproject.toml lists every package, so a non-editable install has all of fql."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "fql").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert found <= listed, f"missing from pyproject packages: {sorted(found - listed)}"
