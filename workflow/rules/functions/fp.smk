# Functions of workflow/rules/fp.smk (kept apart from its rules, as snakemake --lint asks).


def fp_job(section):
    """Everything one fp training job depends on (passed as params, so config edits trigger reruns)."""
    return (
        dict(config["fp"][section])
        | {"delta_kind": config["fp"]["delta_kind"], "seed": config["seed"], "experiment": section}
        | data_config()
    )


def fp_mnist_job(wildcards):
    """The shared fp.mnist keys with this figure's training overrides (fp.mnist.<fig>_training) and its stds
    only, so editing one figure's settings reruns only it."""
    mnist = config["fp"]["mnist"]
    job = {k: v for k, v in mnist.items() if not k.endswith(("_stds", "_training"))}
    return (
        job
        | mnist.get(f"{wildcards.fig}_training", {})
        | {"stds": mnist[f"{wildcards.fig}_stds"], "experiment": f"fp-{wildcards.fig}", "seed": config["seed"]}
        | data_config()
    )


def fp_spectrum_step(section):
    """The step whose spectra panel (d) shows: the last snapshot step before the end (paper Fig. 2d)."""
    exp = config["fp"][section]
    return max(exp["snapshot_steps"], default=exp["n_steps"])


def fp_tables(section, names):
    return {name: f"{RESULTS}/fp/{section}/{name}.parquet" for name in names}
