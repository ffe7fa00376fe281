# Functions of workflow/rules/sb.smk (kept apart from its rules, as snakemake --lint asks).


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
