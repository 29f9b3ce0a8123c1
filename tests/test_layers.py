"""The layers of DESIGN.md §2: imports only go down, capabilities stay apart."""

import ast
from pathlib import Path

import pytest

import incidentkit


PACKAGE = Path(incidentkit.__file__).parent

# Lower number = lower layer.  A module may import its own layer and those below.
FOUNDATION, CORE, CAPABILITIES, WIRE, EDGES = range(5)
LAYERS = {
    "errors": FOUNDATION,
    "_time": FOUNDATION,
    "_validators": FOUNDATION,
    "_frozen": FOUNDATION,
    "findings": FOUNDATION,
    "testing": FOUNDATION,
    "_lifecycle": CORE,
    "severity": CORE,
    "roles": CORE,
    "timeline": CORE,
    "_invariants": CORE,
    "incident": CORE,
    "spans": CORE,
    "_wire": CORE,
    "_records_wire": CORE,
    "signals": CAPABILITIES,
    "metrics": CAPABILITIES,
    "classify": CAPABILITIES,
    "mitigation": CAPABILITIES,
    "comms": CAPABILITIES,
    "serialization": WIRE,
    "_fastpath": CORE,
    "_shape": FOUNDATION,
    "_blame": FOUNDATION,
    "_rca": CORE,
    "rca": CAPABILITIES,
    "postmortem": CAPABILITIES,
    "render": EDGES,
    "plot": EDGES,
    "interop": EDGES,
    "datasets": EDGES,
    "frames": EDGES,
    "cli": EDGES,
    "_report": EDGES,
    "__init__": EDGES,
    "__main__": EDGES,
}
# Capabilities never import each other, except classify reading signals decisions.
SIBLINGS_ALLOWED = {("classify", "signals")}
# The one upward reach: a display method may import incidentkit.render inside it.
DISPLAY_METHODS = {"_repr_html_", "_repr_markdown_", "_repr_svg_"}


def is_display_method(name: str) -> bool:
    # `nox -s mutants` runs this on mutmut's copies, where a method's body also
    # lives in module-level functions named xǁClassǁ_repr_html___mutmut_<n>.
    return name.rpartition("ǁ")[2].partition("__mutmut_")[0] in DISPLAY_METHODS


def module_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _targets(node: ast.AST, path: Path) -> set[str]:
    names: set[str] = set()
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


def imported(path: Path, *, display: bool = False) -> set[str]:
    """What *path* imports; with *display*, only the imports in display methods."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_display: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef)
        ) and is_display_method(node.name):
            in_display.update(ast.walk(node))
    names: set[str] = set()
    for node in ast.walk(tree):
        if (node in in_display) == display:
            names |= _targets(node, path)
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
        if LAYERS[name] == LAYERS[own] == CAPABILITIES and name != own:
            assert (own, name) in SIBLINGS_ALLOWED, f"capability {own} imports {name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_display_methods_reach_up_only_to_render(path):
    assert imported(path, display=True) <= {"render"}


def test_signals_uses_only_the_foundation():
    allowed = {"errors", "_time", "findings", "_validators", "_frozen"}
    for path in (PACKAGE / "signals").rglob("*.py"):
        assert imported(path) - {"signals"} <= allowed, path


def _write(tmp_path, name, source):
    target = tmp_path / name
    target.write_text(source, encoding="utf-8")
    return target


def test_the_checker_sees_a_display_import_and_an_ordinary_one(tmp_path, monkeypatch):
    # The checker itself must tell the two apart, or the rules above prove nothing.
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    path = _write(
        tmp_path,
        "incident.py",
        "from .timeline import Timeline\n"
        "class X:\n"
        "    def _repr_html_(self):\n"
        "        from .render import card\n"
        "        return card(self)\n"
        "    def other(self):\n"
        "        from .cli import main\n",
    )

    assert {"timeline", "cli"} == imported(path)
    assert {"render"} == imported(path, display=True)


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("_repr_html_", True),
        ("_repr_svg_", True),
        ("xǁIncidentǁ_repr_html___mutmut_orig", True),
        ("xǁFishboneǁ_repr_markdown___mutmut_2", True),
        ("xǁIncidentǁmitigate__mutmut_3", False),
        ("x_repr_html", False),
        ("render", False),
    ],
)
def test_display_methods_are_known_also_in_mutmut_copies(name, display):
    assert is_display_method(name) is display
