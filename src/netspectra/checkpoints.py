"""Training checkpoints on disk: atomic writes, ``weights_only`` loads, falling back past corrupt files.

A training state directory holds ``epoch-XXXX.pt`` files (epoch 0 = the initialisation). Each is written
to a temporary name and renamed, so a process killed at any moment leaves either the old set or the
new file complete; a file that is nevertheless truncated or corrupt (disk full, copied half-way) is
reported by path and the next older one is used. Every file carries the fingerprint of the job
configuration it belongs to: state from a different configuration is never resumed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch

_NAME = re.compile(r"^epoch-(\d{4,})\.pt$")


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be read back (truncated, corrupt, not a checkpoint)."""


def epoch_path(directory: str | os.PathLike, epoch: int) -> Path:
    return Path(directory) / f"epoch-{epoch:04d}.pt"


def epochs(directory: str | os.PathLike) -> list[int]:
    """Epochs with a checkpoint file in ``directory``, ascending (temporary files are ignored)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = (_NAME.match(p.name) for p in directory.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def save(state: dict[str, Any], path: str | os.PathLike) -> None:
    """Write ``state`` with ``torch.save`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """``torch.load(path, weights_only=True)``; any failure raises CheckpointError naming the path."""
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # truncated zip, bad pickle, unexpected types: all mean "unusable file"
        raise CheckpointError(f"corrupt or unreadable checkpoint {path}: {type(err).__name__}: {err}") from err
    if not isinstance(state, dict):
        raise CheckpointError(f"corrupt or unreadable checkpoint {path}: not a checkpoint dict")
    return state


def resume_state(directory: str | os.PathLike, fingerprint: str, log: Callable[[str], None] = print,
                 map_location: str | torch.device = "cpu") -> dict[str, Any] | None:
    """The newest readable checkpoint of this configuration in ``directory``, or None.

    Unreadable files are reported by path and skipped. Files written for another configuration
    (different fingerprint) are reported and deleted: that state must never be resumed.
    """
    for epoch in reversed(epochs(directory)):
        path = epoch_path(directory, epoch)
        try:
            state = load(path, map_location)
        except CheckpointError as err:
            log(f"{err}; falling back to the previous checkpoint")
            continue
        if state.get("fingerprint") != fingerprint:
            log(f"checkpoints in {directory} belong to a different configuration; starting afresh")
            for e in epochs(directory):
                epoch_path(directory, e).unlink()
            return None
        return state
    return None


def prune(directory: str | os.PathLike, keep: Iterable[int], n_last: int = 2) -> None:
    """Delete checkpoints except the epochs in ``keep`` and the ``n_last`` newest (fallbacks)."""
    found = epochs(directory)
    keep = set(keep) | set(found[-n_last:])
    for epoch in found:
        if epoch not in keep:
            epoch_path(directory, epoch).unlink()


def export(state_dir: str | os.PathLike, out_dir: str | os.PathLike, wanted: Iterable[int],
           extra: dict[str, Any], log: Callable[[str], None] = print) -> None:
    """Copy the model weights of the ``wanted`` epochs to ``out_dir/epoch-XXXX.pt`` with ``extra`` info.

    A run that ended early (every member diverged) has no later epochs; the newest epoch before the
    wanted one stands in, and the file records the epoch it really holds.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    found = epochs(state_dir)
    for epoch in wanted:
        available = [e for e in found if e <= epoch]
        if not available:
            raise CheckpointError(f"no checkpoint at or before epoch {epoch} in {state_dir}")
        if available[-1] != epoch:
            log(f"epoch {epoch} was never reached (the run ended early); exporting epoch {available[-1]}")
        state = load(epoch_path(state_dir, available[-1]))
        save({"epoch": state["epoch"], "model": state["model"]} | extra, epoch_path(out_dir, epoch))


def member_weights(path: str | os.PathLike, model: dict[str, Any], run: int) -> dict[str, torch.Tensor]:
    """Plain-model state dict of the member of an exported checkpoint with ``run`` and ``model``'s options.

    Members are told apart by run and by the grid values that trained stacked (e.g. ``slope``); the
    model options must name those values whenever members differ in them.
    """
    from .stacking import member_state_dict

    state = load(path)
    members = state["members"]
    match = [i for i, m in enumerate(members)
             if m["run"] == run and all(model.get(k, v) == v for k, v in m.items() if k != "run")]
    if len(match) != 1:
        raise CheckpointError(f"{path}: no unique member for run {run} and model {model} (members: {members})")
    return member_state_dict(state["model"], match[0])
