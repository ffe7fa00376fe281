"""Start-up is most of a small job (DEVELOPERS.md): the workflow parse and the light jobs import no torch and no
scipy.stats, and path sampling on the stand-in photographs imports no scikit-learn. Each Snakemake start (dry
runs, every SLURM job, the report) parses the workflow; torch's import alone is ~1.6 s of it, scipy.stats' ~1 s
of every figure job, and scikit-learn's ~2 s of every path-sampling job."""

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


def test_path_sampling_on_the_sample_photographs_imports_no_scikit_learn():
    code = ("import sys; from netspectra import datasets; "
            "datasets.load_images('cifar10', None, 'test', stand_in='sample_patches'); print('sklearn' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False", run.stdout
