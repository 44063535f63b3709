"""The server's Russian texts live in jewelstream/texts.py alone, one per code: no other
module of the server writes Russian for people (its docstrings and comments aside; the
seed data, the data import's reports and the command-line client are not the server)."""
from __future__ import annotations

import ast
import re

from jewelstream import texts
from tests.kit import ROOT

CYRILLIC = re.compile("[а-яА-ЯёЁ]")
NOT_THE_SERVER = ("jewelstream/seed/", "jewelstream/data/", "jewelstream/client.py", "jewelstream/texts.py")


def russian_strings(path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and ast.get_docstring(node) is not None}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and CYRILLIC.search(node.value) and id(node) not in docstrings]


def test_no_server_module_but_texts_writes_russian():
    found = {}
    for path in sorted((ROOT / "jewelstream").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if not name.startswith(NOT_THE_SERVER) and (strings := russian_strings(path)):
            found[name] = strings
    assert not found, f"move these into jewelstream/texts.py: {found}"


def test_the_check_sees_russian_and_one_situation_has_one_text():
    assert russian_strings(ROOT / "jewelstream" / "texts.py")        # the scan does find Russian
    assert len(set(texts.MESSAGES.values())) == len(texts.MESSAGES)   # no two codes share a text
    assert texts.say("message_too_long", limit=4000) == "Сообщение слишком длинное: не больше 4000 символов."
