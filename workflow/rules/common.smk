# Helpers shared by all rules: the figure registry, figure rules' outputs and params, report captions, the data
# settings and conda envs. Every figure rule runs workflow/scripts/figure.py, which draws its figure ids through
# the paper catalogues (netspectra.papers.<paper>.catalogue).
import itertools

from netspectra import papers

RESULTS = "results"
FIGURES = {}  # figure id -> list of PNG/PDF files it writes


def figure_files(fig_id, panels=("",)):
    """Register a figure (with optional panel suffixes) and return its PNG and PDF paths."""
    files = [f"{RESULTS}/figures/{fig_id}{p}.{ext}" for p in panels for ext in ("png", "pdf")]
    FIGURES[fig_id] = files
    return files


def figure_report(fig_id, panel=""):
    """The PNG of a figure wrapped for the Snakemake report, with its caption file, filed under its paper."""
    return report(
        f"{RESULTS}/figures/{fig_id}{panel}.png",
        caption=f"../report/{fig_id}.rst",
        category=papers.title(fig_id),
        subcategory=fig_id,
        labels={"figure": f"{fig_id}{panel}", "scale": config["scale"]},
    )


def figure_outputs(*fig_ids, panels=("",)):
    """Outputs of a figure rule: ``png`` (every panel of every id, in the report) and ``pdf`` lists, registered.

    Files are named ``results/figures/<figure id><panel>.<png|pdf>``; figure.py saves each drawn panel to them.
    """
    for fig_id in fig_ids:
        figure_files(fig_id, panels)
    return {
        "png": [figure_report(f, p) for f in fig_ids for p in panels],
        "pdf": [f"{RESULTS}/figures/{f}{p}.pdf" for f in fig_ids for p in panels],
    }


def figure_params(*fig_ids, **options):
    """Params of a figure rule: the ids it draws, their captions' claim and data note (catalogue), draw options."""
    captions = {
        f: {"paper": papers.title(f), "claim": papers.figure(f).claim, "data": papers.figure(f).data} for f in fig_ids
    }
    return {"figures": list(fig_ids), "captions": captions} | options


def all_figures(wildcards):
    return [f for files in FIGURES.values() for f in files]


def data_config():
    """What every data-reading job depends on, passed through params (verify_checksums: check dataset files
    against their published MD5s; off only for generated stand-ins, config/smoke_paper.yaml)."""
    return {
        "data_dir": config.get("data_dir"),
        "device": config["device"],
        "verify_checksums": config["verify_data_checksums"],
    }


def training_state(name):
    """Where a training job keeps its resumable state, results/state/<rule>[/<wildcards>] (not an output, so
    Snakemake keeps it when the job fails or is killed; a rerun resumes it), and how often it saves it."""
    return {"state_dir": f"{RESULTS}/state/{name}", "checkpoint_every_minutes": config["checkpoint_every_minutes"]}


# Torch threads of every job that trains or samples. One: on the 2-core machine two one-thread jobs side by side
# outrun one two-thread job (measured idle: sample_paths rr-fig16/part001 and rr_train rr-fig8/wide side by side
# 42 s; one after the other with two threads each 51 s; the small sb/fp/ff MLPs lose outright with a second
# thread). On a bigger node or a GPU raise it per rule (snakemake --set-threads sample_paths=8).
JOB_THREADS = 1


# Conda environments the rules name (used only with --sdm conda; the default run needs no conda).
# Paths are relative to workflow/rules/, where the rules that name them live.
CONDA_ENV = "../../envs/netspectra.yaml"
CONDA_ENV_GPU = "../../envs/netspectra-cuda.yaml"
