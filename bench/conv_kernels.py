"""Alternatives to the path engine's grouped convolution, at the engine's own shapes, on the CPU.

The engine evaluates P points of Toy-CNN 50 (width 16, 7×7 maps after the stride-5 stem, batch 32) as one grouped
convolution per layer, channels-last, P = the chunk. This times, interleaved, against that kernel:

- ``im2col``: the 3×3 windows gathered by strided views into ``(P, B·H·W, 9·C)`` and one batched matmul with the
  points' weights ``(P, 9·C, C)`` (the same FLOPs as one GEMM per point); its matmul alone is timed too;
- ``two-streams``: two chunks of 50 layers (conv, BatchNorm, ReLU) on two Python threads with one torch thread
  each, against the same two chunks one after the other with two torch threads.

Each line prints the median ratio to the grouped kernel over ``--repeats`` interleaved pairs (below 1: slower).
Outputs are checked equal first. Run by hand on an idle machine: ``python bench/conv_kernels.py [--chunk 16]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import torch
import torch.nn.functional as F

BATCH, WIDTH, SIDE, DEPTH = 32, 16, 7, 50


def seconds(fn, calls: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def ratios(base, other, repeats: int, calls: int) -> tuple[float, float, float]:
    """(median, min, max) of base time / other time over interleaved pairs."""
    pairs = [seconds(base, calls) / seconds(other, calls) for _ in range(repeats)]
    return statistics.median(pairs), min(pairs), max(pairs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunk", type=int, default=16, help="points per call (the engine's auto chunk here)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    p, b, c, s = args.chunk, BATCH, WIDTH, SIDE
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(b, p * c, s, s, generator=gen).contiguous(memory_format=torch.channels_last)
    w = torch.randn(p * c, c, 3, 3, generator=gen) / 12
    weights = w.view(p, c, c, 3, 3).permute(0, 3, 4, 2, 1).reshape(p, 9 * c, c).contiguous()  # (P, ky·kx·Cin, Cout)

    def grouped():
        return F.conv2d(x, w, padding=1, groups=p)

    def columns():
        padded = F.pad(x.permute(0, 2, 3, 1).view(b, s, s, p, c), (0, 0, 0, 0, 1, 1, 1, 1))
        windows = padded.unfold(1, 3, 1).unfold(2, 3, 1)  # (B, H, W, P, C, 3, 3), a view
        return windows.permute(3, 0, 1, 2, 5, 6, 4).reshape(p, b * s * s, 9 * c)

    cols = columns()

    def im2col():
        return torch.bmm(columns(), weights)

    def matmul_only():
        return torch.bmm(cols, weights)

    same = im2col().view(p, b, s, s, c).permute(1, 0, 4, 2, 3).reshape(b, p * c, s, s)
    assert torch.allclose(same, grouped(), atol=1e-4), "im2col differs from the grouped convolution"
    threads = torch.get_num_threads()
    flops = 2 * b * s * s * p * c * c * 9
    print(f"threads {threads}, chunk {p}, batch {b}, {c} channels, {s}×{s}: grouped convolution "
          f"{flops / seconds(grouped, 200) / 1e9:.0f} GFLOP/s")
    for name, fn in [("im2col + bmm", im2col), ("bmm alone", matmul_only)]:
        median, low, high = ratios(grouped, fn, args.repeats, 100)
        print(f"{name:13s}: {median:.2f}x the grouped convolution's speed (range {low:.2f}-{high:.2f})")

    layers = [torch.randn(p * c, c, 3, 3, generator=gen) / 12 for _ in range(DEPTH)]
    chunks = [x, x.clone()]

    def chain(h, n_threads):
        torch.set_num_threads(n_threads)
        for weight in layers:
            h = F.relu_(F.batch_norm(F.conv2d(h, weight, padding=1, groups=p), None, None, training=True))
        return h

    pool = ThreadPoolExecutor(2)

    def one_stream():
        return [chain(h, threads) for h in chunks]

    def two_streams():
        return list(pool.map(lambda h: chain(h, 1), chunks))

    median, low, high = ratios(one_stream, two_streams, args.repeats, 3)
    torch.set_num_threads(threads)
    print(f"two streams  : {median:.2f}x one stream of {threads} threads (range {low:.2f}-{high:.2f}; "
          f"{DEPTH} conv-BatchNorm-ReLU layers, two chunks)")


if __name__ == "__main__":
    main()
