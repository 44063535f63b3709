"""The README's configuration table (and deployment.md's) against jewelstream/config.py.

Every variable the settings read is in the table (or the line above it, for the host, port
and workers), every variable the table or docs/ name is read by the code, and a variable
set to its documented default changes no setting.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.shop_facts import DEFAULT_PATH as SHOP_FACTS_PATH
from jewelstream.config import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIG = (ROOT / "jewelstream" / "config.py").read_text(encoding="utf-8")
# Shell variables of examples and the benchmark harness's folder: not server settings.
NOT_SETTINGS = {"JEWELSTREAM_KEY", "JEWELSTREAM_BENCH_DIR"}
FLAG_VARIABLES = {"JEWELSTREAM_HOST", "JEWELSTREAM_PORT", "JEWELSTREAM_WORKERS"}


def full_names(cell: str) -> list[str]:
    """`JEWELSTREAM_A`, `_B` -> both full names, in order."""
    names = re.findall(r"`(JEWELSTREAM)?(_[A-Z_]+)`", cell)
    return ["JEWELSTREAM" + tail for _, tail in names]


DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def table_rows(text: str = README, heading: str = "## Configuration") -> dict[str, str]:
    """Each variable of the settings table under `heading` -> its cell of the default column."""
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`JEWELSTREAM_"):
            continue
        names = full_names(cells[0])
        defaults = re.split(r", | / ", cells[2]) if len(names) > 1 else [cells[2]]
        assert len(defaults) == len(names), f"one default per variable: {line}"
        rows.update(zip(names, defaults))
    return rows


def code_variables() -> set[str]:
    return set(re.findall(r'"(JEWELSTREAM_[A-Z_]+)"', CONFIG))


def test_every_setting_is_in_the_readme_table():
    flags_line = re.search(r"`python run\.py --host H.*", README).group(0)
    documented = set(table_rows()) | set(full_names(flags_line))
    assert code_variables() - documented == set()


def test_every_documented_variable_is_read_by_the_settings():
    texts = [README] + [path.read_text(encoding="utf-8") for path in (ROOT / "docs").rglob("*")
                        if path.is_file() and path.suffix in (".md", ".service", ".conf")]
    named = {name for text in texts for name in re.findall(r"JEWELSTREAM_[A-Z][A-Z_]*[A-Z]", text)}
    assert named - NOT_SETTINGS - code_variables() == set()
    assert set(table_rows()) - code_variables() == set()
    assert set(table_rows(DEPLOYMENT, "## Settings")) - code_variables() == set()


@pytest.mark.parametrize("name,default", sorted(table_rows().items())
                         + sorted(table_rows(DEPLOYMENT, "## Settings").items()))
def test_the_documented_default_is_the_default(name, default):
    value = re.match(r"`([^`]*)`", default)
    if value is None:                          # "unset...": nothing set is the default
        assert default.startswith("unset"), f"{name}: default column {default!r}"
        return
    if name == "JEWELSTREAM_SHOP_FACTS":       # unset means the shipped file
        assert SHOP_FACTS_PATH == ROOT / value.group(1)
        assert Settings.from_env([], {}).shop_facts is None
        return
    assert Settings.from_env([], {name: value.group(1)}) == Settings.from_env([], {}), \
        f"{name}={value.group(1)} (the README's default) changes the settings"


def test_flag_variables_have_their_flag_defaults():
    defaults = Settings.from_env([], {})
    assert Settings.from_env([], {"JEWELSTREAM_HOST": "127.0.0.1", "JEWELSTREAM_PORT": "8000",
                                  "JEWELSTREAM_WORKERS": "1"}) == defaults
    assert "http://127.0.0.1:8000/" in README


@pytest.mark.parametrize("name", sorted(FLAG_VARIABLES - {"JEWELSTREAM_HOST"}))
def test_a_flag_variable_that_is_not_a_number_is_a_usage_error(name, capsys):
    """Like every other number setting: the usage error names it, no traceback."""
    with pytest.raises(SystemExit) as stop:
        Settings.from_env([], {name: "abc"})
    assert stop.value.code == 2
    assert f"{name} must be a number, not 'abc'" in capsys.readouterr().err
    assert Settings.from_env([], {name: ""}) == Settings.from_env([], {})   # empty: unset
