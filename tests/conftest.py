import os
import subprocess
from pathlib import Path

import pytest
import torch

# Tests run on CPU with few threads: the suite must behave the same on a 2-core CI machine. Under pytest-xdist
# (`pytest -n 2`, as .ci/run) each worker and every process it starts takes one thread: two OpenMP pools per
# core would spin against each other.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["OMP_NUM_THREADS"] = "1"
    torch.set_num_threads(1)
else:
    torch.set_num_threads(min(2, os.cpu_count() or 1))

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "config_tiny.yaml"


def run_tiny(workdir: Path, *args: str, overlays: tuple[Path, ...] = ()) -> str:
    """Snakemake on the tiny config (and ``overlays`` after it) in ``workdir``; its log (stdout + stderr). One
    thread per job, two jobs at a time: tiny jobs are mostly start-up, which this overlaps; the greedy scheduler
    skips the ILP solver's start per scheduling round (~6 % of the tiny run)."""
    cmd = ["snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--configfile", str(TINY),
           *map(str, overlays), "--cores", "2", "--max-threads", "1", "--scheduler", "greedy", *args]
    run = subprocess.run(cmd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-5000:]
    return run.stdout + run.stderr


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory) -> Path:
    """The whole pipeline on the tiny config, run once per test session; the working directory. Tests that
    change it put back what they change."""
    workdir = tmp_path_factory.mktemp("pipeline")
    run_tiny(workdir)
    return workdir


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    """Groups for ``pytest -n 2 --dist loadgroup``: the tests on the tiny pipeline share one worker (and so one
    run of it) and go first, as the longest group; every other module keeps its tests on one worker, so its
    module-scoped fixtures run once."""
    for item in items:
        group = "tiny_pipeline" if "tiny_pipeline" in item.fixturenames else item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: "tiny_pipeline" not in item.fixturenames)  # stable: the rest keep their order
