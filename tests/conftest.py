import subprocess
from pathlib import Path

import pytest
import torch

# One torch thread: the tests share the 2-core CI machine with the tiny pipeline's run in the background
# (tiny_pipeline), two one-thread jobs at a time; a second thread here would oversubscribe the cores.
torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "config_tiny.yaml"


def tiny_command(workdir: Path, *args: str, overlays: tuple[Path, ...] = ()) -> list[str]:
    """Snakemake on the tiny config (and ``overlays`` after it) in ``workdir``. One thread per job, two jobs at a
    time: tiny jobs are mostly start-up, which this overlaps; the greedy scheduler skips the ILP solver's start
    per scheduling round (~6 % of the tiny run)."""
    return ["snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--configfile", str(TINY),
            *map(str, overlays), "--cores", "2", "--max-threads", "1", "--scheduler", "greedy", *args]


def run_tiny(workdir: Path, *args: str, overlays: tuple[Path, ...] = ()) -> str:
    """:func:`tiny_command` run to its end; its log (stdout + stderr)."""
    run = subprocess.run(tiny_command(workdir, *args, overlays=overlays), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-5000:]
    return run.stdout + run.stderr


class TinyRun:
    """The whole pipeline on the tiny config, started in the background (``background_runs``)."""

    def __init__(self, workdir: Path):
        self.workdir, self.log = workdir, workdir.with_name(workdir.name + ".log")
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(tiny_command(workdir), stdout=log, stderr=subprocess.STDOUT)

    def finish(self) -> Path:
        assert self.process.wait() == 0, self.log.read_text()[-5000:]
        return self.workdir

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def pytest_collection_modifyitems(items):
    """The tests of the tiny pipeline's run last (a stable sort): the others run while it runs."""
    items.sort(key=lambda item: "tiny_pipeline" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def tiny_pipeline(background_runs) -> Path:
    """The whole pipeline on the tiny config, run once per test session; the working directory. The run starts
    with the session and fills the core the other tests leave idle (they are mostly one thread); alone it takes
    150-290 s of a 2-core machine. Tests that change the directory put back what they change."""
    return background_runs["tiny_pipeline"].finish()


@pytest.fixture(scope="session", autouse=True)
def background_runs(request, tmp_path_factory) -> dict:
    """Runs started with the session, so that the other tests fill their waits or the idle core: the tiny
    pipeline (``tiny_pipeline``) when a selected test needs it, and, for a selected test module that defines
    ``start_in_background(tmp_path_factory)`` (tests/test_slurm.py: ~45 s of SLURM status checks), its run under
    the module's name; each is stopped at the end if it still runs."""
    items = request.session.items
    modules = {item.module for item in items if hasattr(getattr(item, "module", None), "start_in_background")}
    runs = {module.__name__: module.start_in_background(tmp_path_factory) for module in modules}
    if any("tiny_pipeline" in getattr(item, "fixturenames", ()) for item in items):
        runs["tiny_pipeline"] = TinyRun(tmp_path_factory.mktemp("pipeline"))
    yield runs
    for run in runs.values():
        if run is not None:
            run.stop()
