import os
import subprocess
from pathlib import Path

import pytest
import torch

# Tests run on CPU with few threads: the suite must behave the same on a 2-core CI machine.
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


@pytest.fixture(scope="session", autouse=True)
def background_runs(request, tmp_path_factory) -> dict:
    """Runs that mostly wait, started with the session so that the other tests fill their waits: a selected test
    module that defines ``start_in_background(tmp_path_factory)`` (tests/test_slurm.py: ~45 s of SLURM status
    checks) gets its run here under the module's name; each is stopped at the end if it still runs."""
    modules = {item.module for item in request.session.items if hasattr(getattr(item, "module", None),
                                                                        "start_in_background")}
    runs = {module.__name__: module.start_in_background(tmp_path_factory) for module in modules}
    yield runs
    for run in runs.values():
        if run is not None:
            run.stop()
