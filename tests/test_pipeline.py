"""The whole pipeline end to end on the tiny config, in a temporary directory."""

import numpy as np
import pytest
from conftest import run_tiny

from netspectra import io, powerlaw, schemas


@pytest.fixture
def pipeline(tiny_pipeline):
    return tiny_pipeline


def test_every_figure_is_drawn_as_png_and_pdf(pipeline):
    figures = sorted((pipeline / "results" / "figures").glob("*.png"))
    assert figures, "no figure was drawn"
    for png in figures:
        assert png.stat().st_size > 1000
        assert png.with_suffix(".pdf").exists()
    # A second run finds every target complete.
    assert "Nothing to be done" in run_tiny(pipeline, "-n")


def test_every_parquet_output_has_schema_and_provenance(pipeline):
    tables = sorted((pipeline / "results").rglob("*.parquet"))
    assert tables
    for path in tables:
        meta = io.read_metadata(path)
        assert {"rule", "config", "seed", "versions", "code_version", "schema"} <= set(meta), path
        assert {"torch", "numpy", "pandas"} <= set(meta["versions"]), path
        schemas.check(io.read_table(path), meta["schema"])


def test_fits_hold_h_and_fit_range(pipeline):
    fits = io.read_table(pipeline / "results/rr/fits/rr-fig5.parquet", "fits")
    assert fits.h.notna().all() and fits.h_detrended.notna().all()
    assert (fits.k_max == 16 // 4).all() and (fits.k_min == 1).all()
    assert set(fits.depth) == {1, 3} and set(fits.shortcut) == {False, True}
    # rr-fig5 measures the loss path (one per init and direction) beside the last layer
    assert set(fits.layer_name) == {"loss", "units.0", "units.2"}
    # both estimators' straight-line floors at 16 points, fit range k = 1 … 4
    assert np.allclose(fits.h_floor, powerlaw.floor_h(16, 1, 4))
    assert np.allclose(fits.h_detrended_floor, powerlaw.floor_h(16, 1, 4, detrend="linear", window="hann"))


def test_rerun_resumes_where_it_stopped(pipeline):
    lost = pipeline / "results/rr/fits/rr-fig5.parquet"
    lost.unlink()
    log = run_tiny(pipeline, "results/rr/fits/rr-fig5.parquet")
    assert lost.exists()
    assert "sample_paths" not in log.split("Job stats:")[1].split("total")[0]  # paths were not recomputed
