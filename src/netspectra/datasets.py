"""Image datasets read from their standard distribution formats; nothing is downloaded.

- CIFAR-10 / CIFAR-100: the python pickle distribution (``cifar-10-batches-py/``, ``cifar-100-python/``).
- MNIST: IDX files (``train-images-idx3-ubyte`` etc., optionally ``.gz``), directly in ``data_dir`` or in
  ``data_dir/MNIST/raw``.
- With no ``data_dir`` a shipped stand-in replaces the dataset, resized to the shape of the dataset it
  replaces (cifar10 -> 3×32×32, mnist -> 1×28×28): scikit-learn's digits (1797 8×8 grey images, a fixed
  held-out split; ``stand_in="digits"``, the default) or ``sample_patches`` (``stand_in="sample_patches"``):
  colour 32×32 tiles cut from scikit-learn's two sample photographs. Both are also datasets of their own
  (``dataset="digits"`` / ``"sample_patches"``), read without ``data_dir``.
- ``size`` resizes any of them to ``size``×``size`` (quick-scale training on small inputs).
- :func:`load_training_data` holds a seeded fraction of the training split out for validation.

Every CIFAR and MNIST file is checked against its published MD5 checksum (:data:`CHECKSUMS`) before it is
read, and a mismatch names the file. The CIFAR pickles are then read by an unpickler that builds nothing but
dicts, lists, strings, numbers and numpy arrays, so even an unchecked file (``verify_checksums=False``, for
the tests' tiny stand-ins) cannot run code. ``ImageData.checksum`` is the identity of the files read (their
MD5s), which training fingerprints use instead of the folder's path.

Images come back as float32 tensors ``(N, C, H, W)`` standardised per channel with the training split's
statistics, labels as int64 ``(N,)``.
"""


from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .datafiles import (  # noqa: F401  (the dataset names, files and readers, re-exported)
    _CLASSES,
    _SHAPES,
    CHECKSUMS,
    DATASETS,
    PATCH,
    SHIPPED,
    ChecksumError,
    expected_files,
    missing_files,
    read_cifar,
    read_digits,
    read_mnist,
    read_sample_patches,
    require_files,
)


@dataclass
class ImageData:
    x: torch.Tensor
    y: torch.Tensor
    n_classes: int
    source: str  # what was actually read, for captions and provenance
    checksum: str = ""  # MD5 over the MD5s of the files read; "" for data shipped with a package (see source)



def _standardise(x: np.ndarray, reference: np.ndarray) -> torch.Tensor:
    ref = reference.astype(np.float64)
    mean = ref.mean(axis=(0, 2, 3), keepdims=True)
    std = ref.std(axis=(0, 2, 3), keepdims=True)
    return torch.from_numpy(((x - mean) / std).astype(np.float32))


def _resize(images: torch.Tensor, side: int) -> torch.Tensor:
    if images.shape[-1] == side:
        return images
    # Antialiasing matters only when shrinking (CIFAR 32 -> 8); enlarging digits is plain bilinear.
    return F.interpolate(images, size=(side, side), mode="bilinear", align_corners=False,
                         antialias=side < images.shape[-1])


def _shipped(name: str, split: str, channels: int, side: int) -> ImageData:
    """A shipped dataset (digits or sample_patches) as ``channels``×``side``×``side`` images."""
    if name == "digits":
        x, y = read_digits(split)
        ref, _ = read_digits("train")
        images = _resize(_standardise(x, ref), side).expand(-1, channels, -1, -1).contiguous()
        shape = f"{channels}×{side}×{side}"
        source = "scikit-learn digits" + (f" (8×8 resized to {shape})" if shape != "1×8×8" else "")
        return ImageData(images, torch.from_numpy(y).long(), 10, source)
    x, y = read_sample_patches(split)
    ref, _ = read_sample_patches("train")
    if channels == 1:  # grey stand-in for MNIST: the luminance of the tiles
        x, ref = x.mean(1, keepdims=True), ref.mean(1, keepdims=True)
    images = _resize(_standardise(x, ref), side)
    resized = "" if side == PATCH else f", resized to {side}×{side}"
    source = (f"scikit-learn sample images: {'colour' if channels == 3 else 'grey'} 32×32 tiles of china.jpg and "
              f"flower.jpg ({split}{resized})")
    return ImageData(images, torch.from_numpy(y).long(), _CLASSES["sample_patches"], source)


def load_images(dataset: str, data_dir: str | Path | None, split: str = "test", size: int | None = None,
                stand_in: str = "digits", *, verify_checksums: bool = True) -> ImageData:
    """Images and labels of ``split`` ('train' or 'test').

    ``size``: side length the images are resized to (None = the dataset's own: 32 CIFAR, 28 MNIST).
    ``stand_in`` (``digits`` or ``sample_patches``) replaces ``dataset`` when ``data_dir`` is None, at the
    replaced dataset's channels and size; a dataset in ``data_dir`` always wins. ``verify_checksums``: check
    every file's MD5 before reading it (turn it off only for the tests' tiny stand-in files).
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; valid names: {', '.join(DATASETS)}")
    if stand_in not in SHIPPED:
        raise ValueError(f"unknown stand-in {stand_in!r}; valid names: {', '.join(SHIPPED)}")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    channels, side = _SHAPES[dataset]
    side = size or side
    if dataset in SHIPPED:
        return _shipped(dataset, split, channels, side)
    if data_dir is None:
        data = _shipped(stand_in, split, channels, side)
        data.source += f" standing in for {dataset} (no data_dir)" if stand_in != "digits" else ""
        return data
    require_files(dataset, data_dir)
    checksums: dict[str, str] = {}

    def reader(d, s):
        if dataset == "mnist":
            return read_mnist(d, s, verify_checksums=verify_checksums, checksums=checksums)
        return read_cifar(dataset, d, s, verify_checksums=verify_checksums, checksums=checksums)

    x, y = reader(data_dir, split)
    ref, _ = reader(data_dir, "train")
    resized = "" if side == _SHAPES[dataset][1] else f", resized to {side}×{side}"
    identity = hashlib.md5(" ".join(f"{k}:{v}" for k, v in sorted(checksums.items())).encode()).hexdigest()
    return ImageData(_resize(_standardise(x, ref), side), torch.from_numpy(np.asarray(y)).long(),
                     _CLASSES[dataset], f"{dataset} ({split}{resized}) from {data_dir}", identity)


def holdout_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, validation)`` of ``n`` items; a seeded ``fraction`` (at least one) is held out."""
    if not 0 < fraction < 1:
        raise ValueError(f"validation fraction must lie in (0, 1), got {fraction}")
    n_val = max(1, round(n * fraction))
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def load_training_data(dataset: str, data_dir: str | Path | None, validation_fraction: float, seed: int,
                       size: int | None = None, max_train: int | None = None, *,
                       verify_checksums: bool = True) -> tuple[ImageData, ImageData]:
    """The training split as (train, validation): ``validation_fraction`` of it held out, seeded.

    Both parts are standardised with the statistics of the whole training split; the test split is
    never read, so it stays untouched for later evaluation. ``max_train`` keeps a seeded subset of the
    training part (tiny-scale tests).
    """
    data = load_images(dataset, data_dir, "train", size, verify_checksums=verify_checksums)
    train, val = holdout_split(len(data.y), validation_fraction, seed)
    if max_train is not None and max_train < len(train):
        train = np.sort(np.random.default_rng(seed + 1).permutation(train)[:max_train])
    train, val = torch.from_numpy(train), torch.from_numpy(val)
    used = f"{len(train)} for training, " if max_train is not None else ""
    source = f"{data.source}, {used}{len(val)} of {len(data.y)} training images held out for validation"
    return (ImageData(data.x[train], data.y[train], data.n_classes, source, data.checksum),
            ImageData(data.x[val], data.y[val], data.n_classes, source, data.checksum))
