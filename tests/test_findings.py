from typing import Any

import pytest

from incidentkit import Finding, Level, ValidationError


def test_str_shows_level_code_subject_and_message():
    assert "warning late-update [INC-1]: Late." == str(
        Finding("late-update", "Late.", Level.WARNING, "INC-1")
    )


def test_str_without_subject():
    assert "info x: y" == str(Finding("x", "y", Level.INFO))


def test_default_level_is_warning():
    assert Level.WARNING is Finding("x", "y").level


@pytest.mark.parametrize("field", ["code", "message"])
def test_code_and_message_are_required(field):
    kwargs: dict[str, Any] = {"code": "x", "message": "y", field: ""}

    with pytest.raises(ValidationError, match=rf"'{field}' must be a non-empty string"):
        Finding(**kwargs)
