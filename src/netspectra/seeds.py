"""Every seed helper: independent 31-bit seeds derived from a base seed and keys (numpy's SeedSequence)."""

from __future__ import annotations

import zlib

import numpy as np


def seed_for(*keys: int) -> int:
    """A 31-bit seed derived from integer keys (base seed, init, direction, run, ...)."""
    return int(np.random.SeedSequence([int(k) for k in keys]).generate_state(1)[0] & 0x7FFFFFFF)


def derived_seed(base: int, experiment: str, *keys: int) -> int:
    """A 31-bit seed from the base seed, an experiment name and integer keys (one stream per experiment)."""
    return seed_for(base, zlib.crc32(experiment.encode()), *keys)


def member_seed(seed: int, run: int) -> int:
    """Initialisation and data seed of run ``run`` of a training job (members with equal run share it)."""
    return seed_for(seed, run)
