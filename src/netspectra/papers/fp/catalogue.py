"""F-Principle (Xu, Fourier analysis of training): every figure id with its claim, data note, drawing and check.

Rules: workflow/rules/fp.smk (training rules fp_train_mnist / fp_train_image / fp_train_curve, one figure rule
per id). Code: experiments.py (training runs to tables), training.py (batched tanh MLPs), peaks.py (Δ_F at the
target's spectral peaks), targets.py (1-d targets), data.py (grey images, flat digits/MNIST), figures.py,
claims.py.
"""

from netspectra.papers import Figure, lazy_module

from . import claims

figures = lazy_module(f"{__package__}.figures")  # drawing code (matplotlib) loads with the first draw

TITLE = "F-Principle (Xu, Fourier analysis)"

FIGURES = {
    "fp-fig1": Figure(
        claim="weight and bias magnitudes barely change during training",
        data="quick: scikit-learn digits (8×8) for MNIST, Adam lr 1e-3 for 12 epochs (paper: 1e-5); paper config: "
        "MNIST from data_dir. With the paper's MSE loss the σ = 0.6 member stays at chance at quick scale (training "
        "accuracy 0.17: its saturated tanh layers pass no gradient), so its row is NA",
        draw=lambda t, p: figures.parameter_magnitudes(t["mnist"]),
        check=claims.fp_fig1,
    ),
    "fp-fig2": Figure(
        claim="peaks of the image row converge from low to high frequency; small init generalises",
        data="scikit-image camera image, smaller network and fewer steps at quick scale",
        draw=lambda t, p: figures.image_convergence(t, p["member"], p["row"], p["spectrum_step"]),
        check=claims.fp_fig2,
    ),
    "fp-fig3": Figure(
        claim="small weight init generalises better; the bias init matters little",
        data="quick: scikit-learn digits (8×8) for MNIST, Adam lr 3e-3 for 24 epochs (paper: 1e-5), so that the "
        "(0.3, 0.01) member trains; paper config: MNIST from data_dir. The bias part is NOT REPRODUCED at quick "
        "scale: the (0.01, 2.5) member stays at chance (training accuracy 0.10), so its row is NA",
        draw=lambda t, p: figures.accuracy_curves(t["mnist"]),
        check=claims.fp_fig3,
    ),
    "fp-fig4": Figure(
        claim="with large init the network fits the training pixels but is noisy on the test pixels",
        data="the large-init member of fp-fig2's ensemble (scikit-image camera image)",
        draw=lambda t, p: figures.large_init_image(t, p["member"], p["row"]),
        check=claims.fp_fig4,
    ),
    "fp-fig5": Figure(
        claim="peaks of the second image's row converge from low to high frequency",
        data="scikit-image astronaut image (grey), smaller network and fewer steps at quick scale",
        draw=lambda t, p: figures.image_convergence(t, p["member"], p["row"], p["spectrum_step"]),
        check=claims.fp_fig5,
    ),
    "fp-fig6": Figure(
        claim="for a high-frequency-dominant target Δ_F oscillates and decays; low frequencies converge early",
        data="the flipped-DFT ramp on 40 points, fewer steps at quick scale",
        draw=lambda t, p: figures.high_frequency_target(t),
        check=claims.fp_fig6,
    ),
    "fp-fig7": Figure(
        claim="the F-Principle holds while the spectral norms of the weights barely move",
        data="quick: 512×6-320-100 (paper: 800×6-500-100), 800 Adam steps at lr 4e-5 (paper: 2e-6); at 256×6-160-32 "
        "every layer's norm moved 3–21 %",
        draw=lambda t, p: figures.wide_network(t),
        check=claims.fp_fig7,
    ),
}
