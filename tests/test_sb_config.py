"""Bad sb config stops the pipeline before any job, naming the key."""

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("overlay,expected", [
    ("sb:\n  fig1:\n    frequencies: [5, 100]\n", ["sb.fig1.frequencies [100]", "n_points/2"]),
    ("sb:\n  fig1:\n    amplitudes: {equal: [1.0]}\n", ["sb.fig1.amplitudes.equal has 1 entries"]),
    ("sb:\n  fig3:\n    n_petal: [0, 4]\n", ["Additional properties are not allowed ('n_petal'"]),
])
def test_bad_sb_config_stops_before_any_job(tmp_path, overlay, expected):
    config = tmp_path / "overlay.yaml"
    config.write_text(overlay)
    run = subprocess.run(["snakemake", "-n", "results/figures/sb-fig1a.png", "-s", str(REPO / "Snakefile"), "-d",
                          str(tmp_path), "--configfile", str(config)], capture_output=True, text=True)
    assert run.returncode != 0
    for text in expected:
        assert text in run.stderr + run.stdout
    assert not (tmp_path / "results").exists()
