"""Defect 6: nonsense in Request and AlertPolicy is one ValidationError."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from incidentkit.errors import ValidationError
from incidentkit.signals import AlertPolicy, NoDataPolicy, Request


T0 = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
LATENCY = timedelta(milliseconds=50)


@pytest.mark.parametrize("field", ["ok", "correct"])
@pytest.mark.parametrize("value", ["false", None, 0, 1])
def test_request_outcomes_must_be_bools(field: str, value: object) -> None:
    # Before: ok="false" counted as a success, ok=None as a failure.
    with pytest.raises(ValidationError) as info:
        Request(T0, LATENCY, **{field: value})  # type: ignore[arg-type]
    assert info.value.field == field
    assert "True or False" in str(info.value)


@pytest.mark.parametrize("value", ["ok", "bogus", None])
def test_alert_policy_no_data_must_be_a_no_data_policy(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        AlertPolicy(no_data=value)  # type: ignore[arg-type]
    assert info.value.field == "no_data"
    assert "NoDataPolicy" in str(info.value)
    assert AlertPolicy(no_data=NoDataPolicy.OK).no_data is NoDataPolicy.OK
