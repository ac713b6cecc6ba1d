"""`vigil eval spike-response`: how soon a rise that holds is caught, on synthetic topics
whose answer is known (the figure read beside the NAB score)."""

from __future__ import annotations

import pytest

from vigil.alerts.detectors.response import ResponseCase, measure_response


def test_a_tenfold_rise_is_caught_within_fifteen_minutes_and_no_rise_is_not() -> None:
    rise, none = ResponseCase(16.0, 10.0, 30), ResponseCase(16.0, 1.0, 30)
    caught, quiet = measure_response("medium", cases=(rise, none), seeds=3)
    assert caught.case == rise and caught.trials == 3
    assert caught.caught == 3 and max(caught.delays) <= 15
    assert quiet.caught == 0 and quiet.median_delay is None


def test_higher_sensitivity_catches_a_threefold_rise_at_least_as_often() -> None:
    case = (ResponseCase(16.0, 3.0, 30),)
    low, high = (measure_response(s, cases=case, seeds=4)[0] for s in ("low", "high"))
    assert high.caught >= low.caught


def test_the_command_refuses_settings_it_cannot_measure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from vigil.cli import main

    assert main(["eval", "spike-response", "--seeds", "0"]) == 2
    assert "--seeds >= 1" in capsys.readouterr().err
    assert main(["eval", "spike-response", "--history-days", "1"]) == 2
    assert "--history-days >= 2" in capsys.readouterr().err
