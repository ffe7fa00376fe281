"""Ringing ReLUs: every figure id with its claim, data note, drawing and check."""

from netspectra.papers import Figure

from . import claims

TITLE = "Ringing ReLUs (ICLR 2021)"

FIGURES = {
    "rr-fig1": Figure(
        claim="harmonics appear as the LeakyReLU slope goes to 0 and are damped as the residual weight ν goes to 1",
        data="TODO",
        draw=None,
        check=claims.rr_fig1,
    ),
    "rr-fig2": Figure(
        claim="Chebyshev coefficients decay fastest for softplus, then tanh, then ReLU",
        data="TODO",
        draw=None,
        check=claims.rr_fig2,
    ),
    "rr-fig18": Figure(
        claim="the Chebyshev interpolants approximate softplus best, then tanh, then ReLU",
        data="TODO",
        draw=None,
        check=claims.rr_fig18,
    ),
    "rr-fig19": Figure(
        claim="activations with a kink keep larger high-order Chebyshev coefficients than smooth ones",
        data="TODO",
        draw=None,
        check=claims.rr_fig19,
    ),
    "rr-fig3": Figure(
        claim="the spectral bump travels to higher k with depth; ReLU > tanh > softplus; shortcuts keep ~1/k",
        data="TODO",
        draw=None,
        check=claims.rr_fig3,
    ),
    "rr-fig4": Figure(
        claim="nonlinear networks without shortcuts blueshift most; linear ones not; shortcuts damp it",
        data="TODO",
        draw=None,
        check=claims.rr_fig4,
    ),
    "rr-fig5": Figure(
        claim="h of the last layer falls with depth without shortcuts; shortcuts keep it high",
        data="TODO",
        draw=None,
        check=claims.rr_fig5,
    ),
    "rr-fig16": Figure(
        claim="h of the last layer falls with depth without shortcuts; shortcuts keep it high (MNIST)",
        data="TODO",
        draw=None,
        check=claims.rr_fig16,
    ),
    "rr-fig6": Figure(
        claim="branch correlation decays with frequency, most for ReLU, then tanh, then softplus",
        data="TODO",
        draw=None,
        check=claims.rr_fig6,
    ),
    "rr-fig7": Figure(
        claim="ResNet v2 damps high frequencies more than v1",
        data="TODO",
        draw=None,
        check=claims.rr_fig7,
    ),
    "rr-fig8": Figure(
        claim="the averaging network beats NoShort and Wide NoShort but not the ResNet with shortcuts",
        data="TODO",
        draw=None,
        check=claims.rr_fig8,
    ),
    "rr-fig10": Figure(
        claim="the averaging network beats NoShort and Wide NoShort but not the ResNet (CIFAR-100)",
        data="TODO",
        draw=None,
        check=claims.rr_fig10,
    ),
    "rr-fig9": Figure(
        claim="without shortcuts accuracy falls with depth where h at init is low",
        data="TODO",
        draw=None,
        check=claims.rr_fig9,
    ),
    "rr-fig11": Figure(
        claim="the blueshift persists during training, weaker",
        data="TODO",
        draw=None,
        check=claims.rr_fig11,
    ),
    "rr-fig12": Figure(
        claim="no blueshift very near init (tanh, delta-orthogonal); it returns further out",
        data="TODO",
        draw=None,
        check=claims.rr_fig12,
    ),
    "rr-fig13": Figure(
        claim="along the normalised gradient the blueshift is visible, damped",
        data="TODO",
        draw=None,
        check=claims.rr_fig13,
    ),
    "rr-fig14": Figure(
        claim="the layer width has little effect on the spectra",
        data="TODO",
        draw=None,
        check=claims.rr_fig14,
    ),
    "rr-fig15": Figure(
        claim="moving an earlier layer gives a rougher path",
        data="TODO",
        draw=None,
        check=claims.rr_fig15,
    ),
    "rr-fig17": Figure(
        claim="every nonlinearity blueshifts",
        data="TODO",
        draw=None,
        check=claims.rr_fig17,
    ),
}
