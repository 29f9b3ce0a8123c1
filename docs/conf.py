"""Sphinx configuration for the incidentkit documentation."""

from __future__ import annotations

import doctest
import inspect
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext.napoleon.docstring import GoogleDocstring
from sphinx.pycode import ModuleAnalyzer

import incidentkit
import incidentkit.render
from incidentkit._lifecycle import EFFECTS, STATUS_MILESTONES


# -- Project -------------------------------------------------------------------------

project = "incidentkit"
author = "incidentkit developers"
copyright = "the incidentkit developers"
release = metadata.version("incidentkit")
version = ".".join(release.split(".")[:2])

# -- General -------------------------------------------------------------------------

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "sphinxcontrib.mermaid",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "_generated"]

# Single backticks in docstrings are cross-references: `Incident.declare`, `None`.
default_role = "any"
nitpicky = True

# -- MyST ----------------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- MyST-NB: the tour notebook is executed on every build ---------------------------

# "force": run every notebook on every build; any cell error fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
nb_execution_show_tb = True
# Notebooks hold no outputs in the repository: they are computed here.
nb_merge_streams = True

# -- autodoc and napoleon ------------------------------------------------------------

autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False


def _consume_attribute_without_type(self: GoogleDocstring) -> tuple[str, list[str]]:
    # Napoleon reads "Word: more words" at the start of an attribute docstring as
    # "type: description".  incidentkit annotates its attributes, so the first line
    # is always prose ("Do not page: the work joins the normal queue.").
    lines = [self._lines.next(), *self._dedent(self._consume_to_end())]
    return "", type(self)(lines, self._config).lines()


GoogleDocstring._consume_inline_attribute = _consume_attribute_without_type  # type: ignore[method-assign]  # noqa: SLF001

# -- doctest -------------------------------------------------------------------------

# IGNORE_EXCEPTION_DETAIL is off: the error messages are part of what the docs show.
doctest_default_flags = doctest.ELLIPSIS | doctest.DONT_ACCEPT_TRUE_FOR_1
# No doctest_global_setup: every example imports and builds what it uses, so what a
# reader copies runs as it is.  Every block has its own doctest group, which runs
# in a fresh namespace: a block that needed an earlier one would fail the build.

# -- HTML ----------------------------------------------------------------------------

html_theme = "furo"
html_title = f"incidentkit {release}"

# -- Nitpicky references -------------------------------------------------------------

# There is no intersphinx inventory to resolve names outside incidentkit, so
# references to the standard library and to attrs/cattrs/dateutil render as plain
# text instead of failing the build.
_EXTERNAL = (
    r"(datetime|typing|collections\.abc|collections|enum|os|pathlib|io|json|re"
    r"|types|zoneinfo|functools|attrs|attr|cattrs|dateutil|pandas|numpy|matplotlib)(\..+)?"
)
nitpick_ignore_regex = [
    (r"py:.*", _EXTERNAL),
    (r"py:.*", r"IO|T|E|dt\..+"),
    # Module-level type variables are not part of the documented API.
    (r"py:class", r"incidentkit\.[\w.]+\.[TE]"),
    # Docstring cross-references to things outside incidentkit (see the report).
    ("any", _EXTERNAL),
    ("any", r"None|True|False|now\(\)"),
]


# -- Re-exports ----------------------------------------------------------------------

# Some public names live in private modules (incidentkit._lifecycle, _time) and are
# documented where users import them from.  Type hints still spell the private
# path; point those references at the public one.
_PRIVATE = re.compile(r"incidentkit\.(?:\w+\.)*_\w+\.(?P<name>[\w.]+)")


def _public_reexport(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    if node.get("refdomain") != "py":
        return None
    match = _PRIVATE.fullmatch(node.get("reftarget", ""))
    if match is None:
        return None
    domain: Any = env.get_domain("py")
    suffix = "." + match["name"]
    candidates = sorted(
        name
        for name in domain.objects
        if name.endswith(suffix)
        and name.startswith("incidentkit.")
        and "._" not in name[: -len(suffix)]
    )
    if not candidates:
        return None
    node["reftarget"] = candidates[0]
    for text in list(contnode.findall(nodes.Text)):
        if text.astext() == match[0]:
            text.parent.replace(text, nodes.Text(candidates[0]))
    resolved: nodes.Element | None = domain.resolve_xref(
        env,
        node["refdoc"],
        app.builder,
        node["reftype"],
        candidates[0],
        node,
        contnode,
    )
    return resolved


def _public_names() -> dict[str, str]:
    """Map ``incidentkit._private.Name`` to where the docs describe ``Name``."""
    found: dict[str, str] = {}
    for module_name, module in sorted(sys.modules.items(), reverse=True):
        if not module_name.startswith("incidentkit") or "._" in module_name:
            continue
        for name in getattr(module, "__all__", ()):
            home = getattr(getattr(module, name, None), "__module__", None)
            qualname = getattr(getattr(module, name, None), "__qualname__", name)
            if isinstance(home, str) and _PRIVATE_MODULE.fullmatch(home):
                found.setdefault(f"{home}.{qualname}", f"{module_name}.{name}")
    return found


def _public_types(
    _app: Sphinx,
    _what: str,
    _name: str,
    _obj: object,
    _options: object,
    lines: list[str],
) -> None:
    # Napoleon writes attribute types from the annotations, which name the
    # private module a re-exported class is defined in.
    public = _public_names()
    lines[:] = [_PRIVATE.sub(lambda m: public.get(m[0], m[0]), line) for line in lines]


def _reexported_data_doc(
    _app: Sphinx,
    what: str,
    name: str,
    obj: object,
    _options: object,
    lines: list[str],
) -> None:
    # A constant re-exported from a private module has its docstring in that
    # module's source; autodoc only looks in the module it documents.
    if what != "data" or not name.startswith("incidentkit."):
        return
    attribute = name.rpartition(".")[2]
    for module in sorted(m for m in sys.modules if _PRIVATE_MODULE.fullmatch(m)):
        docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", attribute) in docs and getattr(sys.modules[module], attribute) is obj:
            lines[:] = list(docs["", attribute])
            return


_PRIVATE_MODULE = re.compile(r"incidentkit\._\w+")


class _Named:
    """A default value shown by the name of the constant it is."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


def _constant_names() -> dict[int, str]:
    names: dict[int, str] = {}
    for module_name, module in sorted(sys.modules.items()):
        if module_name != "incidentkit" and not module_name.startswith("incidentkit."):
            continue
        for name, value in vars(module).items():
            if name.isupper() and not isinstance(value, (str, int, float, bool)):
                names.setdefault(id(value), name)
    return names


def _named_defaults(
    _app: Sphinx,
    what: str,
    _name: str,
    obj: Any,
    _options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    # A default such as DEFAULT_POLICIES would otherwise be shown as its whole
    # repr, which is unreadable (and not even parseable as a signature).
    if what not in {"function", "class"} or signature is None:
        return None
    constants = _constant_names()
    try:
        parameters = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return None
    if not any(id(p.default) in constants for p in parameters):
        return None
    shown = [
        p.replace(
            annotation=inspect.Parameter.empty,
            default=_Named(constants[id(p.default)])
            if id(p.default) in constants
            else p.default,
        )
        for p in parameters
    ]
    return str(inspect.Signature(shown)), return_annotation


# -- Generated pages -----------------------------------------------------------------


def _lifecycle_page() -> str:
    table = [
        "| from | move | to |",
        "| --- | --- | --- |",
    ]
    for status, moves in incidentkit.TRANSITIONS.items():
        if not moves:
            table.append(f"| `{status.value}` | (none: final) | |")
        table.extend(
            f"| `{status.value}` | `{move.value}` | `{target.value}` |"
            for move, target in moves.items()
        )
    diagram = incidentkit.render.state_diagram()
    effects = [
        "| move | sets | sets when unset | clears | records |",
        "| --- | --- | --- | --- | --- |",
    ]
    for move, effect in EFFECTS.items():
        text = (
            f"`{effect.text}=` as a {effect.records}"
            + (" (required)" if effect.text_required else "")
            if effect.text
            else ""
        )
        effects.append(
            f"| `{move.value}` | {_names(effect.sets)} | {_names(effect.fills)} "
            f"| {_names(effect.clears)} | {text} |"
        )
    statuses = ["| status | needs | forbids |", "| --- | --- | --- |"]
    statuses.extend(
        f"| `{status.value}` | {_names(rule.needs)} | {_names(rule.forbids)} |"
        for status, rule in STATUS_MILESTONES.items()
    )
    return "\n".join(
        [
            "<!-- Generated by docs/conf.py from incidentkit._lifecycle. -->",
            "",
            "```{mermaid}",
            diagram,
            "```",
            "",
            *table,
            "",
            "What each move does to the milestones (`EFFECTS`):",
            "",
            *effects,
            "",
            "Which milestones each status needs and forbids (`STATUS_MILESTONES`):",
            "",
            *statuses,
            "",
        ]
    )


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _write_generated(app: Sphinx) -> None:
    target = Path(app.srcdir) / "_generated" / "lifecycle.md"
    text = _lifecycle_page()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _write_generated)
    app.connect("missing-reference", _public_reexport, priority=400)
    app.connect("autodoc-process-docstring", _reexported_data_doc)
    app.connect("autodoc-process-docstring", _public_types)
    app.connect("autodoc-process-signature", _named_defaults)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
