"""Paths in input space that keep a classifier's decision (On the Spectral Bias, App. A.4, sb-fig8/9).

Between two images that a classifier assigns to the same class c (training images of class c, or
adversarial examples pushed into c from other classes), a path of pivot images is bent by nudged elastic
band without springs (Draxler et al. 2018): each inner pivot follows the component of ∇_x logit_c that is
perpendicular to the path, by SGD with momentum. After each NEB iteration, AutoNEB-style, a new pivot is
inserted in the segment of each path whose midpoint has the lowest logit. Every path is then evaluated on
a dense piecewise-linear interpolation of its pivots: it "crosses a decision boundary" when some point
along it is not classified as c.

All paths of a job are one batched tensor ``(P, n_pivots, C, H, W)``; the model is evaluated in eval
mode (BatchNorm with running statistics), so an image's prediction does not depend on its batch.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from netspectra.progress import Progress


def batched_logits(model: nn.Module, images: torch.Tensor, chunk_size: int = 4096) -> torch.Tensor:
    """Logits of ``images`` (..., C, H, W) -> (..., n_classes), evaluated in chunks."""
    flat = images.reshape(-1, *images.shape[-3:])
    out = torch.cat([model(x) for x in torch.split(flat, chunk_size)])
    return out.reshape(*images.shape[:-3], -1)


def targeted_adversarial(model: nn.Module, images: torch.Tensor, targets: torch.Tensor, *, n_steps: int,
                         step_size: float, confidence: float, lower: float,
                         upper: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Iterated signed-gradient ascent on log p(target | x) until p(target) ≥ ``confidence`` (per image).

    Pixels are kept in [lower, upper]. Returns the adversarial images and a bool mask of those that
    reached the confidence within ``n_steps``.
    """
    x = images.clone()
    done = torch.zeros(len(x), dtype=torch.bool, device=x.device)
    with Progress(n_steps, "sb-fig9 adversarial examples") as bar:
        for _ in range(n_steps):
            x.requires_grad_(True)
            logp = F.log_softmax(model(x), dim=1).gather(1, targets[:, None])[:, 0]
            (grad,) = torch.autograd.grad(logp.sum(), x)
            with torch.no_grad():
                done = logp.exp() >= confidence
                if done.all():
                    x = x.detach()
                    break
                step = step_size * grad.sign() * (~done).view(-1, 1, 1, 1)
                x = (x + step).clamp(lower, upper).detach()
            bar.update(reached=done.float().mean)
    with torch.no_grad():
        prob = F.softmax(model(x), dim=1).gather(1, targets[:, None])[:, 0]
    return x.detach(), prob >= confidence


def linear_path(start: torch.Tensor, end: torch.Tensor, n_pivots: int) -> torch.Tensor:
    """``n_pivots`` ≥ 2 evenly spaced images from start to end (both included): (P, n_pivots, C, H, W)."""
    t = torch.linspace(0, 1, n_pivots, device=start.device, dtype=start.dtype).view(1, -1, 1, 1, 1)
    return start[:, None] + t * (end - start)[:, None]


def _target_logit(model: nn.Module, pivots: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    logits = batched_logits(model, pivots)
    return logits.gather(-1, targets.view(-1, 1, 1).expand(-1, pivots.shape[1], 1))[..., 0]


def neb_step_direction(model: nn.Module, pivots: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """∇ of −logit_c at every inner pivot with its component along the path tangent removed (no springs).

    Returns a tensor shaped like ``pivots`` whose endpoint entries are zero.
    """
    x = pivots.detach().requires_grad_(True)
    energy = -_target_logit(model, x, targets)
    (grad,) = torch.autograd.grad(energy.sum(), x)
    tangent = torch.zeros_like(grad)
    tangent[:, 1:-1] = pivots[:, 2:] - pivots[:, :-2]
    tangent = tangent / tangent.flatten(2).norm(dim=2).clamp_min(1e-12)[..., None, None, None]
    along = (grad * tangent).flatten(2).sum(2)[..., None, None, None]
    perp = grad - along * tangent
    perp[:, 0] = 0
    perp[:, -1] = 0
    return perp


def insert_pivots(model: nn.Module, pivots: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Insert one pivot per path, at the midpoint of the segment whose midpoint has the lowest logit_c."""
    with torch.no_grad():
        mids = 0.5 * (pivots[:, 1:] + pivots[:, :-1])
        worst = _target_logit(model, mids, targets).argmin(dim=1)  # (P,)
        p, n = pivots.shape[:2]
        # new order: pivots 0..s, mid s, pivots s+1..n-1, gathered from [pivots | mids]
        pos = torch.arange(n + 1, device=pivots.device).expand(p, -1)
        s = worst[:, None]
        src = torch.where(pos <= s, pos, pos - 1)
        take_mid = pos == s + 1
        both = torch.cat([pivots, mids], dim=1)
        index = torch.where(take_mid, n + s.expand(-1, n + 1), src)
        return both[torch.arange(p, device=pivots.device)[:, None], index]


def neb_paths(model: nn.Module, start: torch.Tensor, end: torch.Tensor, targets: torch.Tensor, *,
              n_initial_pivots: int, n_iterations: int, n_steps: int, learning_rate: float,
              momentum: float) -> torch.Tensor:
    """AutoNEB without springs between ``start`` and ``end`` (P, C, H, W) for classes ``targets`` (P,).

    Starts from the straight line with ``n_initial_pivots`` pivots (endpoints included); each of the
    ``n_iterations`` NEB iterations runs ``n_steps`` SGD-with-momentum steps on the inner pivots and then
    inserts one pivot per path. Returns the pivots (P, n_initial_pivots + n_iterations, C, H, W).
    """
    pivots = linear_path(start, end, n_initial_pivots)
    with Progress(n_iterations * n_steps, f"sb-fig8/9 NEB paths ({len(start)} paths)") as bar:
        for _ in range(n_iterations):
            velocity = torch.zeros_like(pivots)
            for _ in range(n_steps):
                g = neb_step_direction(model, pivots, targets)
                velocity = momentum * velocity + g
                pivots = pivots - learning_rate * velocity
                bar.update(pivots=pivots.shape[1])
            pivots = insert_pivots(model, pivots, targets)
    return pivots.detach()


def dense_path(pivots: torch.Tensor, n_per_segment: int) -> torch.Tensor:
    """Piecewise-linear interpolation with ``n_per_segment`` points per segment plus the end: (P, S·n+1, ...)."""
    t = torch.arange(n_per_segment, device=pivots.device, dtype=pivots.dtype) / n_per_segment
    a, b = pivots[:, :-1], pivots[:, 1:]
    seg = a[:, :, None] + t.view(1, 1, -1, 1, 1, 1) * (b - a)[:, :, None]
    return torch.cat([seg.flatten(1, 2), pivots[:, -1:]], dim=1)


def path_statistics(model: nn.Module, pivots: torch.Tensor, targets: torch.Tensor,
                    n_per_segment: int) -> dict[str, torch.Tensor]:
    """Per path: ``crosses`` (some point along it is not classified as its class), ``min_probability``
    of the class along it, ``length_ratio`` (polyline length / straight distance between endpoints)."""
    with torch.no_grad():
        dense = dense_path(pivots, n_per_segment)
        logits = batched_logits(model, dense)
        pred = logits.argmax(-1)
        prob = F.softmax(logits, dim=-1).gather(-1, targets.view(-1, 1, 1).expand(-1, dense.shape[1], 1))[..., 0]
        length = (pivots[:, 1:] - pivots[:, :-1]).flatten(2).norm(dim=2).sum(1)
        straight = (pivots[:, -1] - pivots[:, 0]).flatten(1).norm(dim=1)
        return {"crosses": (pred != targets[:, None]).any(1), "min_probability": prob.min(1).values,
                "length_ratio": length / straight}
