"""The files of each dataset in its standard distribution format, their published MD5 checksums, and
readers that return numpy arrays (no torch: the workflow checks which files a data_dir lacks at parse time).
Tensors, stand-ins and splits: :mod:`netspectra.datasets`."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
from pathlib import Path

import numpy as np

DATASETS = ("cifar10", "cifar100", "mnist", "digits", "sample_patches")
SHIPPED = ("digits", "sample_patches")  # need no data_dir; either stands in for the others without one
_SHAPES = {"cifar10": (3, 32), "cifar100": (3, 32), "mnist": (1, 28), "digits": (1, 8), "sample_patches": (3, 32)}
_CLASSES = {"cifar10": 10, "cifar100": 100, "mnist": 10, "digits": 10, "sample_patches": 10}
PATCH = 32  # side of the sample_patches tiles (pixels of the 427×640 photographs)
PATCH_BANDS = 5  # label = photograph index × PATCH_BANDS + vertical band of the tile: 10 classes


# Published MD5 checksums of the distribution files: CIFAR as torchvision lists them (the python pickles of
# https://www.cs.toronto.edu/~kriz/cifar.html); MNIST of the uncompressed IDX files, checked for .gz copies
# after decompression (so any gzip of the right content passes).
CHECKSUMS = {
    "cifar10": {"data_batch_1": "c99cafc152244af753f735de768cd75f", "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
                "data_batch_3": "54ebc095f3ab1f0389bbae665268c751", "data_batch_4": "634d18415352ddfa80567beed471001a",
                "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb", "test_batch": "40351d587109b95175f43aff81a1287e"},
    "cifar100": {"train": "16019d7e3df5f24257cddd939b257f8d", "test": "f0ef6b0ae62326f3e7ffdfab6717acfc"},
    "mnist": {"train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
              "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
              "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
              "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637"},
}


class ChecksumError(ValueError):
    """A dataset file whose MD5 is not the published one (corrupt, truncated, or not the real dataset)."""


def expected_files(dataset: str, data_dir: str | Path) -> list[Path]:
    """The files ``dataset`` is read from (for error messages and checks before any job)."""
    root = Path(data_dir)
    if dataset == "cifar10":
        base = root / "cifar-10-batches-py"
        return [base / f"data_batch_{i}" for i in range(1, 6)] + [base / "test_batch"]
    if dataset == "cifar100":
        base = root / "cifar-100-python"
        return [base / "train", base / "test"]
    if dataset in SHIPPED:
        return []
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


def require_files(dataset: str, data_dir: str | Path) -> None:
    """Raise FileNotFoundError naming the files of ``dataset`` that ``data_dir`` lacks (a job about to read
    them; the pipeline only warns about them before any job, so that its job list can be previewed)."""
    missing = missing_files(dataset, data_dir)
    if missing:
        raise FileNotFoundError(f"{dataset} not found in data_dir {data_dir}: missing {', '.join(map(str, missing))} "
                                "(nothing is downloaded: put the files there, or set data_dir: null for the "
                                "shipped stand-ins)")


def _existing(path: Path) -> Path:
    """``path``, or its ``.gz`` copy when only that exists."""
    gz = path.with_name(path.name + ".gz")
    return gz if not path.exists() and gz.exists() else path


def _content(path: Path) -> bytes:
    """The bytes of ``path`` (or of its ``.gz`` copy, decompressed)."""
    found = _existing(path)
    with (gzip.open if found.suffix == ".gz" else open)(found, "rb") as f:
        return f.read()


def _md5(dataset: str, path: Path, content: bytes, verify: bool, checksums: dict[str, str] | None) -> None:
    """Raise ChecksumError naming ``path`` when ``verify`` and ``content`` is not the published file; record
    the MD5 in ``checksums``."""
    digest = hashlib.md5(content).hexdigest()
    expected = CHECKSUMS[dataset][path.name]
    if verify and digest != expected:
        raise ChecksumError(f"{_existing(path)}: MD5 {digest} differs from the published {expected} of {dataset}'s "
                            f"{path.name} (corrupt, truncated or another file; put the original there)")
    if checksums is not None:
        checksums[path.name] = digest


class _ArrayUnpickler(pickle.Unpickler):
    """Builds only what the CIFAR pickles hold (dicts, lists, bytes, numbers, numpy arrays): any other class
    or function in a crafted file raises instead of running."""

    # Python 2 pickles (the distributed files) name the first three; files written by Python 3 and numpy 2
    # (protocol 2: bytes via _codecs.encode; protocol 5: arrays via _frombuffer) the others.
    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("numpy", "dtype"),
               ("numpy._core.multiarray", "_reconstruct"), ("_codecs", "encode"),
               ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to build {module}.{name} from a dataset pickle")
        return super().find_class(module, name)


def _unpickle(content: bytes, path: Path) -> dict:
    try:
        return _ArrayUnpickler(io.BytesIO(content), encoding="bytes").load()
    except Exception as err:
        raise ValueError(f"{path}: not a CIFAR python pickle ({type(err).__name__}: {err})") from err


def read_cifar(dataset: str, data_dir: str | Path, split: str, *, verify_checksums: bool = True,
               checksums: dict[str, str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images ``(N, 3, 32, 32)`` and int labels of a CIFAR split ('train' or 'test').

    Each file's MD5 is checked against :data:`CHECKSUMS` before it is unpickled (``verify_checksums``);
    ``checksums``, if given, receives ``{file name: MD5}`` of the files read.
    """
    files = expected_files(dataset, data_dir)
    if dataset == "cifar10":
        files = files[:5] if split == "train" else files[5:]
        label_key = b"labels"
    else:
        files = files[:1] if split == "train" else files[1:]
        label_key = b"fine_labels"
    batches = []
    for f in files:
        content = _content(f)
        _md5(dataset, f, content, verify_checksums, checksums)
        batches.append(_unpickle(content, f))
    x = np.concatenate([b[b"data"] for b in batches]).reshape(-1, 3, 32, 32)
    y = np.concatenate([np.asarray(b[label_key]) for b in batches])
    return x, y


def _read_idx(path: Path, verify_checksums: bool = True, checksums: dict[str, str] | None = None) -> np.ndarray:
    data = _content(path)
    _md5("mnist", path, data, verify_checksums, checksums)
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 8:
        raise ValueError(f"{_existing(path)} is not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(data) != 4 + 4 * ndim + int(np.prod(shape)):
        raise ValueError(f"{_existing(path)}: {len(data)} bytes do not hold the IDX shape {shape}")
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def read_mnist(data_dir: str | Path, split: str, *, verify_checksums: bool = True,
               checksums: dict[str, str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images ``(N, 1, 28, 28)`` and labels of the MNIST 'train' or 'test' split (MD5s checked first,
    as in :func:`read_cifar`)."""
    require_files("mnist", data_dir)
    files = expected_files("mnist", data_dir)
    images, labels = (files[0], files[1]) if split == "train" else (files[2], files[3])
    return (_read_idx(images, verify_checksums, checksums)[:, None],
            _read_idx(labels, verify_checksums, checksums).astype(np.int64))


def _sklearn_datasets() -> Path:
    """scikit-learn's ``datasets`` folder, found without importing scikit-learn: that import takes 1.3-2.2 s of
    every job that reads its shipped data, the files themselves ~0.1 s."""
    import importlib.util

    return Path(importlib.util.find_spec("sklearn").submodule_search_locations[0]) / "datasets"


def read_digits(split: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits (values 0..16) ``(N, 1, 8, 8)`` float64 and labels, read from its ``digits.csv.gz``
    (1797 rows of 64 pixels and the label, as ``sklearn.datasets.load_digits`` reads it), split as
    ``train_test_split(..., test_size=0.2, random_state=0, stratify=labels)`` splits them: 1437 training and 360
    test images, in that function's order, kept in ``digits_split.json`` (tests/test_startup.py compares)."""
    with gzip.open(_sklearn_datasets() / "data" / "digits.csv.gz") as f:
        data = np.loadtxt(f, delimiter=",")
    idx = np.array(json.loads((Path(__file__).parent / "digits_split.json").read_text())[split])
    return data[idx, :-1].reshape(-1, 1, 8, 8), data[idx, -1].astype(np.int64)


def sample_photographs() -> list[np.ndarray]:
    """scikit-learn's sample photographs ``(427, 640, 3)`` uint8, as ``sklearn.datasets.load_sample_images`` reads
    them (its *.jpg files in name order, decoded by PIL), without importing scikit-learn."""
    from PIL import Image

    return [np.asarray(Image.open(path)) for path in sorted((_sklearn_datasets() / "images").glob("*.jpg"))]


def read_sample_patches(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Colour tiles ``(N, 3, 32, 32)`` (uint8) of scikit-learn's sample photographs (china.jpg, flower.jpg).

    Non-overlapping 32×32 tiles on a grid (13 × 20 per photograph, 520 in all); every fifth tile along the
    diagonals ((row + column) % 5 == 0, 104 tiles) is the test split, the others (416) the training split.
    Labels (10 classes) are photograph × vertical band (the tile's column in fifths of the width): arbitrary
    but fixed, so that a loss along a path is defined. Unlike grey digits copied into three channels, the
    channels differ, so a delta-orthogonal stem keeps full rank.
    """
    images, labels = [], []
    for index, photo in enumerate(sample_photographs()):
        rows, cols = photo.shape[0] // PATCH, photo.shape[1] // PATCH
        for r in range(rows):
            for c in range(cols):
                if ((r + c) % 5 == 0) == (split == "test"):
                    images.append(photo[r * PATCH:(r + 1) * PATCH, c * PATCH:(c + 1) * PATCH].transpose(2, 0, 1))
                    labels.append(index * PATCH_BANDS + c * PATCH_BANDS // cols)
    return np.stack(images), np.asarray(labels, dtype=np.int64)
