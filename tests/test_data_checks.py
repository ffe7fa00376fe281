"""Dataset files are checked against their published MD5s before they are read (a crafted CIFAR pickle never
runs), the data's identity is its checksum (not its folder), and the command never substitutes digits. Data that
data_dir lacks is a warning before any job (the job list can be previewed) and an error in the job reading it."""

import gzip
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_datasets import write_cifar10, write_mnist

from netspectra import cli, datasets
from netspectra import config as netspectra_config

ROOT = Path(__file__).resolve().parents[1]


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


def paper_config(**top):
    config = netspectra_config.load_checked_yaml(ROOT / "config.yaml")
    config = netspectra_config.merge(config, netspectra_config.load_checked_yaml(ROOT / "config/paper.yaml"))
    config = netspectra_config.merge(config, top)
    netspectra_config.validate(config)
    netspectra_config.check(config)
    return config


def test_missing_data_is_listed_per_dataset_with_its_experiments_and_files(tmp_path):
    write_mnist(tmp_path)  # MNIST is there; CIFAR and the ff-fig1 npz files are not
    lines = netspectra_config.missing_data(paper_config(data_dir=str(tmp_path)))
    assert [line.split(" (for ")[0] for line in lines] == [
        "cifar10", "cifar100", f"image file {tmp_path / 'data_div2k.npz'}",
        f"image file {tmp_path / 'data_2d_text.npz'}"]
    assert all(who in lines[0] for who in ("rr.paths.rr-fig9", "rr.training.experiments.rr-fig9", "sb.fig8_9"))
    assert lines[0].endswith(f"missing {tmp_path / 'cifar-10-batches-py' / 'data_batch_1'}, "
                             f"{tmp_path / 'cifar-10-batches-py' / 'data_batch_2'}, "
                             f"{tmp_path / 'cifar-10-batches-py' / 'data_batch_3'}, "
                             f"{tmp_path / 'cifar-10-batches-py' / 'data_batch_4'}, "
                             f"{tmp_path / 'cifar-10-batches-py' / 'data_batch_5'}, "
                             f"{tmp_path / 'cifar-10-batches-py' / 'test_batch'}")
    assert "rr.training.experiments.rr-fig10" in lines[1]
    warning = netspectra_config.missing_data_warning(paper_config(data_dir=str(tmp_path)))
    assert warning.startswith(f"warning: data_dir '{tmp_path}' lacks data that configured experiments read; the "
                              "jobs that read it will fail")
    shipped = {"fig1": {"images": [{"source": "skimage", "name": "camera", "kind": "natural"}]}}
    stand_ins = paper_config(data_dir=None, ff=shipped, fp={"mnist": {"dataset": "digits"}})
    assert netspectra_config.missing_data(stand_ins) == []  # without data_dir the shipped stand-ins are read
    with pytest.raises(netspectra_config.ConfigError, match="fp.mnist.dataset is 'mnist' but data_dir is null"):
        paper_config(data_dir=None)


def test_the_paper_job_list_previews_without_the_data(tmp_path):
    run = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--snakefile", str(ROOT / "Snakefile"),
                          "--directory", str(tmp_path), "--configfile", str(ROOT / "config/paper.yaml")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    assert "warning: data_dir 'data' lacks data that configured experiments read" in out
    assert "  mnist (for rr.paths.rr-fig16, sb.fig7, fp.mnist): missing data/train-images-idx3-ubyte" in out
    assert re.search(r"^rr_train\s+34$", out, re.M) and re.search(r"^ff_train_images\s+1$", out, re.M)
    assert not (tmp_path / "results").exists()


def test_a_job_that_reads_missing_data_names_the_files(tmp_path):
    expected = rf"cifar10 not found in data_dir {tmp_path}: missing {tmp_path}/cifar-10-batches-py/data_batch_1, "
    with pytest.raises(FileNotFoundError, match=expected + ".*nothing is downloaded"):
        datasets.load_images("cifar10", tmp_path, "test")
    with pytest.raises(FileNotFoundError, match="mnist not found in data_dir"):
        datasets.read_mnist(tmp_path, "train")
