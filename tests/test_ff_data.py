"""Data of the Fourier Features figures: 1/f^α signals, images and pixel splits, PSNR."""

import math

import numpy as np
import pytest
import torch

from netspectra.grids import pixel_coordinates
from netspectra.papers.ff import colored_noise
from netspectra.papers.ff import images as ir
from netspectra.papers.ff.experiments import half_mse


@pytest.mark.parametrize("alpha", [0.5, 1.0, 1.5])
def test_power_law_signals_have_the_spectrum_slope(alpha):
    n = 256
    s = colored_noise.power_law_signals(n, alpha, 400, scaling="none", generator=torch.Generator().manual_seed(0))
    power = (torch.fft.rfft(s, dim=-1).abs() ** 2).mean(0)[1:n // 2]
    f = torch.arange(1, n // 2, dtype=torch.float64)
    slope = np.polyfit(np.log(1 + f.numpy()), np.log(power.numpy()), 1)[0]
    assert slope == pytest.approx(-2 * alpha, abs=0.1)  # power ∝ (1 + f)^(-2α): magnitude ∝ (1 + f)^(-α)


def test_band_limit_keeps_only_low_frequencies():
    n = 128
    g = torch.Generator().manual_seed(1)
    s = colored_noise.power_law_signals(n, 1.0, 3, band_limit=0.25, scaling="none", generator=g)
    spec = torch.fft.fft(s, dim=-1).abs()
    assert spec[:, n // 4 + 1: 3 * n // 4].max() < 1e-12 * spec.max()
    assert (spec[:, 1:n // 4] > 0).all()


def test_scaling_modes():
    g = torch.Generator().manual_seed(2)
    joint = colored_noise.power_law_signals(64, 1.0, 4, scaling="joint", generator=g)
    assert joint.min().item() == pytest.approx(-0.5) and joint.max().item() == pytest.approx(0.5)
    each = colored_noise.power_law_signals(64, 1.0, 4, scaling="each", generator=g)
    torch.testing.assert_close(each.min(1).values, torch.full((4,), -0.5, dtype=torch.float64))
    torch.testing.assert_close(each.max(1).values, torch.full((4,), 0.5, dtype=torch.float64))


def test_psnr_formula():
    assert ir.psnr(0.01).item() == pytest.approx(20.0)
    a = torch.rand(8, 8, 3, generator=torch.Generator().manual_seed(0))
    b = (a + 0.05).clamp(0, 1)
    mse = ((a - b) ** 2).mean()
    assert ir.psnr(mse).item() == pytest.approx(10 * math.log10(1.0 / mse.item()))
    # the authors' loss is 0.5·MSE, so PSNR = −10 log10(2 · loss)
    assert ir.psnr(2 * half_mse(a, b)).item() == pytest.approx(ir.psnr(mse).item())


def test_pixel_grid_and_interleaved_split():
    size = 6
    c = torch.from_numpy(pixel_coordinates(size, size)).to(torch.float32)  # as experiments.image_regression
    assert c.shape == (size, size, 2)
    # bit for bit the float32 grid arange(size) / size the experiments used before netspectra.grids
    for n in (6, 16, 64, 100, 512):
        old = torch.arange(n, dtype=torch.float32) / n
        assert torch.equal(torch.from_numpy(pixel_coordinates(n, n)).to(torch.float32),
                           torch.stack(torch.meshgrid(old, old, indexing="ij"), dim=-1))
    torch.testing.assert_close(c[2, 5], torch.tensor([2 / size, 5 / size]))
    image = torch.arange(size * size * 3, dtype=torch.float32).reshape(size, size, 3)
    train, test = ir.split_pixels(image)
    assert train.shape == test.shape == (9, 3)
    torch.testing.assert_close(train[0], image[0, 0]) and torch.testing.assert_close(test[0], image[1, 1])
    ctrain, ctest = ir.split_pixels(c)
    torch.testing.assert_close(ctest - ctrain, torch.full_like(ctrain, 1 / size))  # test pixels sit between


def test_skimage_images_load_offline_as_rgb_squares():
    for name in ("astronaut", "text"):
        assert ir.skimage_available(name)
        img = ir.load_image({"source": "skimage", "name": name}, 32)
        assert img.shape == (32, 32, 3) and img.dtype == np.float32
        assert 0.0 <= img.min() and img.max() <= 1.0 and img.std() > 0.02
    with pytest.raises(FileNotFoundError, match="not shipped"):
        ir.load_image({"source": "skimage", "name": "no_such_image"}, 32)


def test_native_resolution_crop_keeps_the_pixels():
    import skimage.data

    raw = skimage.data.text().astype(np.float64) / 255  # (172, 448) grey
    img = ir.load_image({"source": "skimage", "name": "text", "resize": False}, 64)
    top, left = (172 - 64) // 2, (448 - 64) // 2
    assert img.shape == (64, 64, 3)
    np.testing.assert_allclose(img[..., 0], raw[top:top + 64, left:left + 64], atol=1e-6)  # no resampling
    with pytest.raises(ValueError, match="at least"):
        ir.load_image({"source": "skimage", "name": "text", "resize": False}, 256)


def test_npz_and_file_sources(tmp_path):
    from skimage.io import imsave

    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, size=(2, 40, 40, 3), dtype=np.uint8)
    np.savez(tmp_path / "images.npz", train_data=data[:1], test_data=data)
    img = ir.load_image({"source": "npz", "path": "images.npz", "split": "test", "index": 1}, 40, tmp_path)
    np.testing.assert_allclose(img, data[1] / 255.0, atol=1e-6)
    imsave(tmp_path / "one.png", data[0])
    img = ir.load_image({"source": "file", "path": str(tmp_path / "one.png")}, 20)
    assert img.shape == (20, 20, 3)
    with pytest.raises(FileNotFoundError, match="expected file"):
        ir.load_image({"source": "file", "path": "missing.png"}, 20, tmp_path)
