"""Every README code block marked as an example (```python example / ```bash example) runs, and so do the scripts
in examples/: a user copying them gets what the README says."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from netspectra import io

REPO = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(python|bash) example\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_examples() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer((REPO / "README.md").read_text())]


EXAMPLES = readme_examples()


def test_the_readme_has_marked_examples_of_the_library_and_the_command():
    kinds = [kind for kind, _ in EXAMPLES]
    assert kinds.count("python") >= 2 and kinds.count("bash") >= 1
    text = "\n".join(code for _, code in EXAMPLES)
    for name in ("netspectra.roughness", "netspectra.SpectrumRecorder", "netspectra.plot_spectrum",
                 "netspectra roughness", "netspectra spectrum"):
        assert name in text


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1")  # as fast, and steadier on a busy CPU
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[f"{k}-{i}" for i, (k, _) in enumerate(EXAMPLES)])
def test_readme_example_runs(index, tmp_path):
    kind, code = EXAMPLES[index]
    (tmp_path / "examples").symlink_to(REPO / "examples")  # the README's commands name examples/… from the root
    script = tmp_path / ("example.py" if kind == "python" else "example.sh")
    script.write_text(code)
    run = _run([sys.executable, str(script)] if kind == "python" else ["bash", "-e", str(script)], tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    if kind == "bash" and "resnet20_h.parquet" in code:
        table = io.read_table(tmp_path / "resnet20_h.parquet", "roughness")
        assert list(table.layer_name) == ["layer1", "layer2", "layer3", "fc"]
        assert (table.estimator == "detrended").all() and (table.h < table.floor_h).all()
        assert "floor_h" in run.stdout and (tmp_path / "resnet20_h.png").exists()
    written = [p for p in tmp_path.iterdir() if p.suffix in (".png", ".parquet")]
    assert written, "each example writes a table or a figure"


def test_example_scripts_run_and_show_what_they_say(tmp_path):
    cnn = _run([sys.executable, str(REPO / "examples" / "cnn_roughness.py"), str(tmp_path)], tmp_path)
    assert cnn.returncode == 0, cnn.stderr[-3000:]
    assert "floor_h" in cnn.stdout and "loss" in cnn.stdout and (tmp_path / "cnn_roughness.png").stat().st_size

    mlp = _run([sys.executable, str(REPO / "examples" / "mlp_spectral_bias.py"), str(tmp_path)], tmp_path)
    assert mlp.returncode == 0, mlp.stderr[-3000:]
    assert (tmp_path / "mlp_spectrum.png").stat().st_size
    table = io.read_table(tmp_path / "mlp_spectrum.parquet", "sb_spectrum")
    # Spectral bias: each frequency of the target reaches half its amplitude before the next higher one.
    first = table[table.normalised_amplitude >= 0.5].groupby("k").step.min()
    assert list(first.index) == [2, 4, 6, 8], first
    assert first.is_monotonic_increasing and first.iloc[0] < first.iloc[-1], first
    assert isinstance(table, pd.DataFrame) and io.read_metadata(tmp_path / "mlp_spectrum.parquet")["config"]["width"]
