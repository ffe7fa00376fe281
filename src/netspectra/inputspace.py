"""Spectral bias of your own model: its spectrum in input space, once or every N training steps.

:func:`input_spectrum` evaluates a model on an even 1-D line or 2-D grid of inputs and returns the amplitude of
every frequency of its output; :class:`SpectrumRecorder` does so during a plain PyTorch training loop and
collects the long ``sb_spectrum`` table (run, replicate, step, k, amplitude, normalised_amplitude, loss) that
the sb- figures are drawn from, so :func:`netspectra.plot_spectrum` draws an sb-fig1-style heat map of your own
training.

Amplitudes are those of the single-sided scaled DFT (:func:`netspectra.spectra.dft`): on a line of N points
``A sin(2πk n/N)`` reads A at k (cycles per line). On an n₁ × n₂ grid the 2-D DFT (divided by n₁n₂) is summed
over rings of integer radius k = round(|(k₁, k₂)|) (cycles per grid side), so a plane wave of amplitude A along
an axis, or the sum of its two conjugate peaks, reads A. With a ``target`` sampled on the same points,
``normalised_amplitude`` = amplitude / the target's amplitude at k (1 = that frequency is learnt, the sb-fig1
colour scale) and the frequencies default to the target's own (its bins above 1 % of its largest amplitude).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from . import grids, io
from .spectra import dft

TARGET_FRACTION = 0.01  # a target's frequencies: bins whose amplitude reaches this fraction of its largest


def line(n_points: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    """(n_points, 1) inputs evenly spaced on [low, high), as the sb experiments' z = arange(N)/N."""
    _check_size("n_points", n_points)
    return torch.linspace(low, high, n_points + 1, dtype=torch.float64)[:-1, None].float()


def grid(n_points: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    """(n_points, n_points, 2) inputs of an even square grid on [low, high)², row coordinate first."""
    _check_size("n_points", n_points)
    return torch.from_numpy(grids.pixel_coordinates(n_points, n_points, low, high)).float()


def _check_size(option: str, n: int, low: int = 4) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < low:
        raise ValueError(f"{option} must be an integer ≥ {low}, got {n!r}")


def sample_shape(points: torch.Tensor) -> tuple[int, ...]:
    """Shape of the samples the spectrum is taken over: (N,) for a line, (n₁, n₂) for a grid.

    ``points``: (N,) scalar inputs, (N, d) inputs along a line, or (n₁, n₂, d) a 2-D grid of inputs.
    """
    if points.dim() == 1 or points.dim() == 2:
        shape = (points.shape[0],)
    elif points.dim() == 3:
        shape = tuple(points.shape[:2])
    else:
        raise ValueError(f"grid: expected (N,), (N, d) or (n1, n2, d) inputs, got shape {tuple(points.shape)}")
    if min(shape) < 4:
        raise ValueError(f"grid: at least 4 points per axis are needed for a spectrum, got shape {shape}")
    return shape


def _inputs(points: torch.Tensor) -> torch.Tensor:
    """The (P, d) batch of model inputs of ``points``."""
    return points[:, None] if points.dim() == 1 else points.reshape(-1, points.shape[-1])


@torch.no_grad()
def evaluate(model: nn.Module, points: torch.Tensor, output: int | None = None) -> torch.Tensor:
    """The model's output on ``points`` as (N,) or (n₁, n₂) values, float64.

    The model runs in eval mode (dropout off, BatchNorm on its running statistics) without gradients; its
    mode is restored afterwards. ``output``: which output unit (default: the model must have one).
    """
    shape = sample_shape(points)
    param = next(model.parameters(), None)
    x = _inputs(points)
    if param is not None:
        x = x.to(device=param.device, dtype=param.dtype)
    was_training = model.training
    model.eval()
    try:
        out = model(x)
    finally:
        model.train(was_training)
    out = out.reshape(len(x), -1)
    if output is None:
        if out.shape[1] != 1:
            raise ValueError(f"the model has {out.shape[1]} outputs per input: choose one with output=<index>")
        out = out[:, 0]
    else:
        if not -out.shape[1] <= output < out.shape[1]:
            raise ValueError(f"output={output}: the model has {out.shape[1]} outputs per input")
        out = out[:, output]
    return out.double().reshape(shape)


def amplitudes(values: torch.Tensor) -> torch.Tensor:
    """Amplitude at k = 1 … (shortest side)/2 of samples on a line (N,) or a grid (n₁, n₂); see the module doc."""
    values = torch.as_tensor(values, dtype=torch.float64)
    if values.dim() == 1:
        return dft(values)[1:].abs()
    if values.dim() != 2:
        raise ValueError(f"amplitudes: expected (N,) or (n1, n2) samples, got shape {tuple(values.shape)}")
    n1, n2 = values.shape
    mag = (torch.fft.fft2(values) / (n1 * n2)).abs()
    f1 = torch.fft.fftfreq(n1, 1.0 / n1, dtype=torch.float64, device=values.device)
    f2 = torch.fft.fftfreq(n2, 1.0 / n2, dtype=torch.float64, device=values.device)
    radius = torch.round(torch.hypot(f1[:, None], f2[None, :])).long()
    n_bins = min(n1, n2) // 2 + 1
    keep = radius < n_bins
    rings = torch.zeros(n_bins, dtype=torch.float64, device=values.device)
    rings.index_add_(0, radius[keep], mag[keep])
    return rings[1:]


def _frequencies(frequencies, target_amplitude: torch.Tensor | None, n_bins: int) -> np.ndarray:
    if frequencies is None:
        if target_amplitude is None:
            return np.arange(1, n_bins + 1)
        ta = target_amplitude.cpu().numpy()
        return np.flatnonzero(ta >= TARGET_FRACTION * ta.max()) + 1
    ks = np.asarray(frequencies, dtype=np.int64).reshape(-1)
    if ks.size == 0 or ks.min() < 1 or ks.max() > n_bins:
        raise ValueError(f"frequencies must lie in 1 … {n_bins} for these points, got {ks.tolist()}")
    return ks


class _Spectrum:
    """What one evaluation needs: points, target amplitudes, the frequencies kept."""

    def __init__(self, points, target, frequencies, output):
        self.points = torch.as_tensor(points).float() if not torch.is_tensor(points) else points
        self.shape = sample_shape(self.points)
        self.output = output
        self.target = None if target is None else torch.as_tensor(np.asarray(target), dtype=torch.float64)
        if self.target is not None and tuple(self.target.shape) != self.shape:
            if self.target.numel() != math.prod(self.shape):
                raise ValueError(f"target: expected {math.prod(self.shape)} values on the {self.shape} points, got "
                                 f"shape {tuple(self.target.shape)}")
            self.target = self.target.reshape(self.shape)
        self.target_amplitude = None if self.target is None else amplitudes(self.target)
        self.n_bins = min(self.shape) // 2
        self.ks = _frequencies(frequencies, self.target_amplitude, self.n_bins)

    def __call__(self, model: nn.Module) -> tuple[pd.DataFrame, torch.Tensor]:
        values = evaluate(model, self.points, self.output)
        amp = amplitudes(values).cpu()[self.ks - 1].numpy()
        table = pd.DataFrame({"k": self.ks, "amplitude": amp})
        if self.target_amplitude is None:
            table["target_amplitude"] = np.nan
            table["normalised_amplitude"] = np.nan
        else:
            ta = self.target_amplitude[self.ks - 1].numpy()
            table["target_amplitude"] = ta
            with np.errstate(divide="ignore", invalid="ignore"):
                table["normalised_amplitude"] = np.where(ta > 0, amp / ta, np.nan)
        return table, values


def input_spectrum(model: nn.Module, grid: torch.Tensor, *, target=None, frequencies: Sequence[int] | None = None,
                   output: int | None = None) -> pd.DataFrame:
    """The spectrum of ``model`` on ``grid``: one row per frequency k (k, amplitude, target_amplitude,
    normalised_amplitude).

    ``grid``: (N,) or (N, d) inputs along a line, or (n₁, n₂, d) a 2-D grid (:func:`line`, :func:`grid` make
    even ones); the spectrum is taken over the sample index, so k counts cycles per line (or grid side).
    ``target``: the function the model should learn, sampled on the same points (N,) or (n₁, n₂).
    ``frequencies``: the k to keep (default: the target's own, or every k = 1 … N/2 without a target).
    ``output``: the output unit of a model with several.
    """
    table, _ = _Spectrum(grid, target, frequencies, output)(model)
    return table


class SpectrumRecorder:
    """Records a model's input-space spectrum every ``every`` training steps, in a plain PyTorch loop.

    ::

        recorder = netspectra.SpectrumRecorder(x, target=y, every=100)
        for step in range(2001):
            loss = F.mse_loss(model(x), y)
            recorder(model, step, loss)      # records at steps 0, 100, …, 2000 (the function before the update)
            optimiser.zero_grad(); loss.backward(); optimiser.step()
        recorder.table        # run, replicate, step, k, amplitude, normalised_amplitude, loss (+ target_amplitude)
        recorder.write("spectrum.parquet")  # the sb_spectrum schema, with provenance

    ``grid``, ``target``, ``frequencies``, ``output``: as :func:`input_spectrum`. ``run`` and ``replicate`` label
    the rows (several recorders' tables concatenate into one, averaged over runs by :func:`plot_spectrum`). The
    ``loss`` column holds the loss passed at each step (a float or a tensor), else the mean squared error of
    the model against ``target`` on the grid, else NaN.
    """

    def __init__(self, grid: torch.Tensor, *, every: int = 100, target=None, frequencies: Sequence[int] | None = None,
                 output: int | None = None, run: int = 0, replicate: int = 0):
        _check_size("every", every, low=1)
        self.every, self.run, self.replicate = int(every), int(run), int(replicate)
        self.spectrum = _Spectrum(grid, target, frequencies, output)
        self._rows: list[pd.DataFrame] = []

    def __call__(self, model: nn.Module, step: int, loss: float | torch.Tensor | None = None) -> bool:
        """Record when ``step`` is a multiple of ``every``; returns whether it recorded."""
        if step % self.every:
            return False
        self.record(model, step, loss)
        return True

    def record(self, model: nn.Module, step: int, loss: float | torch.Tensor | None = None) -> pd.DataFrame:
        """Record the spectrum at ``step`` now; returns its rows."""
        rows, values = self.spectrum(model)
        if loss is not None:
            loss = float(loss.detach()) if torch.is_tensor(loss) else float(loss)
        elif self.spectrum.target is not None:
            loss = float(((values.cpu() - self.spectrum.target) ** 2).mean())
        else:
            loss = float("nan")
        rows.insert(0, "step", int(step))
        rows.insert(0, "replicate", self.replicate)
        rows.insert(0, "run", self.run)
        rows["loss"] = loss
        self._rows.append(rows)
        return rows

    @property
    def table(self) -> pd.DataFrame:
        """Every recorded row so far (the ``sb_spectrum`` columns and ``target_amplitude``)."""
        columns = ["run", "replicate", "step", "k", "amplitude", "target_amplitude", "normalised_amplitude", "loss"]
        if not self._rows:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("run", "replicate", "step", "k") else "float64")
                                 for c in columns})
        return pd.concat(self._rows, ignore_index=True)[columns]

    def write(self, path, *, config: dict[str, Any] | None = None, seed: int | None = None) -> None:
        """Write :attr:`table` as Parquet (schema ``sb_spectrum``) with provenance: the recorder's settings and
        ``config`` (e.g. your learning rate and model size)."""
        settings = {"every": self.every, "points_shape": list(self.spectrum.shape),
                    "frequencies": self.spectrum.ks.tolist(), "output": self.spectrum.output,
                    "has_target": self.spectrum.target is not None}
        io.write_table(self.table, path, schema="sb_spectrum", rule="netspectra.SpectrumRecorder",
                       config=settings | (config or {}), seed=seed)
