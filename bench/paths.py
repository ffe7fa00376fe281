"""Benchmark of the batched path engine, against the naive loop and against a peer library.

Toy-CNN depth 50 (width 16) on a batch of 32 images, 128 points along one direction.

- default: the engine against the naive loop (copy W + t·D into the model, forward, repeat), both recording the
  same random ``--max-paths`` entries (unit, position, image) of each of the 50 units, as the pipeline does.
- ``--peer``: the engine against ``loss_landscapes.linear_interpolation`` (loss-landscapes 3.0.6, an optional
  bench dependency: ``pip install --no-deps loss-landscapes==3.0.6``) on the same model, direction and t grid
  (the peer's grid, t = radius·(i+1)/T), recording the last layer, for the all-layer direction and for a
  ``layer:k`` direction at mid-depth (``--layer``). Runs are interleaved (engine, peer, engine, peer, ...) and
  the ratio of each pair is printed (median and range).

Both modes print points/s and check agreement in float64 on the first ``--check-points`` points (relative L2
error < 1e-4): in float32 the 50 BatchNorm-ReLU layers amplify rounding so much that the naive loop itself
differs from its float64 result by ~1e-3, which is printed as the float32 noise floor.
Run by hand on an idle machine: ``python bench/paths.py [--peer] [--device auto] [--repeats 5] [--chunk auto]``.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from netspectra import device as devices
from netspectra.directions import random_direction
from netspectra.models import build_model
from netspectra.paths import PathEvaluator, sample_indices


def recorded(model, select):
    """Forward hooks that append the ``select``ed entries of each layer's output; returns (store, handles)."""
    modules = dict(model.named_modules())
    store = {n: [] for n in select}
    handles = [modules[n].register_forward_hook(lambda m, i, o, n=n: store[n].append(o.flatten()[select[n]]))
               for n in select]
    return store, handles


def naive(model, x, direction, ts, select):
    """``{layer: (len(ts), n)}``: the ``select``ed entries, setting the weights to W + t·D point by point."""
    model = copy.deepcopy(model).train()
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    store, handles = recorded(model, select)
    with torch.no_grad():
        for t in ts:
            for n, p in model.named_parameters():
                p.copy_(base[n] + t * direction.get(n, torch.zeros_like(p)))
            model(x)
    for h in handles:
        h.remove()
    return {n: torch.stack(o) for n, o in store.items()}


def peer(model, x, direction, radius, steps, select):
    """``{layer: (steps, n)}`` from loss-landscapes' linear interpolation between W and W + radius·D."""
    from loss_landscapes import linear_interpolation
    from loss_landscapes.metrics import Metric

    start = copy.deepcopy(model).train()
    end = copy.deepcopy(model).train()
    with torch.no_grad():
        for n, p in end.named_parameters():
            p.add_(radius * direction.get(n, torch.zeros_like(p)))
    store, handles = recorded(start, select)

    class Outputs(Metric):  # the peer's evaluation: one forward pass of the wrapped model per point
        def __call__(self, wrapper):
            wrapper.forward(x)
            return 0.0

    linear_interpolation(start, end, Outputs(), steps=steps, deepcopy_model=False)
    for h in handles:
        h.remove()
    return {n: torch.stack(o) for n, o in store.items()}


def timed(fn, sync):
    sync()
    start = time.perf_counter()
    result = fn()
    sync()
    return result, time.perf_counter() - start


def relative_error(a: dict, b: dict) -> float:
    num = sum(((a[n].double() - b[n].double()) ** 2).sum() for n in b)
    return (num / sum((b[n].double() ** 2).sum() for n in b)).sqrt().item()


def agreement(model, x, direction, ts, select, chunk, reference_fn, m):
    """Float64 error of the engine against ``reference_fn`` on the first ``m`` points, and float32's own noise."""
    model64, x64 = copy.deepcopy(model).double(), x.double()
    d64, ts64 = {k: v.double() for k, v in direction.items()}, ts[:m].double()
    layers = list(select)
    ref64 = reference_fn(model64, x64, d64, ts64)
    engine64 = PathEvaluator(model64, x64, layers, chunk=chunk)(d64, ts64, select)
    ref32 = reference_fn(model, x, direction, ts[:m])
    return relative_error(engine64, ref64), relative_error(ref32, ref64)


def versus_naive(args, model, x, dev, sync):
    ts = torch.linspace(0, 1, 128, device=dev)
    d = random_direction(model, "all", seed=0)
    layers = model.layer_names[1:]
    evaluator = PathEvaluator(model, x, layers, chunk=args.chunk)
    g = torch.Generator().manual_seed(0)
    select = {n: sample_indices(evaluator.shapes[n], args.max_paths, g).to(dev) for n in layers}
    engine = [timed(lambda: evaluator(d, ts, select), sync)[1] for _ in range(args.repeats + 1)][1:]
    loop = [timed(lambda: naive(model, x, d, ts, select), sync)[1] for _ in range(args.repeats + 1)][1:]
    error64, floor32 = agreement(model, x, d, ts, select, evaluator.chunk_for(d),
                                 lambda mo, xx, dd, tt: naive(mo, xx, dd, tt, select), args.check_points)
    n = len(ts)
    print(f"{len(layers)} layers recorded ({args.max_paths} entries each), chunk {evaluator.chunk_for(d)}, "
          f"best of {args.repeats}")
    print(f"naive loop : {n / min(loop):8.1f} points/s  {n * args.flops / min(loop) / 1e9:7.1f} GFLOP/s")
    print(f"batched    : {n / min(engine):8.1f} points/s  {n * args.flops / min(engine) / 1e9:7.1f} GFLOP/s")
    print(f"speed-up   : {min(loop) / min(engine):8.2f}x")
    return error64, floor32


def peer_ratio(args, model, x, sync, kind: str, ts: torch.Tensor) -> float:
    """Engine against the peer along one direction of ``kind``, last layer recorded; returns the float64 error."""
    steps, radius, last = len(ts), float(ts[-1]), model.layer_names[-1]
    d = random_direction(model, kind, seed=0)
    evaluator = PathEvaluator(model, x, [last], chunk=args.chunk)
    select = {last: sample_indices(evaluator.shapes[last], args.max_paths, torch.Generator().manual_seed(0))}
    ratios, engine_t, peer_t = [], [], []
    timed(lambda: evaluator(d, ts, select), sync)  # warm-up
    for _ in range(args.repeats):  # interleaved pairs
        engine_t.append(timed(lambda: evaluator(d, ts, select), sync)[1])
        peer_t.append(timed(lambda: peer(model, x, d, radius, steps, select), sync)[1])
        ratios.append(peer_t[-1] / engine_t[-1])
    error64, floor32 = agreement(model, x, d, ts, select, evaluator.chunk_for(d),
                                 lambda mo, xx, dd, tt: peer(mo, xx, dd, float(tt[-1]), len(tt), select),
                                 args.check_points)
    print(f"direction {kind:9s}: engine {steps / statistics.median(engine_t):7.1f} points/s (chunk "
          f"{evaluator.chunk_for(d)}), peer {steps / statistics.median(peer_t):6.1f} points/s; ratio median "
          f"{statistics.median(ratios):.2f}x (range {min(ratios):.2f}-{max(ratios):.2f}, {args.repeats} "
          f"interleaved pairs); float64 error {error64:.1e}, float32 noise {floor32:.1e}")
    return error64


def versus_peer(args, model, x, dev, sync):
    steps, radius = 128, 1.0
    ts = radius * torch.arange(1, steps + 1, device=dev) / steps  # the peer's grid
    return max(peer_ratio(args, model, x, sync, kind, ts) for kind in ("all", f"layer:{args.layer}")), 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chunk", default="auto", help="points per batched call, or auto (the engine's rule)")
    parser.add_argument("--check-points", type=int, default=16)
    parser.add_argument("--max-paths", type=int, default=4096, help="entries recorded per layer")
    parser.add_argument("--peer", action="store_true", help="compare with loss-landscapes instead of the loop")
    parser.add_argument("--layer", type=int, default=25, help="the layer:k direction of --peer (mid-depth)")
    args = parser.parse_args()
    args.chunk = args.chunk if args.chunk == "auto" else int(args.chunk)
    dev = devices.resolve(args.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    model = build_model(dict(arch="toycnn", depth=50, width=16), seed=0).to(dev)
    x = torch.randn(32, 3, 32, 32, generator=torch.Generator().manual_seed(0)).to(dev)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.train()(x)
    args.flops = counter.get_total_flops()
    print(f"device {dev}, threads {torch.get_num_threads()}, Toy-CNN 50, batch 32, "
          f"{args.flops / 1e9:.3f} GFLOP per point")
    error64, floor32 = (versus_peer if args.peer else versus_naive)(args, model, x, dev, sync)
    print(f"agreement  : float64 relative L2 error {error64:.2e} ({'ok' if error64 < 1e-4 else 'FAIL'}, "
          f"tolerance 1e-4)" + (f"; float32 noise of the reference {floor32:.1e}" if floor32 else ""))
    if error64 >= 1e-4:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
