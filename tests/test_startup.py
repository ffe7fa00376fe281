"""Start-up is most of a small job (DEVELOPERS.md): the workflow parse and the light jobs import no torch and no
scipy.stats; reading the shipped stand-ins (digits, photographs), sampling paths and estimating their spectra
import no scikit-learn, no scipy.signal and no sympy. Each Snakemake start (dry runs, every SLURM job, the
report) parses the workflow; torch's import alone is ~1.6 s of it, scipy.stats' ~1 s of every figure job,
scikit-learn's 1.3-2.2 s of every job that reads digits, scipy.signal's 1.1-1.7 s of every job that computes a
spectrum, and sympy's (through torch's argument checks) ~0.7 s of every path-sampling job."""

import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "scipy.stats", "seaborn")
REPORT = f"print(sorted(m for m in sys.modules if m in {HEAVY!r}))"


def test_the_workflow_parse_imports_no_torch_nor_scipy_stats(tmp_path):
    # Snakemake exits through sys.exit: the modules are listed at exit, after the whole parse and DAG.
    argv = ["snakemake", "-n", "--forceall", "--quiet", "rules", "-s", str(REPO / "Snakefile"), "-d", str(tmp_path)]
    code = (f"import atexit, sys\natexit.register(lambda: {REPORT})\nsys.argv = {argv!r}\n"
            "from snakemake.cli import main\nmain()")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout[-2000:]


def test_spectra_fits_figure_and_claims_jobs_import_no_torch_nor_scipy_stats():
    # what workflow/scripts/{spectra,fits,figure,claims}.py import, and every figure's drawing code
    code = ("import sys; from netspectra import claims, io, papers, powerlaw, spectra, style; "
            "[papers.paper(p).figures.__name__ for p in papers.PREFIXES]; " + REPORT)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


def test_the_sample_photographs_are_read_as_scikit_learn_reads_them():
    from sklearn.datasets import load_sample_images

    from netspectra.datafiles import sample_photographs

    ours, theirs = sample_photographs(), load_sample_images().images
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_digits_are_scikit_learns_split_as_train_test_split_splits_them():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from netspectra.datafiles import read_digits

    digits = load_digits()
    splits = train_test_split(np.arange(len(digits.target)), test_size=0.2, random_state=0, stratify=digits.target)
    for split, idx in zip(("train", "test"), splits):
        images, labels = read_digits(split)
        assert np.array_equal(images[:, 0], digits.images[idx]) and np.array_equal(labels, digits.target[idx])


def test_stand_ins_paths_and_their_spectra_import_no_scikit_learn_scipy_signal_nor_sympy():
    # the work of a path-sampling and a spectra job: both stand-ins read, a conv net's paths sampled at
    # selected entries (PathEvaluator), their spectra by both estimators, and the layers resolved
    code = """
import sys
import netspectra
from netspectra import datasets
from netspectra.models import build_model
datasets.load_images("cifar10", None, "test", stand_in="sample_patches")
x = datasets.load_images("mnist", None, "train", stand_in="digits").x[:4]
model = build_model({"arch": "toycnn", "depth": 2, "width": 4, "in_channels": 1, "image_size": 28})
netspectra.roughness(model, x, n_points=16, n_directions=1, max_paths_per_layer=8)
netspectra.roughness(model, x, n_points=16, n_directions=1, max_paths_per_layer=8, estimator="plain")
print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "sympy") or m == "scipy.signal"))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout[-2000:]
