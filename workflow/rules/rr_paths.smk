# Ringing ReLUs, weight space: sample_paths (one job per experiment variant) -> spectra -> fits.
# Experiments live under config["rr"]["paths"]; each grid combination is one variant.

SAMPLING_KEYS = ("radius", "direction", "n_points", "batch_size")


def _fmt(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def path_variants(experiment):
    """Ordered {variant id: grid values} of a path experiment."""
    grid = config["rr"]["paths"][experiment]["grid"]
    keys = list(grid)
    variants = {}
    for values in itertools.product(*(grid[k] for k in keys)):
        values = dict(zip(keys, values))
        variants["_".join(f"{k}-{_fmt(v)}" for k, v in values.items()) or "base"] = values
    return variants


def path_job(wildcards):
    """Everything one sample_paths job depends on (passed as params, so edits trigger reruns)."""
    return variant_job(wildcards.experiment, wildcards.variant)


def path_checkpoint(wildcards):
    """Trained weights a variant starts from (optional key `checkpoint`; resolved in rr_training.smk)."""
    if "checkpoint" not in config["rr"]["paths"][wildcards.experiment]:
        return []
    return training_checkpoint(wildcards.experiment, path_variants(wildcards.experiment)[wildcards.variant])


def variant_job(experiment, variant):
    exp = config["rr"]["paths"][experiment]
    values = path_variants(experiment)[variant]
    job = {k: v for k, v in exp.items() if k not in ("grid", "spectra", "fit")}
    job["model"] = dict(exp["model"]) | {k: v for k, v in values.items() if k not in SAMPLING_KEYS}
    job |= {k: v for k, v in values.items() if k in SAMPLING_KEYS}
    job |= {"experiment": experiment, "variant": variant, "grid_values": values}
    job.setdefault("seed", config["seed"])
    return job | data_config()


def check_path_experiments():
    """Every variant's model spec, checked at parse time so a bad grid value stops the run before any job."""
    from netspectra.models import check_spec

    for experiment in config["rr"]["paths"]:
        for variant in path_variants(experiment):
            try:
                check_spec(variant_job(experiment, variant)["model"])
            except ValueError as error:
                raise ValueError(f"config rr.paths.{experiment} (variant {variant}): {error}") from None


def path_files(wildcards):
    return expand(
        f"{RESULTS}/rr/paths/{wildcards.experiment}/{{variant}}.parquet",
        variant=path_variants(wildcards.experiment),
    )


def analysis_config(wildcards):
    exp = config["rr"]["paths"][wildcards.experiment]
    return {"spectra": exp["spectra"], "fit": exp["fit"], "experiment": wildcards.experiment}


check_path_experiments()


wildcard_constraints:
    experiment="[^/]+",
    variant="[^/]+",


rule sample_paths:
    input:
        trained_weights=path_checkpoint,
    output:
        f"{RESULTS}/rr/paths/{{experiment}}/{{variant}}.parquet",
    params:
        job=path_job,
    threads: 2
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/sample_paths.py"


rule spectra:
    input:
        path_files,
    output:
        f"{RESULTS}/rr/spectra/{{experiment}}.parquet",
    params:
        job=analysis_config,
    conda:
        CONDA_ENV
    script:
        "../scripts/spectra.py"


rule fits:
    input:
        f"{RESULTS}/rr/spectra/{{experiment}}.parquet",
    output:
        f"{RESULTS}/rr/fits/{{experiment}}.parquet",
    params:
        job=analysis_config,
    conda:
        CONDA_ENV
    script:
        "../scripts/fits.py"
