"""Bad input stops the pipeline before any job, naming the key and the valid values, in one line.

Every case goes through ``python -m netspectra.config`` (in process), which runs the checks the Snakefile runs
first, except the one case that only the workflow's own checks catch (a bad model in a grid). A dry run of
Snakemake, in its own directory whose results/ holds a file from an earlier run that must survive, shows for
one case per kind of check (schema, unknown key, cross-field with a narrow target, workflow) that the message
comes before any job: the dry runs start together (each mostly waits on Snakemake's start-up). A YAML syntax
error in config.yaml itself is tried on a copy of the workflow; in an overlay (which Snakemake reads before the
Snakefile) with ``python -m netspectra.config``.
"""

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from netspectra import config as netspectra_config

REPO = Path(__file__).resolve().parents[1]
EARLIER = "results/rr/fits/rr-fig5.parquet"  # a result of an earlier run in every case's directory

# (config overlay, target or None for every figure, texts the error must contain)
CASES = {
    "n_points": ("rr:\n  paths:\n    rr-fig5:\n      n_points: many\n", None,
                 ["'many' is not of type 'integer'", "n_points"]),
    "activation": ("rr:\n  paths:\n    rr-fig3a:\n      model: {activation: swish}\n", None,
                   ["'swish' is not one of", "'relu'", "activation"]),
    "grid activation": ("rr:\n  paths:\n    rr-fig5:\n      grid: {activation: [swish]}\n", None,
                        ["rr.paths.rr-fig5", "valid names: relu"]),
    "architecture": ("rr:\n  paths:\n    rr-fig5:\n      model: {arch: vgg}\n", None,
                     ["'vgg' is not one of", "toycnn"]),
    "device": ("device: tpu\n", None, ["'tpu' does not match"]),
    "unknown key": ("colour: blue\n", None, ["config: unknown key 'colour' at the top level (allowed: scale,"]),
    "typo under rr": ("rr:\n  chebyshv: {degree: 3}\n", None,
                      ["config: unknown key 'chebyshv' under rr (allowed: chebyshev, paths,"]),
    "typo in an sb model": ("sb:\n  fig8_9:\n    model: {dpeth: 8}\n", None,
                            ["unknown key 'dpeth' under sb.fig8_9.model (allowed: arch, init, depth"]),
    "k_min above n_points/4": ("rr:\n  paths:\n    rr-fig5:\n      fit: {k_min: 30}\n", None,
                               ["config rr.paths.rr-fig5.fit.k_min 30 must be at least 1 and below k_max 25",
                                "n_points/4 = 25 for n_points 100"]),
    "k_max above n_points/2": ("rr:\n  paths:\n    rr-fig5:\n      fit: {k_max: 500}\n", None,
                               ["config rr.paths.rr-fig5.fit.k_max 500 exceeds n_points/2 = 50"]),
    "k_max of a grid's n_points": ("rr:\n  paths:\n    rr-fig12:\n      grid: {n_points: [100, 40]}\n"
                                   "      fit: {k_max: 25}\n", None,
                                   ["config rr.paths.rr-fig12.fit.k_max 25 exceeds n_points/2 = 20"]),
    "ff residual frequency": ("ff:\n  fig3:\n    residual_frequencies: [1, 999]\n", None,
                              ["config ff.fig3.residual_frequencies [999] exceed n_train/2"]),
    "sb above Nyquist": ("sb:\n  fig1:\n    frequencies: [5, 100]\n", "results/figures/sb-fig1a.png",
                         ["sb.fig1.frequencies [100]", "n_points/2"]),
    "sb amplitudes": ("sb:\n  fig1:\n    amplitudes: {equal: [1.0]}\n", "results/figures/sb-fig1a.png",
                      ["sb.fig1.amplitudes.equal has 1 entries"]),
    "sb unknown key": ("sb:\n  fig3:\n    n_petal: [0, 4]\n", "results/figures/sb-fig1a.png",
                       ["config: unknown key 'n_petal' under sb.fig3 (allowed:"]),
    "fp stds": ("fp:\n  delta_kind: complex\n  image: {stds: [[0.1, 0.1]]}\n", "results/figures/fp-fig2.png",
                ["is too short", "stds"]),
    "fp snapshots": ("fp:\n  image: {snapshot_steps: [7]}\n", "results/figures/fp-fig2.png",
                     ["fp.image.snapshot_steps", "multiple of record_every"]),
    "fp image file": ("fp:\n  image_fig5: {image_file: no/such/picture.png}\n", "results/figures/fp-fig2.png",
                      ["fp.image_fig5.image_file", "no/such/picture.png"]),
}


# one case per kind of check, run through Snakemake; "grid activation" is caught only by the workflow
SNAKEMAKE_CASES = ("n_points", "unknown key", "sb above Nyquist", "grid activation")


def dry_run(workdir: Path, overlay: str, target: str | None) -> subprocess.CompletedProcess:
    workdir.mkdir()
    (workdir / EARLIER).parent.mkdir(parents=True)
    (workdir / EARLIER).write_text("from an earlier run")
    config = workdir / "overlay.yaml"
    config.write_text(overlay)
    # targets come before --configfile, which takes every argument after it
    return subprocess.run(["snakemake", "-n", "--forceall", *([target] if target else []), "-s",
                           str(REPO / "Snakefile"), "-d", str(workdir), "--configfile", str(config)],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_config")
    with ThreadPoolExecutor(max_workers=len(SNAKEMAKE_CASES)) as pool:
        futures = {name: pool.submit(dry_run, root / f"case{i}", *CASES[name][:2])
                   for i, name in enumerate(SNAKEMAKE_CASES)}
        return {name: (root / f"case{i}", f.result()) for i, (name, f) in enumerate(futures.items())}


def untouched_results(workdir: Path) -> bool:
    """Only the earlier run's file is under results/, unchanged: the bad input removed and wrote nothing."""
    files = [p for p in (workdir / "results").rglob("*") if p.is_file()]
    return files == [workdir / EARLIER] and files[0].read_text() == "from an earlier run"


@pytest.mark.parametrize("case", [case for case in CASES if case != "grid activation"])
def test_bad_config_is_one_line_naming_the_key(case, tmp_path, capsys):
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(CASES[case][0])
    assert netspectra_config.main([str(overlay)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    for text in CASES[case][2]:
        assert text in err


@pytest.mark.parametrize("case", SNAKEMAKE_CASES)
def test_bad_config_stops_before_any_job(runs, case):
    workdir, run = runs[case]
    assert run.returncode != 0
    for text in CASES[case][2]:
        assert text in run.stderr + run.stdout
    assert untouched_results(workdir)


def test_an_unknown_key_is_one_line_not_the_schema(runs):
    _, run = runs["unknown key"]
    assert len((run.stderr + run.stdout).splitlines()) < 10 and "$schema" not in run.stderr


def test_a_yaml_error_in_config_yaml_names_the_file_and_line(tmp_path):
    workflow = tmp_path / "workflow_copy"
    workflow.mkdir()
    shutil.copy(REPO / "Snakefile", workflow)
    shutil.copytree(REPO / "workflow", workflow / "workflow")
    text = (REPO / "config.yaml").read_text().splitlines()
    text[5] = "seed: [0"  # an unclosed flow sequence on line 6
    (workflow / "config.yaml").write_text("\n".join(text) + "\n")
    workdir = tmp_path / "run"
    (workdir / EARLIER).parent.mkdir(parents=True)
    (workdir / EARLIER).write_text("from an earlier run")
    run = subprocess.run(["snakemake", "-n", "-s", str(workflow / "Snakefile"), "-d", str(workdir)],
                         capture_output=True, text=True)
    assert run.returncode != 0
    # The parser notices on the next line; the message names where the unclosed sequence starts.
    assert (f"{workflow / 'config.yaml'}, line 7, column 25: YAML syntax error: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence that starts at line 6, column 7)") in run.stderr + run.stdout
    assert untouched_results(workdir)


def test_a_yaml_error_in_an_overlay_names_the_file_and_line(tmp_path):
    overlay = tmp_path / "paper.yaml"
    overlay.write_text("sb:\n  fig1:\n    frequencies: [5, 100\n  n_steps: 3\n")
    run = subprocess.run([sys.executable, "-m", "netspectra.config", str(overlay)], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.startswith(f"error: {overlay}, line 4, column 10: YAML syntax error: expected ',' or ']'")
    assert "flow sequence that starts at line 3, column 18" in run.stderr
    good = subprocess.run([sys.executable, "-m", "netspectra.config", str(REPO / "config/paper.yaml")],
                          capture_output=True, text=True)
    assert good.returncode == 0 and good.stdout.startswith("config ok"), good.stderr


def test_config_module_checks_the_shipped_configs():
    base = netspectra_config.load_checked_yaml(REPO / "config.yaml")
    for overlay in (None, "tests/config_tiny.yaml", "config/paper.yaml"):
        config = base if overlay is None else netspectra_config.merge(
            base, netspectra_config.load_checked_yaml(REPO / overlay))
        netspectra_config.validate(config)
        netspectra_config.check(config)
        assert config["report"]["claims_figures"] and config["checkpoint_every_minutes"] > 0  # defaults filled
