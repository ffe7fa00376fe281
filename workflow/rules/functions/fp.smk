# Functions of workflow/rules/fp.smk (kept apart from its rules, as snakemake --lint asks).
import os


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
                raise ValueError(
                    f"config fp.{name}.snapshot_steps: {step} must be a multiple of record_every "
                    f"({exp['record_every']}) and <= n_steps ({exp['n_steps']})"
                )
        if exp.get("target") == "sine_sum" and len(exp["angular_frequencies"]) != len(exp["amplitudes"]):
            raise ValueError(f"config fp.{name}: angular_frequencies and amplitudes differ in length")
        if exp.get("target") == "flipped_ramp" and exp["n_points"] % 2:
            raise ValueError(f"config fp.{name}.n_points must be even for the flipped DFT, got {exp['n_points']}")


def fp_job(section):
    """Everything one fp training job depends on (passed as params, so config edits trigger reruns)."""
    return (
        dict(config["fp"][section])
        | {"delta_kind": config["fp"]["delta_kind"], "seed": config["seed"], "experiment": section}
        | data_config()
    )


def fp_mnist_job(wildcards):
    """The shared fp.mnist keys and this figure's stds only, so editing one figure's stds reruns only it."""
    mnist = config["fp"]["mnist"]
    job = {k: v for k, v in mnist.items() if not k.endswith("_stds")}
    return (
        job
        | {"stds": mnist[f"{wildcards.fig}_stds"], "experiment": f"fp-{wildcards.fig}", "seed": config["seed"]}
        | data_config()
    )


def fp_spectrum_step(section):
    """The step whose spectra panel (d) shows: the last snapshot step before the end (paper Fig. 2d)."""
    exp = config["fp"][section]
    return max(exp["snapshot_steps"], default=exp["n_steps"])


def fp_tables(section, names):
    return {name: f"{RESULTS}/fp/{section}/{name}.parquet" for name in names}
