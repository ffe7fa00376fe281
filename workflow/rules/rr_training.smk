# Ringing ReLUs, training: rr_train (one job per network shape; runs and LeakyReLU slopes of that shape
# train as one stacked model) -> metrics + checkpoints -> rr-fig8/fig10, rr-fig9 (with h at init from the
# path experiment rr.paths.<fig9.paths>) and rr-fig11 (path experiments starting from checkpoints).
#
# Resumable: the full training state lives in results/rr/training/<experiment>/<job>/state/, which is NOT
# a declared output, so Snakemake keeps it when a job fails or is killed; rerunning the job (after a
# kill of Snakemake itself: with --rerun-incomplete) resumes from its newest good checkpoint. Delete that
# folder to retrain from scratch (a changed configuration starts afresh by itself).
# Code: netspectra.papers.rr (catalogue.py: claim, drawing and check of every figure id).


include: "functions/rr_training.smk"


TRAINING = f"{RESULTS}/rr/training"
# Model options that change no weight shape: their grid values become members of one stacked job.
MEMBER_KEYS = ("slope",)

check_training_jobs()
# Fail at parse time (not at DAG time) on checkpoint references that cannot resolve.
for _path_exp, _exp in config["rr"].get("paths", {}).items():
    if "checkpoint" in _exp:
        exported_epochs(_exp["checkpoint"]["training"])
        for _values in path_variants(_path_exp).values():
            training_checkpoint(_path_exp, _values)


wildcard_constraints:
    training="[^/]+",
    job="[^/]+",


rule rr_train:
    output:
        metrics=f"{TRAINING}/{{training}}/{{job}}/metrics.parquet",
        checkpoints=directory(f"{TRAINING}/{{training}}/{{job}}/checkpoints"),
    log:
        f"{RESULTS}/logs/rr_train/{{training}}/{{job}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_train/{{training}}/{{job}}.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=training_job,
    script:
        "../scripts/rr_train.py"


# Rules rr_fig8 (rr-fig8) and rr_fig10 (rr-fig10, only where config rr.fig10 is enabled), generated here.
for _fig, _fig_id in (("fig8", "rr-fig8"), ("fig10", "rr-fig10")):
    if _enabled(_fig):

        rule:
            name:
                f"rr_{_fig}"
            input:
                training_metrics(config["rr"][_fig]["training"]),
            output:
                **figure_outputs(_fig_id),
            log:
                f"{RESULTS}/logs/rr_{_fig}.log",
            benchmark:
                f"{RESULTS}/benchmarks/rr_{_fig}.tsv"
            conda:
                CONDA_ENV
            threads: 1
            params:
                **figure_params(_fig_id, scale=config["scale"]),
            script:
                "../scripts/figure.py"


if _enabled("fig9"):

    rule rr_fig9:
        input:
            metrics=training_metrics(config["rr"]["fig9"]["training"]),
            fits=f"{RESULTS}/rr/fits/{config['rr']['fig9']['paths']}.parquet",
        output:
            **figure_outputs("rr-fig9"),
        log:
            f"{RESULTS}/logs/rr_fig9.log",
        benchmark:
            f"{RESULTS}/benchmarks/rr_fig9.tsv"
        conda:
            CONDA_ENV
        threads: 1
        params:
            **figure_params("rr-fig9", n_last_logged=config["rr"]["fig9"]["n_last_logged"], scale=config["scale"]),
        script:
            "../scripts/figure.py"


if _enabled("fig11"):
    _fig11_panels = config["rr"]["fig11"]["panels"]

    rule rr_fig11:
        input:
            **{p: [f"{RESULTS}/rr/spectra/{e}.parquet" for e in exps] for p, exps in _fig11_panels.items()},
        output:
            **figure_outputs("rr-fig11", panels=tuple(_fig11_panels)),
        log:
            f"{RESULTS}/logs/rr_fig11.log",
        benchmark:
            f"{RESULTS}/benchmarks/rr_fig11.tsv"
        conda:
            CONDA_ENV
        threads: 1
        params:
            **figure_params("rr-fig11", panels=fig11_panels(_fig11_panels), scale=config["scale"]),
        script:
            "../scripts/figure.py"
