"""Bad input stops the pipeline before any job, naming the key and the valid values."""

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def dry_run(tmp_path, overlay: str):
    config = tmp_path / "overlay.yaml"
    config.write_text(overlay)
    return subprocess.run(["snakemake", "-n", "--forceall", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path),
                           "--configfile", str(config)], capture_output=True, text=True)


@pytest.mark.parametrize("overlay,expected", [
    ("rr:\n  paths:\n    rr-fig5:\n      n_points: many\n", ["'many' is not of type 'integer'", "n_points"]),
    ("rr:\n  paths:\n    rr-fig3a:\n      model: {activation: swish}\n", ["'swish' is not one of", "'relu'", "activation"]),
    ("rr:\n  paths:\n    rr-fig5:\n      grid: {activation: [swish]}\n", ["rr.paths.rr-fig5", "valid names: relu"]),
    ("rr:\n  paths:\n    rr-fig5:\n      model: {arch: vgg}\n", ["'vgg' is not one of", "toycnn"]),
    ("device: tpu\n", ["'tpu' does not match"]),
    ("colour: blue\n", ["Additional properties are not allowed ('colour'"]),
])
def test_bad_config_stops_before_any_job(tmp_path, overlay, expected):
    run = dry_run(tmp_path, overlay)
    assert run.returncode != 0
    for text in expected:
        assert text in run.stderr + run.stdout
    assert not (tmp_path / "results").exists()
