"""Progress of long loops: a tqdm bar on a terminal, a steady log line otherwise.

Rule scripts send their output to the job's log file (:func:`netspectra.io.log_output`, which also sets up
``logging`` at INFO there), so a job logs ``<what>: step 1200/5000 (24%), loss 0.0123, elapsed 1m02s, left
~3m16s`` at most every ``every_seconds`` and once at the end: ``tail -f results/logs/<rule>.log`` shows it.
Library calls on a terminal show a tqdm bar; elsewhere they stay quiet unless the caller configures logging.
"""

from __future__ import annotations

import logging
import math
import sys
import time

from tqdm.auto import tqdm

logger = logging.getLogger("netspectra")


def duration(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``42s``."""
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def _value(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


class Progress:
    """Counts ``total`` units of work (steps, epochs, directions, ...) of ``what``.

    ``update(n, **metrics)`` advances by ``n`` and remembers the latest metrics (loss, accuracy, ...), which
    the next line or the bar shows; a metric may be a function of no arguments, called only when a line or
    the bar shows it (a loop on a GPU then synchronises only for the lines it logs). ``start`` resumes the
    count (a job resumed from a checkpoint). Use as a context manager, or call ``close()``, to log the final
    line.
    """

    def __init__(self, total: int, what: str, *, unit: str = "step", start: int = 0, every_seconds: float = 10.0,
                 bar: bool | None = None):
        self.total, self.what, self.unit, self.every = int(total), what, unit, every_seconds
        self.done, self.start_count, self.metrics = int(start), int(start), {}
        self.t0 = self.last = time.monotonic()
        self.logged = None  # the count of the last logged line
        self.pending = {}  # metrics given as functions, evaluated when shown
        self.bar_every, self.bar_last = 1.0, -math.inf  # bar postfix refreshed at most once a second
        use_bar = sys.stderr.isatty() if bar is None else bar
        self.bar = tqdm(total=self.total, initial=self.done, desc=what, unit=unit, leave=False) if use_bar else None

    def _evaluate(self) -> None:
        for k, f in self.pending.items():
            v = f()
            self.metrics[k] = float(v) if hasattr(v, "__float__") and not isinstance(v, int) else v
        self.pending = {}

    def line(self) -> str:
        self._evaluate()
        elapsed = time.monotonic() - self.t0
        rate = (self.done - self.start_count) / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else math.inf
        parts = [f"{self.unit} {self.done}/{self.total} ({100 * self.done / max(self.total, 1):.0f}%)"]
        parts += [f"{k} {_value(v)}" for k, v in self.metrics.items()]
        parts += [f"elapsed {duration(elapsed)}", f"left ~{duration(left)}"]
        return f"{self.what}: " + ", ".join(parts)

    def update(self, n: int = 1, **metrics) -> None:
        self.done += n
        for k, v in metrics.items():
            if callable(v):
                self.pending[k] = v
            else:
                self.pending.pop(k, None)
                self.metrics[k] = float(v) if hasattr(v, "__float__") and not isinstance(v, int) else v
        now = time.monotonic()
        if self.bar is not None:
            self.bar.update(n)
            if metrics and (now - self.bar_last >= self.bar_every or self.done >= self.total):
                self.bar_last = now
                self._evaluate()
                self.bar.set_postfix({k: _value(v) for k, v in self.metrics.items()}, refresh=False)
            return
        if now - self.last >= self.every:
            self.last, self.logged = now, self.done
            logger.info(self.line())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.logged != self.done:
            logger.info(self.line())

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
