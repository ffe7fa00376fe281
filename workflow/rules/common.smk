# Helpers shared by all rules: the figure registry, report captions, the data settings and conda envs.
import itertools

RESULTS = "results"
FIGURES = {}  # figure id -> list of PNG/PDF files it writes


def figure_files(fig_id, panels=("",)):
    """Register a figure (with optional panel suffixes) and return its PNG and PDF paths."""
    files = [f"{RESULTS}/figures/{fig_id}{p}.{ext}" for p in panels for ext in ("png", "pdf")]
    FIGURES[fig_id] = files
    return files


def figure_report(fig_id, paper, panel=""):
    """The PNG of a figure wrapped for the Snakemake report, with its caption file."""
    return report(
        f"{RESULTS}/figures/{fig_id}{panel}.png",
        caption=f"../report/{fig_id}.rst",
        category=paper,
        subcategory=fig_id,
        labels={"figure": f"{fig_id}{panel}", "scale": config["scale"]},
    )


def all_figures(wildcards):
    return [f for files in FIGURES.values() for f in files]


def data_config():
    """What every data-reading job depends on, passed through params."""
    return {"data_dir": config.get("data_dir"), "device": config["device"]}


# Conda environments the rules name (used only with --sdm conda; the default run needs no conda).
# Paths are relative to workflow/rules/, where the rules that name them live.
CONDA_ENV = "../../envs/netspectra.yaml"
CONDA_ENV_GPU = "../../envs/netspectra-cuda.yaml"
