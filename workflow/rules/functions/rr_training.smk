# Functions of workflow/rules/rr_training.smk (kept apart from its rules, as snakemake --lint asks).


def _training_value(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def training_config(exp_id):
    """(experiment, recipe) of a training experiment; its recipe keys override rr.training.recipe."""
    experiments = config["rr"]["training"]["experiments"]
    if exp_id not in experiments:
        raise ValueError(
            f"unknown training experiment {exp_id!r}; defined under rr.training.experiments: "
            f"{', '.join(experiments)}"
        )
    exp = experiments[exp_id]
    return exp, config["rr"]["training"]["recipe"] | exp.get("recipe", {})


def training_jobs(exp_id):
    """Ordered {job id: {label, model, grid_values, members}} of a training experiment.

    A job is one named variant × one combination of the grid's shape keys; its members are every
    combination of the grid's MEMBER_KEYS values × n_runs runs.
    """
    exp, _ = training_config(exp_id)
    grid = exp.get("grid", {})
    shape_keys = [k for k in grid if k not in MEMBER_KEYS]
    member_keys = [k for k in grid if k in MEMBER_KEYS]
    member_values = [dict(zip(member_keys, v)) for v in itertools.product(*(grid[k] for k in member_keys))]
    jobs = {}
    for name, variant in (exp.get("variants") or {"": {"label": "", "model": {}}}).items():
        for values in itertools.product(*(grid[k] for k in shape_keys)):
            values = dict(zip(shape_keys, values))
            parts = ([name] if name else []) + [f"{k}-{_training_value(v)}" for k, v in values.items()]
            jobs["_".join(parts) or "base"] = {
                "label": variant["label"],
                "model": exp["model"] | variant["model"] | values,
                "grid_values": values,
                "members": [mv | {"run": run} for mv in member_values for run in range(exp["n_runs"])],
            }
    return jobs


def training_metrics(exp_id):
    return [f"{TRAINING}/{exp_id}/{job}/metrics.parquet" for job in training_jobs(exp_id)]


def _checkpoint_users(exp_id):
    return {
        p: e["checkpoint"]
        for p, e in config["rr"]["paths"].items()
        if e.get("checkpoint", {}).get("training") == exp_id
    }


def exported_epochs(exp_id):
    """Epochs whose weights path experiments load (rr.paths.<id>.checkpoint); checked against n_epochs."""
    _, recipe = training_config(exp_id)
    epochs = sorted({c["epoch"] for c in _checkpoint_users(exp_id).values()})
    late = [e for e in epochs if e > recipe["n_epochs"]]
    if late:
        raise ValueError(
            f"rr.paths: checkpoint epoch(s) {late} of training {exp_id!r} exceed its n_epochs " f"{recipe['n_epochs']}"
        )
    return epochs


def training_job(wildcards):
    """Everything one rr_train job depends on (params, so edits trigger a rerun)."""
    exp, recipe = training_config(wildcards.training)
    job = training_jobs(wildcards.training)[wildcards.job]
    return (
        job
        | {
            "training": wildcards.training,
            "job": wildcards.job,
            "recipe": recipe,
            "seed": exp.get("seed", config["seed"]),
            # The trained weights (last epoch) always, so the declared checkpoints/ output is never empty,
            # and every epoch a path experiment loads.
            "export_epochs": sorted(set(exported_epochs(wildcards.training)) | {recipe["n_epochs"]}),
            "state_dir": f"{TRAINING}/{wildcards.training}/{wildcards.job}/state",
        }
        | data_config()
    )


def training_checkpoint(path_exp, values):
    """Checkpoint folder of the training job a path-experiment variant loads (rr_paths.smk, sample_paths).

    The variant's model (experiment model + grid values) must equal the training job's model on every
    option except MEMBER_KEYS, which pick the member; init i of the variant loads run i.
    """
    exp = config["rr"]["paths"][path_exp]
    ref = exp["checkpoint"]
    model = exp["model"] | {k: v for k, v in values.items() if k not in SAMPLING_KEYS}
    shape = {k: v for k, v in model.items() if k not in MEMBER_KEYS}
    runs = config["rr"]["training"]["experiments"].get(ref["training"], {}).get("n_runs", 1)
    if exp["n_inits"] > runs:
        raise ValueError(
            f"rr.paths.{path_exp}: n_inits {exp['n_inits']} > n_runs {runs} of training {ref['training']!r}"
        )
    for job_id, job in training_jobs(ref["training"]).items():
        if {k: v for k, v in job["model"].items() if k not in MEMBER_KEYS} == shape:
            return f"{TRAINING}/{ref['training']}/{job_id}/checkpoints"
    raise ValueError(
        f"rr.paths.{path_exp}: no job of training {ref['training']!r} has the model {shape} "
        f"(its jobs: {[j['model'] for j in training_jobs(ref['training']).values()]})"
    )


def _enabled(fig):
    return fig in config["rr"] and config["rr"][fig].get("enabled", True)


def check_training_jobs():
    """Every job of every training experiment in use, checked at parse time (bad options stop the run)."""
    from netspectra.model_specs import check_job

    used = {config["rr"][fig]["training"] for fig in ("fig8", "fig10", "fig9") if _enabled(fig)}
    used |= {e["checkpoint"]["training"] for e in config["rr"].get("paths", {}).values() if "checkpoint" in e}
    for exp_id in sorted(used):
        for job_id, job in training_jobs(exp_id).items():
            try:
                check_job(job["model"], job["members"])
            except ValueError as error:
                raise ValueError(f"config rr.training.experiments.{exp_id} (job {job_id}): {error}") from None


def fig11_panels(panels):
    """rr-fig11's panels: {panel: [{experiment, epoch of its checkpoint, radius, radius_relative} of each path
    experiment]}."""
    return {
        p: [
            {
                "experiment": e,
                "epoch": config["rr"]["paths"][e]["checkpoint"]["epoch"],
                "radius": config["rr"]["paths"][e]["radius"],
                "radius_relative": config["rr"]["paths"][e]["radius_relative"],
            }
            for e in exps
        ]
        for p, exps in panels.items()
    }
