"""Small helpers shared by several test modules."""

import copy


def deep_merge(base: dict, overlay: dict) -> dict:
    """``overlay`` merged into a copy of ``base`` as Snakemake merges config files: dicts recursively, others
    replaced."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out
