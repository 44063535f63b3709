"""The layout documented in docs/architecture.md is the tree: every file of jewelstream/,
agents/ and static/ has its row there, and every row names a file that exists."""
from __future__ import annotations

import re

from tests.kit import ROOT

DOC = ROOT / "docs" / "architecture.md"
FOLDERS = ("jewelstream", "agents", "static")
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|", re.M)     # a table row whose first cell is a `path`


def documented() -> set[str]:
    return {path for path in _ROW.findall(DOC.read_text(encoding="utf-8"))
            if path.split("/", 1)[0] in FOLDERS}


def in_tree() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for folder in FOLDERS for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}


def test_every_file_is_documented():
    missing = sorted(in_tree() - documented())
    assert not missing, f"add a row for each to docs/architecture.md: {missing}"


def test_every_documented_file_exists():
    stale = sorted(documented() - in_tree())
    assert not stale, f"docs/architecture.md names files that are gone: {stale}"


def test_the_check_reads_the_tables():
    """The rows are found at all (a changed table format must not make both tests vacuous)."""
    rows = documented()
    assert {"jewelstream/sse.py", "agents/base.py", "static/sse-client.js"} <= rows and len(rows) > 30
