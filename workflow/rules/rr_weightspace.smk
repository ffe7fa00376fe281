# Ringing ReLUs, remaining weight-space figures: rr-fig1, 4, 6, 7, 12, 13, 14, 15, 17.
# rr-fig4/7/12/13/14/17 are path experiments under config["rr"]["paths"] (sample_paths -> spectra -> fits,
# rr_paths.smk); rr-fig1 (one path over a slope × ν grid), rr-fig6 (branch correlation) and rr-fig15
# (one layer moved at a time) have their own sampling rules, configured under config["rr"]["fig1|fig6|fig15"].
# Code: netspectra.papers.rr (catalogue.py: claim, drawing and check of every figure id).


include: "functions/rr_weightspace.smk"


_check_rr_weightspace()


# ---------------------------------------------------------------- rr-fig1: slope × ν transition of one path
rule rr_transition_paths:
    output:
        f"{RESULTS}/rr/transition/rr-fig1.parquet",
    log:
        f"{RESULTS}/logs/rr_transition_paths.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_transition_paths.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=rr_section_job("fig1"),
    script:
        "../scripts/rr_transition_paths.py"


rule rr_fig1:
    input:
        rules.rr_transition_paths.output,
    output:
        **figure_outputs("rr-fig1", panels=("a", "b")),
    log:
        f"{RESULTS}/logs/rr_fig1.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig1.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("rr-fig1", estimator=config["rr"]["fig1"]["estimator"]),
    script:
        "../scripts/figure.py"


# ---------------------------------------------------------------- rr-fig4: loss path of median h (b: last layer)
rule rr_fig4:
    input:
        paths=experiment_path_files("rr-fig4"),
        fits=f"{RESULTS}/rr/fits/rr-fig4.parquet",
        spectra=rr_spectra("rr-fig4"),
    output:
        **figure_outputs("rr-fig4", panels=("a", "b")),
    log:
        f"{RESULTS}/logs/rr_fig4.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig4.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("rr-fig4", activations=config["rr"]["paths"]["rr-fig4"]["grid"]["activation"]),
    script:
        "../scripts/figure.py"


# ---------------------------------------------------------------- rr-fig6: band correlation of the two summands
rule rr_branch_correlation:
    output:
        f"{RESULTS}/rr/correlation/rr-fig6/{{activation}}.parquet",
    log:
        f"{RESULTS}/logs/rr_branch_correlation/{{activation}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_branch_correlation/{{activation}}.tsv"
    wildcard_constraints:
        activation="[a-z_]+",
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=lambda wildcards: rr_section_job("fig6") | {"activation": wildcards.activation},
    script:
        "../scripts/rr_branch_correlation.py"


rule rr_fig6:
    input:
        expand(
            f"{RESULTS}/rr/correlation/rr-fig6/{{activation}}.parquet", activation=config["rr"]["fig6"]["activations"]
        ),
    output:
        **figure_outputs("rr-fig6"),
    log:
        f"{RESULTS}/logs/rr_fig6.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig6.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params(
            "rr-fig6",
            **{
                k: config["rr"]["fig6"][k]
                for k in ("activations", "n_points", "n_bins", "band_width", "detrend", "window")
            },
        ),
    script:
        "../scripts/figure.py"


# ---------------------------------------------------------------- rr-fig7: last layer, ResNet v1 vs v2
rule rr_fig7:
    input:
        rr_spectra("rr-fig7"),
    output:
        **figure_outputs("rr-fig7"),
    log:
        f"{RESULTS}/logs/rr_fig7.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig7.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params(
            "rr-fig7",
            ylabel=rr_spectra_ylabel(config["rr"]["paths"]["rr-fig7"]["spectra"]),
            ylabel_detrended=rr_spectra_ylabel(config["rr"]["paths"]["rr-fig7"]["spectra"] | DETRENDED),
            hue="version",
        ),
    script:
        "../scripts/figure.py"


# ---------------------------------------------------------------- rr-fig12/13/14/17: rr-fig3-style per-layer spectra
# One rule per figure id, generated below: rr_fig12 (rr-fig12), rr_fig13 (rr-fig13), rr_fig14 (rr-fig14),
# rr_fig17 (rr-fig17).
RR_LAYER_SPECTRA = {
    # figure id: (panel columns, panel rows or None)
    "rr-fig12": ("radius", None),
    "rr-fig13": ("activation", "shortcut"),
    "rr-fig14": ("width", "activation"),
    "rr-fig17": ("activation", "shortcut"),
}


for _fig, (_col, _row) in RR_LAYER_SPECTRA.items():

    rule:
        name:
            _fig.replace("-", "_")
        input:
            rr_spectra(_fig),
        output:
            **figure_outputs(_fig),
        log:
            f"{RESULTS}/logs/{_fig.replace('-', '_')}.log",
        benchmark:
            f"{RESULTS}/benchmarks/{_fig.replace('-', '_')}.tsv"
        conda:
            CONDA_ENV
        threads: 1
        params:
            **figure_params(_fig, col=_col, row=_row, ylabel=rr_spectra_ylabel(config["rr"]["paths"][_fig]["spectra"])),
        script:
            "../scripts/figure.py"


# ---------------------------------------------------------------- rr-fig15: one layer moved at a time
rule rr_layerwise_paths:
    output:
        paths=f"{RESULTS}/rr/layerwise/rr-fig15/paths.parquet",
        spectra=f"{RESULTS}/rr/layerwise/rr-fig15/spectra.parquet",
    log:
        f"{RESULTS}/logs/rr_layerwise_paths.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_layerwise_paths.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=rr_section_job("fig15"),
    script:
        "../scripts/rr_layerwise_paths.py"


rule rr_fig15:
    input:
        paths=rules.rr_layerwise_paths.output.paths,
        spectra=rules.rr_layerwise_paths.output.spectra,
    output:
        **figure_outputs("rr-fig15"),
    log:
        f"{RESULTS}/logs/rr_fig15.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig15.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("rr-fig15", ylabel=rr_spectra_ylabel(config["rr"]["fig15"]["spectra"])),
    script:
        "../scripts/figure.py"
