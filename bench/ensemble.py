"""Member-steps per second of batched (vmap) vs sequential training of the 6×256 ReLU MLP on 200 points.

    PYTHONPATH=src python bench/ensemble.py [--members 10] [--steps 200] [--compile]

Sequential = one ordinary module and Adam per member, trained one after the other (what a Python loop over
runs would do). Batched = netspectra.ensemble.train_ensemble on the stacked members. Prints both rates and
their ratio; timings on a shared machine are noisy, so run it more than once.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from netspectra import models
from netspectra.ensemble import init_stacked, train_ensemble


def mlp(seed: int) -> nn.Module:
    return models.mlp(1, [256] * 6, 1)  # the sb network (6 × 256 ReLU)


def mse(out, target):
    return ((out - target) ** 2).mean()


def sequential(members: int, steps: int, x, y) -> float:
    start = time.perf_counter()
    for m in range(members):
        torch.manual_seed(m)
        model = mlp(m)
        opt = torch.optim.Adam(model.parameters(), lr=3e-4, fused=True)  # as the batched trainer
        for _ in range(steps):
            opt.zero_grad()
            loss = mse(model(x), y[m])
            loss.backward()
            opt.step()
    return members * steps / (time.perf_counter() - start)


def batched(members: int, steps: int, x, y, compile: bool) -> float:
    base, params = init_stacked(mlp, range(members))
    if compile:  # compile (and warm up) outside the timed region
        train_ensemble(base, params, x, y, mse, n_steps=2, learning_rate=3e-4, record_every=steps,
                       member_targets=True, compile=True)
    start = time.perf_counter()
    train_ensemble(base, params, x, y, mse, n_steps=steps, learning_rate=3e-4, record_every=steps,
                   member_targets=True, compile=compile)
    return members * steps / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=10)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--compile", action="store_true", help="also time the torch.compile'd batched loss")
    args = ap.parse_args()
    torch.manual_seed(0)
    x = torch.linspace(0, 1, 201)[:-1].unsqueeze(1)
    y = torch.randn(args.members, 200, 1)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.members} members × {args.steps} steps")
    seq = sequential(args.members, args.steps, x, y)
    print(f"sequential          {seq:8.1f} member-steps/s")
    eager = batched(args.members, args.steps, x, y, compile=False)
    print(f"batched (eager)     {eager:8.1f} member-steps/s   ×{eager / seq:.2f}")
    if args.compile:
        comp = batched(args.members, args.steps, x, y, compile=True)
        print(f"batched (compiled)  {comp:8.1f} member-steps/s   ×{comp / seq:.2f}")


if __name__ == "__main__":
    main()
