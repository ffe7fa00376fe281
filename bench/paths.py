"""Benchmark: batched path engine vs the naive loop (copy W + t·D into the model, forward, repeat).

Toy-CNN depth 50, a batch of 32 images, 128 points along one direction, all 50 layers recorded.
Prints points/s, achieved GFLOP/s and the speed-up; checks both agree to 1e-4 (relative L2 error).
Run by hand: ``python bench/paths.py [--device auto] [--repeats 3]``.
"""

import argparse
import copy
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from netspectra import device as devices
from netspectra.directions import random_direction
from netspectra.models import build_model
from netspectra.paths import PathEvaluator


def naive(model, x, direction, ts, layer):
    model = copy.deepcopy(model).train()
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    module = dict(model.named_modules())[layer]
    out = []
    hook = module.register_forward_hook(lambda m, i, o: out.append(o))
    with torch.no_grad():
        for t in ts:
            for n, p in model.named_parameters():
                p.copy_(base[n] + t * direction[n])
            model(x)
    hook.remove()
    return torch.stack(out)


def timed(fn, repeats, sync):
    fn()  # warm-up
    sync()
    start = time.perf_counter()
    for _ in range(repeats):
        result = fn()
    sync()
    return result, (time.perf_counter() - start) / repeats


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=32)
    args = parser.parse_args()
    dev = devices.resolve(args.device)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    model = build_model(dict(arch="toycnn", depth=50, width=16), seed=0).to(dev)
    x = torch.randn(32, 3, 32, 32, device=dev)
    ts = torch.linspace(0, 1, 128, device=dev)
    d = random_direction(model, "all", seed=0)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.train()(x)
    flops_per_point = counter.get_total_flops()

    last = model.layer_names[-1]
    evaluator = PathEvaluator(model, x, model.layer_names[1:], chunk=args.chunk)
    batched, t_batched = timed(lambda: evaluator(d, ts)[last], args.repeats, sync)
    reference, t_naive = timed(lambda: naive(model, x, d, ts, last), args.repeats, sync)
    error = ((batched - reference).norm() / reference.norm()).item()
    n = len(ts)
    print(f"device {dev}, threads {torch.get_num_threads()}, {flops_per_point / 1e9:.3f} GFLOP per point")
    print(f"naive loop : {n / t_naive:8.1f} points/s  {n * flops_per_point / t_naive / 1e9:7.1f} GFLOP/s")
    print(f"batched    : {n / t_batched:8.1f} points/s  {n * flops_per_point / t_batched / 1e9:7.1f} GFLOP/s")
    print(f"speed-up   : {t_naive / t_batched:8.2f}x (target >= 3x on a 2-core CPU)")
    print(f"agreement  : relative L2 error {error:.2e} ({'ok' if error < 1e-4 else 'FAIL'}, tolerance 1e-4)")
    if error >= 1e-4:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
