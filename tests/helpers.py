"""Small helpers shared by several test modules."""

import copy
import os
import signal
import subprocess
import time
from collections.abc import Callable


def deep_merge(base: dict, overlay: dict) -> dict:
    """``overlay`` merged into a copy of ``base`` as Snakemake merges config files: dicts recursively, others
    replaced."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def kill_9_when(process: subprocess.Popen, ready: Callable[[], bool], what: str, timeout: float = 300) -> None:
    """SIGKILL ``process`` as soon as ``ready()`` holds (polled every 10 ms), failing if the process ends first
    or ``what`` has not happened within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, process.communicate()[0]
        assert time.monotonic() < deadline, f"the process never {what}"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
