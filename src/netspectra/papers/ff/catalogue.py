"""Fourier Features: every figure id with its claim, data note, drawing and check."""

from netspectra.papers import Figure

from . import claims

TITLE = "Fourier Features Let Networks Learn High Frequency Functions in Low Dimensional Domains"

FIGURES = {
    "ff-fig1": Figure(
        claim="test PSNR: Gaussian ≥ positional encoding > basic > no mapping",
        data="TODO",
        draw=None,
        check=claims.ff_fig1,
    ),
    "ff-fig2": Figure(
        claim="a lower exponent p gives a wider NTK spectrum",
        data="TODO",
        draw=None,
        check=claims.ff_fig2,
    ),
    "ff-fig3": Figure(
        claim="a wider spectrum fits high frequencies faster; too wide overfits",
        data="TODO",
        draw=None,
        check=claims.ff_fig3,
    ),
    "ff-fig4": Figure(
        claim="every frequency distribution traces one curve: under-fit at low std, over-fit at high std",
        data="TODO",
        draw=None,
        check=claims.ff_fig4,
    ),
}
