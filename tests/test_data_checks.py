"""Dataset files are checked against their published MD5s before they are read (a crafted CIFAR pickle never
runs), the data's identity is its checksum (not its folder), and the command never substitutes digits."""

import gzip
import pickle
import shutil

import pytest
from test_datasets import write_cifar10, write_mnist

from netspectra import cli, datasets


class Payload:
    """Unpickling this runs ``open(marker, "w")``: the stand-in for code a crafted dataset file would run."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def crafted_cifar(tmp_path):
    write_cifar10(tmp_path)
    marker = tmp_path / "payload-ran"
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_1", "wb") as f:
        pickle.dump({b"data": Payload(marker), b"labels": [0]}, f)
    return marker


def test_a_crafted_cifar_file_is_named_by_its_checksum_and_never_unpickled(tmp_path):
    marker = crafted_cifar(tmp_path)
    with pytest.raises(datasets.ChecksumError, match=r"cifar-10-batches-py/data_batch_1: MD5 [0-9a-f]{32} differs "
                                                     r"from the published c99cafc152244af753f735de768cd75f"):
        datasets.load_images("cifar10", tmp_path, "train")
    assert not marker.exists()


def test_even_an_unchecked_pickle_cannot_run_code(tmp_path):
    marker = crafted_cifar(tmp_path)
    with pytest.raises(ValueError, match="data_batch_1: not a CIFAR python pickle .*refusing to build"):
        datasets.load_images("cifar10", tmp_path, "train", verify_checksums=False)
    assert not marker.exists()


@pytest.mark.parametrize("gz", [False, True])
def test_a_wrong_mnist_file_is_named(tmp_path, gz):
    write_mnist(tmp_path, gz=gz)
    name = "train-images-idx3-ubyte" + (".gz" if gz else "")
    with pytest.raises(datasets.ChecksumError, match=f"{name}: MD5 .* published 6bbc9ace898e44ae57da46a324031adb"):
        datasets.load_images("mnist", tmp_path, "train")


def test_the_data_identity_is_its_checksum_not_its_folder(tmp_path, monkeypatch):
    write_cifar10(tmp_path / "a")
    published = {name: datasets.hashlib.md5((tmp_path / "a" / "cifar-10-batches-py" / name).read_bytes()).hexdigest()
                 for name in datasets.CHECKSUMS["cifar10"]}
    monkeypatch.setitem(datasets.CHECKSUMS, "cifar10", published)  # these tiny files play the published ones
    first = datasets.load_images("cifar10", tmp_path / "a", "train")
    shutil.move(tmp_path / "a", tmp_path / "moved")
    moved = datasets.load_training_data("cifar10", tmp_path / "moved", 0.2, seed=0)[0]
    assert first.checksum == moved.checksum and len(first.checksum) == 32
    assert str(tmp_path / "moved") in moved.source  # the caption still says where the data came from
    batch = tmp_path / "moved" / "cifar-10-batches-py" / "data_batch_2"
    data = pickle.loads(batch.read_bytes())
    data[b"labels"][0] = (data[b"labels"][0] + 1) % 10
    batch.write_bytes(pickle.dumps(data))
    with pytest.raises(datasets.ChecksumError, match="data_batch_2"):
        datasets.load_images("cifar10", tmp_path / "moved", "train")
    changed = datasets.load_images("cifar10", tmp_path / "moved", "train", verify_checksums=False)
    assert changed.checksum != first.checksum


def test_gzip_copies_are_checked_after_decompression(tmp_path, monkeypatch):
    arrays = write_mnist(tmp_path, gz=True)
    content = {n: gzip.decompress((tmp_path / f"{n}.gz").read_bytes()) for n in arrays}
    monkeypatch.setitem(datasets.CHECKSUMS, "mnist", {n: datasets.hashlib.md5(c).hexdigest()
                                                      for n, c in content.items()})
    assert datasets.load_images("mnist", tmp_path, "test").x.shape[0] == 4


def test_the_command_never_substitutes_digits_for_a_named_dataset(capsys):
    assert cli.main(["roughness", "examples/tiny_resnet.py:resnet20", "--data", "cifar10"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netspectra roughness: error: --data cifar10 needs --data-dir") and "Traceback" not in err
