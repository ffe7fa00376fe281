import subprocess
import sys

import pandas as pd
import pytest

from netspectra import io, schemas


def fits_table():
    return pd.DataFrame({
        "experiment": ["e"], "variant": ["v"], "init": [0], "direction": [0], "layer": [3], "layer_name": ["units.2"],
        "h": [0.9], "intercept": [-1.0], "r2": [0.99], "h_detrended": [2.1], "intercept_detrended": [-3.0],
        "r2_detrended": [0.97], "h_floor": [0.97], "h_detrended_floor": [3.89], "k_min": [1], "k_max": [25],
    })


def test_round_trip_keeps_data_and_provenance(tmp_path):
    path = tmp_path / "fits.parquet"
    io.write_table(fits_table(), path, schema="fits", rule="fits", config={"fit": {"k_min": 1}}, seed=7)
    pd.testing.assert_frame_equal(io.read_table(path, "fits"), fits_table())
    meta = io.read_metadata(path)
    assert meta["rule"] == "fits" and meta["seed"] == 7 and meta["schema"] == "fits"
    assert meta["config"] == {"fit": {"k_min": 1}}
    assert {"torch", "numpy", "pandas", "netspectra"} <= set(meta["versions"])
    assert meta["code_version"].startswith("0.")
    assert not list(tmp_path.glob("*.tmp"))


def test_schema_violations_are_named(tmp_path):
    with pytest.raises(ValueError, match="missing column 'h'"):
        io.write_table(fits_table().drop(columns="h"), tmp_path / "x.parquet", schema="fits", rule="r", config={})
    with pytest.raises(ValueError, match="'layer' has dtype"):
        io.write_table(fits_table().assign(layer="three"), tmp_path / "x.parquet", schema="fits", rule="r", config={})
    assert not (tmp_path / "x.parquet").exists()
    with pytest.raises(KeyError, match="unknown schema"):
        schemas.check(fits_table(), "nope")


def test_read_tables_concatenates_and_keeps_each_files_provenance(tmp_path):
    for i in range(2):
        io.write_table(fits_table().assign(init=i), tmp_path / f"{i}.parquet", schema="fits", rule="fits",
                       config={"part": i})
    named = {"fits": [str(tmp_path / "0.parquet"), str(tmp_path / "1.parquet")]}
    table = io.read_tables(named)["fits"]
    assert table.init.tolist() == [0, 1]
    assert [meta["config"] for meta in table.attrs["provenance"]] == [{"part": 0}, {"part": 1}]


def test_missing_table_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="expected Parquet table at .*nothing.parquet"):
        io.read_table(tmp_path / "nothing.parquet")


def test_log_output_sends_stdout_stderr_and_tracebacks_to_the_log(tmp_path):
    log = tmp_path / "logs" / "rule" / "job.log"
    script = ("import sys\nfrom netspectra.io import log_output\n"
              f"log_output([{str(log)!r}])\nprint('to stdout')\nprint('to stderr', file=sys.stderr)\n"
              "raise SystemExit('failed on purpose')\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 1 and run.stdout == "" and run.stderr == ""
    assert log.read_text().split("\n")[:3] == ["to stdout", "to stderr", "failed on purpose"]
