"""A real training process killed with SIGKILL and started again ends with the uninterrupted run's metrics."""

import subprocess
import sys

import pandas as pd
from helpers import kill_9_when

from netspectra import checkpoints

DRIVER = """
import sys, time
import torch
from netspectra import stacking, training
from netspectra.models import build_model

out, state_dir = sys.argv[1], sys.argv[2] or None
torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
x, y = torch.randn(400, 3, 8, 8, generator=g), torch.randint(0, 4, (400,), generator=g)
spec = dict(arch="toycnn", depth=2, width=8, in_channels=3, n_classes=4, image_size=8)
seeds = [11, 12]
model = stacking.stack_models([build_model(spec, seed=s) for s in seeds])
recipe = training.Recipe(n_epochs=6, batch_size=16, learning_rate=0.05, momentum=0.9, weight_decay=1e-4,
                         crop_padding=1, horizontal_flip=True, log_every_steps=4)

def log(message):
    print(message, flush=True)
    time.sleep(0.2)  # widens the window between an epoch's end and its checkpoint: a kill may land there

metrics = training.train(model, seeds, x[:320], y[:320], x[320:], y[320:], recipe, checkpoint_dir=state_dir,
                         run_fingerprint="resume-test", log=log)
metrics.to_parquet(out)
"""


def run_driver(tmp_path, out, state_dir=""):
    return subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), str(out), str(state_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_kill_9_and_resume_gives_the_uninterrupted_metrics(tmp_path):
    (tmp_path / "driver.py").write_text(DRIVER)
    state = tmp_path / "state"
    reference = run_driver(tmp_path, tmp_path / "reference.parquet")  # uninterrupted, no checkpoints
    victim = run_driver(tmp_path, tmp_path / "killed.parquet", state)
    # killed somewhere in epoch 3 or while writing its checkpoint
    kill_9_when(victim, lambda: 2 in checkpoints.epochs(state), "wrote its epoch-2 checkpoint")
    assert not (tmp_path / "killed.parquet").exists() and max(checkpoints.epochs(state)) < 6

    resumed = run_driver(tmp_path, tmp_path / "resumed.parquet", state)
    log = resumed.communicate(timeout=300)[0]
    assert reference.wait(timeout=300) == 0 and resumed.returncode == 0, log
    assert "resuming from the checkpoint of epoch" in log
    a = pd.read_parquet(tmp_path / "resumed.parquet").drop(columns="seconds")
    b = pd.read_parquet(tmp_path / "reference.parquet").drop(columns="seconds")
    assert len(a) == 2 * 6 * 5 and a.epoch.max() == 6  # 20 steps per epoch, a row every 4 steps, 2 members
    pd.testing.assert_frame_equal(a, b, check_exact=True)
