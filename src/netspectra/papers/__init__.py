"""The four papers' code, one package each, indexed by figure id in the package's ``catalogue``.

Every paper package has the same shape: ``catalogue.py`` (``TITLE`` and ``FIGURES``: figure id -> :class:`Figure`),
``experiments.py`` (what its rules compute), ``figures.py`` (drawing), ``claims.py`` (claim checks), plus the
paper's own helpers under names that say what they hold. The generic engine (``netspectra.*`` outside this
package) never imports a paper.

From a figure id to its code: ``netspectra.papers.figure("rr-fig5")`` holds the claim, the caption's data
note, the draw function and the claim check; ``grep -rn rr-fig5 workflow/`` finds its rule.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import pandas as pd

PREFIXES = ("rr", "sb", "fp", "ff")  # the papers, in the order of the experiment catalogue


@dataclass(frozen=True)
class Figure:
    """One figure of a paper.

    ``draw(tables, params)`` returns ``{panel suffix: matplotlib Figure}`` (``""`` for a figure of one panel);
    ``check(tables, params)`` returns claims rows (:func:`netspectra.claims.check`). ``tables`` maps the figure
    rule's Parquet input names to DataFrames (:func:`netspectra.io.read_tables`), ``params`` is the rule's params.
    """

    claim: str  # the paper's claim, in words
    data: str  # the caption's note on data and scale (what the quick scale changes)
    draw: Callable[[dict[str, pd.DataFrame], dict], dict]
    check: Callable[[dict[str, pd.DataFrame], dict], list[dict]]


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed on its first attribute access (importlib's LazyLoader). The catalogues load
    their figure code this way: every Snakemake start reads the catalogues, and needs no matplotlib (~0.5 s)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def paper(prefix: str) -> ModuleType:
    """The catalogue module of a paper (``rr``, ``sb``, ``fp`` or ``ff``)."""
    if prefix not in PREFIXES:
        raise KeyError(f"unknown paper {prefix!r}; known: {', '.join(PREFIXES)}")
    return importlib.import_module(f"netspectra.papers.{prefix}.catalogue")


def figure_ids() -> tuple[str, ...]:
    """Every figure id of the experiment catalogue, paper by paper, in each catalogue's order."""
    return tuple(fig_id for prefix in PREFIXES for fig_id in paper(prefix).FIGURES)


def figure(fig_id: str) -> Figure:
    catalogue = paper(fig_id.split("-")[0]).FIGURES
    if fig_id not in catalogue:
        raise KeyError(f"unknown figure id {fig_id!r}; known: {', '.join(figure_ids())}")
    return catalogue[fig_id]


def title(fig_id: str) -> str:
    """The title of the paper a figure belongs to."""
    return paper(fig_id.split("-")[0]).TITLE


def evaluate(fig_id: str, tables: dict[str, pd.DataFrame], params: dict | None = None) -> list[dict]:
    """The claims rows of one figure, with its id, paper and (where a row gives none) the figure's claim."""
    fig = figure(fig_id)
    return [{"figure": fig_id, "paper": title(fig_id)} | row | {"claim": row["claim"] or fig.claim}
            for row in fig.check(tables, params or {})]


def not_evaluated(fig_id: str, reason: str) -> dict:
    from netspectra.claims import not_evaluated as row

    return {"figure": fig_id, "paper": title(fig_id)} | row(reason) | {"claim": figure(fig_id).claim}


def draw(fig_id: str, tables: dict[str, pd.DataFrame], params: dict) -> dict:
    """``{panel suffix: matplotlib Figure}`` of a figure."""
    drawn = figure(fig_id).draw(tables, params)
    return drawn if isinstance(drawn, dict) else {"": drawn}
