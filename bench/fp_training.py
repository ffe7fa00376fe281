"""Steps per second of the F-Principle trainer (stacked tanh MLPs, one torch.baddbmm per layer:
netspectra.ensemble.stacked_forward) against vmap over functional_call (netspectra.ensemble's way for any
other model) and a sequential loop of ordinary modules.

    PYTHONPATH=src python bench/fp_training.py [--members 2] [--points 1152] [--steps 100] [--threads 1]

Default sizes are those of the quick fp-fig2/fig4 ensemble (2 members, 48×48 image → 1152 training
pixels, tanh 128-128-64-64). Prints each rate and the ratios; timings on a shared machine are noisy, so
run it more than once.
"""

from __future__ import annotations

import argparse
import time

import torch

from netspectra import ensemble, models
from netspectra.papers.fp import training as fp_training


def rate(fn, steps: int) -> float:
    fn(2)  # warm-up
    start = time.perf_counter()
    fn(steps)
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2)
    parser.add_argument("--points", type=int, default=1152)
    parser.add_argument("--inputs", type=int, default=2)
    parser.add_argument("--widths", type=int, nargs="+", default=[128, 128, 64, 64])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x = torch.rand(args.points, args.inputs) * 2 - 1
    y = torch.sin(3 * x[:, :1])
    stds = [(0.08, 0.08)] * args.members
    stacked = fp_training.gaussian_members(args.inputs, args.widths, 1, stds, seed=0)

    def bmm(steps):
        fp_training.train_full_batch(stacked, x, y, loss="mse", n_steps=steps, learning_rate=1e-4,
                                     record_every=10 ** 9, record_fn=lambda s, p: None)

    template = models.mlp(args.inputs, args.widths, 1, activation="tanh")
    vmapped = {n: p.detach().clone().requires_grad_(True) for n, p in stacked.items()}

    def member_losses(params):  # what netspectra.ensemble does for a model that is not a plain MLP
        return torch.func.vmap(lambda p: ((torch.func.functional_call(template, p, (x,)) - y) ** 2).mean())(params)

    def vmap(steps):
        ensemble.optimise(vmapped, member_losses, n_steps=steps, learning_rate=1e-4, record_every=10 ** 9)

    modules = [models.mlp(args.inputs, args.widths, 1, activation="tanh") for _ in range(args.members)]
    optims = [torch.optim.Adam(m.parameters(), lr=1e-4) for m in modules]

    def sequential(steps):
        for model, opt in zip(modules, optims):
            for _ in range(steps):
                opt.zero_grad()
                ((model(x) - y) ** 2).mean().backward()
                opt.step()

    runners = (("bmm", bmm), ("vmap", vmap), ("sequential", sequential))
    rates = {name: rate(fn, args.steps) for name, fn in runners}
    for name, r in rates.items():
        print(f"{name:>10}: {r:8.1f} ensemble steps/s")
    print(f"bmm / vmap = {rates['bmm'] / rates['vmap']:.2f}, "
          f"bmm / sequential = {rates['bmm'] / rates['sequential']:.2f}")


if __name__ == "__main__":
    main()
