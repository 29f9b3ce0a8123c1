"""Development tasks: ``nox`` runs the default sessions, ``nox -s bench`` benchmarks.

``nox -s mutants`` runs mutation testing (mutmut) over the core modules.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nox


nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "lint",
    "typing",
    "tests",
    "tests_lowest",
    "docs",
    "coverage",
    "browser",
]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
LOWEST = ["attrs==24.2.0", "cattrs==24.1.0", "python-dateutil==2.8.2"]
COVERAGE_GATE = "95"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def _expose_pyenv_interpreters() -> None:
    """Make every pyenv-installed 3.10-3.13 reachable as ``python3.X`` for nox."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return
    bare = subprocess.run(  # noqa: S603 - a fixed command, no user input
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout.split()
    wanted = [
        max((v for v in bare if v.startswith(f"{minor}.")), default="", key=_key)
        for minor in PYTHONS
    ]
    # `pyenv exec` (every shim) exports PYENV_VERSION: extend it, keep its head.
    current = (
        os.environ.get("PYENV_VERSION")
        or subprocess.run(  # noqa: S603
            [pyenv, "version-name"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    chosen = current.split(":") if current else []
    chosen += [v for v in wanted if v and v not in chosen]
    os.environ["PYENV_VERSION"] = ":".join(chosen)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


_expose_pyenv_interpreters()


def group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session(python="3.12")
def lint(session: nox.Session) -> None:
    """Ruff: the linter and the formatter check."""
    session.install(*group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.12")
def typing(session: nox.Session) -> None:
    """mypy --strict over everything; pyright's public type-completeness gate."""
    session.install(*group("typing"), *group("bench"), ".")
    session.run("mypy")
    session.run(
        "pyright",
        "--verifytypes",
        "incidentkit",
        "--ignoreexternal",
    )


def _pytest(session: nox.Session, *extra: str) -> None:
    # Parallel mode: every run writes its own .coverage.<session>.<host>.<pid>.* file.
    for stale in ROOT.glob(f".coverage.{session.name}.*"):
        stale.unlink()
    env = {"COVERAGE_FILE": str(ROOT / f".coverage.{session.name}")}
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        "-n",
        "auto",
        *extra,
        *session.posargs,
        env=env,
    )
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        "--doctest-modules",
        "--pyargs",
        "incidentkit",
        "-p",
        "no:cacheprovider",
        env=env,
    )


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite against the installed package, with branch coverage."""
    session.install(*group("tests"), ".")
    _pytest(session)


@nox.session(python=PYTHONS[0])
def tests_lowest(session: nox.Session) -> None:
    """The test suite against the lowest supported runtime dependencies."""
    session.install(*group("tests"), ".")
    session.install(*LOWEST)
    session.run("pytest", "-q", "-n", "auto", *session.posargs)


@nox.session(python="3.12")
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors and execute every example."""
    session.install(*group("docs"), ".")
    out = ROOT / "docs" / "_build"
    for builder in ("html", "doctest"):
        session.run(
            "sphinx-build",
            "-W",
            "--keep-going",
            "-n",
            "-T",
            "-b",
            builder,
            "-d",
            str(out / "doctrees"),
            "docs",
            str(out / builder),
        )


@nox.session(python="3.12")
def coverage(session: nox.Session) -> None:
    """Combine the coverage of every test run and hold it to the gate."""
    session.install("coverage[toml]")
    files = sorted(str(p) for p in ROOT.glob(".coverage.tests-*"))
    if not files:
        session.error("no coverage data: run the tests sessions first")
    session.run("coverage", "combine", "--keep", *files)
    session.run("coverage", "report", f"--fail-under={COVERAGE_GATE}")


def _ensure_chromium(session: nox.Session) -> None:
    """Debian's chromium at CHROMIUM: installed with apt-get when missing and root."""
    if CHROMIUM.exists():
        return
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        session.error(
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(sudo apt-get install chromium) or set CHROMIUM to a Chromium binary"
        )
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run("apt-get", "install", "-y", "-qq", "chromium", external=True, env=env)


@nox.session(python="3.12")
def browser(session: nox.Session) -> None:
    """The HTML report opened in headless chromium: its DOM, screenshots, dark mode."""
    _ensure_chromium(session)
    session.install(*group("browser"), ".")
    page = Path(session.create_tmp()) / "report.html"
    session.run("incidentkit", "report", "--format", "html", "-o", str(page))
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/browser",
        *session.posargs,
        env={"INCIDENTKIT_PAGE": str(page), "CHROMIUM": str(CHROMIUM)},
    )


@nox.session(python="3.12", default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against the peers a user would use instead, as ratios."""
    session.install(*group("bench"), ".")
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    selected = session.posargs or [str(p) for p in scripts]
    for script in selected:
        session.run("python", script, env={"PYTHONHASHSEED": "0", **_bench_env()})


def _bench_env() -> dict[str, str]:
    # Benchmarks are run in CI only when asked; keep them quiet and reproducible.
    return {"CI": os.environ.get("CI", "")}


# Mutation testing: the modules [tool.mutmut] only_mutate lists, by their short names.
MUTATED = (
    "_lifecycle",
    "_invariants",
    "incident",
    "timeline",
    "roles",
    "serialization",
    "spans",
    "metrics._summary",
    "metrics._compare",
    "metrics._recurrence",
    "metrics._periods",
    "metrics._stats",
    "frames",
)
MUTANTS_DIR = ROOT / "mutants"
MUTANTS_REPORT = ROOT / "mutants-report.txt"
MUTANTS_CHILDREN = "2"  # the machine's two cores; --max-children=N to change it
# Runs in the session's venv: mutmut's own reading of its results, and its diffs.
_MUTANTS_DUMP = """
import json, sys
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files

rows = []
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for name, code in data.exit_code_by_key.items():
        status = status_by_exit_code[code]
        diff = get_diff_for_mutant(name, path=path) if status == "survived" else ""
        rows.append({"path": str(path), "name": name, "status": status, "diff": diff})
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(rows, out)
"""


@nox.session(python="3.12", default=False)
def mutants(session: nox.Session) -> None:
    """
    Mutation testing of the core modules with mutmut: survivors and the kill rate.

    Each mutant runs only the tests that call the function it mutates. Results are
    kept in mutants/ and a later run tests only the functions whose source changed.
    Posargs: module short names (``roles``) or mutant name globs
    (``incidentkit.roles.x_holder_of*``) to (re)test only those; ``--survivors`` to
    retest the last run's survivors (after writing tests); ``--fresh`` to start from
    scratch; ``--report`` to only print the last results; ``--max-children=N``.
    The summary is printed and written to mutants-report.txt.
    """
    children, fresh, survivors, report_only, selectors = _mutants_args(session)
    session.install(*group("mutants"), ".")
    if fresh:
        shutil.rmtree(MUTANTS_DIR, ignore_errors=True)
    if survivors:
        selectors += _survivors()
        if not selectors:
            session.log("no survivors recorded: nothing to retest")
    if not report_only and not (survivors and not selectors):
        session.run(
            "mutmut",
            "run",
            f"--max-children={children}",
            *selectors,
            env={"HYPOTHESIS_PROFILE": "mutants"},
        )
    dump = Path(session.create_tmp()) / "mutants.json"
    session.run("python", "-c", _MUTANTS_DUMP, str(dump), silent=True)
    rows = json.loads(dump.read_text(encoding="utf-8"))
    if selectors:
        rows = [
            r for r in rows if any(fnmatch.fnmatchcase(r["name"], p) for p in selectors)
        ]
    summary, diffs = _mutants_report(rows)
    MUTANTS_REPORT.write_text(summary + diffs, encoding="utf-8")
    print(summary)  # noqa: T201 - the session's output
    session.log(f"summary and the survivors' diffs in {MUTANTS_REPORT.name}")


def _mutants_args(session: nox.Session) -> tuple[str, bool, bool, bool, list[str]]:
    children, fresh, survivors, report_only = MUTANTS_CHILDREN, False, False, False
    selectors: list[str] = []
    args = iter(session.posargs)
    for arg in args:
        if arg == "--fresh":
            fresh = True
        elif arg == "--survivors":
            survivors = True
        elif arg == "--report":
            report_only = True
        elif arg.startswith("--max-children"):
            children = arg.partition("=")[2] or next(args, "")
            if not children.isdigit():
                session.error("--max-children needs a number")
        elif arg.startswith("-"):
            session.error(f"unknown option {arg}")
        elif arg.removeprefix("incidentkit.") in MUTATED:
            selectors.append(f"incidentkit.{arg.removeprefix('incidentkit.')}.*")
        else:
            selectors.append(arg)
    return children, fresh, survivors, report_only, selectors


def _survivors() -> list[str]:
    names = []
    for meta in sorted(MUTANTS_DIR.glob("src/incidentkit/*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        names += [name for name, code in codes.items() if code == 0]  # 0: survived
    return names


_OTHER = ("timeout", "no tests", "skipped", "suspicious", "segfault", "not checked")


def _mutants_report(rows: list[dict[str, str]]) -> tuple[str, str]:
    """The summary (counts, then each survivor's changed lines) and the diffs."""
    by_module: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_module.setdefault(row["path"], []).append(row)
    lines = ["Mutation testing (mutmut): kill rate = killed / (killed + survived)", ""]
    header = f"{'module':<36}{'killed':>8}{'survived':>10}{'rate':>9}  other"
    lines += [header, "-" * len(header)]
    total: dict[str, int] = {}
    for path, module_rows in sorted(by_module.items()):
        counts = _count(module_rows)
        for status, n in counts.items():
            total[status] = total.get(status, 0) + n
        lines.append(_count_line(path, counts))
    lines += ["-" * len(header), _count_line("total", total), ""]
    lines.append(
        "other: timeouts, mutants no test reaches ('no tests'), skipped and the like,"
        " left out of the rate. Only undecorated functions and methods are mutated"
        " (mutmut 3 leaves module-level code, @property and validators alone)."
    )
    diffs = ["", "", "Diffs of the surviving mutants (also: mutmut show NAME)"]
    for path, module_rows in sorted(by_module.items()):
        survived = sorted(
            (r for r in module_rows if r["status"] == "survived"),
            key=lambda r: _natural(r["name"]),
        )
        if not survived:
            continue
        lines += ["", f"== {path}: {len(survived)} surviving mutants"]
        diffs += ["", f"== {path}"]
        source = (ROOT / path).read_text(encoding="utf-8").splitlines()
        for row in survived:
            lines.append(row["name"])
            lines += [f"    {change}" for change in _changes(row, source)]
            diffs += ["", row["name"], *row["diff"].splitlines()]
    return "\n".join(lines) + "\n", "\n".join(diffs) + "\n"


def _count(rows: list[dict[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def _count_line(name: str, counts: dict[str, int]) -> str:
    killed, survived = counts.get("killed", 0), counts.get("survived", 0)
    rate = f"{100 * killed / (killed + survived):.1f}%" if killed + survived else "-"
    other = ", ".join(
        f"{counts[s]} {s}" for s in sorted(counts) if s not in {"killed", "survived"}
    )
    return f"{name:<36}{killed:>8}{survived:>10}{rate:>9}  {other}"


def _natural(name: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _changes(row: dict[str, str], source: list[str]) -> list[str]:
    """The mutant's changed lines, each with its line number in the source file."""
    mangled = row["name"].rpartition(".")[2].partition("__mutmut_")[0]
    if mangled.startswith("xǁ"):  # mutmut names methods xǁClassǁmethod
        cls, _, func = mangled[2:].partition("ǁ")
    else:  # x_function
        cls, func = "", mangled[2:]
    span = _span(row["path"], cls, func)
    path = row["path"]
    out: list[str] = []
    for first, hunk in _hunks(row["diff"]):
        # Find the hunk's unchanged and removed lines in the function's source.
        old = [d[1:].strip() for d in hunk if not d.startswith("+")]
        at = _locate(source, old, span, near=span[0] + first - 1) if span else None
        line, anchor = at, at
        for d in hunk:
            where = f"{path}:{line if line is not None else '?'}"
            if d.startswith("-"):
                out.append(f"{where} - {d[1:].strip()}")
            elif d.startswith("+"):
                out.append(
                    f"{path}:{anchor if anchor is not None else '?'} + {d[1:].strip()}"
                )
                continue
            if line is not None:
                line += 1
            if not d.startswith("-"):
                anchor = line
    return out


def _hunks(diff: str) -> list[tuple[int, list[str]]]:
    hunks: list[tuple[int, list[str]]] = []
    for d in diff.splitlines()[2:]:  # after the ---/+++ header
        if d.startswith("@@"):
            hunks.append((int(d.split()[1].lstrip("-").split(",")[0]), []))
        elif hunks:
            hunks[-1][1].append(d)
    return hunks


def _locate(
    source: list[str], block: list[str], span: tuple[int, int], near: int
) -> int | None:
    """The line in *span* where *block* starts (the one nearest *near*), if any."""
    starts = [
        n
        for n in range(span[0], span[1] - len(block) + 2)
        if [t.strip() for t in source[n - 1 : n - 1 + len(block)]] == block
    ]
    return min(starts, key=lambda n: abs(n - near)) if starts else None


def _span(path: str, cls: str, func: str) -> tuple[int, int] | None:
    """The lines of a function (from its first decorator) in the source file."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    body = tree.body
    if cls:
        body = next(
            (
                n.body
                for n in tree.body
                if isinstance(n, ast.ClassDef) and n.name == cls
            ),
            [],
        )
    for node in body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name == func
        ):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return start, node.end_lineno or node.lineno
    return None
