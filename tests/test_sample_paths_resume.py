"""sample_paths resumes per finished (variant, init) unit: a process killed with SIGKILL mid-job and run again
samples only the units it had not finished and ends with the table of an uninterrupted run (as
tests/test_trainer_resume.py does for the trainers). The unit fingerprint ignores where the data lives, the
device, the checksum switch and how variants are grouped into jobs, and nothing else."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import torch
from helpers import kill_9_when
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings, StorageSettings

from netspectra.papers.rr import shards

ROOT = Path(__file__).resolve().parents[1]
CPU = torch.device("cpu")

DRIVER = """
import json, logging, sys, time
import torch
from netspectra.papers.rr import shards

jobs_file, out, state_dir = sys.argv[1], sys.argv[2], sys.argv[3] or None
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout, force=True)
torch.set_num_threads(1)
sample = shards._sample

def logged(unit, *args):  # every unit this process samples, slowed down so that the test can kill it mid-job
    table = sample(unit, *args)
    print("sampled", unit.name, flush=True)
    if state_dir:
        time.sleep(0.3)
    return table

shards._sample = logged
table, source = shards.sample_shard(json.loads(open(jobs_file).read()), device=torch.device("cpu"),
                                    state_dir=state_dir, log=lambda m: print(m, flush=True))
table.to_parquet(out)
"""


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """The variant jobs of the tiny config's rr-fig5 shard (four Toy-CNN variants), three inits × two directions."""
    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        workflow = api.workflow(
            resource_settings=ResourceSettings(),
            config_settings=ConfigSettings(configfiles=[ROOT / "tests" / "config_tiny.yaml"]),
            storage_settings=StorageSettings(), snakefile=ROOT / "Snakefile",
            workdir=tmp_path_factory.mktemp("parse"))._workflow
        job = workflow.globals["path_job"](SimpleNamespace(experiment="rr-fig5", shard="part000"))
    return [v | {"n_inits": 3, "n_directions": 2, "device": "cpu"} for v in job["variants"]]


def unit_files(state):
    return sorted(state.glob("*/init-*.pt"))


def run_driver(tmp_path, jobs_file, out, state=""):
    return subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), str(jobs_file), str(out), str(state)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_kill_9_mid_job_and_rerun_samples_only_the_unfinished_units(tmp_path, jobs):
    (tmp_path / "driver.py").write_text(DRIVER)
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    n_units = sum(j["n_inits"] for j in jobs)
    assert n_units == 12
    state = tmp_path / "state"
    reference = run_driver(tmp_path, tmp_path / "jobs.json", tmp_path / "reference.parquet")
    victim = run_driver(tmp_path, tmp_path / "jobs.json", tmp_path / "killed.parquet", state)
    kill_9_when(victim, lambda: len(unit_files(state)) >= 3, "finished three units")
    finished = len(unit_files(state))
    assert 3 <= finished < n_units and not (tmp_path / "killed.parquet").exists()

    resumed = run_driver(tmp_path, tmp_path / "jobs.json", tmp_path / "resumed.parquet", state)
    log = resumed.communicate(timeout=300)[0]
    assert reference.wait(timeout=300) == 0 and resumed.returncode == 0, log
    assert f"resuming: {finished} of {n_units} (variant, init) units finished in {state}" in log
    assert log.count("sampled ") == n_units - finished  # the finished units are not sampled again
    assert len(unit_files(state)) == n_units
    table = pd.read_parquet(tmp_path / "resumed.parquet")
    reference_table = pd.read_parquet(tmp_path / "reference.parquet")
    assert len(table) > 0 and table.init.nunique() == 3 and table.direction.nunique() == 2
    pd.testing.assert_frame_equal(table, reference_table, check_exact=True)
    # A finished job reruns without sampling anything, with the same table.
    again = run_driver(tmp_path, tmp_path / "jobs.json", tmp_path / "again.parquet", state)
    log = again.communicate(timeout=300)[0]
    assert again.returncode == 0 and "sampled " not in log and f"{n_units} of {n_units}" in log
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "again.parquet"), reference_table, check_exact=True)


def test_unit_fingerprints_ignore_location_device_and_grouping_but_not_results(tmp_path, jobs):
    jobs = [j | {"n_inits": 1, "n_directions": 1} for j in jobs[:2]]
    calls = []
    sample = shards._sample

    def counted(unit, *args):
        calls.append(unit.name)
        return sample(unit, *args)

    shards._sample = counted
    try:
        first, _ = shards.sample_shard(jobs, device=CPU, state_dir=tmp_path)
        assert len(calls) == 2
        moved = [j | {"device": "cuda", "verify_checksums": False, "variants_per_job": 7} for j in jobs]
        messages = []
        same, _ = shards.sample_shard(moved, device=CPU, state_dir=tmp_path, log=messages.append)
        assert len(calls) == 2 and messages == [f"resuming: 2 of 2 (variant, init) units finished in {tmp_path}"]
        pd.testing.assert_frame_equal(same, first, check_exact=True)
        longer = [j | {"n_points": j["n_points"] * 2} for j in jobs]
        messages.clear()
        shards.sample_shard(longer, device=CPU, state_dir=tmp_path, log=messages.append)
        assert len(calls) == 4 and all("belongs to a different configuration" in m for m in messages)
    finally:
        shards._sample = sample
