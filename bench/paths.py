"""Benchmark: batched path engine vs the naive loop (copy W + t·D into the model, forward, repeat).

Toy-CNN depth 50, a batch of 32 images, 128 points along one direction; both methods record the same
random ``--max-paths`` entries (unit, position, image) of each of the 50 units, as the pipeline does. Prints
points/s, achieved GFLOP/s and the speed-up (best of ``--repeats``).

Agreement is checked in float64 on the first ``--check-points`` points (relative L2 error < 1e-4 over all
recorded layers): in float32 the 50 BatchNorm-ReLU layers amplify rounding so much that the naive loop
itself differs from its float64 result by ~1e-3, which the script prints as the float32 noise floor.
Run by hand: ``python bench/paths.py [--device auto] [--repeats 5] [--chunk 16]``.
"""

import argparse
import copy
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from netspectra import device as devices
from netspectra.directions import random_direction
from netspectra.models import build_model
from netspectra.paths import PathEvaluator, sample_indices


def naive(model, x, direction, ts, select):
    """``{layer: (len(ts), n)}``: the ``select``ed entries, setting the weights to W + t·D point by point."""
    model = copy.deepcopy(model).train()
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    modules = dict(model.named_modules())
    out = {n: [] for n in select}
    hooks = [modules[n].register_forward_hook(lambda m, i, o, n=n: out[n].append(o.flatten()[select[n]]))
             for n in select]
    with torch.no_grad():
        for t in ts:
            for n, p in model.named_parameters():
                p.copy_(base[n] + t * direction[n])
            model(x)
    for h in hooks:
        h.remove()
    return {n: torch.stack(o) for n, o in out.items()}


def best_time(fn, repeats, sync):
    """Result of ``fn`` and its best wall time over ``repeats`` runs after one warm-up (seconds)."""
    result = fn()
    times = []
    for _ in range(repeats):
        sync()
        start = time.perf_counter()
        result = fn()
        sync()
        times.append(time.perf_counter() - start)
    return result, min(times)


def relative_error(a: dict, b: dict) -> float:
    num = sum(((a[n].double() - b[n].double()) ** 2).sum() for n in b)
    return (num / sum((b[n].double() ** 2).sum() for n in b)).sqrt().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=16)
    parser.add_argument("--check-points", type=int, default=16)
    parser.add_argument("--max-paths", type=int, default=4096, help="entries recorded per layer")
    args = parser.parse_args()
    dev = devices.resolve(args.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    model = build_model(dict(arch="toycnn", depth=50, width=16), seed=0).to(dev)
    x = torch.randn(32, 3, 32, 32, generator=torch.Generator().manual_seed(0)).to(dev)
    ts = torch.linspace(0, 1, 128, device=dev)
    d = random_direction(model, "all", seed=0)
    layers = model.layer_names[1:]
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.train()(x)
    flops_per_point = counter.get_total_flops()

    evaluator = PathEvaluator(model, x, layers, chunk=args.chunk)
    g = torch.Generator().manual_seed(0)
    select = {n: sample_indices(evaluator.shapes[n], args.max_paths, g).to(dev) for n in layers}
    batched, t_batched = best_time(lambda: evaluator(d, ts, select), args.repeats, sync)
    reference, t_naive = best_time(lambda: naive(model, x, d, ts, select), args.repeats, sync)

    m = args.check_points
    model64, x64 = copy.deepcopy(model).double(), x.double()
    d64, ts64 = {k: v.double() for k, v in d.items()}, ts[:m].double()
    naive64 = naive(model64, x64, d64, ts64, select)
    error64 = relative_error(PathEvaluator(model64, x64, layers, chunk=args.chunk)(d64, ts64, select), naive64)
    floor32 = relative_error({n: o[:m] for n, o in reference.items()}, naive64)
    error32 = relative_error({n: o[:m] for n, o in batched.items()}, naive64)

    n = len(ts)
    print(f"device {dev}, threads {torch.get_num_threads()}, {flops_per_point / 1e9:.3f} GFLOP per point, "
          f"chunk {args.chunk}, "
          f"{args.max_paths} entries of each of {len(layers)} layers, best of {args.repeats}")
    print(f"naive loop : {n / t_naive:8.1f} points/s  {n * flops_per_point / t_naive / 1e9:7.1f} GFLOP/s")
    print(f"batched    : {n / t_batched:8.1f} points/s  {n * flops_per_point / t_batched / 1e9:7.1f} GFLOP/s")
    print(f"speed-up   : {t_naive / t_batched:8.2f}x (target >= 3x on a 2-core CPU)")
    print(f"agreement  : float64 relative L2 error {error64:.2e} ({'ok' if error64 < 1e-4 else 'FAIL'}, "
          f"tolerance 1e-4); float32 vs float64: batched {error32:.1e}, naive {floor32:.1e}")
    if error64 >= 1e-4:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
