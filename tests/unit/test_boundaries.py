"""The server uses the agents only through the agents package's public names: every
import of `agents` in jewelstream/ is `from agents import NAME` with NAME in
`agents.__all__` (never a module inside the package), and agents/ never imports aiohttp
or the server."""
from __future__ import annotations

import ast

import agents
from tests.kit import ROOT


def imports(folder: str):
    """(file, module, names) of every import statement under ROOT/folder."""
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                yield path.relative_to(ROOT).as_posix(), node.module or "", [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT).as_posix(), alias.name, []


def test_the_server_imports_only_the_agents_public_names():
    public = set(agents.__all__)
    wrong = [(file, module, names) for file, module, names in imports("jewelstream")
             if (module == "agents" and not set(names) <= public) or module.startswith("agents.")]
    assert not wrong, f"import these from `agents` (add them to agents.__all__ if they are public): {wrong}"


def test_the_public_names_exist_and_the_check_sees_the_imports():
    assert all(hasattr(agents, name) for name in agents.__all__)
    used = {name for _file, module, names in imports("jewelstream") if module == "agents" for name in names}
    assert {"AGENTS", "choose_agents"} <= used         # a check that found no imports would pass vacuously


def test_the_agents_never_import_the_server_or_http():
    wrong = [(file, module) for file, module, _names in imports("agents")
             if module.split(".")[0] in ("aiohttp", "jewelstream")]
    assert not wrong, wrong
