"""Image classification training of many runs at once, resumable after a kill at any moment.

The M runs of one job (seeds, LeakyReLU slopes) train as one stacked model (:mod:`netspectra.stacking`):
each member draws its own batches and augmentation from generators seeded by (member seed, epoch), sums
into one loss and one SGD step, and so follows exactly the trajectory it would follow alone.

Recipe (the standard CIFAR ResNet recipe of He et al. 2016; values in config.yaml): SGD with momentum
and weight decay on every parameter, a per-step learning-rate schedule (cosine to 0, multistep or
constant), random crops of the zero-padded image and horizontal flips, cross-entropy loss. Each epoch
uses ``floor(N / batch_size)`` full batches (every member takes the same number of steps).

Resuming: a checkpoint at the end of every epoch holds the model, optimiser, scheduler, RNG state, the
metrics rows so far and which members are alive. Because batches depend only on (seed, epoch), a run
resumed from epoch e repeats epoch e+1 bit for bit: on CPU its metrics equal those of an uninterrupted
run (apart from wall-clock seconds).

Divergence: a member whose loss is NaN or infinite stops there (its loss no longer counts and its
gradients are zeroed, so it cannot touch the others); the metrics row of that interval has
``diverged=True`` and carries the non-finite loss. Training ends early when every member diverged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from . import checkpoints
from .device import keep_freed_memory
from .progress import Progress
from .seeds import seed_for
from .stacking import member_outputs

METRIC_COLUMNS = ("member", "epoch", "step", "epoch_progress", "loss", "train_accuracy", "val_loss",
                  "val_accuracy", "learning_rate", "seconds", "diverged")
SCHEDULES = ("cosine", "multistep", "constant")
EVAL_BATCH = 500
# Memory layout of the stacked images: channels-last makes a training step of the stacked members 1.0-1.6x faster
# on CPU at the quick scale's shapes (oneDNN's grouped convolutions; 28 and 56 channels per member gain most, 2.7x
# per convolution at CIFAR's 32x32; README "Performance"). cuDNN takes either layout (not timed here).
LAYOUT = torch.channels_last


@dataclass(frozen=True)
class Recipe:
    """Optimisation and augmentation settings; milestones are epochs, the schedule acts per step."""

    n_epochs: int
    batch_size: int
    learning_rate: float
    momentum: float
    weight_decay: float
    nesterov: bool = False
    lr_schedule: str = "cosine"
    lr_milestones: tuple[int, ...] = ()
    lr_gamma: float = 0.1
    crop_padding: int = 4
    horizontal_flip: bool = True
    log_every_steps: int = 50

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Recipe:
        """The recipe from a config dict; keys of the dict that are not recipe fields are ignored."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in names}
        if values.get("lr_schedule", "cosine") not in SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {SCHEDULES}, got {values['lr_schedule']!r}")
        values["lr_milestones"] = tuple(values.get("lr_milestones", ()))
        return cls(**values)


def lr_factor(step: int, steps_per_epoch: int, recipe: Recipe) -> float:
    """Learning-rate multiplier for optimiser step ``step`` (0-based)."""
    if recipe.lr_schedule == "cosine":
        total = recipe.n_epochs * steps_per_epoch
        return 0.5 * (1 + math.cos(math.pi * step / total))
    if recipe.lr_schedule == "multistep":
        passed = sum(step >= m * steps_per_epoch for m in recipe.lr_milestones)
        return recipe.lr_gamma ** passed
    return 1.0


def epoch_plan(seeds: Sequence[int], n: int, epoch: int, recipe: Recipe, steps: int):
    """Per-member batch indices ``(M, steps, B)``, crop offsets ``(M, steps, B, 2)`` and flips ``(M, steps, B)``.

    Drawn from a generator seeded by (member seed, epoch) only, so resuming at an epoch boundary
    reproduces them exactly and a member draws the same numbers alone as inside an ensemble.
    """
    b, pad = recipe.batch_size, recipe.crop_padding
    idx, offsets, flips = [], [], []
    for seed in seeds:
        g = torch.Generator().manual_seed(seed_for(seed, epoch))
        idx.append(torch.randperm(n, generator=g)[: steps * b].view(steps, b))
        offsets.append(torch.randint(0, 2 * pad + 1, (steps, b, 2), generator=g))
        flip = torch.randint(0, 2, (steps, b), generator=g).bool()
        flips.append(flip if recipe.horizontal_flip else torch.zeros_like(flip))
    return torch.stack(idx), torch.stack(offsets), torch.stack(flips)


def augmented_batch(x_pad: torch.Tensor, idx: torch.Tensor, offsets: torch.Tensor, flips: torch.Tensor,
                    side: int) -> torch.Tensor:
    """Crops of the padded images ``x_pad`` ``(N, C, S+2p, S+2p)`` in the stacked layout ``(B, M*C, S, S)``,
    channels-last in memory (:data:`LAYOUT`).

    ``idx`` ``(M, B)`` picks the images, ``offsets`` ``(M, B, 2)`` the crop corners, ``flips`` ``(M, B)``
    mirrors left-right; one gather, no loop over members.
    """
    ar = torch.arange(side, device=x_pad.device)
    rows = offsets[..., 0, None] + ar
    cols = offsets[..., 1, None] + torch.where(flips[..., None], side - 1 - ar, ar)
    # Advanced indices around a slice: the broadcast (M, B, S, S) dimensions come first, channels last.
    x = x_pad[idx[..., None, None], :, rows[..., :, None], cols[..., None, :]]
    m, b, _, _, c = x.shape
    return x.permute(1, 2, 3, 0, 4).contiguous().view(b, side, side, m * c).permute(0, 3, 1, 2)  # one copy


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, m: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy and accuracy ``(M,)`` of every member on the shared images ``x`` (eval mode)."""
    was_training = model.training
    model.eval()
    loss, correct = torch.zeros(m, device=x.device), torch.zeros(m, device=x.device)
    for start in range(0, len(y), EVAL_BATCH):
        xb, yb = x[start: start + EVAL_BATCH], y[start: start + EVAL_BATCH]
        out = member_outputs(model(xb), m)
        target = yb[:, None].expand(-1, m)
        loss += F.cross_entropy(out.flatten(0, 1), target.flatten(), reduction="none").view(-1, m).sum(0)
        correct += (out.argmax(-1) == target).sum(0)
    model.train(was_training)
    return loss / len(y), correct / len(y)


def train(model: nn.Module, seeds: Sequence[int], train_x: torch.Tensor, train_y: torch.Tensor,
          val_x: torch.Tensor, val_y: torch.Tensor, recipe: Recipe, *, checkpoint_dir: str | Path | None = None,
          run_fingerprint: str = "", keep_epochs: Sequence[int] = (),
          log: Callable[[str], None] = print, progress: str = "training") -> pd.DataFrame:
    """Train the stacked ``model`` (M members, member m seeded by ``seeds[m]``) for ``recipe.n_epochs``.

    ``train_x`` ``(N, C, S, S)`` and ``val_x`` are on the model's device. With ``checkpoint_dir`` the
    newest good checkpoint of ``run_fingerprint`` there is resumed and one is written after every epoch
    (and at epoch 0); checkpoints other than ``keep_epochs`` and the two newest are pruned. Progress lines
    (:class:`netspectra.progress.Progress`, named ``progress``) give the step, epoch, batch loss and accuracy
    and the time left.

    Returns the metrics, one row per member and logged interval (``log_every_steps`` steps, and the end of
    each epoch, whose row also holds the validation loss and accuracy; NaN elsewhere). ``loss`` and
    ``train_accuracy`` are means over the interval's batches (training mode, augmented); ``seconds`` is
    the training wall time so far, summed over resumed sessions.
    """
    dev = train_x.device
    if dev.type == "cpu":
        keep_freed_memory()  # the stacked members' activations are megabytes, freed and re-allocated every step
    m = len(seeds)
    n, side = len(train_y), train_x.shape[-1]
    steps_per_epoch = n // recipe.batch_size
    if steps_per_epoch == 0:
        raise ValueError(f"batch_size {recipe.batch_size} exceeds the {n} training images")
    params = list(model.parameters())
    opt = torch.optim.SGD(params, lr=recipe.learning_rate, momentum=recipe.momentum,
                          weight_decay=recipe.weight_decay, nesterov=recipe.nesterov)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: lr_factor(step, steps_per_epoch, recipe))
    alive = torch.ones(m, dtype=torch.bool, device=dev)
    rows: dict[str, list] = {c: [] for c in METRIC_COLUMNS}
    epoch, seconds_before = 0, 0.0

    def checkpoint() -> None:
        if checkpoint_dir is None:
            return
        checkpoints.save({
            "fingerprint": run_fingerprint, "epoch": epoch, "model": model.state_dict(),
            "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "rng": checkpoints.rng_state(),
            "alive": alive.cpu(), "metrics": rows, "seconds": seconds_before + time.perf_counter() - started,
        }, checkpoints.epoch_path(checkpoint_dir, epoch))
        checkpoints.prune(checkpoint_dir, keep_epochs)

    started = time.perf_counter()
    state = checkpoints.resume_state(checkpoint_dir, run_fingerprint, log, dev) if checkpoint_dir else None
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        checkpoints.set_rng_state(state["rng"])
        alive = state["alive"].to(dev)
        rows = {c: list(state["metrics"][c]) for c in METRIC_COLUMNS}
        epoch, seconds_before = state["epoch"], state["seconds"]
        log(f"resuming from the checkpoint of epoch {epoch} in {checkpoint_dir}")
    else:
        checkpoint()

    x_pad = F.pad(train_x, (recipe.crop_padding,) * 4)
    val_x = val_x.contiguous(memory_format=LAYOUT)
    model.train()
    bar = Progress(recipe.n_epochs * steps_per_epoch, progress, start=epoch * steps_per_epoch)
    while epoch < recipe.n_epochs and bool(alive.any()):
        epoch += 1
        idx, offsets, flips = (t.to(dev) for t in epoch_plan(seeds, n, epoch, recipe, steps_per_epoch))
        interval_start = 0
        loss_sum = torch.zeros(m, device=dev)
        correct = torch.zeros(m, device=dev)
        bad_loss = torch.zeros(m, device=dev)
        bad_step = torch.zeros(m, dtype=torch.long, device=dev)
        alive_before = alive.clone()
        for s in range(steps_per_epoch):
            step = (epoch - 1) * steps_per_epoch + s + 1
            x = augmented_batch(x_pad, idx[:, s], offsets[:, s], flips[:, s], side)
            y = train_y[idx[:, s]].T  # (B, M)
            out = member_outputs(model(x), m)
            losses = F.cross_entropy(out.flatten(0, 1), y.flatten(), reduction="none").view(-1, m).mean(0)
            ok = alive & torch.isfinite(losses)
            newly = alive & ~ok
            bad_loss = torch.where(newly, losses.detach(), bad_loss)
            bad_step = torch.where(newly, step, bad_step)
            alive = ok
            opt.zero_grad(set_to_none=False)
            torch.where(ok, losses, 0.0).sum().backward()
            for p in params:
                if p.grad is not None:  # None: unused by the architecture (e.g. final_bn of ResNet v1)
                    p.grad.masked_fill_(~ok.view(-1, *([1] * (p.dim() - 1))), 0.0)
            lr = opt.param_groups[0]["lr"]
            opt.step()
            sched.step()
            loss_sum += torch.where(ok, losses.detach(), 0.0)
            correct += (out.argmax(-1) == y).sum(0)
            # Shown every ~10 s: the batch's mean loss and accuracy over the members still training.
            bar.update(epoch=f"{epoch}/{recipe.n_epochs}", loss=losses.detach()[ok].mean,
                       accuracy=(out.argmax(-1) == y).float().mean(0)[ok].mean)
            end_of_epoch = s + 1 == steps_per_epoch
            if (s + 1 - interval_start) % recipe.log_every_steps and not end_of_epoch:
                continue
            k = s + 1 - interval_start
            val_loss, val_acc = evaluate(model, val_x, val_y, m) if end_of_epoch else (None, None)
            _append_rows(rows, epoch=epoch, step=step, progress=step / steps_per_epoch, k=k, batch=len(y),
                         loss_sum=loss_sum, correct=correct, alive_before=alive_before, alive=alive,
                         bad_loss=bad_loss, bad_step=bad_step, steps_per_epoch=steps_per_epoch, val_loss=val_loss,
                         val_acc=val_acc, lr=lr, seconds=seconds_before + time.perf_counter() - started)
            interval_start = s + 1
            loss_sum.zero_()
            correct.zero_()
            alive_before = alive.clone()
        log(f"epoch {epoch}/{recipe.n_epochs}: {int(alive.sum())}/{m} members alive, mean validation accuracy "
            f"{float(val_acc[alive].mean()) if bool(alive.any()) else float('nan'):.3f}")
        checkpoint()
    bar.close()
    return pd.DataFrame(rows).astype({"member": int, "epoch": int, "step": int, "diverged": bool})


def _append_rows(rows, *, epoch, step, progress, k, batch, loss_sum, correct, alive_before, alive, bad_loss,
                 bad_step, steps_per_epoch, val_loss, val_acc, lr, seconds) -> None:
    """One metrics row per member that was alive at the interval's start (the only sync per interval)."""
    alive_before, alive = alive_before.tolist(), alive.tolist()
    loss, acc = (loss_sum / k).tolist(), (correct / (k * batch)).tolist()
    bad_loss, bad_step = bad_loss.tolist(), bad_step.tolist()
    val_loss = val_loss.tolist() if val_loss is not None else None
    val_acc = val_acc.tolist() if val_acc is not None else None
    for i in range(len(alive)):
        if not alive_before[i]:
            continue
        diverged = not alive[i]
        row_step = bad_step[i] if diverged else step
        rows["member"].append(i)
        rows["epoch"].append(epoch)
        rows["step"].append(row_step)
        rows["epoch_progress"].append(row_step / steps_per_epoch if diverged else progress)
        rows["loss"].append(bad_loss[i] if diverged else loss[i])
        rows["train_accuracy"].append(math.nan if diverged else acc[i])
        rows["val_loss"].append(math.nan if diverged or val_loss is None else val_loss[i])
        rows["val_accuracy"].append(math.nan if diverged or val_acc is None else val_acc[i])
        rows["learning_rate"].append(float(lr))
        rows["seconds"].append(float(seconds))
        rows["diverged"].append(diverged)
