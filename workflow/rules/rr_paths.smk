# Ringing ReLUs, weight space: sample_paths (one job per shard of variants) -> spectra -> fits.
# Experiments live under config["rr"]["paths"]; each grid combination is one variant, and
# `variants_per_job` of them share one sample_paths job (1 = one job per variant, named after it).


include: "functions/rr_paths.smk"


SAMPLING_KEYS = ("radius", "radius_relative", "direction", "n_points", "batch_size")

check_path_experiments()


wildcard_constraints:
    experiment="[^/]+",
    shard="[^/]+",


rule sample_paths:
    input:
        trained_weights=path_checkpoint,
    output:
        f"{RESULTS}/rr/paths/{{experiment}}/{{shard}}.parquet",
    log:
        f"{RESULTS}/logs/sample_paths/{{experiment}}/{{shard}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/sample_paths/{{experiment}}/{{shard}}.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=path_job,
        # finished (variant, init) units, per experiment (not an output: a killed job's rerun skips them)
        state=lambda wildcards: training_state(f"sample_paths/{wildcards.experiment}"),
    script:
        "../scripts/sample_paths.py"


rule spectra:
    input:
        path_files,
    output:
        f"{RESULTS}/rr/spectra/{{experiment}}.parquet",
    log:
        f"{RESULTS}/logs/spectra/{{experiment}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/spectra/{{experiment}}.tsv"
    conda:
        CONDA_ENV
    params:
        job=analysis_config,
    script:
        "../scripts/spectra.py"


rule fits:
    input:
        f"{RESULTS}/rr/spectra/{{experiment}}.parquet",
    output:
        f"{RESULTS}/rr/fits/{{experiment}}.parquet",
    log:
        f"{RESULTS}/logs/fits/{{experiment}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/fits/{{experiment}}.tsv"
    conda:
        CONDA_ENV
    params:
        job=analysis_config,
    script:
        "../scripts/fits.py"
