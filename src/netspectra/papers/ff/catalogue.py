"""Fourier Features (Tancik et al. 2020): every figure id with its claim, data note, drawing and check.

Rules: workflow/rules/ff.smk (ff_train_images, ff_ntk, ff_train_fits, ff_train_sparse, one figure rule per id).
Code: experiments.py (training runs and NTKs to tables), mappings.py (input mappings, frequency generators),
networks.py (coordinate ReLU MLPs and their inits), images.py (images, pixel split, PSNR), colored_noise.py
(1/f^α signals), figures.py, claims.py.
"""

from netspectra.papers import Figure, lazy_module

from . import claims

figures = lazy_module(f"{__package__}.figures")  # drawing code (matplotlib) loads with the first draw

TITLE = "Fourier Features Let Networks Learn High Frequency Functions in Low Dimensional Domains"

FIGURES = {
    "ff-fig1": Figure(
        claim="test PSNR: Gaussian > positional encoding > basic > no mapping, on natural and on text images",
        data="scikit-image astronaut and chelsea resized to 64² and a 64² crop of its text image at native "
        "resolution (paper: the authors' 512² DIV2K and rendered-text images), 32 frequencies, width 64, 300 Adam "
        "steps at quick scale. On text the Gaussian > positional step is NOT REPRODUCED at quick scale: 32.1 vs "
        "32.0 dB (check: a gap > 1 dB). Scikit-image's text is a photograph of handwriting on textured paper, on "
        "whose held-out pixels both mappings reach the same ~32 dB; the paper's text images are rendered",
        draw=lambda t, p: figures.image_regression(t["psnr"], t["outputs"], t["curves"], scale=p["scale"]),
        check=claims.ff_fig1,
    ),
    "ff-fig2": Figure(
        claim="a lower exponent p gives a wider NTK spectrum",
        data="analytic NTK of a 4-layer ReLU MLP and the empirical NTK of width-256 networks (paper: 1024) at quick "
        "scale; rows on 64 points, so that the band edge b = 16 lies below the Nyquist frequency 32",
        draw=lambda t, p: figures.ntk_spectra(t["kernels"], t["spectra"], scale=p["scale"]),
        check=claims.ff_fig2,
    ),
    "ff-fig3": Figure(
        claim="a wider spectrum fits high frequencies faster; too wide overfits",
        data="a 1/f signal on 32 training points; width 128 and 1000 SGD steps at a larger learning rate "
        "(paper: width 1024, 50 000 steps) at quick scale. Over-fitting is NOT REPRODUCED at quick scale: the test "
        "MSE at p = 0 is 1.07× the best p's (NTK theory of the same runs: 1.19×; check: ≥ 2); on 32 points of this "
        "signal every p's test error is dominated by the content between the training points, which none recovers",
        draw=lambda t, p: figures.kernel_regression_fits(
            t["curves"], t["residuals"], t["functions"], plot_labels=p["plot_labels"], scale=p["scale"]
        ),
        check=claims.ff_fig3,
    ),
    "ff-fig4": Figure(
        claim="every frequency distribution traces one curve: under-fit at low std, over-fit at high std",
        data="1/f^α signals on 256 points, 2 signals per family, 5 scales, width 64, 300 Adam steps (paper: "
        "1024 points, 4 signals, 9 scales, width 256, 1000 steps) at quick scale",
        draw=lambda t, p: figures.sparse_frequency_sweep(t["sweep"], scale=p["scale"]),
        check=claims.ff_fig4,
    ),
}
