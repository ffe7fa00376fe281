"""End to end on a real SLURM cluster: the tiny pipeline run through `--profile profiles/slurm` writes the
same tables as the local run of the session (conftest.tiny_pipeline).

Needs a running cluster (tools/slurm/start.sh starts a single-node one on a Debian machine, as root) and
the snakemake-executor-plugin-slurm package; skipped with the reason otherwise. CI sets
NETSPECTRA_REQUIRE_SLURM=1 after starting the cluster, which turns that skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml

from netspectra.io import read_metadata, read_table

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "config_tiny.yaml"
# Two independent jobs, submitted together: the path shard of a figure (its sample_paths job asks SLURM for a GPU;
# the test cluster advertises a placeholder one) and the Chebyshev tables (chebyshev goes out in the cpu_small
# group, as a group job). Every job on SLURM parses the workflow again (~4 s here), and the plugin backs off
# between status checks by 10 s more each time no job has finished (2, 14, 36 s after a submission): two jobs in
# one round end by the second check, where a chain (paths -> spectra) needed a round each (56 s measured).
TARGETS = ["results/rr/paths/rr-fig16/part000.parquet", "results/rr/chebyshev_coefficients.parquet"]
TIME_LIMIT_S = 540  # the SLURM run is killed after this (the plugin can wait forever on a lost job)

pytestmark = pytest.mark.slow


def cluster_problem() -> str | None:
    """Why the SLURM run cannot happen here, or None when it can."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed (pip install snakemake-executor-plugin-slurm)"
    if shutil.which("sinfo") is None or shutil.which("sbatch") is None:
        return "no SLURM client (sinfo, sbatch) here; start a test cluster as root: bash tools/slurm/start.sh"
    try:
        states = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return "sinfo did not answer within 20 s: is slurmctld running? (bash tools/slurm/start.sh)"
    if states.returncode != 0:
        return f"sinfo failed ({states.stderr.strip()}); start a test cluster: bash tools/slurm/start.sh"
    if not {"idle", "mixed", "allocated"} & set(states.stdout.split()):
        return f"no usable SLURM node (sinfo node states: {states.stdout.split()})"
    return None


@pytest.fixture(scope="module")
def cluster():
    problem = cluster_problem()
    if problem and os.environ.get("NETSPECTRA_REQUIRE_SLURM") == "1":
        pytest.fail(f"NETSPECTRA_REQUIRE_SLURM=1 but {problem}")
    if problem:
        pytest.skip(problem)


def start_snakemake(workdir: Path, *args: str, timeout: int) -> subprocess.Popen:
    # Targets first: --configfile takes every argument after it.
    cmd = [sys.executable, "-m", "snakemake", *TARGETS, "--snakefile", str(ROOT / "Snakefile"),
           "--directory", str(workdir), "--configfile", str(TINY), *args]
    workdir.mkdir(parents=True)
    # timeout -k: SIGTERM at the limit (the plugin then cancels its SLURM jobs), SIGKILL 20 s later.
    return subprocess.Popen(["timeout", "-k", "20", str(timeout), *cmd], cwd=ROOT, text=True,
                            stdout=open(workdir / "stdout.txt", "w"), stderr=subprocess.STDOUT)


class SlurmRun:
    """The SLURM run of the test, started with the test session (``conftest.background_runs``): it spends most
    of its ~45 s waiting on SLURM's status checks, which the other tests then fill. A thread waits for it and
    reads SLURM's records of its jobs at once (finished jobs stay in squeue only for MinJobAge)."""

    def __init__(self, root: Path):
        self.workdir, self.logdir = root / "slurm", root / "slurm_logs"
        self.process = start_snakemake(
            self.workdir, "--profile", str(ROOT / "profiles" / "slurm"),
            # Settings of this test cluster, not of the profile: no slurmdbd, so squeue answers for job
            # states; short status-check intervals; logs kept beside the outputs; no retries of a broken job.
            "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "2",
            "--seconds-between-status-checks", "2",
            "--slurm-logdir", str(self.logdir), "--slurm-keep-successful-logs", "--retries", "0",
            timeout=TIME_LIMIT_S,
        )
        self.returncode, self.log, self.jobs = None, "", []
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()

    def _wait(self) -> None:
        self.returncode = self.process.wait()
        self.log = (self.workdir / "stdout.txt").read_text()
        run_id = re.search(r"SLURM run ID: (\S+)", self.log)
        if run_id:  # what SLURM itself recorded of the run's jobs
            self.jobs = subprocess.run(
                ["squeue", "-h", "--states=all", "--name", run_id.group(1), "-O", "Comment:300,tres-per-job:60"],
                capture_output=True, text=True, check=True,
            ).stdout.splitlines()

    def finish(self) -> None:
        self._waiter.join()

    def stop(self) -> None:
        """End the run if it still runs (SIGTERM makes the plugin cancel its jobs)."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def start_in_background(tmp_path_factory) -> SlurmRun | None:
    """The run to start with the session; None where the cluster cannot take it (the test then says why)."""
    return None if cluster_problem() else SlurmRun(tmp_path_factory.mktemp("slurm_run"))


def load_profile() -> dict:
    return yaml.safe_load((ROOT / "profiles" / "slurm" / "config.v8+.yaml").read_text())


def tables(workdir: Path) -> dict[str, Path]:
    return {str(p.relative_to(workdir)): p for p in sorted((workdir / "results").rglob("*.parquet"))}


def slurm_logs(logdir: Path) -> str:
    return "\n".join(f"--- {p}\n{p.read_text()[-3000:]}" for p in sorted(logdir.rglob("*.log")))


def test_slurm_run_equals_local_run(cluster, tiny_pipeline, background_runs):
    run = background_runs[__name__]
    assert run is not None, "the cluster was not usable when the session started"
    run.finish()
    local, slurm, logdir, slurm_rc, log = tiny_pipeline, run.workdir, run.logdir, run.returncode, run.log
    assert slurm_rc == 0, (f"SLURM run failed (rc {slurm_rc}; 124 = killed at {TIME_LIMIT_S} s):\n"
                           f"{log[-5000:]}\n{slurm_logs(logdir)}")
    # The jobs really went through sbatch: the plugin left one log per SLURM job.
    assert list(logdir.rglob("*.log")), f"no SLURM job logs under {logdir}:\n{log[-3000:]}"
    # What SLURM itself recorded (read when the run ended): sample_paths asked for a GPU, the grouped CPU jobs
    # did not.
    gres = {line.split()[0]: line.split()[1] for line in run.jobs}
    gpu_rules = {rule for rule, res in load_profile()["set-resources"].items() if res.get("gpu")}
    asks_gpu = {comment: any(comment.startswith(f"rule_{rule}") for rule in gpu_rules) for comment in gres}
    assert any(asks_gpu.values()) and not all(asks_gpu.values()), gres
    for comment, tres in gres.items():
        assert ("gpu" in tres) == asks_gpu[comment], (comment, tres)

    expected, got = tables(local), tables(slurm)
    # The SLURM run made the targets' tables (with the other Chebyshev table), each one the local run has.
    assert set(TARGETS) <= set(got), set(TARGETS) - set(got)
    assert set(got) <= set(expected), set(got) - set(expected)
    for name, path in got.items():
        # Data, not bytes: the metadata carries creation times.
        pd.testing.assert_frame_equal(read_table(path), read_table(expected[name]), check_exact=True, obj=name)
        meta_local, meta_slurm = read_metadata(expected[name]), read_metadata(path)
        for key in ("rule", "config", "seed", "schema"):
            assert meta_slurm[key] == meta_local[key], f"{name}: metadata {key!r} differs"
    for target in TARGETS:
        assert (slurm / target).stat().st_size > 0, target
