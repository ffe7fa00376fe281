"""Datasets read back from tiny files in their distribution formats (CIFAR pickles, MNIST IDX, .gz)."""

import gzip
import pickle

import numpy as np
import pytest
import torch

from netspectra import datasets


def write_cifar10(root, n_per_batch=3, seed=0):
    rng = np.random.default_rng(seed)
    base = root / "cifar-10-batches-py"
    base.mkdir(parents=True)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (n_per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, n_per_batch).tolist()
        with open(base / name, "wb") as f:
            pickle.dump({b"data": data, b"labels": labels}, f)
        batches[name] = (data, labels)
    return batches


def write_cifar100(root, n=4, seed=1):
    rng = np.random.default_rng(seed)
    base = root / "cifar-100-python"
    base.mkdir(parents=True)
    out = {}
    for name in ("train", "test"):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        fine = rng.integers(0, 100, n).tolist()
        with open(base / name, "wb") as f:
            pickle.dump({b"data": data, b"fine_labels": fine, b"coarse_labels": [0] * n}, f)
        out[name] = (data, fine)
    return out


def idx_bytes(array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(base, n=5, gz=False, seed=2):
    rng = np.random.default_rng(seed)
    base.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n, 28, 28)),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n - 1, 28, 28)),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n - 1),
    }
    for name, array in arrays.items():
        if gz:
            with gzip.open(base / (name + ".gz"), "wb") as f:
                f.write(idx_bytes(array))
        else:
            (base / name).write_bytes(idx_bytes(array))
    return arrays


def test_cifar10_pickles_read_back(tmp_path):
    batches = write_cifar10(tmp_path)
    assert datasets.missing_files("cifar10", tmp_path) == []
    x, y = datasets.read_cifar("cifar10", tmp_path, "train", verify_checksums=False)
    expected = np.concatenate([batches[f"data_batch_{i}"][0] for i in range(1, 6)]).reshape(-1, 3, 32, 32)
    np.testing.assert_array_equal(x, expected)
    np.testing.assert_array_equal(y, sum((batches[f"data_batch_{i}"][1] for i in range(1, 6)), []))
    test = datasets.load_images("cifar10", tmp_path, "test", verify_checksums=False)
    assert test.x.shape == (3, 3, 32, 32) and test.x.dtype == torch.float32 and test.n_classes == 10
    assert test.y.tolist() == batches["test_batch"][1]
    # Standardised with the training split's per-channel statistics.
    train = datasets.load_images("cifar10", tmp_path, "train", verify_checksums=False)
    torch.testing.assert_close(train.x.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(train.x.std(dim=(0, 2, 3), unbiased=False), torch.ones(3), atol=1e-4, rtol=0)


def test_cifar100_fine_labels(tmp_path):
    out = write_cifar100(tmp_path)
    data = datasets.load_images("cifar100", tmp_path, "train", verify_checksums=False)
    assert data.n_classes == 100 and data.y.tolist() == out["train"][1]
    x, _ = datasets.read_cifar("cifar100", tmp_path, "test", verify_checksums=False)
    np.testing.assert_array_equal(x, out["test"][0].reshape(-1, 3, 32, 32))


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("subdir", ["", "MNIST/raw"])
def test_mnist_idx_read_back(tmp_path, gz, subdir):
    arrays = write_mnist(tmp_path / subdir if subdir else tmp_path, gz=gz)
    assert datasets.missing_files("mnist", tmp_path) == []
    x, y = datasets.read_mnist(tmp_path, "test", verify_checksums=False)
    np.testing.assert_array_equal(x[:, 0], arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(y, arrays["t10k-labels-idx1-ubyte"])
    data = datasets.load_images("mnist", tmp_path, "train", size=14, verify_checksums=False)
    assert data.x.shape == (5, 1, 14, 14) and "resized to 14×14" in data.source


def test_not_idx_is_rejected(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(b"\x01\x02\x08\x01" + bytes(8))
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        datasets.read_mnist(tmp_path, "test", verify_checksums=False)


def test_missing_files_are_named(tmp_path):
    write_cifar10(tmp_path)
    (tmp_path / "cifar-10-batches-py" / "data_batch_3").unlink()
    missing = datasets.missing_files("cifar10", tmp_path)
    assert [p.name for p in missing] == ["data_batch_3"]
    with pytest.raises(FileNotFoundError, match="data_batch_3"):
        datasets.load_images("cifar10", tmp_path, "train", verify_checksums=False)
    assert {p.name for p in datasets.missing_files("cifar100", tmp_path)} == {"train", "test"}


def test_holdout_split_partitions_and_is_seeded():
    train, val = datasets.holdout_split(101, 0.2, seed=3)
    assert len(val) == 20 and len(train) == 81
    assert set(train).isdisjoint(val) and set(train) | set(val) == set(range(101))
    np.testing.assert_array_equal(val, datasets.holdout_split(101, 0.2, seed=3)[1])
    assert not np.array_equal(val, datasets.holdout_split(101, 0.2, seed=4)[1])
    assert len(datasets.holdout_split(50, 0.001, seed=0)[1]) == 1  # at least one image held out


def test_training_data_holds_out_part_of_the_training_split(tmp_path):
    write_cifar10(tmp_path, n_per_batch=20)
    train, val = datasets.load_training_data("cifar10", tmp_path, 0.1, seed=0, size=8,
                                                  verify_checksums=False)
    assert len(train.y) == 90 and len(val.y) == 10 and train.x.shape[1:] == (3, 8, 8)
    full = datasets.load_images("cifar10", tmp_path, "train", size=8, verify_checksums=False)
    rows = {tuple(r.flatten().tolist()) for r in full.x}
    assert all(tuple(r.flatten().tolist()) in rows for r in val.x)  # validation comes from the training split


def test_digits_stand_in_at_the_requested_size():
    train, val = datasets.load_training_data("cifar10", None, 0.2, seed=0, size=8)
    assert train.x.shape[1:] == (3, 8, 8) and len(train.y) + len(val.y) == 1437
    assert "digits" in train.source and "held out" in train.source
    assert datasets.load_images("cifar10", None, "test").x.shape[1:] == (3, 32, 32)


def test_max_train_keeps_a_seeded_subset_and_the_same_validation():
    full, val = datasets.load_training_data("digits", None, 0.2, seed=0)
    small, val_small = datasets.load_training_data("digits", None, 0.2, seed=0, max_train=100)
    assert len(small.y) == 100 and torch.equal(val.x, val_small.x)
    rows = {tuple(r.flatten().tolist()) for r in full.x}
    assert all(tuple(r.flatten().tolist()) in rows for r in small.x)
