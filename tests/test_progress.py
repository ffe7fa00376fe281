"""Progress lines of long jobs: step of total, metrics, elapsed and time left, at a steady rate."""

import logging

from netspectra.progress import Progress, duration


def test_progress_logs_steps_metrics_and_time_left(caplog):
    caplog.set_level(logging.INFO, logger="netspectra")
    with Progress(4, "training", every_seconds=0.0, bar=False, start=1) as progress:
        for step in range(2, 5):
            progress.update(loss=1.0 / step, accuracy=0.5)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("training: step 2/4 (50%), loss 0.5, accuracy 0.5, elapsed ")
    assert "left ~" in lines[0] and lines[-1].startswith("training: step 4/4 (100%)")
    assert len(lines) == 3  # one per update; close() does not repeat the last line


def test_progress_is_rate_limited_and_quiet_on_a_bar(caplog):
    caplog.set_level(logging.INFO, logger="netspectra")
    with Progress(1000, "paths", unit="direction", every_seconds=3600, bar=False) as progress:
        for _ in range(1000):
            progress.update()
    assert [r.getMessage().split(",")[0] for r in caplog.records] == ["paths: direction 1000/1000 (100%)"]


def test_duration_reads_like_a_clock():
    assert duration(42) == "42s" and duration(185) == "3m05s" and duration(3720) == "1h02m"


def test_metrics_given_as_functions_are_evaluated_only_when_shown(caplog):
    caplog.set_level(logging.INFO, logger="netspectra")
    calls = []

    def loss(value):
        return lambda: calls.append(value) or value

    with Progress(100, "training", every_seconds=3600, bar=False) as progress:
        for step in range(100):
            progress.update(loss=loss(float(step)))  # e.g. a GPU tensor's .mean: a sync only per logged line
    assert calls == [99.0]  # only for the final line
    assert caplog.records[-1].getMessage().startswith("training: step 100/100 (100%), loss 99, elapsed")
