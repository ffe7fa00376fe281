"""Speed of stacked training: M runs as one stacked model vs the same M runs one after another.

    python bench/training_stack.py [--members 4] [--depth 14] [--epochs 1] [--threads 1]

Prints the seconds of both and their ratio (sequential / stacked; > 1 = stacking is faster). Digits at
8×8, the quick scale of rr-fig8/9. On a shared machine the absolute numbers drift; the ratio less so.
"""

import argparse
import time

import torch

from netspectra import datasets, stacking, training
from netspectra.models import build_model


def run(seeds, spec, data, recipe):
    model = stacking.stack_models([build_model(spec, seed=s) for s in seeds])
    start = time.perf_counter()
    training.train(model, seeds, *data, recipe, log=lambda m: None)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--depth", type=int, default=14)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train, val = datasets.load_training_data("cifar10", None, 0.2, seed=0, size=8)
    data = (train.x, train.y, val.x, val.y)
    spec = dict(arch="resnet", depth=args.depth, shortcut=False, in_channels=3, n_classes=10)
    recipe = training.Recipe(n_epochs=args.epochs, batch_size=64, learning_rate=0.1, momentum=0.9,
                             weight_decay=1e-4, crop_padding=1, horizontal_flip=False, log_every_steps=10)
    seeds = list(range(args.members))
    run(seeds[:1], spec, data, training.Recipe(**{**recipe.__dict__, "n_epochs": 1}))  # warm-up (oneDNN kernels)
    stacked = run(seeds, spec, data, recipe)
    sequential = sum(run([s], spec, data, recipe) for s in seeds)
    print(f"ResNet{args.depth}, {args.members} runs, {args.epochs} epoch(s), {args.threads} thread(s): "
          f"stacked {stacked:.2f} s, sequential {sequential:.2f} s, ratio {sequential / stacked:.2f}")


if __name__ == "__main__":
    main()
