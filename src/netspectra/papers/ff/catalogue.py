"""Fourier Features (Tancik et al. 2020): every figure id with its claim, data note, drawing and check.

Rules: workflow/rules/ff.smk (ff_train_images, ff_ntk, ff_train_fits, ff_train_sparse, one figure rule per id).
Code: experiments.py (training runs and NTKs to tables), mappings.py (input mappings, frequency generators),
networks.py (coordinate ReLU MLPs and their inits), images.py (images, pixel split, PSNR), colored_noise.py
(1/f^α signals), figures.py, claims.py.
"""

from netspectra.papers import Figure

from . import claims, figures

TITLE = "Fourier Features Let Networks Learn High Frequency Functions in Low Dimensional Domains"

FIGURES = {
    "ff-fig1": Figure(
        claim="test PSNR: Gaussian ≥ positional encoding > basic > no mapping",
        data="scikit-image astronaut, chelsea and text images at 64² (paper: the authors' 512² DIV2K and text "
        "images), 32 frequencies, width 64, 300 Adam steps at quick scale",
        draw=lambda t, p: figures.image_regression(t["psnr"], t["outputs"], t["curves"], scale=p["scale"]),
        check=claims.ff_fig1,
    ),
    "ff-fig2": Figure(
        claim="a lower exponent p gives a wider NTK spectrum",
        data="analytic NTK of a 4-layer ReLU MLP and the empirical NTK of width-256 networks (paper: 1024) "
        "at quick scale",
        draw=lambda t, p: figures.ntk_spectra(t["kernels"], t["spectra"], scale=p["scale"]),
        check=claims.ff_fig2,
    ),
    "ff-fig3": Figure(
        claim="a wider spectrum fits high frequencies faster; too wide overfits",
        data="a 1/f signal on 32 training points; width 128 and 1000 SGD steps at a larger learning rate "
        "(paper: width 1024, 50 000 steps) at quick scale",
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
