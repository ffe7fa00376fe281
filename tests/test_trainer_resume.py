"""The sb/fp/ff trainers resume after a kill and end with the tables of an uninterrupted run.

Two tests kill a real training process with SIGKILL (as tests/test_training_resume.py does for rr_train): the
sb-fig1 trainer (papers.sb.experiments.train_regression, netspectra.ensemble's loop) and the fp-fig6/7 trainer
(papers.fp.experiments.run_curve). The others interrupt a loop in-process (an exception from the record
function right after a checkpoint) and run it again: the mini-batch loop (fp-fig1/3), the sb-fig7 autoencoder,
an ff trainer with several groups. Fingerprints ignore logging and location settings.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import kill_9_when

from netspectra import checkpoints
from netspectra.checkpoints import Checkpointer
from netspectra.papers.ff import experiments as ff_experiments
from netspectra.papers.fp import training as fp_training
from netspectra.papers.sb.noise_regression import train_dae

DRIVER = """
import logging, sys, time
import torch
from netspectra.checkpoints import Checkpointer

trainer, out, state_dir = sys.argv[1], sys.argv[2], sys.argv[3] or None
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout, force=True)
torch.set_num_threads(1)
if state_dir:  # slow every optimiser step down, so that the test can kill the process mid-training
    step = torch.optim.Adam.step
    torch.optim.Adam.step = lambda self, *a, **k: (time.sleep(0.004), step(self, *a, **k))[1]
checkpoint = Checkpointer(state_dir, "resume-test", every_steps=40, every_seconds=None) if state_dir else None

if trainer == "sb":
    from netspectra.papers.sb.experiments import train_regression
    from netspectra.papers.sb.manifolds import sine_members
    ks = [2, 5]
    z, targets, amps, members = sine_members({"equal": [1.0, 1.0], "rising": [0.5, 1.0]}, ks, 24, 2, seed=3)
    result = train_regression(z[:, None], targets, ks, amps, members, seeds=[0, 1, 2, 3], width=8, depth=2,
                              n_steps=600, learning_rate=1e-2, record_every=25, record_norms=True,
                              snapshot_steps=[0, 110], n_snapshot_runs=2, checkpoint=checkpoint)
    tables = {k: v for k, v in result.items() if k not in ("base", "params")}
else:
    from netspectra.papers.fp.experiments import run_curve
    peaks = {"max_frequency": 10, "n_peaks": 2, "min_relative_height": 0.0, "include_dc": False}
    cfg = {"target": "sine_sum", "angular_frequencies": [1.0, 3.0], "amplitudes": [1.0, 0.5], "n_points": 40,
           "x_min": -3.0, "x_max": 3.0, "widths": [16, 16], "stds": [[0.1, 0.1], [0.5, 0.5]], "learning_rate": 1e-2,
           "n_steps": 600, "record_every": 25, "frequencies": None, "peaks": peaks}
    tables = run_curve(cfg, delta_kind="complex", device=torch.device("cpu"), seed=0, checkpoint=checkpoint)
for name, table in tables.items():
    table.to_parquet(f"{out}-{name}.parquet")
"""


def run_driver(tmp_path, trainer, out, state_dir=""):
    return subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), trainer, str(out), str(state_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def tables_of(prefix) -> dict[str, pd.DataFrame]:
    return {p.name[len(prefix.name) + 1:-len(".parquet")]: pd.read_parquet(p)
            for p in sorted(prefix.parent.glob(prefix.name + "-*.parquet"))}


@pytest.mark.parametrize("trainer", ["sb", "fp"])
def test_kill_9_mid_training_and_resume_gives_the_uninterrupted_tables(tmp_path, trainer):
    (tmp_path / "driver.py").write_text(DRIVER)
    state = tmp_path / "state"
    reference = run_driver(tmp_path, trainer, tmp_path / "reference")  # uninterrupted, no checkpoints
    victim = run_driver(tmp_path, trainer, tmp_path / "killed", state)
    kill_9_when(victim, lambda: any(s >= 120 for s in checkpoints.counts(state, "step")),
                "wrote a checkpoint at step >= 120")
    killed_at = max(checkpoints.counts(state, "step"))
    assert 120 <= killed_at < 600 and not list(tmp_path.glob("killed-*"))

    resumed = run_driver(tmp_path, trainer, tmp_path / "resumed", state)
    log = resumed.communicate(timeout=300)[0]
    assert reference.wait(timeout=300) == 0 and resumed.returncode == 0, log
    assert f"resuming from the checkpoint of step {killed_at}" in log
    a, b = tables_of(tmp_path / "resumed"), tables_of(tmp_path / "reference")
    assert sorted(a) == sorted(b) and len(a) >= 4
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
    assert max(b["losses" if trainer == "fp" else "loss"].step) == 600
    # A finished job reruns from its last checkpoint without training: the same tables again.
    again = run_driver(tmp_path, trainer, tmp_path / "again", state)
    assert again.wait(timeout=300) == 0 and "resuming from the checkpoint of step 601" in again.communicate()[0]
    for name, table in tables_of(tmp_path / "again").items():
        pd.testing.assert_frame_equal(table, b[name], check_exact=True)


class Interrupt(Exception):
    pass


def interrupt_after_checkpoint(record_fn, checkpoint, at):
    """``record_fn`` that raises once the loop has saved a checkpoint of step ``at`` or later (a stand-in for
    a kill: nothing after the checkpoint survives, since the state is rebuilt from the files)."""
    def record(step, params):
        if max(checkpoints.counts(checkpoint.directory, "step"), default=0) >= at:
            raise Interrupt
        return record_fn(step, params)
    return record


def test_minibatch_loop_resumes_after_an_interruption(tmp_path):
    torch.manual_seed(0)
    x, labels = torch.randn(40, 3, dtype=torch.float64), torch.randint(0, 2, (40,))

    def run(record_fn=None, checkpoint=None):
        stacked = fp_training.gaussian_members(3, [8], 2, [(0.5, 0.1), (1.0, 0.1)], seed=1)
        stacked = {n: p.detach().double().requires_grad_(True) for n, p in stacked.items()}

        def record(epoch, p):
            return {"epoch": [epoch] * 2, "member": [0, 1],
                    "loss": fp_training.member_losses(p, x, labels, "cross_entropy").tolist()}

        result = fp_training.train_minibatch(stacked, x, labels, loss="cross_entropy", n_epochs=6, batch_size=16,
                                             learning_rate=1e-2, seed=3, record_fn=(record_fn or (lambda f: f))(record),
                                             checkpoint=checkpoint)
        return result.records, stacked

    reference, ref_params = run()
    checkpoint = Checkpointer(tmp_path, "minibatch", every_steps=2, every_seconds=None)
    with pytest.raises(Interrupt):
        run(lambda r: interrupt_after_checkpoint(r, checkpoint, 4), checkpoint)
    assert max(checkpoints.counts(tmp_path, "step")) == 4
    resumed, params = run(checkpoint=Checkpointer(tmp_path, "minibatch", every_steps=2, every_seconds=None))
    pd.testing.assert_frame_equal(resumed, reference, check_exact=True)
    for name in ref_params:
        assert torch.equal(params[name], ref_params[name])


def test_autoencoder_loop_resumes_after_an_interruption(tmp_path, monkeypatch):
    images = torch.rand(30, 12, generator=torch.Generator().manual_seed(0))
    kw = dict(latent_dim=2, hidden=8, noise_std=0.1, n_steps=50, learning_rate=1e-2, batch_size=8, seed=4)
    dae, losses = train_dae(images, **kw)
    # Interrupted right after its checkpoint of step 20: a fresh call resumes there.
    original = Checkpointer.save

    def save_then_stop(self, step, state):
        original(self, step, state)
        if step == 20:
            raise Interrupt

    monkeypatch.setattr(Checkpointer, "save", save_then_stop)
    with pytest.raises(Interrupt):
        train_dae(images, **kw, checkpoint=Checkpointer(tmp_path, "dae", every_steps=10, every_seconds=None))
    monkeypatch.undo()
    messages = []
    resumed, resumed_losses = train_dae(images, **kw, checkpoint=Checkpointer(tmp_path, "dae", every_steps=10,
                                                                               every_seconds=None, log=messages.append))
    assert any("resuming from the checkpoint of step 20" in m for m in messages)
    pd.testing.assert_frame_equal(resumed_losses, losses, check_exact=True)
    for a, b in zip(dae.parameters(), resumed.parameters()):
        assert torch.equal(a, b)


def test_ff_groups_resume_and_finished_groups_are_not_retrained(tmp_path):
    cfg = {"n_train": 16, "signal_exponents": [1.0], "dense_exponents": [1.0], "n_signals": 1, "n_frequencies": 4,
           "generator_scale_factors": {"gaussian": 1.0, "uniform": 1.0}, "scale_log2_min": 0.0,
           "scale_log2_max": 2.0, "n_scales": 2, "n_layers": 2, "width": 8, "learning_rate": 1e-2, "n_steps": 30,
           "max_members_per_batch": 2}
    cpu = torch.device("cpu")
    reference = ff_experiments.sparse_frequency_sweep(cfg, seed=0, device=cpu)
    messages = []
    checkpoint = Checkpointer(tmp_path, "ff", every_steps=10, every_seconds=None, log=messages.append)
    first = ff_experiments.sparse_frequency_sweep(cfg, seed=0, device=cpu, checkpoint=checkpoint)
    groups = sorted(p.name for p in tmp_path.iterdir())
    assert len(groups) >= 3 and all(checkpoints.counts(tmp_path / g, "step")[-1] == 31 for g in groups)
    # Drop the final checkpoint of one group: it resumes from step 30, the others return at once.
    (tmp_path / groups[1] / "step-00000031.pt").unlink()
    messages.clear()
    second = ff_experiments.sparse_frequency_sweep(cfg, seed=0, device=cpu, checkpoint=checkpoint)
    resumed = [m.split()[-1] for m in messages if m.startswith("resuming")]
    assert sorted(resumed) == sorted(str(tmp_path / g) for g in groups)
    assert any(f"step 30 in {tmp_path / groups[1]}" in m for m in messages)
    for table in (first, second):
        pd.testing.assert_frame_equal(table, reference, check_exact=True)


def test_fingerprints_ignore_logging_and_location_but_not_results():
    job = {"recipe": {"n_epochs": 3, "log_every_steps": 50}, "data_dir": "/data/a", "device": "cuda",
           "seed": 0}
    same = {"recipe": {"n_epochs": 3, "log_every_steps": 7}, "data_dir": "/moved/elsewhere", "device": "cpu",
            "seed": 0}
    assert checkpoints.fingerprint(job) == checkpoints.fingerprint(same)
    assert checkpoints.fingerprint(job) != checkpoints.fingerprint(job | {"seed": 1})
    assert checkpoints.fingerprint(job) != checkpoints.fingerprint(job | {"recipe": {"n_epochs": 4}})
    a, b = torch.arange(6.0), torch.arange(6.0)
    assert checkpoints.tensor_digest(a) == checkpoints.tensor_digest(b)
    b[3] += 1e-6
    assert checkpoints.tensor_digest(a) != checkpoints.tensor_digest(b)
    assert checkpoints.tensor_digest(a) != checkpoints.tensor_digest(a.double())


def test_training_code_is_part_of_a_jobs_fingerprint_and_drawing_code_is_not(tmp_path):
    for name in ("ensemble.py", "papers/sb/experiments.py", "papers/sb/figures.py", "papers/rr/figures/fig5.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    before = checkpoints.code_digest(tmp_path)
    (tmp_path / "papers/sb/figures.py").write_text("x = 2\n")
    (tmp_path / "papers/rr/figures/fig5.py").write_text("x = 2\n")
    assert checkpoints.code_digest(tmp_path) == before
    (tmp_path / "papers/sb/experiments.py").write_text("x = 2\n")
    assert checkpoints.code_digest(tmp_path) != before
    state = {"state_dir": str(tmp_path / "state"), "checkpoint_every_minutes": 10}
    def job(**settings):
        return checkpoints.for_job(state, settings).fingerprint

    assert job(n_steps=5, device="cpu") == job(n_steps=5, device="cuda") != job(n_steps=6, device="cpu")


def test_tables_survive_a_checkpoint_round_trip(tmp_path):
    tables = checkpoints.Tables()
    tables.add({"spectrum": pd.DataFrame({"run": [0, 1], "k": [2, 2], "amplitude": [0.5, np.nan]}),
                "records": [{"run": 0, "values": np.arange(3.0), "label": "p=1"}]})
    tables.add(pd.DataFrame({"run": [1], "values": [np.arange(3.0) + 1], "label": ["none"]}))
    checkpoints.save({"tables": tables.state()}, tmp_path / "t.pt")
    back = checkpoints.Tables.from_state(checkpoints.load(tmp_path / "t.pt")["tables"]).frames()
    pd.testing.assert_frame_equal(back["spectrum"], tables.frames()["spectrum"], check_exact=True)
    assert back["records"].label.tolist() == ["p=1", "none"]
    np.testing.assert_array_equal(back["records"]["values"][1], [1.0, 2.0, 3.0])
