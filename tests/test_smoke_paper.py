"""The paper scale runs: config/paper.yaml with the config/smoke_paper.yaml overlay (the papers' shapes: models,
widths, depths, batch sizes, image sizes, grids; tiny counts: one init, one direction, 8 points, a few
steps/epochs, one run) runs end to end on CPU, on tiny generated files of every dataset format the paper scale
reads, and draws every figure of the catalogue. Its benchmark files are what profiles/slurm sets memory and
wall time from (README "Paper scale, proven to run").

The papers' shapes make it long: measured on the idle 2-core CPU, 10 min 40 s wall and 13.2 GB peak memory (one
training step of rr-fig9's ResNet110 with its 9 LeakyReLU slopes stacked at batch 128 takes 63 s and 13.2 GB),
so it runs only with NETSPECTRA_SMOKE_PAPER=1."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_datasets import write_cifar10, write_cifar100, write_mnist

from netspectra import config as netspectra_config
from netspectra import io, papers

ROOT = Path(__file__).resolve().parents[1]


# One rr-fig9 training job (ResNet110, 9 slopes stacked, batch 128) peaks at 13.2 GB; two side by side (one torch
# thread each) nearly filled a 24 GB machine. Snakemake's memory accounting keeps them apart: the jobs may use
# 80 % of the machine's memory together, and rr_train counts for 14 GB (every other job for Snakemake's 1 GB default).
MEMORY_MB = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
MEMORY_GUARD = ["--resources", f"mem_mb={int(0.8 * MEMORY_MB)}", "--set-resources", "rr_train:mem_mb=14000"]


def write_paper_data(root: Path) -> None:
    """Stand-ins in the real formats, just large enough for the paper's batch sizes: CIFAR-10 python pickles
    (5 × 30 training images: one batch of 128 after rr's 1 % and sb's 10 % validation hold-out), CIFAR-100,
    MNIST IDX (1000 training images: fp's batch 400, the sb-fig7 autoencoder's batch 256; 999 test images:
    rr-fig16's batch 256) and the ff-fig1 npz files (one 512² image of each kind)."""
    write_cifar10(root, n_per_batch=30)
    write_cifar100(root, n=150)
    write_mnist(root, n=1000)
    rng = np.random.default_rng(0)
    for name in ("data_div2k.npz", "data_2d_text.npz"):
        images = rng.integers(0, 256, (1, 512, 512, 3), dtype=np.uint8)
        np.savez(root / name, train_data=images, test_data=images)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("NETSPECTRA_SMOKE_PAPER"),
                    reason="the paper-shape smoke takes ~11 min and ~13 GB on a 2-core CPU: NETSPECTRA_SMOKE_PAPER=1")
def test_the_paper_shapes_run_end_to_end_and_draw_every_figure(tmp_path):
    write_paper_data(tmp_path / "data")  # config/paper.yaml reads data_dir: data, relative to the working directory
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "--snakefile", str(ROOT / "Snakefile"),
         "--directory", str(tmp_path), *MEMORY_GUARD, "--configfile", str(ROOT / "config/paper.yaml"),
         str(ROOT / "config/smoke_paper.yaml"), "--show-failed-logs"],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-8000:]
    results = tmp_path / "results"
    for fig in papers.figure_ids():
        drawn = sorted((results / "figures").glob(f"{fig}*.png"))
        assert [p for p in drawn if p.stem == fig or p.stem[len(fig):].isalpha()], f"{fig} was not drawn"
    claims = io.read_table(results / "claims.parquet", "claims")
    assert set(claims["scale"]) == {"smoke"} and set(claims["figure"]) >= set(papers.figure_ids())
    # Every job that trains, samples or computes spectra measured its time and peak memory.
    benchmarks = results / "benchmarks"
    measured = {}
    for f in benchmarks.rglob("*.tsv"):
        measured.setdefault(f.relative_to(benchmarks).parts[0].removesuffix(".tsv"), []).append(f)
    for rule in ("rr_train", "sample_paths", "spectra", "fits", "rr_transition_paths", "rr_branch_correlation",
                 "rr_layerwise_paths", "sb_train_sines", "fp_train_mnist", "ff_train_images", "ff_ntk"):
        assert measured.get(rule), f"no benchmark of {rule}"
        assert all(pd.read_csv(f, sep="\t")["max_rss"].iloc[-1] > 0 for f in measured[rule]), rule


def merged(*overlays):
    config = netspectra_config.load_checked_yaml(ROOT / "config.yaml")
    for overlay in overlays:
        config = netspectra_config.merge(config, netspectra_config.load_checked_yaml(ROOT / overlay))
    netspectra_config.validate(config)
    netspectra_config.check(config)
    return config


SHAPES = {  # config keys that are shapes: the smoke overlay must leave every one of them as config/paper.yaml has it
    "rr_path": ("model", "grid", "batch_size", "input_size", "max_paths_per_layer", "dataset", "layers", "direction"),
    "rr_section": ("model", "batch_size", "input_size", "slopes", "nus", "activations", "output_fraction",
                   "max_paths_per_layer", "dataset"),
    "recipe": ("batch_size", "input_size", "dataset", "crop_padding"),
}


def test_the_smoke_overlay_keeps_every_paper_shape_and_cuts_counts():
    paper = merged("config/paper.yaml")
    smoke = merged("config/paper.yaml", "config/smoke_paper.yaml")
    assert smoke["scale"] == "smoke" and smoke["verify_data_checksums"] is False and paper["verify_data_checksums"]
    for exp_id, exp in paper["rr"]["paths"].items():
        for key in SHAPES["rr_path"]:
            assert smoke["rr"]["paths"][exp_id].get(key) == exp.get(key), f"rr.paths.{exp_id}.{key}"
        assert smoke["rr"]["paths"][exp_id]["n_points"] < exp["n_points"]
    for section in ("fig1", "fig6", "fig15"):
        for key in SHAPES["rr_section"]:
            assert smoke["rr"][section].get(key) == paper["rr"][section].get(key), f"rr.{section}.{key}"
    for key in SHAPES["recipe"]:
        assert smoke["rr"]["training"]["recipe"][key] == paper["rr"]["training"]["recipe"][key]
    assert smoke["rr"]["training"]["experiments"] == netspectra_config.merge(
        paper["rr"]["training"]["experiments"],
        {"rr-fig8": {"n_runs": 1, "recipe": {"n_epochs": 1}}, "rr-fig11": {"recipe": {"n_epochs": 1}}})
    # sb, fp, ff: only counts differ (steps, runs, seeds, directions, records, images)
    counts = {"n_steps", "n_runs", "record_every", "snapshot_steps", "n_models", "n_perturbation_sizes",
              "n_directions", "n_seeds", "n_epochs", "n_signals", "empirical_seeds", "n_train_per_class",
              "n_adversarial_per_class", "n_iterations", "n_per_segment", "n_example_paths", "images"}

    def differences(a, b, where=""):
        if isinstance(a, dict) and isinstance(b, dict):
            return [d for k in a.keys() | b.keys() for d in differences(a.get(k), b.get(k), f"{where}.{k}")]
        return [] if a == b else [where]

    for paper_section in ("sb", "fp", "ff"):
        changed = differences(paper[paper_section], smoke[paper_section], paper_section)
        assert changed and all(c.rsplit(".", 1)[-1] in counts for c in changed), changed
