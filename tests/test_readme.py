"""README.md stays true: its coverage table is the catalog's, and its two set-up commands come first."""

from __future__ import annotations

import re
from pathlib import Path

from fql.eval import catalog, registry

ROOT = Path(__file__).resolve().parents[1]


def test_coverage_table_matches_the_registry():
    registry.load()
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- coverage:start -->\n(.*?)\n<!-- coverage:end -->", readme, re.S).group(1)
    assert table == catalog.table(), "README coverage is stale: paste the output of `fql coverage`"


def test_v10_coverage_table_matches_the_registry():
    registry.load()
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- coverage-v10:start -->\n(.*?)\n<!-- coverage-v10:end -->", readme, re.S).group(1)
    assert table == catalog.v10_table(), "README v10 coverage is stale: paste the v10 table of `fql coverage`"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert commands[0] == "pip install -e . && fql run examples/basics.fql"
    assert commands[1] == "pip install -e '.[test]' && python -m pytest"
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
