"""Image datasets read from their standard distribution formats; nothing is downloaded.

- CIFAR-10 / CIFAR-100: the python pickle distribution (``cifar-10-batches-py/``, ``cifar-100-python/``).
- MNIST: IDX files (``train-images-idx3-ubyte`` etc., optionally ``.gz``), directly in ``data_dir`` or in
  ``data_dir/MNIST/raw``.
- With no ``data_dir``: scikit-learn's digits (1797 8×8 images shipped with the package) stand in,
  with a fixed held-out split, resized to the shape of the dataset they replace (cifar10 -> 3×32×32,
  mnist -> 1×28×28).
- ``size`` resizes any of them to ``size``×``size`` (quick-scale training on small inputs).
- :func:`load_training_data` holds a seeded fraction of the training split out for validation.

Images come back as float32 tensors ``(N, C, H, W)`` standardised per channel with the training split's
statistics, labels as int64 ``(N,)``.
"""

from __future__ import annotations

import gzip
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

DATASETS = ("cifar10", "cifar100", "mnist", "digits")
_SHAPES = {"cifar10": (3, 32), "cifar100": (3, 32), "mnist": (1, 28), "digits": (1, 8)}
_CLASSES = {"cifar10": 10, "cifar100": 100, "mnist": 10, "digits": 10}
DIGITS_TEST_FRACTION = 0.2


@dataclass
class ImageData:
    x: torch.Tensor
    y: torch.Tensor
    n_classes: int
    source: str  # what was actually read, for captions and provenance


def expected_files(dataset: str, data_dir: str | Path) -> list[Path]:
    """The files ``dataset`` is read from (for error messages and checks before any job)."""
    root = Path(data_dir)
    if dataset == "cifar10":
        base = root / "cifar-10-batches-py"
        return [base / f"data_batch_{i}" for i in range(1, 6)] + [base / "test_batch"]
    if dataset == "cifar100":
        base = root / "cifar-100-python"
        return [base / "train", base / "test"]
    if dataset == "mnist":
        names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        base = root / "MNIST" / "raw" if (root / "MNIST" / "raw").is_dir() else root
        return [base / n for n in names]
    raise ValueError(f"unknown dataset {dataset!r}; valid names: {', '.join(DATASETS)}")


def missing_files(dataset: str, data_dir: str | Path) -> list[Path]:
    def present(p: Path) -> bool:
        return p.exists() or p.with_name(p.name + ".gz").exists()

    return [p for p in expected_files(dataset, data_dir) if not present(p)]


def _unpickle(path: Path) -> dict:
    with open(path, "rb") as f:
        return pickle.load(f, encoding="bytes")


def read_cifar(dataset: str, data_dir: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images ``(N, 3, 32, 32)`` and int labels of a CIFAR split ('train' or 'test')."""
    files = expected_files(dataset, data_dir)
    if dataset == "cifar10":
        files = files[:5] if split == "train" else files[5:]
        label_key = b"labels"
    else:
        files = files[:1] if split == "train" else files[1:]
        label_key = b"fine_labels"
    batches = [_unpickle(f) for f in files]
    x = np.concatenate([b[b"data"] for b in batches]).reshape(-1, 3, 32, 32)
    y = np.concatenate([np.asarray(b[label_key]) for b in batches])
    return x, y


def _read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if not path.exists() else open
    path = path if path.exists() else path.with_name(path.name + ".gz")
    with opener(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\x00\x00" or data[2] != 8:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def read_mnist(data_dir: str | Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images ``(N, 1, 28, 28)`` and labels of the MNIST 'train' or 'test' split."""
    files = expected_files("mnist", data_dir)
    images, labels = (files[0], files[1]) if split == "train" else (files[2], files[3])
    return _read_idx(images)[:, None], _read_idx(labels).astype(np.int64)


def read_digits(split: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn digits (values 0..16) ``(N, 1, 8, 8)`` with a fixed stratified held-out split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    idx_train, idx_test = train_test_split(np.arange(len(digits.target)), test_size=DIGITS_TEST_FRACTION,
                                           random_state=0, stratify=digits.target)
    idx = idx_train if split == "train" else idx_test
    return digits.images[idx][:, None], digits.target[idx]


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


def load_images(dataset: str, data_dir: str | Path | None, split: str = "test", size: int | None = None) -> ImageData:
    """Images and labels of ``split`` ('train' or 'test'); digits stand in when ``data_dir`` is None.

    ``size``: side length the images are resized to (None = the dataset's own: 32 CIFAR, 28 MNIST).
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; valid names: {', '.join(DATASETS)}")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    channels, side = _SHAPES[dataset]
    side = size or side
    if data_dir is None or dataset == "digits":
        x, y = read_digits(split)
        ref, _ = read_digits("train")
        images = _resize(_standardise(x, ref), side).expand(-1, channels, -1, -1).contiguous()
        shape = f"{channels}×{side}×{side}"
        source = "scikit-learn digits" + (f" (8×8 resized to {shape})" if shape != "1×8×8" else "")
        return ImageData(images, torch.from_numpy(y).long(), 10, source)
    missing = missing_files(dataset, data_dir)
    if missing:
        raise FileNotFoundError(f"{dataset} not found: missing {', '.join(map(str, missing))}")
    reader = read_mnist if dataset == "mnist" else lambda d, s: read_cifar(dataset, d, s)
    x, y = reader(data_dir, split)
    ref, _ = reader(data_dir, "train")
    resized = "" if side == _SHAPES[dataset][1] else f", resized to {side}×{side}"
    return ImageData(_resize(_standardise(x, ref), side), torch.from_numpy(np.asarray(y)).long(),
                     _CLASSES[dataset], f"{dataset} ({split}{resized}) from {data_dir}")


def holdout_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, validation)`` of ``n`` items; a seeded ``fraction`` (at least one) is held out."""
    if not 0 < fraction < 1:
        raise ValueError(f"validation fraction must lie in (0, 1), got {fraction}")
    n_val = max(1, round(n * fraction))
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def load_training_data(dataset: str, data_dir: str | Path | None, validation_fraction: float, seed: int,
                       size: int | None = None, max_train: int | None = None) -> tuple[ImageData, ImageData]:
    """The training split as (train, validation): ``validation_fraction`` of it held out, seeded.

    Both parts are standardised with the statistics of the whole training split; the test split is
    never read, so it stays untouched for later evaluation. ``max_train`` keeps a seeded subset of the
    training part (tiny-scale tests).
    """
    data = load_images(dataset, data_dir, "train", size)
    train, val = holdout_split(len(data.y), validation_fraction, seed)
    if max_train is not None and max_train < len(train):
        train = np.sort(np.random.default_rng(seed + 1).permutation(train)[:max_train])
    train, val = torch.from_numpy(train), torch.from_numpy(val)
    used = f"{len(train)} for training, " if max_train is not None else ""
    source = f"{data.source}, {used}{len(val)} of {len(data.y)} training images held out for validation"
    return (ImageData(data.x[train], data.y[train], data.n_classes, source),
            ImageData(data.x[val], data.y[val], data.n_classes, source))
