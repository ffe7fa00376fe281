# Functions of workflow/rules/sb.smk (kept apart from its rules, as snakemake --lint asks).


def sb_check_config():
    """The datasets sb experiments read from data_dir exist (checked at parse time, before any job). The
    config's values are checked in one place, src/netspectra/config.py, called from the Snakefile."""
    from netspectra.datasets import missing_files

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
