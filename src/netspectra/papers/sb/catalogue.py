"""On the Spectral Bias of Neural Networks (Rahaman et al. 2019): every figure id with its claim, data note,
drawing and check.

Rules: workflow/rules/sb.smk (training rules sb_train_sines (sb-fig1, sb-fig6), sb_train_robustness (sb-fig5),
sb_train_manifold (sb-fig3), sb_train_classification_grid (sb-fig4), sb_train_decision_maps and sb_knn (sb-fig2,
sb-fig10), sb_train_noise_regression (sb-fig7), sb_train_path_classifier and sb_input_paths (sb-fig8/9), then
one figure rule per figure, sb_fig8_9 for both path figures). Code: experiments.py (Exp. 1–4 as batched
ensembles), manifolds.py (grid, flower manifolds γ_L, targets), readout.py (spectra in input space), knn.py,
noise_regression.py (denoising autoencoder vs flat manifold), input_paths.py (NEB paths, adversarials),
figures.py, claims.py.
"""

from netspectra.papers import Figure

from . import claims, figures

TITLE = "On the Spectral Bias of Neural Networks"

FIGURES = {
    "sb-fig1": Figure(
        claim="low frequencies are learnt first, whatever their amplitudes; spectral norms grow during training",
        data="sine mixtures of k = 5, 10, …, 50 on 200 points; 2 runs of random phases, 3000 Adam steps at learning "
        "rate 1e-3 (paper config: 10 runs, 80 000 steps at 3e-4) at quick scale",
        draw=lambda t, p: figures.amplitude_panels(
            t["spectrum"], t["norms"], p["settings"], p["panels"], scale=p["scale"]
        ),
        check=claims.sb_fig1,
    ),
    "sb-fig6": Figure(
        claim="the network learns the coarse shape of the target first",
        data="snapshots of every run of sb-fig1's first amplitude setting (the figure shows the first run); 3000 steps "
        "(paper config: 80 000) at quick scale",
        draw=lambda t, p: figures.function_snapshots(t["snapshots"], scale=p["scale"], setting=p["setting"]),
        check=claims.sb_fig6,
    ),
    "sb-fig3": Figure(
        claim="on manifolds with more petals L the high frequencies are learnt faster",
        data="flower manifolds L = 0, 4, 10, 16 on 200 points with k = 5, …, 50 (paper: 1000 points, k = 20, …, 200, "
        "the same k/N); 2 runs and 1000 steps (paper config: 10 runs, 50 000 steps) at quick scale",
        draw=lambda t, p: figures.manifold_spectra(t["spectrum"], t["loss"], scale=p["scale"]),
        check=claims.sb_fig3,
    ),
    "sb-fig4": Figure(
        claim="classification accuracy on γ_L rises with L",
        data="binarised sines k = 20, 40, 60 on γ_L, L = 0, 5, …, 20, 200 points, 1 run of 800 steps (paper: 1000 "
        "points, k = 50, …, 400, L = 0, 2, …, 20, 10 000 steps) at quick scale",
        draw=lambda t, p: figures.classification_accuracy(t["accuracy"], scale=p["scale"]),
        check=claims.sb_fig4,
    ),
    "sb-fig2": Figure(
        claim="two identically trained networks both fit the manifold and differ off it",
        data="two seeds on the binarised sine k = 40 on γ_20 with 200 points, 1500 steps, a 128² grid (paper: k = 200 "
        "on 1000 points, 10 000 steps, 512²); at quick scale one seed fits only ~80 % of the points",
        draw=lambda t, p: figures.decision_maps(
            t["maps"], t["data"], t["accuracy"], scale=p["scale"], k=p["k"], n_petals=p["n_petals"]
        ),
        check=claims.sb_fig2,
    ),
    "sb-fig5": Figure(
        claim="high-frequency components are the first to decay under parameter perturbations",
        data="k = 5, …, 30, 2 trained models, 20 random directions, 26 perturbation sizes, 3000 steps (paper config: "
        "k = 10, …, 50, 5 models, 100 directions and sizes, 80 000 steps) at quick scale",
        draw=lambda t, p: figures.perturbation_robustness(t["robustness"], scale=p["scale"]),
        check=claims.sb_fig5,
    ),
    "sb-fig7": Figure(
        claim="white noise is easier to fit on the curved (autoencoder) manifold than on a flat one",
        data="quick: scikit-learn digits 3 vs 8 (8-d autoencoder code in 64-d), 3 runs of 1000 steps; paper config: "
        "MNIST (64-d code in 784-d) from data_dir, 10 runs; on digits the flat manifold is the easier one, against the "
        "paper",
        draw=lambda t, p: figures.noise_regression_losses(
            t["loss"], scale=p["scale"], source=str(t["loss"]["source"].iloc[0])
        ),
        check=claims.sb_fig7,
    ),
    "sb-fig8": Figure(
        claim="no path between adversarial examples of one class crosses a decision boundary; paths are short",
        data="quick: scikit-learn digits with a ResNet8, 4 training images and 4 adversarials per class; paper config: "
        "CIFAR-10 with a ResNet20, 50 of each; at quick scale a few paths cross a boundary",
        draw=lambda t, p: figures.input_paths(
            t["stats"], t["images"], t["metrics"], "adversarial-adversarial", scale=p["scale"]
        ),
        check=claims.sb_fig8,
    ),
    "sb-fig9": Figure(
        claim="no path from a training image to an adversarial example of its class crosses a decision boundary",
        data="the paths of sb-fig8 from training images to adversarials (quick: digits, ResNet8; paper config: "
        "CIFAR-10, ResNet20)",
        draw=lambda t, p: figures.input_paths(
            t["stats"], t["images"], t["metrics"], "train-adversarial", scale=p["scale"]
        ),
        check=claims.sb_fig9,
    ),
    "sb-fig10": Figure(
        claim="the DNN's probability map has a faster-decaying spectrum than every KNN's",
        data="KNN with K = 1, 3, 5, 10 on binarised sines k = 10, …, 70 on γ_L, L = 0, 4, …, 20, 200 points; the DNN "
        "maps of sb-fig2's networks (paper: 1000 points, k = 50, …, 400, the DNN at k = 150) at quick scale",
        draw=lambda t, p: figures.knn_spectra(t["accuracy"], t["radial"], scale=p["scale"], evaluation=p["evaluation"]),
        check=claims.sb_fig10,
    ),
}
