# Ringing ReLUs, remaining weight-space figures: rr-fig1, 4, 6, 7, 12, 13, 14, 15, 17.
# rr-fig4/7/12/13/14/17 are path experiments under config["rr"]["paths"] (sample_paths -> spectra -> fits,
# rr_paths.smk); rr-fig1 (one path over a slope × ν grid), rr-fig6 (branch correlation) and rr-fig15
# (one layer moved at a time) have their own sampling rules, configured under config["rr"]["fig1|fig6|fig15"].


include: "functions/rr_weightspace.smk"


RR_WEIGHTSPACE = "Ringing ReLUs (ICLR 2021)"

_check_rr_weightspace()


# ---------------------------------------------------------------- rr-fig1: slope × ν transition of one path
rule rr_transition_paths:
    output:
        f"{RESULTS}/rr/transition/rr-fig1.parquet",
    log:
        f"{RESULTS}/logs/rr_transition_paths.log",
    conda:
        CONDA_ENV_GPU
    threads: 2
    params:
        job=rr_section_job("fig1"),
    script:
        "../scripts/rr_transition_paths.py"


rule rr_fig1:
    input:
        rules.rr_transition_paths.output,
    output:
        a=figure_report("rr-fig1", "a"),
        b=figure_report("rr-fig1", "b"),
        pdf_a=f"{RESULTS}/figures/rr-fig1a.pdf",
        pdf_b=f"{RESULTS}/figures/rr-fig1b.pdf",
    log:
        f"{RESULTS}/logs/rr_fig1.log",
    conda:
        CONDA_ENV
    threads: 1
    params:
        detrend=config["rr"]["fig1"]["detrend"],
        window=config["rr"]["fig1"]["window"],
    script:
        "../scripts/rr_fig1.py"


# ---------------------------------------------------------------- rr-fig4: path of median h
rule rr_fig4:
    input:
        paths=experiment_path_files("rr-fig4"),
        fits=f"{RESULTS}/rr/fits/rr-fig4.parquet",
        spectra=rr_spectra("rr-fig4"),
    output:
        png=figure_report("rr-fig4"),
        pdf=f"{RESULTS}/figures/rr-fig4.pdf",
    log:
        f"{RESULTS}/logs/rr_fig4.log",
    conda:
        CONDA_ENV
    threads: 1
    params:
        activations=config["rr"]["paths"]["rr-fig4"]["grid"]["activation"],
        detrend=config["rr"]["paths"]["rr-fig4"]["spectra"]["detrend"],
        window=config["rr"]["paths"]["rr-fig4"]["spectra"]["window"],
    script:
        "../scripts/rr_fig4.py"


# ---------------------------------------------------------------- rr-fig6: band correlation of the two summands
rule rr_branch_correlation:
    output:
        f"{RESULTS}/rr/correlation/rr-fig6/{{activation}}.parquet",
    log:
        f"{RESULTS}/logs/rr_branch_correlation/{{activation}}.log",
    wildcard_constraints:
        activation="[a-z_]+",
    conda:
        CONDA_ENV_GPU
    threads: 2
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
        png=figure_report("rr-fig6"),
        pdf=f"{RESULTS}/figures/rr-fig6.pdf",
    log:
        f"{RESULTS}/logs/rr_fig6.log",
    conda:
        CONDA_ENV
    threads: 1
    params:
        **{k: config["rr"]["fig6"][k] for k in ("activations", "n_points", "n_bins", "band_width", "detrend", "window")},
    script:
        "../scripts/rr_fig6.py"


# ---------------------------------------------------------------- rr-fig7: last layer, ResNet v1 vs v2
rule rr_fig7:
    input:
        rr_spectra("rr-fig7"),
    output:
        png=figure_report("rr-fig7"),
        pdf=f"{RESULTS}/figures/rr-fig7.pdf",
    log:
        f"{RESULTS}/logs/rr_fig7.log",
    conda:
        CONDA_ENV
    threads: 1
    params:
        ylabel=rr_spectra_ylabel(config["rr"]["paths"]["rr-fig7"]["spectra"]),
        hue="version",
    script:
        "../scripts/rr_fig7.py"


# ---------------------------------------------------------------- rr-fig12/13/14/17: rr-fig3-style per-layer spectra
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
            png=figure_report(_fig),
            pdf=f"{RESULTS}/figures/{_fig}.pdf",
        log:
            f"{RESULTS}/logs/{_fig.replace('-', '_')}.log",
        conda:
            CONDA_ENV
        threads: 1
        params:
            col=_col,
            row=_row,
            ylabel=rr_spectra_ylabel(config["rr"]["paths"][_fig]["spectra"]),
        script:
            "../scripts/rr_layer_spectra.py"


# ---------------------------------------------------------------- rr-fig15: one layer moved at a time
rule rr_layerwise_paths:
    output:
        paths=f"{RESULTS}/rr/layerwise/rr-fig15/paths.parquet",
        spectra=f"{RESULTS}/rr/layerwise/rr-fig15/spectra.parquet",
    log:
        f"{RESULTS}/logs/rr_layerwise_paths.log",
    conda:
        CONDA_ENV_GPU
    threads: 2
    params:
        job=rr_section_job("fig15"),
    script:
        "../scripts/rr_layerwise_paths.py"


rule rr_fig15:
    input:
        paths=rules.rr_layerwise_paths.output.paths,
        spectra=rules.rr_layerwise_paths.output.spectra,
    output:
        png=figure_report("rr-fig15"),
        pdf=f"{RESULTS}/figures/rr-fig15.pdf",
    log:
        f"{RESULTS}/logs/rr_fig15.log",
    conda:
        CONDA_ENV
    threads: 1
    params:
        ylabel=rr_spectra_ylabel(config["rr"]["fig15"]["spectra"]),
    script:
        "../scripts/rr_fig15.py"


figure_files("rr-fig1", panels=("a", "b"))
figure_files("rr-fig4")
figure_files("rr-fig6")
figure_files("rr-fig7")
for _fig in RR_LAYER_SPECTRA:
    figure_files(_fig)
figure_files("rr-fig15")
