"""One ``sample_paths`` job: the paths of a shard of a path experiment's variants, for every initialisation
and direction, resumable per finished (variant, init) unit.

Each (variant, init) unit is saved to the job's state folder when it is finished
(:class:`netspectra.checkpoints.Units`), so a killed job's rerun samples only the units it had not finished and
ends with the table of an uninterrupted run. A unit's fingerprint covers what changes its paths: the variant's
settings (not the device, the data's location, the checksum switch or how variants are grouped into jobs), the
init, the path-sampling code (:func:`netspectra.checkpoints.code_digest`), the digest of the images it walks on
and, for trained networks, of the weights it starts from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import torch

from netspectra import checkpoints, datasets
from netspectra.models import build_model
from netspectra.progress import Progress
from netspectra.sampling import sample_model_paths
from netspectra.seeds import seed_for

logger = logging.getLogger("netspectra")

# Settings that change no path: checkpoints.NOT_RESULTS (device, data_dir, verify_checksums, ...) and the grouping
# of variants into jobs.
NOT_PATHS = (*checkpoints.NOT_RESULTS, "variants_per_job")


def unit_name(variant: str, init: int) -> str:
    """The state file of a (variant, init) unit, relative to the job's state folder (without ``.pt``)."""
    return f"{variant}/init-{init:04d}"


@dataclass
class _Unit:
    job: dict[str, Any]
    init: int
    name: str
    fingerprint: str
    weights: dict[str, torch.Tensor] | None  # trained member weights, or None for the seeded initialisation


def _batch(job: dict[str, Any], data: datasets.ImageData, device: torch.device):
    """The variant's images: the first batch_size of a permutation seeded by the job's seed (the same for every
    variant and init of an experiment with the same batch size)."""
    order = torch.randperm(len(data.y), generator=torch.Generator().manual_seed(job["seed"]))[: job["batch_size"]]
    return data.x[order].to(device), data.y[order].to(device)


def _units(job: dict[str, Any], weights_dir: str | None, data_digest: str, code: str) -> list[_Unit]:
    units = []
    for init in range(job["n_inits"]):
        weights = None
        if weights_dir:  # rr_train checkpoints, read with torch.load(weights_only=True): init i = run i
            path = checkpoints.epoch_path(weights_dir, job["checkpoint"]["epoch"])
            weights = checkpoints.member_weights(path, job["model"], run=init)
        parts = {"job": job, "init": init, "code": code, "data": data_digest,
                 "weights": checkpoints.tensor_digest(*weights.values()) if weights else None}
        units.append(_Unit(job, init, unit_name(job["variant"], init), checkpoints.fingerprint(parts, NOT_PATHS),
                           weights))
    return units


def _sample(unit: _Unit, x: torch.Tensor, y: torch.Tensor, n_classes: int, progress: Progress) -> pd.DataFrame:
    job = unit.job
    spec = dict(job["model"], in_channels=x.shape[1], n_classes=n_classes)
    if spec["arch"] == "toycnn":
        spec["image_size"] = x.shape[-1]
    model = build_model(spec, seed=seed_for(job["seed"], unit.init)).to(x.device)
    if unit.weights is not None:
        model.load_state_dict(unit.weights)
    table = sample_model_paths(
        model, x, y, direction=job["direction"], n_directions=job["n_directions"], n_points=job["n_points"],
        # radius_relative (a fraction of the weights' norm) replaces the absolute radius where it is set
        radius=None if job["radius_relative"] else job["radius"], radius_relative=job["radius_relative"],
        layers=job["layers"], max_paths_per_layer=job["max_paths_per_layer"],
        batchnorm=job["batchnorm"], chunk=job["chunk"], seed=seed_for(job["seed"], unit.init, 7), progress=progress,
    )
    table.insert(0, "init", unit.init)
    return table


def _describe(table: pd.DataFrame, job: dict[str, Any]) -> pd.DataFrame:
    """A variant's table with the experiment, variant, model options and grid values as columns."""
    table.insert(0, "variant", job["variant"])
    table.insert(0, "experiment", job["experiment"])
    for key, value in (job["model"] | job["grid_values"]).items():
        table["init_scheme" if key == "init" else key] = str(value) if isinstance(value, list) else value
    return table


def sample_shard(jobs: Sequence[dict[str, Any]], trained_weights: Sequence[str | None] | None = None, *,
                 device: torch.device, state_dir: str | None = None, what: str = "sample_paths",
                 log: Callable[[str], None] | None = None) -> tuple[pd.DataFrame, str]:
    """The ``paths`` table of the variants ``jobs`` (the rule's ``params.job["variants"]``; data, device and
    seed are the experiment's, shared by its variants) and the data's source.

    ``trained_weights``: per variant the folder of exported rr_train checkpoints it starts from, or None.
    ``state_dir``: where finished (variant, init) units are kept (None = not kept); a rerun reuses those of
    the same fingerprint. Progress (``what``) counts directions of every unit, finished ones included.
    """
    log = log or logger.info
    first = jobs[0]
    data = datasets.load_images(first["dataset"], first["data_dir"], first["split"], first.get("input_size"),
                                stand_in=first["stand_in"], verify_checksums=first.get("verify_checksums", True))
    store = checkpoints.Units(state_dir, log) if state_dir is not None else None
    code = checkpoints.code_digest() if store is not None else ""
    weights = list(trained_weights or []) or [None] * len(jobs)
    plan = []  # (job, x, y, units) per variant
    for job, weights_dir in zip(jobs, weights):
        x, y = _batch(job, data, device)
        digest = checkpoints.tensor_digest(x, y) if store is not None else ""
        plan.append((job, x, y, _units(job, weights_dir, digest, code)))
    finished = {u.name: state for _, _, _, units in plan for u in units
                if store is not None and (state := store.load(u.name, u.fingerprint)) is not None}
    n_units = sum(len(units) for *_, units in plan)
    if finished:
        log(f"resuming: {len(finished)} of {n_units} (variant, init) units finished in {state_dir}")
    total = sum(j["n_inits"] * j["n_directions"] for j in jobs)
    done = sum(u.job["n_directions"] for *_, units in plan for u in units if u.name in finished)
    tables = []
    with Progress(total, what, unit="direction", start=done) as progress:
        for job, x, y, units in plan:
            parts = []
            for unit in units:
                if unit.name in finished:
                    parts.append(checkpoints.unpack_table(finished[unit.name]["table"]))
                    continue
                table = _sample(unit, x, y, data.n_classes, progress)
                if store is not None:  # kept as saved, so a resumed job's table equals an uninterrupted one's
                    packed = checkpoints.pack_table(table)
                    store.save(unit.name, unit.fingerprint, {"table": packed})
                    table = checkpoints.unpack_table(packed)
                parts.append(table)
            tables.append(_describe(pd.concat(parts, ignore_index=True), job))
    return pd.concat(tables, ignore_index=True), data.source
