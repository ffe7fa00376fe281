"""Training checkpoints on disk: atomic writes, ``weights_only`` loads, falling back past corrupt files.

A training state directory holds ``epoch-XXXX.pt`` files (epoch 0 = the initialisation; the rr trainer,
:mod:`netspectra.training`) or ``step-XXXXXXXX.pt`` files (the step loops of :mod:`netspectra.ensemble` and
the papers' own loops, through :class:`Checkpointer`). Each is written to a temporary name and renamed, so
a process killed at any moment leaves either the old set or the new file complete; a file that is
nevertheless truncated or corrupt (disk full, copied half-way) is reported by path and the next older one
is used. Every file carries the fingerprint of the job configuration it belongs to (:func:`fingerprint`):
state from a different configuration is never resumed.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import torch

_NAME = re.compile(r"^(epoch|step)-(\d{4,})\.pt$")
_DIGITS = {"epoch": 4, "step": 8}
logger = logging.getLogger("netspectra")

# Settings that change no result: where things are, how often they are logged or saved, which device runs
# them, which checkpoints are exported. They stay out of fingerprints, so changing them never restarts
# training (the data's identity enters as its checksum, not as the data_dir path).
NOT_RESULTS = ("device", "data_dir", "state_dir", "checkpoint_every_minutes", "log_every_steps", "export_epochs",
               "verify_checksums")


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be read back (truncated, corrupt, not a checkpoint)."""


def fingerprint(config: Any, ignore: Iterable[str] = NOT_RESULTS) -> str:
    """Short hash of everything a result depends on: ``config`` as JSON with sorted keys, without the keys in
    ``ignore`` at any depth (settings that change no result, :data:`NOT_RESULTS`)."""
    ignore = set(ignore)

    def strip(value):
        if isinstance(value, Mapping):
            return {str(k): strip(v) for k, v in value.items() if k not in ignore}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value

    return hashlib.sha256(json.dumps(strip(config), sort_keys=True, default=str).encode()).hexdigest()[:16]


# Modules that draw, check claims or parse input: editing them changes no training trajectory, so it does not
# invalidate saved training state (every other module of the package counts, see code_digest).
NOT_TRAINING_CODE = ("figures", "figures.py", "claims.py", "catalogue.py", "style.py", "plotting.py", "cli.py",
                     "config.py", "api.py")


def code_digest(root: str | os.PathLike | None = None) -> str:
    """Hash of the netspectra source that training runs (every module under ``root``, the package by default,
    except :data:`NOT_TRAINING_CODE`): part of a pipeline job's fingerprint, so state saved by other code is
    never resumed."""
    root = Path(root) if root is not None else Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if not set(relative.parts) & set(NOT_TRAINING_CODE):
            h.update(str(relative).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def tensor_digest(*tensors: torch.Tensor) -> str:
    """Hash of the values, dtypes and shapes of ``tensors`` (the identity of a job's data in a fingerprint)."""
    h = hashlib.sha256()
    for t in tensors:
        t = t.detach().cpu().contiguous()
        h.update(f"{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")  # 0-d tensors too
    return h.hexdigest()[:16]


def checkpoint_path(directory: str | os.PathLike, count: int, unit: str = "epoch") -> Path:
    """``directory/<unit>-<count>.pt``: unit ``epoch`` (4 digits) or ``step`` (8 digits)."""
    return Path(directory) / f"{unit}-{count:0{_DIGITS[unit]}d}.pt"


def epoch_path(directory: str | os.PathLike, epoch: int) -> Path:
    return checkpoint_path(directory, epoch, "epoch")


def counts(directory: str | os.PathLike, unit: str = "epoch") -> list[int]:
    """Counts (epochs or steps) with a checkpoint file of ``unit`` in ``directory``, ascending (temporary
    files are ignored)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = (_NAME.match(p.name) for p in directory.iterdir())
    return sorted(int(m.group(2)) for m in found if m and m.group(1) == unit)


def epochs(directory: str | os.PathLike) -> list[int]:
    """Epochs with a checkpoint file in ``directory``, ascending (temporary files are ignored)."""
    return counts(directory, "epoch")


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
                 map_location: str | torch.device = "cpu", unit: str = "epoch") -> dict[str, Any] | None:
    """The newest readable checkpoint of this configuration in ``directory``, or None.

    Unreadable files are reported by path and skipped. Files written for another configuration
    (different fingerprint) are reported and deleted: that state must never be resumed.
    """
    for count in reversed(counts(directory, unit)):
        path = checkpoint_path(directory, count, unit)
        try:
            state = load(path, map_location)
        except CheckpointError as err:
            log(f"{err}; falling back to the previous checkpoint")
            continue
        if state.get("fingerprint") != fingerprint:
            log(f"checkpoints in {directory} belong to a different configuration; starting afresh")
            for c in counts(directory, unit):
                checkpoint_path(directory, c, unit).unlink()
            return None
        return state
    return None


def prune(directory: str | os.PathLike, keep: Iterable[int], n_last: int = 2, unit: str = "epoch") -> None:
    """Delete checkpoints except the counts in ``keep`` and the ``n_last`` newest (fallbacks)."""
    found = counts(directory, unit)
    keep = set(keep) | set(found[-n_last:])
    for count in found:
        if count not in keep:
            checkpoint_path(directory, count, unit).unlink()


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


def rng_state() -> dict[str, Any]:
    """torch's global RNG state (and every CUDA device's), for a checkpoint."""
    state = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


def pack_table(df: pd.DataFrame) -> torch.Tensor:
    """A DataFrame as the bytes of a Parquet file in a uint8 tensor (loadable with ``weights_only=True``)."""
    buffer = io.BytesIO()
    df.reset_index(drop=True).to_parquet(buffer, index=False)
    return torch.frombuffer(bytearray(buffer.getvalue()), dtype=torch.uint8)


def unpack_table(packed: torch.Tensor) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(packed.numpy().tobytes()))


class Tables:
    """Rows a training loop records, by table name, so that a checkpoint can hold the tables so far.

    ``add(rows)`` takes what a record function returns: None, a DataFrame or a list of row dicts (the table
    ``records``), or a mapping ``{table name: DataFrame or list of row dicts}``.
    """

    def __init__(self, parts: dict[str, list[pd.DataFrame]] | None = None):
        self.parts = parts or {}

    def add(self, rows: Any) -> None:
        named = rows.items() if isinstance(rows, Mapping) else [("records", rows)]
        for name, part in named:
            if part is None:
                continue
            df = part if isinstance(part, pd.DataFrame) else pd.DataFrame(part)
            self.parts.setdefault(name, []).append(df)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: pd.concat(parts, ignore_index=True) for name, parts in self.parts.items()}

    def state(self) -> dict[str, torch.Tensor]:
        return {name: pack_table(df) for name, df in self.frames().items()}

    @classmethod
    def from_state(cls, state: dict[str, torch.Tensor]) -> Tables:
        return cls({name: [unpack_table(packed)] for name, packed in state.items()})


class Checkpointer:
    """Where and how often a step loop saves its full state, and the resuming of it after a kill.

    ``directory`` is the loop's state folder (never a Snakemake output, so a failed or killed job keeps it);
    ``fingerprint`` covers everything the loop's result depends on (:func:`fingerprint` of the job's
    settings; loops add their data with :meth:`extended`). A checkpoint is written once ``every_steps``
    steps or ``every_seconds`` seconds have passed since the last one (whichever comes first; None = never
    by that criterion) and when the loop ends; the ``keep`` newest files stay. A loop that runs several
    trainings in turn gives each its own sub-folder (:meth:`child`), so finished ones are not repeated.

    Usage in a loop (see :func:`netspectra.ensemble.optimise`)::

        state = checkpoint.resume()              # None, or the dict saved last (with "step")
        for step in range(state["step"] if state else 0, n_steps + 1):
            if checkpoint.due(step):
                checkpoint.save(step, {...})     # the state before running ``step``
            ...
    """

    def __init__(self, directory: str | os.PathLike, fingerprint: str, *, every_steps: int | None = None,
                 every_seconds: float | None = 600.0, keep: int = 2, log: Callable[[str], None] | None = None):
        if every_steps is not None and every_steps < 1:
            raise ValueError(f"every_steps must be >= 1, got {every_steps}")
        self.directory, self.fingerprint = Path(directory), fingerprint
        self.every_steps, self.every_seconds, self.keep = every_steps, every_seconds, keep
        self.log = log or logger.info
        self._last_step, self._last_time = 0, time.monotonic()

    def _with(self, directory: Path, fingerprint: str) -> Checkpointer:
        return Checkpointer(directory, fingerprint, every_steps=self.every_steps, every_seconds=self.every_seconds,
                            keep=self.keep, log=self.log)

    def child(self, name: str) -> Checkpointer:
        """The checkpointer of one of several loops of a job, in the sub-folder ``name``."""
        return self._with(self.directory / name, self.fingerprint)

    def extended(self, *parts: str) -> Checkpointer:
        """The same folder with ``parts`` (e.g. a :func:`tensor_digest` of the loop's data) in the fingerprint."""
        return self._with(self.directory, fingerprint({"job": self.fingerprint, "parts": list(parts)}, ()))

    def resume(self, map_location: str | torch.device = "cpu") -> dict[str, Any] | None:
        """The newest good checkpoint of this fingerprint (``state["step"]`` = the step to run next), or None."""
        state = resume_state(self.directory, self.fingerprint, self.log, map_location, unit="step")
        if state is not None:
            self.log(f"resuming from the checkpoint of step {state['step']} in {self.directory}")
        self._last_step, self._last_time = state["step"] if state else 0, time.monotonic()
        return state

    def due(self, step: int) -> bool:
        """Whether ``step`` (the step about to run) should be saved first."""
        if step <= self._last_step:
            return False
        return bool((self.every_steps is not None and step - self._last_step >= self.every_steps)
                    or (self.every_seconds is not None and time.monotonic() - self._last_time >= self.every_seconds))

    def save(self, step: int, state: dict[str, Any]) -> None:
        save({"fingerprint": self.fingerprint, "step": step} | state, checkpoint_path(self.directory, step, "step"))
        prune(self.directory, (), self.keep, unit="step")
        self._last_step, self._last_time = step, time.monotonic()


def child(checkpoint: Checkpointer | None, name: str) -> Checkpointer | None:
    """``checkpoint.child(name)``, or None without a checkpointer."""
    return checkpoint.child(name) if checkpoint is not None else None


def for_job(state: Mapping[str, Any], settings: Any, log: Callable[[str], None] | None = None) -> Checkpointer:
    """The :class:`Checkpointer` of a pipeline job from its rule's ``state`` params (``state_dir``,
    ``checkpoint_every_minutes``; workflow/rules/common.smk) and the settings its result depends on
    (fingerprinted without :data:`NOT_RESULTS`, with the training code's :func:`code_digest`)."""
    return Checkpointer(state["state_dir"], fingerprint({"settings": settings, "code": code_digest()}),
                        every_seconds=60.0 * state["checkpoint_every_minutes"], log=log)


class Units:
    """Finished units of a job made of independent units of work (``sample_paths``: one (variant, init) each),
    one file per unit in ``directory``, so that a rerun of a killed job skips the finished ones.

    ``directory`` is the job's state folder (never a Snakemake output, so a failed or killed job keeps it).
    Each file is written atomically (:func:`save`) and holds the fingerprint of its unit's settings
    (:func:`fingerprint`: everything its result depends on); :meth:`load` returns None for a unit that is not
    there, cannot be read (reported by path) or belongs to another fingerprint (reported; it is recomputed
    and overwritten). Unit names may hold ``/`` (sub-folders).
    """

    def __init__(self, directory: str | os.PathLike, log: Callable[[str], None] | None = None):
        self.directory, self.log = Path(directory), log or logger.info

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.pt"

    def load(self, name: str, fingerprint: str) -> dict[str, Any] | None:
        """The saved state of unit ``name`` if it was finished with this ``fingerprint``, else None."""
        path = self.path(name)
        if not path.exists():
            return None
        try:
            state = load(path)
        except CheckpointError as err:
            self.log(f"{err}; computing the unit again")
            return None
        if state.get("fingerprint") != fingerprint:
            self.log(f"{path} belongs to a different configuration; computing the unit again")
            return None
        return state

    def save(self, name: str, fingerprint: str, state: dict[str, Any]) -> None:
        save({"fingerprint": fingerprint} | state, self.path(name))
