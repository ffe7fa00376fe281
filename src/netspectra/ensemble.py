"""Train many small networks at once: one batched model whose parameters carry a leading member axis.

The independent runs of an experiment (random phases, seeds, grid values such as k or L) share one
architecture, so their parameters are stacked into tensors of shape ``(M, *param.shape)`` and the M
forward passes run as one ``torch.func.vmap`` over ``torch.func.functional_call``; a plain MLP (an
``nn.Sequential`` of ``nn.Linear`` and elementwise activations, :func:`netspectra.models.mlp`) runs instead as
one ``torch.baddbmm`` per layer (:func:`stacked_forward`), which is the same arithmetic without vmap's per-call
overhead (a training step 1.02-1.05x faster for the spectral-bias MLPs, 1.2x for the F-Principle's
smaller ones, on CPU). The optimiser sees the
stacked tensors as ordinary leaves; since the loss is the SUM of the member losses, member m's gradient
is exactly its own loss's gradient, and because Adam (and SGD) act elementwise, every member follows the
trajectory of an independent run up to float rounding (tests/test_sb_ensemble.py checks this).

Usage::

    import torch
    from torch import nn
    from netspectra.ensemble import init_stacked, train_ensemble, predict

    def mlp(seed):                     # the global RNG is already seeded with ``seed`` here
        return nn.Sequential(nn.Linear(1, 256), nn.ReLU(), nn.Linear(256, 1))

    base, params = init_stacked(mlp, seeds=range(10), device="cpu")
    x = torch.arange(200).unsqueeze(1) / 200                   # (N, 1), shared by all members
    phases = 2 * torch.pi * torch.rand(10)
    y = torch.sin(2 * torch.pi * 5 * x + phases.view(-1, 1, 1))  # (M, N, 1), one target per member

    def record(step, params):          # called every ``record_every`` steps, under no_grad
        out = predict(base, params, x)                          # (M, N, 1)
        return [{"run": m, "step": step, "mean": float(out[m].mean())} for m in range(out.shape[0])]

    result = train_ensemble(base, params, x, y, lambda out, t: ((out - t) ** 2).mean(),
                            n_steps=1000, learning_rate=3e-4, record_every=100, record_fn=record,
                            member_targets=True)
    result.losses    # DataFrame: run, step, loss (loss before the update of that step; last row = final)
    result.records   # DataFrame: the concatenated rows of record_fn
    result.params    # the trained stacked parameters (the same tensors, updated in place)

``loss_fn(output, target)`` is written for ONE member (it runs inside ``vmap``) and returns a scalar.

Long runs: ``progress="sb-fig1 training"`` names the progress lines (step of total, mean member loss, time
left; a tqdm bar on a terminal), and ``checkpoint=Checkpointer(state_dir, fingerprint(job settings))``
(:mod:`netspectra.checkpoints`) saves the full state every few minutes and resumes it after a kill, ending
with exactly the tables of an uninterrupted run. :func:`optimise` and :func:`optimise_minibatch` are the same
loops for any stacked parameters and member losses (e.g. the F-Principle's batched tanh MLPs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd
import torch
from torch import nn
from torch.func import functional_call, vmap

from . import checkpoints
from .checkpoints import Checkpointer, Tables
from .progress import Progress

OPTIMIZERS = ("adam", "sgd")

StackedParams = dict[str, torch.Tensor]


def stack_params(members: Sequence[nn.Module | Mapping[str, torch.Tensor]]) -> StackedParams:
    """Parameters of M modules (or parameter dicts/state dicts) as tensors with a leading member axis.

    Returns ``{name: tensor of shape (M, *shape)}``, detached copies that require grad. For modules only
    trainable parameters are taken (buffers are not stacked); dicts are stacked as given.
    """
    if len(members) == 0:
        raise ValueError("stack_params needs at least one member")
    dicts = [dict(m.named_parameters()) if isinstance(m, nn.Module) else dict(m) for m in members]
    names = list(dicts[0])
    for i, d in enumerate(dicts[1:], start=1):
        if list(d) != names:
            raise ValueError(f"member {i} has parameters {list(d)}, member 0 has {names}")
    return {n: torch.stack([d[n].detach() for d in dicts]).clone().requires_grad_(True) for n in names}


def member_params(stacked: StackedParams, member: int) -> dict[str, torch.Tensor]:
    """Detached parameters of one member (e.g. to ``load_state_dict(strict=False)`` into a module)."""
    return {n: p[member].detach().clone() for n, p in stacked.items()}


def n_members(stacked: StackedParams) -> int:
    return next(iter(stacked.values())).shape[0]


def init_stacked(model_factory: Callable[[int], nn.Module], seeds: Iterable[int],
                 device: str | torch.device | None = None) -> tuple[nn.Module, StackedParams]:
    """Build one module per seed and stack their parameters.

    ``model_factory(seed)`` is called with torch's global RNG seeded by ``seed`` (and restored afterwards),
    so factories that rely on PyTorch's default initialisation are reproducible too. Returns the first
    member's module (used only as the architecture template for ``functional_call``; its own parameters
    are ignored) and the stacked parameters on ``device``.
    """
    modules = []
    for seed in seeds:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed))
            modules.append(model_factory(int(seed)))
    base = modules[0]
    if device is not None:
        base = base.to(device)
    stacked = stack_params(modules)
    if device is not None:
        stacked = {n: p.detach().to(device).requires_grad_(True) for n, p in stacked.items()}
    return base, stacked


# Activations that act elementwise, so that applying them to all members at once equals vmap over members.
ELEMENTWISE = (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Softplus, nn.ELU, nn.GELU, nn.Hardtanh, nn.SELU, nn.Sigmoid,
               nn.SiLU, nn.Identity)

Layer = str | Callable[[torch.Tensor], torch.Tensor]  # a Linear's parameter prefix, or an elementwise function


def linear_layers(base: nn.Module) -> list[Layer] | None:
    """``base`` as the layer list of :func:`stacked_forward` when it is an ``nn.Sequential`` of ``nn.Linear`` and
    :data:`ELEMENTWISE` activations (e.g. :func:`netspectra.models.mlp`); None for any other module."""
    if type(base) is not nn.Sequential:
        return None
    layers: list[Layer] = []
    for name, module in base.named_children():
        if type(module) is nn.Linear:
            layers.append(name)
        elif isinstance(module, ELEMENTWISE):
            layers.append(module)
        else:
            return None
    return layers


def stacked_forward(layers: Sequence[Layer], stacked: StackedParams, x: torch.Tensor) -> torch.Tensor:
    """Outputs ``(M, N, out)`` of all members of an MLP: ``x`` is ``(N, in)`` shared or ``(M, N, in)`` per member;
    ``layers`` names each Linear by its parameter prefix (``stacked[prefix + ".weight"]``: (M, out, in), ``.bias``
    (M, out), optional) and gives each activation as a function applied to all members at once."""
    for layer in layers:
        if not isinstance(layer, str):
            x = layer(x)
            continue
        w, b = stacked[f"{layer}.weight"], stacked.get(f"{layer}.bias")
        if x.dim() == 2:
            x = x.expand(w.shape[0], *x.shape)
        x = torch.bmm(x, w.transpose(1, 2)) if b is None else torch.baddbmm(b.unsqueeze(1), x, w.transpose(1, 2))
    return x


def _batched_forward(base: nn.Module, member_inputs: bool) -> Callable:
    """``(stacked, inputs) -> outputs (M, ...)``: :func:`stacked_forward` for a plain MLP on ``(N, in)`` inputs
    (``(M, N, in)`` with ``member_inputs``), else vmap over ``functional_call``."""
    layers = linear_layers(base)

    def one(params, x):
        return functional_call(base, params, (x,))

    vmapped = vmap(one, in_dims=(0, 0 if member_inputs else None))

    def forward(params, x):
        if layers is not None and x.dim() == 2 + member_inputs:
            return stacked_forward(layers, params, x)
        return vmapped(params, x)

    return forward


def predict(base: nn.Module, stacked: StackedParams, inputs: torch.Tensor, *, member_inputs: bool = False,
            chunk_size: int | None = None) -> torch.Tensor:
    """Outputs of every member, shape ``(M, *output shape)``, without gradients.

    ``inputs`` is shared by all members, or carries a leading member axis when ``member_inputs``.
    ``chunk_size`` splits the input batch to bound memory (e.g. dense 2-D grids).
    """
    forward = _batched_forward(base, member_inputs)
    params = {n: p.detach() for n, p in stacked.items()}
    with torch.no_grad():
        if chunk_size is None:
            return forward(params, inputs)
        axis = 1 if member_inputs else 0
        parts = [forward(params, x) for x in torch.split(inputs, chunk_size, dim=axis)]
        return torch.cat(parts, dim=1)


def member_losses(base: nn.Module, stacked: StackedParams, inputs: torch.Tensor, targets: torch.Tensor,
                  loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, member_inputs: bool = False,
                  member_targets: bool = False) -> torch.Tensor:
    """Loss of every member, shape ``(M,)`` (differentiable w.r.t. the stacked parameters)."""
    target_dim = 0 if member_targets else None
    layers = linear_layers(base)
    if layers is not None and inputs.dim() == 2 + member_inputs:
        return vmap(loss_fn, in_dims=(0, target_dim))(stacked_forward(layers, stacked, inputs), targets)

    def one(params, x, t):
        return loss_fn(functional_call(base, params, (x,)), t)

    return vmap(one, in_dims=(0, 0 if member_inputs else None, target_dim))(stacked, inputs, targets)


@dataclass
class EnsembleResult:
    """What :func:`train_ensemble` and :func:`optimise` return.

    ``losses``: DataFrame with columns run (int), step (int), loss (float); the loss at step s is that of
    the parameters after s updates, recorded every ``loss_every`` steps and at ``n_steps``.
    ``tables``: the rows the record function returned, by table name (:class:`netspectra.checkpoints.Tables`);
    ``records``: the table ``records`` (what a record function returns as one DataFrame or list of rows;
    empty DataFrame without one).
    ``params``: the trained stacked parameters.
    """

    losses: pd.DataFrame
    records: pd.DataFrame
    params: StackedParams
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _make_optimizer(name: str, params: list[torch.Tensor], learning_rate: float, **kwargs) -> torch.optim.Optimizer:
    if name == "adam":
        # The fused kernel is the same update, ~5x faster than the default per-tensor loop on CPU.
        return torch.optim.Adam(params, lr=learning_rate, **{"fused": True, **kwargs})
    if name == "sgd":
        return torch.optim.SGD(params, lr=learning_rate, **kwargs)
    raise ValueError(f"unknown optimizer {name!r}; valid names: {', '.join(OPTIMIZERS)}")


def _check_leaves(stacked: StackedParams) -> list[torch.Tensor]:
    leaves = list(stacked.values())
    if not all(p.is_leaf and p.requires_grad for p in leaves):
        raise ValueError("stacked parameters must be leaf tensors that require grad (use stack_params/init_stacked)")
    return leaves


def _restore(stacked: StackedParams, opt: torch.optim.Optimizer, state: dict[str, Any]) -> Tables:
    """Load the parameters, optimiser and RNG state of a checkpoint; return the tables recorded so far."""
    with torch.no_grad():
        for name, p in stacked.items():
            p.copy_(state["params"][name])
    opt.load_state_dict(state["optimizer"])
    checkpoints.set_rng_state(state["rng"])
    return Tables.from_state(state["tables"])


def _snapshot(stacked: StackedParams, opt: torch.optim.Optimizer, tables: Tables) -> dict[str, Any]:
    return {"params": {n: p.detach() for n, p in stacked.items()}, "optimizer": opt.state_dict(),
            "rng": checkpoints.rng_state(), "tables": tables.state()}


def optimise(stacked: StackedParams, losses_of: Callable[[StackedParams], torch.Tensor], *, n_steps: int,
             learning_rate: float, record_every: int, record_fn: Callable[[int, StackedParams], Any] | None = None,
             optimizer: str = "adam", optimizer_options: Mapping[str, Any] | None = None, loss_every: int = 1,
             checkpoint: Checkpointer | None = None, progress: str = "training") -> EnsembleResult:
    """Full-batch training of stacked parameters: the loop of :func:`train_ensemble` for any member losses.

    ``losses_of(stacked)`` returns the loss of every member, shape (M,); the optimiser steps on their sum,
    so member m's gradient is that of its own loss. ``record_fn(step, stacked)`` runs under ``no_grad`` at
    steps 0, record_every, 2·record_every, ... and at ``n_steps`` and returns rows for
    :class:`netspectra.checkpoints.Tables` (a DataFrame, a list of row dicts, ``{table: rows}`` or None).

    With ``checkpoint`` the newest checkpoint of its fingerprint is resumed and the full state (parameters,
    optimiser, RNG, loss log and the tables so far) is saved as often as it asks and at the end; a resumed
    run returns exactly the result of an uninterrupted one (on the same device). Progress (step of total,
    mean member loss, time left) goes to :class:`netspectra.progress.Progress` under the name ``progress``.
    The stacked tensors are updated in place.
    """
    if n_steps < 0 or record_every < 1 or loss_every < 1:
        raise ValueError("need n_steps >= 0, record_every >= 1 and loss_every >= 1")
    leaves = _check_leaves(stacked)
    opt = _make_optimizer(optimizer, leaves, learning_rate, **dict(optimizer_options or {}))
    loss_steps = sorted(set(range(0, n_steps + 1, loss_every)) | {n_steps})
    loss_log = torch.empty(len(loss_steps), n_members(stacked), device=leaves[0].device, dtype=leaves[0].dtype)
    record_steps = set(range(0, n_steps + 1, record_every)) | {n_steps}
    tables, slot, start = Tables(), 0, 0
    state = checkpoint.resume(leaves[0].device) if checkpoint is not None else None
    if state is not None:
        tables = _restore(stacked, opt, state)
        loss_log.copy_(state["loss_log"])
        slot, start = state["slot"], state["step"]

    def save(step: int) -> None:
        checkpoint.save(step, _snapshot(stacked, opt, tables) | {"loss_log": loss_log, "slot": slot})

    with Progress(n_steps, progress, start=min(start, n_steps)) as bar:
        for step in range(start, n_steps + 1):
            # Saved before the step runs: the state after ``step`` updates, the rows of the earlier steps.
            if checkpoint is not None and checkpoint.due(step):
                save(step)
            if record_fn is not None and step in record_steps:
                with torch.no_grad():
                    tables.add(record_fn(step, stacked))
            if step == n_steps:
                with torch.no_grad():
                    loss_log[slot] = losses_of(stacked)
                break
            losses = losses_of(stacked)
            if step == loss_steps[slot]:
                loss_log[slot] = losses.detach()
                slot += 1
            opt.zero_grad(set_to_none=True)
            # The sum keeps the members' gradients apart: d(sum)/d(theta_m) = d(loss_m)/d(theta_m).
            losses.sum().backward()
            opt.step()
            bar.update(loss=losses.detach().mean)  # evaluated only when shown
    if checkpoint is not None and start <= n_steps:
        save(n_steps + 1)  # finished: a rerun returns this result without training
    log = loss_log.cpu()
    m = log.shape[1]
    loss_df = pd.DataFrame({
        "run": torch.arange(m).repeat(len(loss_steps)).numpy(),
        "step": torch.tensor(loss_steps).repeat_interleave(m).numpy(),
        "loss": log.flatten().double().numpy(),
    })
    frames = tables.frames()
    return EnsembleResult(losses=loss_df, records=frames.get("records", pd.DataFrame()), params=stacked,
                          tables=frames)


def optimise_minibatch(stacked: StackedParams, batch_losses: Callable[[StackedParams, torch.Tensor], torch.Tensor],
                       *, n_examples: int, n_epochs: int, batch_size: int, learning_rate: float, seed: int,
                       record_fn: Callable[[int, StackedParams], Any] | None = None, optimizer: str = "adam",
                       checkpoint: Checkpointer | None = None, progress: str = "training") -> EnsembleResult:
    """Mini-batch training of stacked parameters; every member sees the same shuffled batches.

    Each epoch shuffles ``range(n_examples)`` with a generator seeded by ``seed`` (one stream over all epochs)
    and steps on ``batch_losses(stacked, indices).sum()`` for consecutive batches of ``batch_size`` indices
    (the last one may be smaller). ``record_fn(epoch, stacked)`` runs under ``no_grad`` before training
    (epoch 0) and after every epoch. Checkpoints (at epoch ends, as often as ``checkpoint`` asks, counted
    in epochs) hold the parameters, optimiser, the shuffling generator, RNG and the tables so far.
    ``losses`` of the result is empty (record the losses in ``record_fn``).
    """
    if n_epochs < 0 or batch_size < 1:
        raise ValueError("need n_epochs >= 0 and batch_size >= 1")
    leaves = _check_leaves(stacked)
    opt = _make_optimizer(optimizer, leaves, learning_rate)
    g = torch.Generator().manual_seed(seed)
    tables, start = Tables(), 0
    state = checkpoint.resume(leaves[0].device) if checkpoint is not None else None
    if state is not None:
        tables = _restore(stacked, opt, state)
        g.set_state(state["generator"])
        start = state["step"]
    elif record_fn is not None:
        with torch.no_grad():
            tables.add(record_fn(0, stacked))
    with Progress(n_epochs, progress, unit="epoch", start=min(start, n_epochs)) as bar:
        for epoch in range(start + 1, n_epochs + 1):
            order = torch.randperm(n_examples, generator=g).to(leaves[0].device)
            for idx in torch.split(order, batch_size):
                opt.zero_grad(set_to_none=True)
                losses = batch_losses(stacked, idx)
                losses.sum().backward()
                opt.step()
            if record_fn is not None:
                with torch.no_grad():
                    tables.add(record_fn(epoch, stacked))
            bar.update(loss=losses.detach().mean)  # evaluated only when shown
            # Saved after the epoch's rows: ``step`` = epochs done.
            if checkpoint is not None and (checkpoint.due(epoch) or epoch == n_epochs):
                checkpoint.save(epoch, _snapshot(stacked, opt, tables) | {"generator": g.get_state()})
    frames = tables.frames()
    return EnsembleResult(losses=pd.DataFrame(columns=["run", "step", "loss"]),
                          records=frames.get("records", pd.DataFrame()), params=stacked, tables=frames)


def train_ensemble(base: nn.Module, stacked: StackedParams, inputs: torch.Tensor, targets: torch.Tensor,
                   loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *, n_steps: int,
                   learning_rate: float, record_every: int,
                   record_fn: Callable[[int, StackedParams], Any] | None = None,
                   optimizer: str = "adam", optimizer_options: Mapping[str, Any] | None = None,
                   member_inputs: bool = False, member_targets: bool = False, loss_every: int = 1,
                   compile: bool = False, checkpoint: Checkpointer | None = None,
                   progress: str = "training") -> EnsembleResult:
    """Full-batch training of all members at once; one optimiser state per member.

    Shapes: ``inputs`` (N, ...) shared, or (M, N, ...) with ``member_inputs``; likewise ``targets``.
    ``loss_fn(output, target) -> scalar`` is written for one member. ``record_fn(step, stacked)`` is called
    under ``no_grad`` at steps 0, record_every, 2·record_every, ... and at ``n_steps``; it returns a
    DataFrame, a list of row dicts, ``{table name: rows}`` (``result.tables``) or None. ``compile=True`` wraps
    the loss in ``torch.compile`` (faster on CPU for small MLPs once compiled; compilation takes tens of
    seconds and needs a C++ compiler). ``checkpoint``: resume and save the full state (:func:`optimise`);
    the data and the initial parameters enter its fingerprint. The stacked tensors are updated in place and
    returned in the result.
    """
    _check_leaves(stacked)

    def losses_of(params):
        return member_losses(base, params, inputs, targets, loss_fn, member_inputs=member_inputs,
                             member_targets=member_targets)

    if checkpoint is not None:
        checkpoint = checkpoint.extended(checkpoints.tensor_digest(inputs, targets, *stacked.values()))
    return optimise(stacked, torch.compile(losses_of, dynamic=False) if compile else losses_of, n_steps=n_steps,
                    learning_rate=learning_rate, record_every=record_every, record_fn=record_fn,
                    optimizer=optimizer, optimizer_options=optimizer_options, loss_every=loss_every,
                    checkpoint=checkpoint, progress=progress)
