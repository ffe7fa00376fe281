# Functions of workflow/rules/rr_paths.smk (kept apart from its rules, as snakemake --lint asks).


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


def path_shards(experiment):
    """Ordered {shard id: [variant ids]} of a path experiment."""
    variants = list(path_variants(experiment))
    per_job = config["rr"]["paths"][experiment]["variants_per_job"]
    if per_job == 1:
        return {v: [v] for v in variants}
    return {f"part{i // per_job:03d}": variants[i : i + per_job] for i in range(0, len(variants), per_job)}


def path_job(wildcards):
    """Everything one sample_paths job depends on (passed as params, so edits trigger reruns)."""
    shard = path_shards(wildcards.experiment)[wildcards.shard]
    return {"variants": [variant_job(wildcards.experiment, v) for v in shard]}


def path_checkpoint(wildcards):
    """Trained weights each variant of a shard starts from (optional key `checkpoint`; see rr_training.smk)."""
    if "checkpoint" not in config["rr"]["paths"][wildcards.experiment]:
        return []
    variants = path_variants(wildcards.experiment)
    shard = path_shards(wildcards.experiment)[wildcards.shard]
    return [training_checkpoint(wildcards.experiment, variants[v]) for v in shard]


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
    from netspectra.model_specs import check_spec

    for experiment in config["rr"]["paths"]:
        for variant in path_variants(experiment):
            try:
                check_spec(variant_job(experiment, variant)["model"])
            except ValueError as error:
                raise ValueError(f"config rr.paths.{experiment} (variant {variant}): {error}") from None


def experiment_path_files(experiment):
    """The paths tables of every shard of an experiment."""
    return expand(f"{RESULTS}/rr/paths/{experiment}/{{shard}}.parquet", shard=path_shards(experiment))


def path_files(wildcards):
    return experiment_path_files(wildcards.experiment)


def analysis_config(wildcards):
    exp = config["rr"]["paths"][wildcards.experiment]
    return {"spectra": exp["spectra"], "fit": exp["fit"], "experiment": wildcards.experiment}
