import subprocess
import sys
from importlib.metadata import version

import pytest

from incidentkit.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])

    assert 0 == info.value.code
    assert f"incidentkit {version('incidentkit')}\n" == capsys.readouterr().out


def test_no_arguments_prints_help(capsys):
    assert 0 == main([])
    assert "usage: incidentkit" in capsys.readouterr().out


def test_reads_sys_argv_when_not_given(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["incidentkit"])

    assert 0 == main()
    assert "usage: incidentkit" in capsys.readouterr().out


def test_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "incidentkit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert 0 == out.returncode, out.stderr
    assert out.stdout.startswith("incidentkit ")
