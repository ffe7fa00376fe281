"""Ringing ReLUs (ICLR 2021): every figure id with its claim, data note, drawing and check.

Rules: workflow/rules/rr_chebyshev.smk (chebyshev), rr_paths.smk (sample_paths -> spectra -> fits of the path
experiments under config rr.paths), rr_figures.smk (rr-fig2/18/19, 3, 5, 16), rr_weightspace.smk (rr-fig1, 4, 6,
7, 12, 13, 14, 15, 17 and their own sampling rules), rr_training.smk (rr_train; rr-fig8/10, 9, 11). Code:
experiments.py (rr-fig1 transition paths, rr-fig15 one layer at a time), branch_correlation.py (rr-fig6),
chebyshev.py (rr-fig2/18/19), image_batch.py (the image batch of a weight-space job), tables.py (views shared
by figures and checks), figures/, claims.py.
"""

from netspectra.papers import Figure, lazy_module

from . import claims

figures = lazy_module(f"{__package__}.figures")  # drawing code (matplotlib) loads with the first draw

TITLE = "Ringing ReLUs (ICLR 2021)"
DIGITS = "scikit-learn digits stand in for CIFAR-10 without data_dir"  # data note of the training experiments
# data note of the weight-space paths: not grey digits copied into three channels, on which a delta-orthogonal
# stem has rank 1
PATCHES = "colour 32×32 tiles of scikit-learn's sample photographs stand in for CIFAR-10 without data_dir"

FIGURES = {
    "rr-fig1": Figure(
        claim="harmonics appear as the LeakyReLU slope goes to 0 and are damped as the residual weight ν goes to 1",
        data=(
            "the loss path (and a last-layer path) of a LeakyReLU ResNet56 v2 at init over a slope × ν grid; quick: "
            f"16×16 inputs, a 5×5 grid, 3 directions (paper: CIFAR-10, one direction); {PATCHES}"
        ),
        draw=lambda t, p: {
            "a": figures.transition_regimes(t["input"], p["estimator"]),
            "b": figures.transition_grid(t["input"], p["estimator"]),
        },
        check=claims.rr_fig1,
    ),
    "rr-fig2": Figure(
        claim="Chebyshev coefficients decay fastest for softplus, then tanh, then ReLU",
        data="Chebyshev coefficients (degree 25) of the activations on [-5, 5] and [-1, 1], the same at every scale",
        draw=lambda t, p: figures.chebyshev_coefficients(t["input"], p["activations"]),
        check=claims.rr_fig2,
    ),
    "rr-fig18": Figure(
        claim="the Chebyshev interpolants approximate softplus best, then tanh, then ReLU",
        data="degree-25 Chebyshev interpolants of nine activations on [-5, 5], the same at every scale",
        draw=lambda t, p: figures.chebyshev_approximations(t["input"], p["interval"]),
        check=claims.rr_fig18,
    ),
    "rr-fig19": Figure(
        claim="activations with a kink keep larger high-order Chebyshev coefficients than smooth ones",
        data="Chebyshev coefficients (degree 25) of nine activations on [-5, 5], the same at every scale",
        draw=lambda t, p: figures.chebyshev_coefficients(t["input"], interval=p["interval"]),
        check=claims.rr_fig19,
    ),
    "rr-fig3": Figure(
        claim="the spectral bump travels to higher k with depth; ReLU > tanh > softplus; shortcuts keep ~1/k",
        data=f"per-layer spectra of Toy-CNN 50 at init, radius 10; quick: fewer images and paths per layer; {PATCHES}",
        draw=lambda t, p: figures.direction_panels(t),
        check=claims.rr_fig3,
    ),
    "rr-fig4": Figure(
        claim="nonlinear networks without shortcuts blueshift most; linear ones not; shortcuts damp it",
        data=(
            "the loss path of median h per network (a; b: a last-layer path), ResNet56 v1 linear/ReLU/tanh/softplus "
            f"× shortcut; quick: 16×16 inputs, 15 directions (paper: CIFAR-10, 500); {PATCHES}"
        ),
        draw=lambda t, p: figures.loss_and_last_median_paths(t["paths"], t["fits"], t["spectra"],
                                                             col_order=p["activations"]),
        check=claims.rr_fig4,
    ),
    "rr-fig5": Figure(
        claim="h of the loss path falls with depth without shortcuts; shortcuts keep it high",
        data=(
            "h of the loss path (and the last layer) against depth of Toy-CNNs (also delta-orthogonal init); quick: "
            f"depths 2–80, 4 inits × 4 directions (paper: 50 × 20); {PATCHES}"
        ),
        draw=lambda t, p: figures.h_versus_depth(t["fits"]),
        check=claims.rr_fig5,
    ),
    "rr-fig16": Figure(
        claim="h of the loss path falls with depth without shortcuts; shortcuts keep it high (MNIST)",
        data=(
            "h of the loss path (and the last layer) against depth of Toy-CNNs on MNIST; quick: depths 2–80, 4 inits "
            "× 4 directions, batch 4 (paper: 50 × 20, batch 256), scikit-learn digits for MNIST without data_dir"
        ),
        draw=lambda t, p: figures.h_versus_depth(t["fits"]),
        check=claims.rr_fig16,
    ),
    "rr-fig6": Figure(
        claim="branch correlation decays with frequency, most for ReLU, then tanh, then softplus",
        data=(
            "band correlation of the skip and residual summands of ResNet56 v2 blocks, radius 10; quick: 16×16 inputs, "
            f"3 directions (paper: CIFAR-10, 50); {PATCHES}"
        ),
        draw=lambda t, p: figures.branch_correlation(
            t["input"], p["activations"], p["n_points"], p["n_bins"], p["band_width"], p["detrend"], p["window"]
        ),
        check=claims.rr_fig6,
    ),
    "rr-fig7": Figure(
        claim="ResNet v2 damps high frequencies more than v1",
        data=(
            "last-layer spectra of ResNet v1 and v2 by both estimators; quick: ResNet56 on 16×16 inputs, 3 directions "
            f"(paper: ResNet194 on CIFAR-10); {PATCHES}"
        ),
        draw=lambda t, p: figures.last_layer_spectra(t["input"], p["ylabel"], hue=p["hue"],
                                                     ylabel_detrended=p["ylabel_detrended"]),
        check=claims.rr_fig7,
    ),
    "rr-fig8": Figure(
        claim="the averaging network beats NoShort and Wide NoShort but not the ResNet with shortcuts",
        data=(
            "training curves of NoShort, averaging, Wide NoShort and ResNet; quick: ResNet20 on 8×8 inputs without "
            f"crops, 5 runs, 6 epochs (paper: ResNet56, CIFAR-10); {DIGITS}"
        ),
        draw=lambda t, p: figures.training_curves(t["input"], "rr-fig8", p["scale"]),
        check=claims.rr_fig8,
    ),
    "rr-fig10": Figure(
        claim="the averaging network beats NoShort and Wide NoShort but not the ResNet (CIFAR-100)",
        data="rr-fig8 on CIFAR-100; paper scale only (disabled in the quick config)",
        draw=lambda t, p: figures.training_curves(t["input"], "rr-fig10", p["scale"]),
        check=claims.rr_fig10,
    ),
    "rr-fig9": Figure(
        claim="without shortcuts accuracy falls with depth where h at init is low",
        data=(
            "training accuracy and h at init over depth × LeakyReLU slope (grid our choice); quick: depths 8–56, 3 "
            f"slopes, 8×8 inputs, 4 epochs; {DIGITS}; h at init on {PATCHES.split(' stand in')[0]}"
        ),
        draw=lambda t, p: figures.trainability(t["metrics"], t["fits"], p["n_last_logged"], p["scale"]),
        check=claims.rr_fig9,
    ),
    "rr-fig11": Figure(
        claim="the blueshift persists during training, weaker",
        data=(
            "rr-fig3 spectra of Toy-CNN 50 at epoch 0 and after training, radius 0.2 (a) and 2 (b) × the weights' "
            f"norm; quick: 4 epochs (paper: 20); {DIGITS}"
        ),
        draw=lambda t, p: figures.during_training(t, p["panels"], p["scale"]),
        check=claims.rr_fig11,
    ),
    "rr-fig12": Figure(
        claim="no blueshift very near init (tanh, delta-orthogonal); it returns further out",
        data=(
            "per-layer spectra of a tanh Toy-CNN 50 with delta-orthogonal init at radii 0.01–10; quick: 2 directions; "
            f"{PATCHES}"
        ),
        draw=lambda t, p: figures.layer_spectra(t["input"], p["ylabel"], col=p["col"], row=p["row"]),
        check=claims.rr_fig12,
    ),
    "rr-fig13": Figure(
        claim="along the normalised gradient the blueshift is visible, damped",
        data=(
            "per-layer spectra of Toy-CNN 50 along the normalised gradient, radius 10; quick: 2 inits, fewer paths "
            f"per layer; {PATCHES}"
        ),
        draw=lambda t, p: figures.layer_spectra(t["input"], p["ylabel"], col=p["col"], row=p["row"]),
        check=claims.rr_fig13,
    ),
    "rr-fig14": Figure(
        claim="the layer width has little effect on the spectra",
        data=f"per-layer spectra of Toy-CNN 50 for several widths, radius 10; quick: widths 8–32, ReLU only; {PATCHES}",
        draw=lambda t, p: figures.layer_spectra(t["input"], p["ylabel"], col=p["col"], row=p["row"]),
        check=claims.rr_fig14,
    ),
    "rr-fig15": Figure(
        claim="moving an earlier layer gives a rougher path",
        data=(
            "last-layer paths and spectra of a ReLU Toy-CNN 50 when one layer moves (radius 1 on that layer); quick: "
            f"every 5th layer; {PATCHES}"
        ),
        draw=lambda t, p: figures.layerwise(t["paths"], t["spectra"], p["ylabel"]),
        check=claims.rr_fig15,
    ),
    "rr-fig17": Figure(
        claim="every nonlinearity blueshifts",
        data=(
            "per-layer spectra of Toy-CNN 50 for ELU, GELU, HardTanh, LeakyReLU, SELU and sigmoid, radius 10; quick: "
            f"no shortcut only; {PATCHES}"
        ),
        draw=lambda t, p: figures.layer_spectra(t["input"], p["ylabel"], col=p["col"], row=p["row"]),
        check=claims.rr_fig17,
    ),
}
