"""Networks and training of the F-Principle experiments, batched over members.

The paper's networks are tanh MLPs whose weights and biases are drawn from N(0, σ_w²) and N(0, σ_b²)
(every layer, the linear output layer included, as in the authors' code). The members of one experiment
(the init-std settings it compares) share one architecture and train as ONE batched model: parameters are
stacked with a leading member axis M, in the layout of :mod:`netspectra.ensemble` (``{"0.weight": (M, out,
in), "0.bias": (M, out), "2.weight": ...}``, the names of :func:`netspectra.models.mlp`), and every layer is one
``torch.baddbmm`` (:func:`netspectra.ensemble.stacked_forward`, the engine's forward of any stacked MLP). For
these small MLPs, whose steps are dominated by per-call overhead on CPU, that measured 1.1–3× more steps per
second than ``vmap`` over ``functional_call`` on the shared 2-core machine (bench/fp_training.py), which
matters at quick scale; ``ensemble.predict(models.mlp(..., activation="tanh"), stacked, x)`` gives the same
outputs (tests/test_fp_training.py checks it).

The loss of the ensemble is the SUM of the member losses, so member m's gradient is its own loss's
gradient, and Adam acts elementwise: every member keeps its own optimiser state and follows the trajectory
of an independent run.

Members share their random draws: member m's parameters are σ_m · Z with the same standard-normal Z for
every member, so members differ only by the stds they compare.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import torch
import torch.nn.functional as F

from netspectra.checkpoints import Checkpointer, tensor_digest
from netspectra.ensemble import EnsembleResult, optimise, optimise_minibatch, stacked_forward
from netspectra.models import mlp

StackedParams = dict[str, torch.Tensor]
LOSSES = ("mse", "cross_entropy")


def gaussian_members(in_features: int, widths: Sequence[int], out_features: int,
                     stds: Sequence[tuple[float, float]], seed: int,
                     device: str | torch.device = "cpu") -> StackedParams:
    """Stacked parameters of one tanh MLP per (weight_std, bias_std) in ``stds``: {name: (M, *shape)}."""
    if len(stds) == 0:
        raise ValueError("need at least one (weight_std, bias_std) pair")
    g = torch.Generator().manual_seed(seed)
    stacked = {}
    for name, p in mlp(in_features, list(widths), out_features, "tanh").named_parameters():
        z = torch.randn(p.shape, generator=g)
        scale = torch.tensor([w if name.endswith("weight") else b for w, b in stds]).view(-1, *[1] * z.dim())
        stacked[name] = (scale * z).to(device).requires_grad_(True)
    return stacked


def n_members(stacked: StackedParams) -> int:
    return next(iter(stacked.values())).shape[0]


def weight_matrices(stacked: StackedParams) -> list[torch.Tensor]:
    """The stacked weight matrices (M, out, in), input side first."""
    return [p for n, p in stacked.items() if n.endswith("weight")]


def forward(stacked: StackedParams, x: torch.Tensor) -> torch.Tensor:
    """Outputs of all members, (M, N, out), for inputs ``x`` (N, in) shared or (M, N, in) per member."""
    prefixes = [n.removesuffix(".weight") for n in stacked if n.endswith(".weight")]
    layers = [layer for prefix in prefixes for layer in (prefix, torch.tanh)][:-1]  # a linear read-out
    return stacked_forward(layers, stacked, x)


def predict(stacked: StackedParams, x: torch.Tensor, chunk_size: int = 16384) -> torch.Tensor:
    """:func:`forward` without gradients, in chunks of ``chunk_size`` inputs to bound memory."""
    with torch.no_grad():
        return torch.cat([forward(stacked, part) for part in torch.split(x, chunk_size, dim=-2)], dim=1)


def member_losses(stacked: StackedParams, x: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """Loss of every member, (M,). ``mse``: mean over samples and outputs of (out − target)², target
    (N, out); ``cross_entropy``: softmax cross-entropy, target (N,) class indices."""
    out = forward(stacked, x)
    if loss == "mse":
        return ((out - target) ** 2).flatten(1).mean(dim=1)
    if loss == "cross_entropy":
        return F.cross_entropy(out.transpose(1, 2), target.expand(out.shape[0], -1), reduction="none").mean(dim=1)
    raise ValueError(f"unknown loss {loss!r}; valid: {', '.join(LOSSES)}")


def parameter_magnitudes(stacked: StackedParams) -> dict[str, torch.Tensor]:
    """Mean and std of |weight| and of |bias| per member, pooled over all layers (the authors' getWeightNorm).

    Returns {"weight_mean", "weight_std", "bias_mean", "bias_std"}, each (M,).
    """
    out = {}
    for kind in ("weight", "bias"):
        flat = torch.cat([p.detach().abs().flatten(1) for n, p in stacked.items() if n.endswith(kind)], dim=1)
        out[f"{kind}_mean"] = flat.mean(dim=1)
        out[f"{kind}_std"] = flat.std(dim=1, correction=0)
    return out


def train_full_batch(stacked: StackedParams, x: torch.Tensor, target: torch.Tensor, *, loss: str, n_steps: int,
                     learning_rate: float, record_every: int, record_fn: Callable[[int, StackedParams], Any],
                     checkpoint: Checkpointer | None = None, progress: str = "training") -> EnsembleResult:
    """Full-batch Adam on all members at once (the engine's loop, :func:`netspectra.ensemble.optimise`).

    ``record_fn(step, stacked)`` runs under ``no_grad`` at steps 0, record_every, … and at ``n_steps``
    (step s = after s updates) and returns a DataFrame, a list of row dicts, ``{table: rows}`` or None; the
    result's ``records``/``tables`` hold them. ``checkpoint`` resumes and saves the full state (the data and
    the initial parameters enter its fingerprint). The stacked tensors are updated in place.
    """
    if checkpoint is not None:
        checkpoint = checkpoint.extended(tensor_digest(x, target, *stacked.values()))
    return optimise(stacked, lambda p: member_losses(p, x, target, loss), n_steps=n_steps,
                    learning_rate=learning_rate, record_every=record_every, record_fn=record_fn,
                    loss_every=n_steps or 1, checkpoint=checkpoint, progress=progress)


def train_minibatch(stacked: StackedParams, x: torch.Tensor, target: torch.Tensor, *, loss: str, n_epochs: int,
                    batch_size: int, learning_rate: float, seed: int, record_fn: Callable[[int, StackedParams], Any],
                    checkpoint: Checkpointer | None = None, progress: str = "training") -> EnsembleResult:
    """Mini-batch Adam on all members at once; every member sees the same shuffled batches
    (:func:`netspectra.ensemble.optimise_minibatch`).

    ``record_fn(epoch, stacked)`` runs under ``no_grad`` before training (epoch 0) and after every epoch; the
    result's ``records``/``tables`` hold its rows. The stacked tensors are updated in place.
    """
    if checkpoint is not None:
        checkpoint = checkpoint.extended(tensor_digest(x, target, *stacked.values()))
    return optimise_minibatch(stacked, lambda p, idx: member_losses(p, x[idx], target[idx], loss),
                              n_examples=x.shape[0], n_epochs=n_epochs, batch_size=batch_size,
                              learning_rate=learning_rate, seed=seed, record_fn=record_fn, checkpoint=checkpoint,
                              progress=progress)
