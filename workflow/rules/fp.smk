# F-Principle (Xu, Fourier analysis of training): fp_train_mnist (fp-fig1, fp-fig3), fp_train_image
# (fp-fig2/4 one ensemble, fp-fig5), fp_train_curve (fp-fig6, fp-fig7), then one figure rule per figure.
import os

FP = "F-Principle (Xu, Fourier analysis)"
FP_IMAGE_TABLES = ("delta_f", "spectra", "losses", "snapshots")
FP_CURVE_TABLES = ("delta_f", "spectra", "losses", "outputs", "spectral_norms")
# The fp networks are small: a training step is a few small matmuls, so a second torch thread only adds
# synchronisation (measured on the shared 2-core CPU: 36 ms/step with 1 thread, 355 ms with 2). The
# training rules take one thread each and --cores 2 runs two of them side by side instead.
FP_TRAIN_THREADS = 1


def fp_check_config():
    """Values the schema cannot check, checked at parse time so bad input stops the run before any job."""
    from netspectra.datasets import missing_files

    fp = config["fp"]
    if fp["mnist"]["dataset"] == "mnist":
        if config.get("data_dir") is None:
            raise ValueError("config fp.mnist.dataset is 'mnist' but data_dir is null (use dataset: digits)")
        missing = missing_files("mnist", config["data_dir"])
        if missing:
            raise FileNotFoundError(f"config fp.mnist.dataset 'mnist': missing {', '.join(map(str, missing))}")
    for name in ("image", "image_fig5", "flipped", "wide"):
        exp = fp[name]
        if exp.get("image_file") is not None and not os.path.exists(exp["image_file"]):
            raise FileNotFoundError(f"config fp.{name}.image_file: no file at {exp['image_file']}")
        if "row" in exp and exp["row"] >= exp["image_size"]:
            raise ValueError(f"config fp.{name}.row {exp['row']} must be < image_size {exp['image_size']}")
        for step in exp.get("snapshot_steps", []):
            if step > exp["n_steps"] or step % exp["record_every"]:
                raise ValueError(f"config fp.{name}.snapshot_steps: {step} must be a multiple of record_every "
                                 f"({exp['record_every']}) and <= n_steps ({exp['n_steps']})")
        if exp.get("target") == "sine_sum" and len(exp["angular_frequencies"]) != len(exp["amplitudes"]):
            raise ValueError(f"config fp.{name}: angular_frequencies and amplitudes differ in length")
        if exp.get("target") == "flipped_ramp" and exp["n_points"] % 2:
            raise ValueError(f"config fp.{name}.n_points must be even for the flipped DFT, got {exp['n_points']}")


fp_check_config()


def fp_job(section):
    """Everything one fp training job depends on (passed as params, so config edits trigger reruns)."""
    return dict(config["fp"][section]) | {"delta_kind": config["fp"]["delta_kind"], "seed": config["seed"],
                                          "experiment": section} | data_config()


def fp_mnist_job(wildcards):
    """The shared fp.mnist keys and this figure's stds only, so editing one figure's stds reruns only it."""
    mnist = config["fp"]["mnist"]
    job = {k: v for k, v in mnist.items() if not k.endswith("_stds")}
    return job | {"stds": mnist[f"{wildcards.fig}_stds"], "experiment": f"fp-{wildcards.fig}",
                  "seed": config["seed"]} | data_config()


def fp_spectrum_step(section):
    """The step whose spectra panel (d) shows: the last snapshot step before the end (paper Fig. 2d)."""
    exp = config["fp"][section]
    return max(exp["snapshot_steps"], default=exp["n_steps"])


def fp_tables(section, names):
    return {name: f"{RESULTS}/fp/{section}/{name}.parquet" for name in names}


rule fp_train_mnist:
    output:
        f"{RESULTS}/fp/mnist_{{fig}}.parquet",
    wildcard_constraints:
        fig="fig1|fig3",
    params:
        job=fp_mnist_job,
    threads: FP_TRAIN_THREADS
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/fp_train_mnist.py"


rule fp_train_image:
    output:
        **{name: f"{RESULTS}/fp/{{experiment}}/{name}.parquet" for name in FP_IMAGE_TABLES},
    wildcard_constraints:
        experiment="image|image_fig5",
    params:
        job=lambda w: fp_job(w.experiment),
    threads: FP_TRAIN_THREADS
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/fp_train_image.py"


rule fp_train_curve:
    output:
        **{name: f"{RESULTS}/fp/{{experiment}}/{name}.parquet" for name in FP_CURVE_TABLES},
    wildcard_constraints:
        experiment="flipped|wide",
    params:
        job=lambda w: fp_job(w.experiment),
    threads: FP_TRAIN_THREADS
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/fp_train_curve.py"


rule fp_fig1:
    input:
        mnist=f"{RESULTS}/fp/mnist_fig1.parquet",
    output:
        png=figure_report("fp-fig1", FP),
        pdf=f"{RESULTS}/figures/fp-fig1.pdf",
    params:
        figure="fp-fig1",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig2:
    input:
        **fp_tables("image", FP_IMAGE_TABLES),
    output:
        png=figure_report("fp-fig2", FP),
        pdf=f"{RESULTS}/figures/fp-fig2.pdf",
    params:
        figure="fp-fig2",
        options={"member": 0, "row": config["fp"]["image"]["row"], "spectrum_step": fp_spectrum_step("image")},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig3:
    input:
        mnist=f"{RESULTS}/fp/mnist_fig3.parquet",
    output:
        png=figure_report("fp-fig3", FP),
        pdf=f"{RESULTS}/figures/fp-fig3.pdf",
    params:
        figure="fp-fig3",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig4:
    input:
        **fp_tables("image", ("losses", "snapshots")),
    output:
        png=figure_report("fp-fig4", FP),
        pdf=f"{RESULTS}/figures/fp-fig4.pdf",
    params:
        figure="fp-fig4",
        options={"member": 1, "row": config["fp"]["image"]["row"]},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig5:
    input:
        **fp_tables("image_fig5", FP_IMAGE_TABLES),
    output:
        png=figure_report("fp-fig5", FP),
        pdf=f"{RESULTS}/figures/fp-fig5.pdf",
    params:
        figure="fp-fig5",
        options={"member": 0, "row": config["fp"]["image_fig5"]["row"],
                 "spectrum_step": fp_spectrum_step("image_fig5")},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig6:
    input:
        **fp_tables("flipped", ("delta_f", "spectra", "outputs")),
    output:
        png=figure_report("fp-fig6", FP),
        pdf=f"{RESULTS}/figures/fp-fig6.pdf",
    params:
        figure="fp-fig6",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig7:
    input:
        **fp_tables("wide", ("delta_f", "spectra", "outputs", "spectral_norms")),
    output:
        png=figure_report("fp-fig7", FP),
        pdf=f"{RESULTS}/figures/fp-fig7.pdf",
    params:
        figure="fp-fig7",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


for _fig in ("fp-fig1", "fp-fig2", "fp-fig3", "fp-fig4", "fp-fig5", "fp-fig6", "fp-fig7"):
    figure_files(_fig)
