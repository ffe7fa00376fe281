"""The F-Principle experiments end to end, from a config section to DataFrames (no file I/O).

Three kinds, each training the members it compares as one batched model (:mod:`netspectra.papers.fp.training`):

- :func:`run_mnist` (fp-fig1, fp-fig3): tanh MLP classifiers, mini-batch Adam; per epoch the mean ± std of
  |weights| and |biases| and the train/test accuracy and loss of every member.
- :func:`run_image` (fp-fig2, fp-fig4, fp-fig5): a grey image as a function of (x, y), full-batch Adam on
  the odd columns; Δ_F at the peaks of one row, both spectra of that row, train/test loss, output snapshots.
- :func:`run_curve` (fp-fig6, fp-fig7): a 1-d target on an even grid (the flipped-DFT ramp or a sum of
  sines), full batch on every grid point; Δ_F at the peaks, spectra, outputs and the exact spectral norm of
  every weight matrix over training.

Every table carries ``run`` (a label such as ``w0.08_b0.08``) with ``weight_std`` and ``bias_std``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from netspectra import grids, models
from netspectra.checkpoints import Checkpointer
from netspectra.spectra import dft

from . import data, targets, training
from .peaks import delta_f, select_peaks


def run_label(weight_std: float, bias_std: float) -> str:
    return f"w{weight_std:g}_b{bias_std:g}"


def _run_columns(stds: list[tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame({"member": range(len(stds)), "run": [run_label(w, b) for w, b in stds],
                         "weight_std": [float(w) for w, _ in stds], "bias_std": [float(b) for _, b in stds]})


def _with_runs(df: pd.DataFrame, stds: list[tuple[float, float]]) -> pd.DataFrame:
    """Replace the integer ``member`` column by the run label and the member's stds."""
    return df.merge(_run_columns(stds), on="member").drop(columns="member")


def _pairs(stds: Any) -> list[tuple[float, float]]:
    return [(float(w), float(b)) for w, b in stds]


# --------------------------------------------------------------------------------------------- MNIST
def run_mnist(cfg: dict, stds: Any, *, data_dir: str | None, device: torch.device, seed: int,
              checkpoint: Checkpointer | None = None) -> pd.DataFrame:
    """Train one member per (weight_std, bias_std) on digits/MNIST; one row per (run, epoch).

    ``cfg``: dataset, widths, loss, learning_rate, batch_size, n_epochs (the ``fp.mnist`` config section).
    Columns: run, weight_std, bias_std, epoch, mean_abs_weight, std_abs_weight, mean_abs_bias,
    std_abs_bias, train_accuracy, test_accuracy, train_loss, test_loss, data_source.
    """
    stds = _pairs(stds)
    verify = cfg.get("verify_checksums", True)  # off only for generated stand-in files (config/smoke_paper.yaml)
    x_train, y_train, source = data.flat_images(cfg["dataset"], data_dir, "train", verify_checksums=verify)
    x_test, y_test, _ = data.flat_images(cfg["dataset"], data_dir, "test", verify_checksums=verify)
    x_train, y_train, x_test, y_test = (t.to(device) for t in (x_train, y_train, x_test, y_test))
    n_classes = 10
    # MSE regresses one-hot labels (the paper's loss for every experiment); cross-entropy takes indices.
    encode = (lambda y: F.one_hot(y, n_classes).float()) if cfg["loss"] == "mse" else (lambda y: y)
    t_train, t_test = encode(y_train), encode(y_test)
    stacked = training.gaussian_members(x_train.shape[1], cfg["widths"], n_classes, stds, seed, device)

    def record(epoch, params):
        mags = training.parameter_magnitudes(params)
        row = {"member": np.arange(len(stds)), "epoch": epoch,
               "mean_abs_weight": mags["weight_mean"], "std_abs_weight": mags["weight_std"],
               "mean_abs_bias": mags["bias_mean"], "std_abs_bias": mags["bias_std"]}
        for split, x, y, t in (("train", x_train, y_train, t_train), ("test", x_test, y_test, t_test)):
            out = training.predict(params, x)
            row[f"{split}_accuracy"] = (out.argmax(-1) == y).float().mean(dim=1)
            row[f"{split}_loss"] = training.member_losses(params, x, t, cfg["loss"])
        return pd.DataFrame({k: v.double().cpu().numpy() if torch.is_tensor(v) else v for k, v in row.items()})

    history = training.train_minibatch(stacked, x_train, t_train, loss=cfg["loss"], n_epochs=cfg["n_epochs"],
                                       batch_size=cfg["batch_size"], learning_rate=cfg["learning_rate"],
                                       seed=seed, record_fn=record, checkpoint=checkpoint,
                                       progress=f"{cfg.get('experiment', 'fp mnist')} training").records
    history = _with_runs(history, stds)
    history["data_source"] = source
    return history


# --------------------------------------------------------------------------- shared: fit on a grid line
def _peaks(target_spectrum: torch.Tensor, cfg: dict) -> np.ndarray:
    """The frequencies Δ_F follows: ``cfg["frequencies"]`` when given, else the target's local maxima."""
    if cfg.get("frequencies"):
        freqs = np.asarray(cfg["frequencies"], dtype=int)
        if freqs.max() >= len(target_spectrum) or freqs.min() < 0:
            raise ValueError(f"frequencies {freqs.tolist()} outside the {len(target_spectrum)} DFT bins")
        return np.sort(freqs)
    p = cfg["peaks"]
    return select_peaks(target_spectrum.abs(), max_frequency=p["max_frequency"], n_peaks=p["n_peaks"],
                                   min_relative_height=p["min_relative_height"], include_dc=p["include_dc"])


def _line_records(step: int, line_out: torch.Tensor, target_spectrum: torch.Tensor, peaks: np.ndarray,
                  kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Δ_F at the peaks and both spectra of the line, for outputs ``line_out`` (M, L) at ``step``."""
    out_spec = dft(line_out)
    m, k = out_spec.shape
    d = delta_f(target_spectrum, out_spec, kind)[:, peaks].double().cpu().numpy()
    delta = pd.DataFrame({"member": np.repeat(np.arange(m), len(peaks)), "step": step,
                          "frequency": np.tile(peaks, m), "delta_f": d.ravel(), "kind": kind})
    spectra = pd.DataFrame({"member": np.repeat(np.arange(m), k), "step": step, "frequency": np.tile(np.arange(k), m),
                            "target_amplitude": np.tile(target_spectrum.abs().double().cpu().numpy(), m),
                            "output_amplitude": out_spec.abs().double().cpu().numpy().ravel(),
                            "is_peak": np.tile(np.isin(np.arange(k), peaks), m)})
    return delta, spectra


# --------------------------------------------------------------------------------------------- image
def image_target(cfg: dict) -> tuple[np.ndarray, str]:
    """The normalised grey image (S, S) of an ``fp.image*`` config section, and its source."""
    image, source = data.read_grey_image(cfg["sample_image"], cfg["image_file"])
    return data.normalise_grey(data.square_resize(image, cfg["image_size"])), source


def run_image(cfg: dict, *, delta_kind: str, device: torch.device, seed: int,
              checkpoint: Checkpointer | None = None) -> dict[str, pd.DataFrame]:
    """Fit the image from pixel coordinates on its odd columns, one member per entry of ``cfg["stds"]``.

    Δ_F and the spectra are those of row ``cfg["row"]``, on its training pixels (``row_pixels: train``) or on
    all its pixels (``all``; then test pixels enter the spectrum and frequencies above the training grid's
    Nyquist alias onto the followed peaks).

    Returns DataFrames ``delta_f`` (run, step, frequency, delta_f, kind), ``spectra`` (run, step, frequency,
    target_amplitude, output_amplitude, is_peak), ``losses`` (run, step, train_loss, test_loss) and
    ``snapshots`` (run, step, row, col, value, target, train) at ``cfg["snapshot_steps"]`` and the last step.
    """
    stds = _pairs(cfg["stds"])
    image, source = image_target(cfg)
    size = image.shape[0]
    if not 0 <= cfg["row"] < size:
        raise ValueError(f"row {cfg['row']} outside the image's {size} rows")
    # (x = column, y = row) of every pixel in [-1, 1], row-major like image.ravel()
    xy = grids.pixel_coordinates(size, size, -1.0, 1.0, endpoint=True)[..., ::-1].reshape(-1, 2)
    coords = torch.tensor(xy.copy(), dtype=torch.float32, device=device)
    values = torch.tensor(image.ravel(), dtype=torch.float32, device=device)
    train = torch.tensor(data.odd_column_mask(size, size).ravel(), device=device)
    # The row's pixels whose spectrum Δ_F follows: its training pixels (odd columns, an even grid of S/2
    # points; the authors' code takes spectra of the training samples) or every pixel of the row.
    columns = np.arange(1, size, 2) if cfg["row_pixels"] == "train" else np.arange(size)
    line = torch.tensor(cfg["row"] * size + columns, device=device)
    target_spectrum = dft(values[line])
    peaks = _peaks(target_spectrum, cfg)
    snapshot_steps = set(cfg["snapshot_steps"]) | {cfg["n_steps"]}
    stacked = training.gaussian_members(2, cfg["widths"], 1, stds, seed, device)

    def record(step, params):
        out = training.predict(params, coords)[..., 0]            # (M, S*S)
        d, s = _line_records(step, out[:, line], target_spectrum, peaks, delta_kind)
        err = (out - values) ** 2
        rows = {"delta_f": d, "spectra": s,
                "losses": pd.DataFrame({"member": np.arange(len(stds)), "step": step,
                                        "train_loss": err[:, train].mean(1).double().cpu().numpy(),
                                        "test_loss": err[:, ~train].mean(1).double().cpu().numpy()})}
        if step in snapshot_steps:
            n = out.shape[1]
            rows["snapshots"] = pd.DataFrame({
                "member": np.repeat(np.arange(len(stds)), n), "step": step,
                "row": np.tile(np.arange(n) // size, len(stds)), "col": np.tile(np.arange(n) % size, len(stds)),
                "value": out.double().cpu().numpy().ravel(), "target": np.tile(image.ravel(), len(stds)),
                "train": np.tile(train.cpu().numpy(), len(stds))})
        return rows

    tables = training.train_full_batch(stacked, coords[train], values[train].unsqueeze(1), loss="mse",
                                       n_steps=cfg["n_steps"], learning_rate=cfg["learning_rate"],
                                       record_every=cfg["record_every"], record_fn=record, checkpoint=checkpoint,
                                       progress=f"fp {cfg.get('experiment', 'image')} training").tables
    result = {name: _with_runs(tables[name], stds) for name in ("delta_f", "spectra", "losses", "snapshots")}
    for df in result.values():
        df["data_source"] = source
    return result


# --------------------------------------------------------------------------------------------- 1-d curves
def curve_target(cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """Grid x and target y of an ``fp.flipped`` / ``fp.wide`` config section (``target`` = flipped_ramp |
    sine_sum). The sine sum is sampled at ``n_points`` evenly spaced points of [x_min, x_max] (ends included,
    as in the authors' code)."""
    if cfg["target"] == "flipped_ramp":
        return targets.flipped_ramp_target(cfg["n_points"], cfg["x_min"], cfg["x_max"])
    if cfg["target"] == "sine_sum":
        x = np.linspace(cfg["x_min"], cfg["x_max"], cfg["n_points"])
        return x, targets.sine_sum_target(x, cfg["angular_frequencies"], cfg["amplitudes"])
    raise ValueError(f"unknown target {cfg['target']!r}; valid: flipped_ramp, sine_sum")


def run_curve(cfg: dict, *, delta_kind: str, device: torch.device, seed: int,
              checkpoint: Checkpointer | None = None) -> dict[str, pd.DataFrame]:
    """Fit a 1-d target on every grid point, one member per entry of ``cfg["stds"]``.

    Returns ``delta_f``, ``spectra``, ``losses`` (test_loss is NaN: every point is trained on), ``outputs``
    (run, step, x, target, output) and ``spectral_norms`` (run, step, layer, spectral_norm; layer 0 = input
    layer, the last = the output layer, whose 1-row matrix norm is its L2 norm).
    """
    stds = _pairs(cfg["stds"])
    x_np, y_np = curve_target(cfg)
    x = torch.tensor(x_np, dtype=torch.float32, device=device).unsqueeze(1)
    y = torch.tensor(y_np, dtype=torch.float32, device=device)
    target_spectrum = dft(y)
    peaks = _peaks(target_spectrum, cfg)
    stacked = training.gaussian_members(1, cfg["widths"], 1, stds, seed, device)
    m = len(stds)

    def record(step, params):
        out = training.predict(params, x)[..., 0]                  # (M, N)
        d, s = _line_records(step, out, target_spectrum, peaks, delta_kind)
        n = len(x_np)
        sn = torch.stack([models.spectral_norm(w) for w in training.weight_matrices(params)], dim=1)
        sn = sn.double().cpu().numpy()  # (M, layers)
        layers = sn.shape[1]
        return {"delta_f": d, "spectra": s,
                "losses": pd.DataFrame({"member": np.arange(m), "step": step,
                                        "train_loss": ((out - y) ** 2).mean(1).double().cpu().numpy(),
                                        "test_loss": np.nan}),
                "outputs": pd.DataFrame({"member": np.repeat(np.arange(m), n), "step": step, "x": np.tile(x_np, m),
                                         "target": np.tile(y_np, m), "output": out.double().cpu().numpy().ravel()}),
                "spectral_norms": pd.DataFrame({"member": np.repeat(np.arange(m), layers), "step": step,
                                                "layer": np.tile(np.arange(layers), m), "spectral_norm": sn.ravel()})}

    tables = training.train_full_batch(stacked, x, y.unsqueeze(1), loss="mse", n_steps=cfg["n_steps"],
                                       learning_rate=cfg["learning_rate"], record_every=cfg["record_every"],
                                       record_fn=record, checkpoint=checkpoint,
                                       progress=f"fp {cfg.get('experiment', 'curve')} training").tables
    return {name: _with_runs(tables[name], stds)
            for name in ("delta_f", "spectra", "losses", "outputs", "spectral_norms")}
