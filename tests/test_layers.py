"""The layers of DESIGN.md §2: imports only go down."""

import ast
from pathlib import Path

import pytest

import incidentkit


PACKAGE = Path(incidentkit.__file__).parent

# Lower number = lower layer.  A module may import its own layer and those below.
LAYERS = {
    "errors": 0,
    "_time": 0,
    "_validators": 0,
    "_frozen": 0,
    "findings": 0,
    "testing": 0,
    "_lifecycle": 1,
    "severity": 1,
    "roles": 1,
    "timeline": 1,
    "_invariants": 1,
    "incident": 1,
    "signals": 2,
    "serialization": 3,
    "_fastpath": 3,
    "cli": 4,
    "__init__": 4,
    "__main__": 4,
}


def module_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").startswith("incidentkit"):
                parts = (node.module or "").split(".")
                names.add(parts[1] if len(parts) > 1 else "__init__")
            elif node.level == 1 and path.parent == PACKAGE and node.module is None:
                names.update(alias.name for alias in node.names)
            elif (node.level == 1 and path.parent == PACKAGE) or node.level == 2:
                names.add((node.module or "__init__").split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("incidentkit."):
                    names.add(alias.name.split(".")[1])
    return names


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path):
    own = module_of(path)
    assert own in LAYERS, f"{own} has no layer: add it to DESIGN.md §2 and here"

    for name in imported(path):
        if path.parent != PACKAGE and name == own:
            continue
        assert name in LAYERS, name
        assert LAYERS[name] <= LAYERS[own], f"{own} imports the higher layer {name}"


def test_signals_uses_only_the_foundation():
    allowed = {"errors", "_time", "findings", "_validators", "_frozen"}
    for path in (
        (PACKAGE / "signals").rglob("*.py") if (PACKAGE / "signals").exists() else []
    ):
        assert imported(path) - {"signals"} <= allowed, path
