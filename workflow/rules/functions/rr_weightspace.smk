# Functions of workflow/rules/rr_weightspace.smk (kept apart from its rules, as snakemake --lint asks).


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
    if fig4["layers"] != ["loss", "last"] or fig4["max_paths_per_layer"] != 1:
        raise ValueError(
            "rr.paths.rr-fig4 needs layers: [loss, last] (panel a: the loss path, b: the last layer) and "
            "max_paths_per_layer: 1 (one last-layer path per direction)"
        )
    fig15 = config["rr"]["fig15"]
    if fig15["varied_layers"] != "all" and fig15["model"]["arch"] in ("toycnn", "resnet"):
        model = fig15["model"]
        depth = model.get("depth", 10 if model["arch"] == "toycnn" else 20)
        # layer_names: Toy-CNN stem + units; ResNet stem + 3·(depth − 2)/6 blocks + pool
        n_layers = depth + 1 if model["arch"] == "toycnn" else (depth - 2) // 2 + 2
        bad = [k for k in fig15["varied_layers"] if not -n_layers <= k < n_layers]
        if bad:
            raise ValueError(f"rr.fig15.varied_layers {bad} out of range: the model has layers 0..{n_layers - 1}")


from netspectra.spectra import ESTIMATORS as _ESTIMATORS

DETRENDED = _ESTIMATORS["detrended"]  # the second estimator every spectra table holds (power_detrended)


def rr_spectra(experiment):
    return f"{RESULTS}/rr/spectra/{experiment}.parquet"


def rr_spectra_ylabel(spectra_options):
    """Axis label of a mean power spectrum that names how the paths' spectra were taken."""
    steps = [
        name
        for name, on in (
            ("detrended", spectra_options["detrend"] == "linear"),
            ("Hann", spectra_options["window"] == "hann"),
            ("k²-weighted", spectra_options["weight"] == "k2"),
            ("path-normalised", spectra_options["normalise"] == "path_norm"),
        )
        if on
    ]
    return "power |z_k|²" + (f" ({', '.join(steps)})" if steps else "")
