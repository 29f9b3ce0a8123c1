"""Classifiers loaded by name from the incidentkit.classifiers entry-point group.

The plugin is the one the "Extend the classifier" tutorial (docs/extending.md)
shows: its two files are read from the page, so the tutorial is what gets built.
"""

import doctest
import importlib
import importlib.metadata
import importlib.util
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from incidentkit import Severity
from incidentkit.classify import (
    ENTRY_POINT_GROUP,
    ClassifierNotFound,
    Impact,
    RuleClassifier,
    installed_classifiers,
    load_classifier,
)
from incidentkit.errors import IncidentKitError, ValidationError


ROOT = Path(__file__).parent.parent
TUTORIAL = ROOT / "docs" / "extending.md"


def tutorial_files() -> dict[str, str]:
    text = TUTORIAL.read_text(encoding="utf-8")
    blocks = re.findall(
        r"```\{code-block\} \w+\n:caption: (\S+)\n\n(.*?)```", text, re.DOTALL
    )
    return dict(blocks)


def entry_points_txt(pyproject: str) -> str:
    """What an installer writes for the project's entry-point tables."""
    tables = re.findall(
        r'^\[project\.entry-points\."([^"]+)"\]\n((?:[^\[\n][^\n]*\n?)*)',
        pyproject,
        re.MULTILINE,
    )
    out = []
    for group, body in tables:
        out.append(f"[{group}]")
        for line in body.strip().splitlines():
            name, _, value = line.partition("=")
            out.append(f"{name.strip()} = {value.strip().strip(chr(34))}")
    return "\n".join(out) + "\n"


@pytest.fixture
def clean_imports(monkeypatch):
    yield monkeypatch
    # Forget the plugin module so another test imports its own copy.
    sys.modules.pop("acme_classifier", None)
    importlib.invalidate_caches()


def check_acme_loads():
    assert "acme" in installed_classifiers()
    acme = load_classifier("acme")
    assert isinstance(acme, RuleClassifier)
    c = acme.classify(Impact(facts={"region": "eu"}))
    assert Severity.P1 is c.severity
    assert ("acme-eu-region-down",) == c.matched
    assert Severity.P3 is load_classifier("acme").classify(Impact()).severity


def test_the_tutorial_shows_both_files_of_the_plugin():
    files = tutorial_files()

    assert {"pyproject.toml", "src/acme_classifier/__init__.py"} == set(files)
    assert "[incidentkit.classifiers]\nacme = acme_classifier:classifier\n" == (
        entry_points_txt(files["pyproject.toml"])
    )


def test_a_plugin_distribution_on_the_path_is_loaded_by_name(tmp_path, clean_imports):
    # What pip writes into site-packages: the package and a .dist-info with
    # METADATA and entry_points.txt, which importlib.metadata discovers on sys.path.
    files = tutorial_files()
    site = tmp_path / "site-packages"
    package = site / "acme_classifier"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        files["src/acme_classifier/__init__.py"], encoding="utf-8"
    )
    info = site / "acme_classifier-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-classifier\nVersion: 1.0\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(
        entry_points_txt(files["pyproject.toml"]), encoding="utf-8"
    )
    assert "acme" not in installed_classifiers()

    clean_imports.syspath_prepend(str(site))
    importlib.invalidate_caches()

    check_acme_loads()


def offline_build_backend() -> bool:
    """Whether pip can build the tutorial's setuptools project without the network."""
    if importlib.util.find_spec("pip") is None:
        return False
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return False
    major, minor = (int(part) for part in re.findall(r"\d+", version)[:2])
    # setuptools 70.1 builds wheels itself; before that it needs ``wheel``.
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.mark.skipif(
    not offline_build_backend(),
    reason="building the plugin offline needs pip and setuptools>=70.1 (or wheel) "
    "in this environment; the .dist-info test above covers discovery",
)
def test_the_tutorial_plugin_builds_and_installs_with_pip(tmp_path, clean_imports):
    project = tmp_path / "acme-classifier"
    for name, body in tutorial_files().items():
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    site = tmp_path / "site-packages"
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",  # never the network: the build backend is already here
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=300,
    )
    assert 0 == done.returncode, done.stderr
    assert list(site.glob("acme_classifier-1.0.dist-info/entry_points.txt"))

    clean_imports.syspath_prepend(str(site))
    importlib.invalidate_caches()

    check_acme_loads()


def test_default_is_the_rule_classifier():
    assert "default" in installed_classifiers()
    assert RuleClassifier() == load_classifier("default")


def test_the_project_declares_default_in_the_entry_point_group():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")

    assert (
        f"[{ENTRY_POINT_GROUP}]\ndefault = incidentkit.classify:RuleClassifier\n"
        == entry_points_txt(pyproject)
    )


def test_an_unknown_name_lists_the_installed_ones():
    with pytest.raises(ClassifierNotFound, match="installed: 'default'") as info:
        load_classifier("acme")

    assert isinstance(info.value, IncidentKitError)
    assert isinstance(info.value, LookupError)
    assert "acme" == info.value.name
    assert "default" in info.value.installed
    assert (
        "no classifier 'acme' in the 'incidentkit.classifiers' entry-point group"
        in str(info.value)
    )
    assert info.value.installed == pickle.loads(pickle.dumps(info.value)).installed


def test_a_name_that_is_not_text_is_refused():
    with pytest.raises(ValidationError, match="'name' must be an entry-point name"):
        load_classifier(3)  # type: ignore[arg-type]


def _install_plain(tmp_path, monkeypatch, module_body: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_classifier.py").write_text(module_body, encoding="utf-8")
    info = site / "acme_classifier-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-classifier\nVersion: 1.0\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(
        "[incidentkit.classifiers]\nacme = acme_classifier:thing\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()


def test_an_entry_point_may_name_an_instance(tmp_path, clean_imports):
    _install_plain(
        tmp_path,
        clean_imports,
        "from incidentkit.classify import RuleClassifier\n"
        "thing = RuleClassifier(fallback=__import__('incidentkit').Severity.P2)\n",
    )

    assert Severity.P2 is load_classifier("acme").classify(Impact()).severity


def test_an_entry_point_that_gives_no_classifier_is_refused(tmp_path, clean_imports):
    _install_plain(tmp_path, clean_imports, "thing = 42\n")

    with pytest.raises(ValidationError, match=r"entry point 'acme' \(acme_classifier"):
        load_classifier("acme")


def tutorial_doctests() -> list[tuple[str, str]]:
    text = TUTORIAL.read_text(encoding="utf-8")
    return re.findall(r"```\{doctest\} ([\w-]+)\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize(
    ("name", "body"), tutorial_doctests(), ids=[n for n, _ in tutorial_doctests()]
)
def test_every_example_of_the_tutorial_runs(name, body):
    test = doctest.DocTestParser().get_doctest(body, {}, name, str(TUTORIAL), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)

    runner.run(test)

    assert 0 == runner.summarize(verbose=False).failed
    assert test.examples
