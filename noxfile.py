"""Development tasks: ``nox`` runs the default sessions, ``nox -s bench`` benchmarks."""

from __future__ import annotations

import os
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
]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
LOWEST = ["attrs==24.2.0", "cattrs==24.1.0", "python-dateutil==2.8.2"]
COVERAGE_GATE = "95"


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
    session.run("coverage", "run", "-m", "pytest", *extra, *session.posargs, env=env)
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
    session.run("pytest", "-q", *session.posargs)


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
