"""Parquet outputs of the Fourier Features rules: schemas, provenance and basic content, at tiny sizes;
and the ff config sections (quick, tiny overlay, paper overlay) against workflow/schemas/ff.schema.yaml."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from helpers import deep_merge

from netspectra import io
from netspectra.papers.ff import experiments as ff
from netspectra.papers.ff.images import load_image

ROOT = Path(__file__).resolve().parents[1]
CPU = torch.device("cpu")


def ff_config(*overlays):
    cfg = yaml.safe_load((ROOT / "config.yaml").read_text())["ff"]
    for name in overlays:
        cfg = deep_merge(cfg, yaml.safe_load((ROOT / name).read_text()).get("ff", {}))
    return cfg


@pytest.mark.parametrize("overlays", [(), ("tests/config_tiny.yaml",), ("config/paper.yaml",)])
def test_config_sections_validate_against_the_schema(overlays):
    from snakemake.utils import validate

    cfg = ff_config(*overlays)
    validate(cfg, str(ROOT / "workflow/schemas/ff.schema.yaml"))
    assert len(cfg["fig4"]["dense_exponents"]) == len(cfg["fig4"]["signal_exponents"])


def test_schema_rejects_unknown_keys_and_bad_values():
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    schema = str(ROOT / "workflow/schemas/ff.schema.yaml")
    for broken in ({"fig1": {"n_step": 3}}, {"fig1": {"mappings": ["fourier"]}}, {"fig4": {"width": 0}},
                   {"fig4": {"generator_scale_factors": {"cauchy": 1.0}}}):
        with pytest.raises(WorkflowError):
            validate(deep_merge(ff_config(), broken), schema)


def write_and_check(df, path, schema, rule, cfg):
    io.write_table(df, path, schema=schema, rule=rule, config=cfg, seed=0)
    back = io.read_table(path, schema)
    meta = io.read_metadata(path)
    assert meta["rule"] == rule and meta["seed"] == 0 and meta["schema"] == schema
    assert meta["config"] == cfg
    assert "torch" in meta["versions"] and meta["code_version"]
    return back


def test_image_tables(tmp_path):
    cfg = ff_config("tests/config_tiny.yaml")["fig1"]
    images = [load_image(s, cfg["image_size"]) for s in cfg["images"]]
    names, kinds = [s["name"] for s in cfg["images"]], [s["kind"] for s in cfg["images"]]
    tables = ff.image_regression(images, names, kinds, cfg, seed=0, device=CPU)
    psnr = write_and_check(tables["psnr"], tmp_path / "psnr.parquet", "ff_image_psnr", "ff_train_images", cfg)
    assert len(psnr) == len(images) * len(cfg["mappings"])
    assert set(psnr["mapping"]) == set(cfg["mappings"]) and np.isfinite(psnr["test_psnr"]).all()
    curves = write_and_check(tables["curves"], tmp_path / "curves.parquet", "ff_image_curves", "ff_train_images", cfg)
    assert set(curves["step"]) == {0, 5, 10}
    outputs = write_and_check(tables["outputs"], tmp_path / "out.parquet", "ff_image_outputs", "ff_train_images", cfg)
    assert (outputs["values"].map(len) == 3 * cfg["image_size"] ** 2).all()
    # the final test PSNR reported equals the PSNR of the stored full output on the held-out pixels
    row = outputs[(outputs["image"] == names[0]) & (outputs["mapping"] == "gaussian")].iloc[0]
    pred = np.asarray(row["values"]).reshape(cfg["image_size"], cfg["image_size"], 3)
    mse = ((pred[1::2, 1::2] - images[0][1::2, 1::2]) ** 2).mean()
    got = psnr[(psnr["image"] == names[0]) & (psnr["mapping"] == "gaussian")]["test_psnr"].item()
    assert got == pytest.approx(-10 * math.log10(mse), abs=1e-3)


def test_ntk_tables(tmp_path):
    cfg = ff_config("tests/config_tiny.yaml")["fig2"]
    tables = ff.ntk_kernels(cfg, seed=0, device=CPU)
    kernels = write_and_check(tables["kernels"], tmp_path / "k.parquet", "ff_ntk_kernels", "ff_ntk", cfg)
    spectra = write_and_check(tables["spectra"], tmp_path / "s.parquet", "ff_ntk_spectra", "ff_ntk", cfg)
    assert set(kernels["kind"]) == {"analytic", "empirical"}
    basic = kernels[(kernels["kernel"] == "basic") & (kernels["kind"] == "analytic")]
    basic = basic.pivot(index="x1", columns="x2", values="value").to_numpy()
    np.testing.assert_allclose(basic, np.roll(np.roll(basic, 1, 0), 1, 1), rtol=1e-7)  # stationary
    assert len(spectra) == len(cfg["exponents"]) * 2 * (cfg["n_points"] // 2 + 1)
    # spectra widen as p falls: the highest bin carries more of the kernel for p = 0 than for p = inf
    a = spectra[spectra["kind"] == "analytic"]
    top = a[a["frequency"] == cfg["n_frequencies"] - 1].set_index("exponent")["magnitude"]
    dc = a[a["frequency"] == 0].set_index("exponent")["magnitude"]
    assert (top / dc)[0.0] > (top / dc)[math.inf]


def test_fit_tables(tmp_path):
    cfg = ff_config("tests/config_tiny.yaml")["fig3"]
    tables = ff.kernel_regression_fits(cfg, seed=0, device=CPU)
    curves = write_and_check(tables["curves"], tmp_path / "c.parquet", "ff_fit_curves", "ff_train_fits", cfg)
    write_and_check(tables["residuals"], tmp_path / "r.parquet", "ff_fit_residuals", "ff_train_fits", cfg)
    functions = write_and_check(tables["functions"], tmp_path / "f.parquet", "ff_fit_functions", "ff_train_fits", cfg)
    assert set(curves["source"]) == {"network", "theory"} and set(curves["split"]) == {"train", "test"}
    # network and theory start from the same outputs
    first = curves[curves["step"] == 0].pivot_table(index=["label", "split"], columns="source", values="mse")
    np.testing.assert_allclose(first["network"], first["theory"], rtol=1e-5)
    n_grid = cfg["n_train"] * cfg["upsample"]
    assert (functions.groupby("label").size() == n_grid).all()
    assert functions[functions["label"] == "target"]["train"].sum() == cfg["n_train"]


def test_sparse_sweep_table(tmp_path):
    cfg = ff_config("tests/config_tiny.yaml")["fig4"]
    table = ff.sparse_frequency_sweep(cfg, seed=0, device=CPU)
    sweep = write_and_check(table, tmp_path / "sweep.parquet", "ff_sparse_sweep", "ff_train_sparse", cfg)
    n_sparse = len(cfg["signal_exponents"]) * cfg["n_signals"] * len(cfg["generator_scale_factors"]) * cfg["n_scales"]
    assert (sweep["generator"] != "dense").sum() == n_sparse
    assert (sweep["generator"] == "dense").sum() == len(cfg["signal_exponents"]) * cfg["n_signals"]
    assert (sweep["test_mse"] > 0).all() and (sweep["frequency_rms"] > 0).all()
    # a larger sweep scale gives larger sampled frequencies, generator by generator
    sparse = sweep[sweep["generator"] != "dense"]
    by_scale = sparse.groupby(["generator", "scale"])["frequency_rms"].mean().unstack()
    assert (by_scale.iloc[:, -1] > by_scale.iloc[:, 0]).all()
