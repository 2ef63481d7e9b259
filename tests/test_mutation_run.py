"""The mutation runner's settings (tests/mutation_run.py): the nice level of the mutmut run and
the score line."""

from __future__ import annotations

import pytest

import mutation_run


def test_nice_level_defaults_to_19_and_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINETTGEO_MUTATION_NICE", raising=False)
    assert mutation_run.niceness() == 19
    monkeypatch.setenv("MINETTGEO_MUTATION_NICE", " 10 ")
    assert mutation_run.niceness() == 10
    for bad in ("-5", "20", "high"):
        monkeypatch.setenv("MINETTGEO_MUTATION_NICE", bad)
        with pytest.raises(SystemExit, match="MINETTGEO_MUTATION_NICE"):
            mutation_run.niceness()


def test_score_line_counts_timeouts_as_killed_and_leaves_skipped_out() -> None:
    """killed 6 + timeout 2 = 8 of 8 + survived 1 + no tests 1 = 10: 80.0 %."""
    statuses = {f"m{i}": "killed" for i in range(6)}
    statuses |= {"t1": "timeout", "t2": "timeout", "s": "survived", "n": "no tests"}
    statuses["k"] = "skipped"
    line = mutation_run.score_line("land", statuses)
    assert line.startswith("land              8 / 10      80.0 %")
    assert "survived 1, no tests 1, other {'skipped': 1}" in line
