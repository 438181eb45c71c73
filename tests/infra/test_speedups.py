"""The speed-ups that reach into libraries' internals: switched off by a setting, or left off with a
warning when the installed libraries are not the ones they were written for."""

import logging

import pytest

from server.api import execution
from server.infra import speedups
from server.infra.speedups import (
    Incompatible,
    Speedup,
    choose,
    require_members,
    require_parameters,
    require_version,
)
from server.sync import websocket


@pytest.fixture(autouse=True)
def unreported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees every speed-up reported afresh."""
    monkeypatch.setattr(speedups, "_reported", set())


TRIAL = Speedup("the trial speed-up", "WARROOM_FAST_TRIAL")


def test_every_speedup_fits_the_locked_libraries() -> None:
    """Fails after `make upgrade` moved a library past what a speed-up was written for: review that
    speed-up against the new version, then widen its range (docs/development.md)."""
    execution.check_internals()
    websocket.check_internals()
    from server.infra import sqlite_reads

    sqlite_reads.check_internals()


def test_a_speedup_switched_off_is_not_loaded(caplog: pytest.LogCaptureFixture) -> None:
    def load() -> str:
        raise AssertionError("loaded although switched off")

    with caplog.at_level(logging.INFO, "warroom.speedups"):
        assert choose(TRIAL, False, load) is None
    assert "WARROOM_FAST_TRIAL=0" in caplog.text


@pytest.mark.parametrize("problem", [Incompatible("uvicorn 9.0 is outside"), ImportError("no module x")])
def test_a_speedup_that_does_not_fit_falls_back_with_one_warning(
    caplog: pytest.LogCaptureFixture, problem: Exception
) -> None:
    def load() -> str:
        raise problem

    with caplog.at_level(logging.INFO, "warroom.speedups"):
        assert choose(TRIAL, True, load) is None
        assert choose(TRIAL, True, load) is None
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert str(problem) in record.getMessage()
    assert "WARROOM_FAST_TRIAL=0" in record.getMessage()


def test_a_speedup_that_fits_is_used(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, "warroom.speedups"):
        assert choose(TRIAL, True, lambda: "fast") == "fast"
    assert caplog.records == []


@pytest.mark.parametrize(
    ("installed", "fits"),
    [("0.55.0", True), ("0.35", True), ("0.55.0.post1", True), ("0.56.0", False), ("0.56.0rc1", False),
     ("0.34.9", False), ("1.0", False)],
)  # fmt: skip
def test_versions_are_compared_by_release(
    monkeypatch: pytest.MonkeyPatch, installed: str, fits: bool
) -> None:
    monkeypatch.setattr(speedups, "version", lambda _name: installed)
    if fits:
        require_version("uvicorn", "0.35", "0.56")
    else:
        with pytest.raises(Incompatible, match=f"uvicorn {installed} is outside the range"):
            require_version("uvicorn", "0.35", "0.56")


def test_a_missing_library_does_not_fit() -> None:
    with pytest.raises(Incompatible, match="not installed"):
        require_version("no-such-distribution-here", "1", "2")


class _Base:
    LIMIT = 3
    window: int  # annotated only: not an attribute of the class

    def __init__(self) -> None:
        self.transport = object()

    def start(self) -> None:
        def later() -> None:
            self.timer = 1

        later()

    @property
    def size(self) -> int:
        return self.window


class _Derived(_Base):
    def run(self, event: object, *, now: bool = False) -> None:
        del event, now


def test_members_are_found_on_the_class_and_in_its_code() -> None:
    require_members(_Derived, "LIMIT", "start", "transport", "timer", "window")
    with pytest.raises(Incompatible, match="has no conn, closing"):
        require_members(_Derived, "transport", "conn", "closing")


def test_parameters_are_compared_by_name_and_order() -> None:
    require_parameters(_Derived.run, "self", "event", "now")
    with pytest.raises(Incompatible, match="takes"):
        require_parameters(_Derived.run, "self", "event")
