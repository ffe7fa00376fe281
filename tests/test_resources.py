"""Resources every job gets from the SLURM profile: GPU rules ask for one GPU, CPU rules do not, every
job has memory, wall time and CPUs, and memory and wall time grow on retries.

The GPU rules are those whose conda environment is the CUDA one (`conda: CONDA_ENV_GPU`); the profile
assigns GPUs by rule name, so a new GPU rule missing from profiles/slurm fails here, by name.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "config_tiny.yaml"
SLURM = ROOT / "profiles" / "slurm" / "config.v8+.yaml"
LOCAL = ROOT / "profiles" / "local" / "config.v8+.yaml"
GPU_ENV = "envs/netspectra-cuda.yaml"
CPU_ENV = "envs/netspectra.yaml"


def load_profile(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def evaluate(expression, **names):
    """A profile resource value as Snakemake evaluates it: a number, or a Python expression."""
    return eval(str(expression), {"__builtins__": {"max": max, "min": min}}, names)  # noqa: S307


@pytest.fixture(scope="module")
def rule_envs(tmp_path_factory) -> dict[str, str | None]:
    """Rule name -> its conda environment file (relative to the repository), from the parsed workflow."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings, StorageSettings

    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        workflow = api.workflow(
            resource_settings=ResourceSettings(), config_settings=ConfigSettings(configfiles=[TINY]),
            storage_settings=StorageSettings(), snakefile=ROOT / "Snakefile",
            workdir=tmp_path_factory.mktemp("parse"),
        )
        envs = {}
        for rule in workflow._workflow.rules:
            env = rule.conda_env  # relative to the rule's file
            if env is not None:
                env = str((Path(rule.snakefile).parent / env).resolve().relative_to(ROOT))
            envs[rule.name] = env
    return envs


@pytest.fixture(scope="module")
def dryrun_jobs(tmp_path_factory) -> list[dict]:
    """Every job of the default target with the resources the SLURM profile gives it (dry run)."""
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        pytest.skip("snakemake-executor-plugin-slurm is not installed: pip install snakemake-executor-plugin-slurm")
    workdir = tmp_path_factory.mktemp("dryrun")
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "all", "-n", "--forceall", "--profile", str(SLURM.parent),
         "--snakefile", str(ROOT / "Snakefile"), "--directory", str(workdir), "--configfile", str(TINY)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-5000:]
    return parse_jobs(run.stdout + run.stderr)


def parse_jobs(log: str) -> list[dict]:
    """Jobs of a dry-run log: {"rule", "threads", "resources": {name: value}, "group"}."""
    jobs, job, group = [], None, None
    for line in log.splitlines():
        if m := re.search(r"Group job (\S+) ", line):
            group = m.group(1)
        elif m := re.match(r"^(\s*)(?:local)?rule (\S+):$", line):
            job = {"rule": m.group(2), "threads": 1, "resources": {}, "group": group if m.group(1) else None}
            jobs.append(job)
            if not m.group(1):
                group = None
        elif job and (m := re.match(r"^\s+threads: (\d+)$", line)):
            job["threads"] = int(m.group(1))
        elif job and (m := re.match(r"^\s+resources: (.*)$", line)):
            job["resources"] = dict(item.split("=", 1) for item in m.group(1).split(", "))
    return jobs


def gpu_rules(envs: dict[str, str | None]) -> set[str]:
    return {name for name, env in envs.items() if env == GPU_ENV}


def test_every_rule_names_an_existing_environment(rule_envs):
    for name, env in rule_envs.items():
        if name == "all":
            continue
        assert env in (CPU_ENV, GPU_ENV), f"rule {name}: conda env {env!r} is neither CONDA_ENV nor CONDA_ENV_GPU"
        assert (ROOT / env).is_file()


def test_gpu_rules_ask_slurm_for_a_gpu_and_cpu_rules_do_not(rule_envs, dryrun_jobs):
    gpu = gpu_rules(rule_envs)
    assert dryrun_jobs, "the dry run listed no jobs"
    for job in dryrun_jobs:
        res, name = job["resources"], job["rule"]
        if name == "all":
            continue
        if name in gpu:
            assert res.get("gpu") == "1", f"GPU rule {name} does not ask for a GPU: {res}"
            assert job["group"] is None, f"GPU rule {name} is grouped with CPU jobs ({job['group']})"
        else:
            assert "gpu" not in res and "gres" not in res, f"CPU rule {name} asks for a GPU: {res}"
        for key in ("mem_mb", "runtime", "cpus_per_task"):
            assert int(res[key]) > 0, f"{name}: no {key} in {res}"
        assert int(res["cpus_per_task"]) == job["threads"], f"{name}: CPUs differ from threads"


def test_profile_names_every_gpu_rule(rule_envs):
    """Also rules the default target does not reach: every GPU rule has `gpu: 1` in both profiles."""
    for path in (SLURM, LOCAL):
        assigned = {name for name, res in load_profile(path)["set-resources"].items() if res.get("gpu")}
        missing = gpu_rules(rule_envs) - assigned
        assert not missing, f"{path.relative_to(ROOT)}: add set-resources with gpu: 1 for {sorted(missing)}"
        cpu_rules = {name for name, env in rule_envs.items() if env != GPU_ENV}
        stray = assigned & cpu_rules
        assert not stray, f"{path.relative_to(ROOT)}: gpu for CPU rules (conda: CONDA_ENV): {sorted(stray)}"
    assert load_profile(LOCAL)["resources"]["gpu"] >= 1


def test_memory_and_runtime_grow_with_each_retry():
    profile = load_profile(SLURM)
    assert profile["retries"] >= 1
    blocks = [("default-resources", profile["default-resources"])]
    blocks += [(f"set-resources {rule}", res) for rule, res in profile["set-resources"].items()]
    for where, res in blocks:
        for key in ("mem_mb", "runtime"):
            if key not in res:
                continue
            values = [evaluate(res[key], attempt=a, threads=2) for a in range(1, profile["retries"] + 2)]
            assert all(a < b for a, b in zip(values, values[1:])), f"{where}: {key} over attempts {values}"


def test_no_gpu_request_through_slurm_extra():
    """The plugin rejects --gres/--gpus inside slurm_extra; GPUs go through the `gpu` resource."""
    profile = load_profile(SLURM)
    blocks = [profile.get("default-resources", {}), *profile.get("set-resources", {}).values()]
    for res in blocks:
        assert not re.search(r"--(gres|gpus)\b", str(res.get("slurm_extra", ""))), res


def test_parse_jobs_reads_plain_and_grouped_jobs():
    log = """
[Mon Nov 23 11:53:28 2026]
rule sample_paths:
    output: a.parquet
    threads: 2
    resources: tmpdir=/tmp, mem_mb=16000, mem=16 GB, runtime=60, cpus_per_task=2, gpu=1
[Mon Nov 23 11:53:38 2026] Group job cpu_small (jobs in lexicogr. order):

    [Mon Nov 23 11:53:38 2026]
    rule chebyshev:
        resources: tmpdir=/tmp, mem_mb=2000, runtime=20, cpus_per_task=1
localrule all:
    input: b
"""
    jobs = parse_jobs(log)
    assert [j["rule"] for j in jobs] == ["sample_paths", "chebyshev", "all"]
    assert jobs[0]["threads"] == 2 and jobs[0]["resources"]["gpu"] == "1" and jobs[0]["group"] is None
    assert jobs[1]["group"] == "cpu_small" and jobs[1]["resources"]["mem_mb"] == "2000"
    assert jobs[2]["group"] is None
