"""On the Spectral Bias of Neural Networks: every figure id with its claim, data note, drawing and check."""

from netspectra.papers import Figure

from . import claims

TITLE = "On the Spectral Bias of Neural Networks"

FIGURES = {
    "sb-fig1": Figure(
        claim="low frequencies are learnt first, whatever their amplitudes; spectral norms grow during training",
        data="TODO",
        draw=None,
        check=claims.sb_fig1,
    ),
    "sb-fig6": Figure(
        claim="the network learns the coarse shape of the target first",
        data="TODO",
        draw=None,
        check=claims.sb_fig6,
    ),
    "sb-fig3": Figure(
        claim="on manifolds with more petals L the high frequencies are learnt faster",
        data="TODO",
        draw=None,
        check=claims.sb_fig3,
    ),
    "sb-fig4": Figure(
        claim="classification accuracy on γ_L rises with L",
        data="TODO",
        draw=None,
        check=claims.sb_fig4,
    ),
    "sb-fig2": Figure(
        claim="two identically trained networks both fit the manifold and differ off it",
        data="TODO",
        draw=None,
        check=claims.sb_fig2,
    ),
    "sb-fig5": Figure(
        claim="high-frequency components are the first to decay under parameter perturbations",
        data="TODO",
        draw=None,
        check=claims.sb_fig5,
    ),
    "sb-fig7": Figure(
        claim="white noise is easier to fit on the curved (autoencoder) manifold than on a flat one",
        data="TODO",
        draw=None,
        check=claims.sb_fig7,
    ),
    "sb-fig8": Figure(
        claim="no path between adversarial examples of one class crosses a decision boundary; paths are short",
        data="TODO",
        draw=None,
        check=claims.sb_fig8,
    ),
    "sb-fig9": Figure(
        claim="no path from a training image to an adversarial example of its class crosses a decision boundary",
        data="TODO",
        draw=None,
        check=claims.sb_fig9,
    ),
    "sb-fig10": Figure(
        claim="the DNN's probability map has a faster-decaying spectrum than every KNN's",
        data="TODO",
        draw=None,
        check=claims.sb_fig10,
    ),
}
