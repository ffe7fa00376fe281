# Ringing ReLUs, remaining weight-space figures: rr-fig1, 4, 6, 7, 12, 13, 14, 15, 17.
# rr-fig4/7/12/13/14/17 are path experiments under config["rr"]["paths"] (sample_paths -> spectra -> fits,
# rr_paths.smk); rr-fig1 (one path over a slope × ν grid), rr-fig6 (branch correlation) and rr-fig15
# (one layer moved at a time) have their own sampling rules, configured under config["rr"]["fig1|fig6|fig15"].
RR_WEIGHTSPACE = "Ringing ReLUs (ICLR 2021)"


def rr_section_job(section):
    """Everything a job of config["rr"][section] depends on (passed through params)."""
    job = dict(config["rr"][section])
    job.setdefault("seed", config["seed"])
    return job | data_config() | {"experiment": f"rr-{section}"}


def _check_rr_weightspace():
    """Fail before any job when a figure cannot be drawn from what the config asks for."""
    fig1 = config["rr"]["fig1"]
    for name, values in (("slopes", fig1["slopes"]), ("nus", fig1["nus"])):
        if not any(v == 0 for v in values) or not any(v == 1 for v in values):
            raise ValueError(f"rr.fig1.{name} must contain 0 and 1 (the linear, ReLU and ResNet panels), got {values}")
    for exp in ("rr-fig4", "rr-fig7", "rr-fig12", "rr-fig13", "rr-fig14", "rr-fig17"):
        if exp not in config["rr"]["paths"]:
            raise ValueError(f"rr.paths.{exp} is missing: the figure {exp} is drawn from it")
    fig4 = config["rr"]["paths"]["rr-fig4"]
    if "activation" not in fig4["grid"] or "shortcut" not in fig4["grid"]:
        raise ValueError("rr.paths.rr-fig4.grid needs activation and shortcut (the figure's columns and rows)")
    if fig4["layers"] != "last" or fig4["max_paths_per_layer"] != 1:
        raise ValueError("rr.paths.rr-fig4 needs layers: last and max_paths_per_layer: 1 (one path per direction)")
    fig15 = config["rr"]["fig15"]
    if fig15["varied_layers"] != "all" and fig15["model"]["arch"] in ("toycnn", "resnet"):
        model = fig15["model"]
        depth = model.get("depth", 10 if model["arch"] == "toycnn" else 20)
        # layer_names: Toy-CNN stem + units; ResNet stem + 3·(depth − 2)/6 blocks + pool
        n_layers = depth + 1 if model["arch"] == "toycnn" else (depth - 2) // 2 + 2
        bad = [k for k in fig15["varied_layers"] if not -n_layers <= k < n_layers]
        if bad:
            raise ValueError(f"rr.fig15.varied_layers {bad} out of range: the model has layers 0..{n_layers - 1}")


_check_rr_weightspace()


def rr_spectra(experiment):
    return f"{RESULTS}/rr/spectra/{experiment}.parquet"


def rr_spectra_ylabel(spectra_options):
    """Axis label of a mean power spectrum that names how the paths' spectra were taken."""
    steps = [name for name, on in (
        ("detrended", spectra_options["detrend"] == "linear"), ("Hann", spectra_options["window"] == "hann"),
        ("k²-weighted", spectra_options["weight"] == "k2"), ("path-normalised", spectra_options["normalise"] == "path_norm"),
    ) if on]
    return "power |z_k|²" + (f" ({', '.join(steps)})" if steps else "")


# ---------------------------------------------------------------- rr-fig1: slope × ν transition of one path
rule rr_transition_paths:
    output:
        f"{RESULTS}/rr/transition/rr-fig1.parquet",
    params:
        job=rr_section_job("fig1"),
    threads: 2
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/rr_transition_paths.py"


rule rr_fig1:
    input:
        rules.rr_transition_paths.output,
    output:
        a=figure_report("rr-fig1", RR_WEIGHTSPACE, "a"),
        b=figure_report("rr-fig1", RR_WEIGHTSPACE, "b"),
        pdf_a=f"{RESULTS}/figures/rr-fig1a.pdf",
        pdf_b=f"{RESULTS}/figures/rr-fig1b.pdf",
    params:
        detrend=config["rr"]["fig1"]["detrend"],
        window=config["rr"]["fig1"]["window"],
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/rr_fig1.py"


# ---------------------------------------------------------------- rr-fig4: path of median h
rule rr_fig4:
    input:
        paths=experiment_path_files("rr-fig4"),
        fits=f"{RESULTS}/rr/fits/rr-fig4.parquet",
        spectra=rr_spectra("rr-fig4"),
    output:
        png=figure_report("rr-fig4", RR_WEIGHTSPACE),
        pdf=f"{RESULTS}/figures/rr-fig4.pdf",
    params:
        activations=config["rr"]["paths"]["rr-fig4"]["grid"]["activation"],
        detrend=config["rr"]["paths"]["rr-fig4"]["spectra"]["detrend"],
        window=config["rr"]["paths"]["rr-fig4"]["spectra"]["window"],
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/rr_fig4.py"


# ---------------------------------------------------------------- rr-fig6: band correlation of the two summands
rule rr_branch_correlation:
    output:
        f"{RESULTS}/rr/correlation/rr-fig6/{{activation}}.parquet",
    params:
        job=lambda wildcards: rr_section_job("fig6") | {"activation": wildcards.activation},
    wildcard_constraints:
        activation="[a-z_]+",
    threads: 2
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/rr_branch_correlation.py"


rule rr_fig6:
    input:
        expand(f"{RESULTS}/rr/correlation/rr-fig6/{{activation}}.parquet", activation=config["rr"]["fig6"]["activations"]),
    output:
        png=figure_report("rr-fig6", RR_WEIGHTSPACE),
        pdf=f"{RESULTS}/figures/rr-fig6.pdf",
    params:
        **{k: config["rr"]["fig6"][k] for k in ("activations", "n_points", "n_bins", "band_width", "detrend", "window")},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/rr_fig6.py"


# ---------------------------------------------------------------- rr-fig7: last layer, ResNet v1 vs v2
rule rr_fig7:
    input:
        rr_spectra("rr-fig7"),
    output:
        png=figure_report("rr-fig7", RR_WEIGHTSPACE),
        pdf=f"{RESULTS}/figures/rr-fig7.pdf",
    params:
        ylabel=rr_spectra_ylabel(config["rr"]["paths"]["rr-fig7"]["spectra"]),
        hue="version",
    threads: 1
    conda:
        CONDA_ENV
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
            png=figure_report(_fig, RR_WEIGHTSPACE),
            pdf=f"{RESULTS}/figures/{_fig}.pdf",
        params:
            col=_col,
            row=_row,
            ylabel=rr_spectra_ylabel(config["rr"]["paths"][_fig]["spectra"]),
        threads: 1
        conda:
            CONDA_ENV
        script:
            "../scripts/rr_layer_spectra.py"


# ---------------------------------------------------------------- rr-fig15: one layer moved at a time
rule rr_layerwise_paths:
    output:
        paths=f"{RESULTS}/rr/layerwise/rr-fig15/paths.parquet",
        spectra=f"{RESULTS}/rr/layerwise/rr-fig15/spectra.parquet",
    params:
        job=rr_section_job("fig15"),
    threads: 2
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/rr_layerwise_paths.py"


rule rr_fig15:
    input:
        paths=rules.rr_layerwise_paths.output.paths,
        spectra=rules.rr_layerwise_paths.output.spectra,
    output:
        png=figure_report("rr-fig15", RR_WEIGHTSPACE),
        pdf=f"{RESULTS}/figures/rr-fig15.pdf",
    params:
        ylabel=rr_spectra_ylabel(config["rr"]["fig15"]["spectra"]),
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/rr_fig15.py"


figure_files("rr-fig1", panels=("a", "b"))
figure_files("rr-fig4")
figure_files("rr-fig6")
figure_files("rr-fig7")
for _fig in RR_LAYER_SPECTRA:
    figure_files(_fig)
figure_files("rr-fig15")
