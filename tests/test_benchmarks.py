"""Long jobs as the workflow declares them: every rule that trains or samples (the GPU rules: `conda:
CONDA_ENV_GPU`) records its job's time and memory in results/benchmarks/<rule>[/<wildcards>].tsv, beside its log
results/logs/<rule>[/<wildcards>].log; every training rule keeps its state in a folder that is not an output;
rr_train exports the trained weights even when no path experiment loads them."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings, StorageSettings

ROOT = Path(__file__).resolve().parents[1]


def plain(pattern) -> str:
    """A path pattern without its wildcard constraints: {k,\\d+} -> {k}."""
    return re.sub(r"\{(\w+),[^}]*\}", r"{\1}", str(pattern))


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
        yield api.workflow(
            resource_settings=ResourceSettings(),
            config_settings=ConfigSettings(configfiles=[ROOT / "tests" / "config_tiny.yaml"]),
            storage_settings=StorageSettings(), snakefile=ROOT / "Snakefile",
            workdir=tmp_path_factory.mktemp("parse"))._workflow


def test_training_and_sampling_rules_write_benchmarks(workflow):
    rules = [r for r in workflow.rules if r.conda_env and "cuda" in str(r.conda_env)]
    names = {r.name for r in rules}
    assert {"rr_train", "sample_paths", "sb_train_sines", "fp_train_curve", "ff_train_images"} <= names
    for rule in rules:
        assert rule.benchmark is not None, f"rule {rule.name} trains or samples but has no benchmark:"
        log = plain(rule.log[0])
        expected = log.replace("results/logs/", "results/benchmarks/", 1).removesuffix(".log") + ".tsv"
        assert plain(rule.benchmark) == expected, rule.name


def test_training_rules_keep_their_state_outside_their_outputs(workflow):
    trainers = [r for r in workflow.rules if re.match(r"(sb|fp|ff)_train_", r.name)]
    assert len(trainers) >= 10
    wildcards = SimpleNamespace(k="3", L="4", fig="fig1", experiment="image")
    for rule in trainers:
        state = rule.params["state"]
        state = state(wildcards) if callable(state) else state
        assert state["state_dir"].startswith(f"results/state/{rule.name}"), rule.name
        assert not any(str(o).startswith("results/state") for o in rule.output), rule.name


def test_rr_train_exports_the_trained_weights(workflow):
    jobs = workflow.globals["training_jobs"]("rr-fig8")  # no path experiment loads rr-fig8's weights
    job = workflow.globals["training_job"](SimpleNamespace(training="rr-fig8", job=next(iter(jobs))))
    assert job["recipe"]["n_epochs"] in job["export_epochs"]


def test_every_rule_writes_a_benchmark_beside_its_log(workflow):
    """tools/job_times.py finds a job's benchmark from its log: results/logs/X.log -> results/benchmarks/X.tsv."""
    for rule in workflow.rules:
        if rule.name == "all":
            continue
        assert rule.benchmark is not None, f"rule {rule.name} has no benchmark:"
        expected = plain(rule.log[0]).replace("results/logs/", "results/benchmarks/", 1).removesuffix(".log") + ".tsv"
        assert plain(rule.benchmark) == expected, rule.name


def test_data_reading_jobs_get_the_checksum_switch_through_params(workflow):
    assert workflow.globals["data_config"]() == {"data_dir": None, "device": "auto", "verify_checksums": True}
    job = workflow.globals["path_job"](SimpleNamespace(experiment="rr-fig5", shard="part000"))
    assert all(v["verify_checksums"] is True for v in job["variants"])
    state = workflow.globals["rules"].sample_paths.rule.params["state"]
    assert state(SimpleNamespace(experiment="rr-fig5"))["state_dir"] == "results/state/sample_paths/rr-fig5"
