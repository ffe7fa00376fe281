"""Bad input stops the pipeline before any job, naming the key and the valid values.

Every case is a dry run of Snakemake in its own directory. They are started together (each mostly waits on
Snakemake's start-up), and each test checks its own run's message.
"""

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

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
    "unknown key": ("colour: blue\n", None, ["Additional properties are not allowed ('colour'"]),
    "sb above Nyquist": ("sb:\n  fig1:\n    frequencies: [5, 100]\n", "results/figures/sb-fig1a.png",
                         ["sb.fig1.frequencies [100]", "n_points/2"]),
    "sb amplitudes": ("sb:\n  fig1:\n    amplitudes: {equal: [1.0]}\n", "results/figures/sb-fig1a.png",
                      ["sb.fig1.amplitudes.equal has 1 entries"]),
    "sb unknown key": ("sb:\n  fig3:\n    n_petal: [0, 4]\n", "results/figures/sb-fig1a.png",
                       ["Additional properties are not allowed ('n_petal'"]),
    "fp stds": ("fp:\n  delta_kind: complex\n  image: {stds: [[0.1, 0.1]]}\n", "results/figures/fp-fig2.png",
                ["is too short", "stds"]),
    "fp snapshots": ("fp:\n  image: {snapshot_steps: [7]}\n", "results/figures/fp-fig2.png",
                     ["fp.image.snapshot_steps", "multiple of record_every"]),
    "fp image file": ("fp:\n  image_fig5: {image_file: no/such/picture.png}\n", "results/figures/fp-fig2.png",
                      ["fp.image_fig5.image_file", "no/such/picture.png"]),
}


def dry_run(workdir: Path, overlay: str, target: str | None) -> subprocess.CompletedProcess:
    workdir.mkdir()
    config = workdir / "overlay.yaml"
    config.write_text(overlay)
    # targets come before --configfile, which takes every argument after it
    return subprocess.run(["snakemake", "-n", "--forceall", *([target] if target else []), "-s",
                           str(REPO / "Snakefile"), "-d", str(workdir), "--configfile", str(config)],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_config")
    with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
        futures = {name: pool.submit(dry_run, root / f"case{i}", overlay, target)
                   for i, (name, (overlay, target, _)) in enumerate(CASES.items())}
        return {name: (root / f"case{i}", f.result()) for i, (name, f) in enumerate(futures.items())}


@pytest.mark.parametrize("case", CASES)
def test_bad_config_stops_before_any_job(runs, case):
    workdir, run = runs[case]
    assert run.returncode != 0
    for text in CASES[case][2]:
        assert text in run.stderr + run.stdout
    assert not (workdir / "results").exists()
