# Functions of workflow/rules/sb.smk (kept apart from its rules, as snakemake --lint asks).


def sb_check_config():
    """Values the schema cannot check, checked at parse time so bad input stops the run before any job."""
    from netspectra.datasets import missing_files

    def below_nyquist(where, frequencies, n_points):
        bad = [k for k in frequencies if 2 * k >= n_points]
        if bad:
            raise ValueError(f"config sb.{where}.frequencies {bad} must lie below n_points/2 = {n_points / 2:g}")

    for name in ("fig1", "fig5", "fig3", "fig4", "fig10"):
        below_nyquist(name, SB[name]["frequencies"], SB[name]["n_points"])
    for name in ("fig2", "fig10"):
        k = SB[name]["frequency"] if name == "fig2" else SB[name]["spectrum"]["frequency"]
        below_nyquist(f"{name} (k)", [k], SB["decision_maps"]["n_points"])
    fig1 = SB["fig1"]
    if len(SB_SETTINGS) > 10:
        raise ValueError("config sb.fig1.amplitudes: at most 10 settings (panels a–j)")
    for setting, amps in fig1["amplitudes"].items():
        if len(amps) != len(fig1["frequencies"]):
            raise ValueError(
                f"config sb.fig1.amplitudes.{setting} has {len(amps)} entries, frequencies "
                f"{len(fig1['frequencies'])}"
            )
    late = [s for s in fig1["snapshot_steps"] if s > fig1["n_steps"]]
    if late:
        raise ValueError(f"config sb.fig1.snapshot_steps {late} exceed n_steps = {fig1['n_steps']}")
    data_dir = config.get("data_dir")
    for name in ("fig7", "fig8_9"):
        dataset = SB[name]["dataset"]
        if data_dir is not None and dataset != "digits":
            missing = missing_files(dataset, data_dir)
            if missing:
                raise FileNotFoundError(f"config sb.{name}.dataset {dataset!r}: missing {', '.join(map(str, missing))}")


def sb_job(section, **extra):
    """What one sb job depends on: its config section, the network, the base seed, the device."""
    return {
        "experiment": section,
        **SB[section],
        **extra,
        "network": SB["network"],
        "seed": config["seed"],
        **data_config(),
    }


def sb_map(name, k, L):
    return f"{SB_DIR}/decision_maps/k{k}_L{L}_{name}.parquet"
