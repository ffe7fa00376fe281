"""Paper claims checked from the figures' own Parquet tables: what all papers' checks share.

Every figure's check (``netspectra.papers.<paper>.claims``, listed in that paper's catalogue) takes the figure
rule's Parquet inputs as ``{input name: DataFrame}`` (a list of files under one name is concatenated) and the
figure rule's params, and returns one row per claim it checks: ``claim`` (what the paper says; None = the
figure's claim from its catalogue), ``statistic`` (what ``value`` measures, in words), ``value``,
``comparison`` and ``threshold`` (the claim holds when ``value <comparison> threshold``), ``holds`` and a
``note``. A statistic that cannot be computed from the data at hand (e.g. a correlation over depth when the
scale has a single depth) is NaN and then ``holds`` is NA: nothing is forced or hidden.

Rank correlations are Spearman's ρ; "increasing" means ρ > 0.5 (at most one adjacent swap among four points).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
Row = dict[str, object]

INCREASING = 0.5  # Spearman ρ above which a quantity counts as increasing (below −0.5: decreasing)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}
COLUMNS = ["figure", "paper", "claim", "statistic", "value", "comparison", "threshold", "holds", "note"]


def check(claim: str | None, statistic: str, value: float, comparison: str, threshold: float, note: str = "") -> Row:
    """One claims row; ``holds`` is NA when ``value`` is NaN (the statistic cannot be computed here)."""
    value = float(value) if value is not None else math.nan
    holds = pd.NA if not math.isfinite(value) else bool(_OPS[comparison](value, threshold))
    if holds is pd.NA and not note:
        note = ("statistic not computable from this data (e.g. one grid value or run at this scale, or a "
                "quantity that never changes, such as a frequency that is never learnt)")
    return {"claim": claim, "statistic": statistic, "value": value, "comparison": comparison,
            "threshold": float(threshold), "holds": holds, "note": note}


def not_evaluated(reason: str) -> Row:
    """The row of a figure whose claim was not checked: holds NA and the reason."""
    return {"claim": None, "statistic": "not evaluated", "value": math.nan, "comparison": "",
            "threshold": math.nan, "holds": pd.NA, "note": reason}


def spearman(x: Sequence, y: Sequence) -> float:
    """Spearman's ρ; NaN when either side has fewer than two distinct finite values."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) < 2 or len(np.unique(x)) < 2 or len(np.unique(y)) < 2:
        return math.nan
    from scipy import stats  # here, not at the top: scipy.stats takes ~1 s to import and figure jobs never need it

    return float(stats.spearmanr(x, y).statistic)


def per(values: pd.Series | dict, what: str = "") -> str:
    """A note listing the per-group values behind a min/max/order statistic, e.g. "per activation: relu 0.8, …"."""
    items = values.items() if isinstance(values, dict) else values.to_dict().items()

    def name(key):
        return ", ".join(map(str, key)) if isinstance(key, tuple) else str(key)

    return (f"per {what}: " if what else "") + "; ".join(f"{name(k)} {v:.3g}" for k, v in items)


def order_margin(values: dict, expected: Sequence[str]) -> float:
    """Smallest ``values[a] − values[b]`` over adjacent pairs of ``expected`` (largest first) that are present.

    Positive when the present entries are in the expected descending order; NaN when fewer than two are present.
    """
    present = [e for e in expected if e in values and np.isfinite(values[e])]
    if len(present) < 2:
        return math.nan
    return float(min(values[a] - values[b] for a, b in zip(present, present[1:])))


def first_step_reaching(curves: pd.DataFrame, by: Sequence[str], value: str, level: float) -> pd.Series:
    """First step at which the mean curve of ``value`` (over runs) reaches ``level``, per group (``inf`` if never)."""
    mean = curves.groupby(list(by) + ["step"], dropna=False)[value].mean().reset_index()

    def first(g):
        hit = g.loc[g[value] >= level, "step"]
        return float(hit.min()) if len(hit) else math.inf

    return mean.groupby(list(by), dropna=False)[[value, "step"]].apply(first)


def last_rows(df: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Rows at the last step of each group."""
    last = df.groupby(list(by), dropna=False).step.transform("max")
    return df[df.step == last]


def claims_table(rows: list[Row], scale: str) -> pd.DataFrame:
    """Rows in the ``claims`` schema order, ``holds`` as a nullable boolean, plus the scale."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["holds"] = df["holds"].astype("boolean")
    df["value"] = df["value"].astype(float)
    df["threshold"] = df["threshold"].astype(float)
    df["scale"] = scale
    return df


_HOLDS_STYLE = {True: ("holds", "#d9f2d9"), False: ("does not hold", "#f8d7d7")}
_NA_STYLE = ("undecided", "#eeeeee")  # not evaluated, or the statistic is NaN: the note says why


def _format_value(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:.3g}"


def to_html(table: pd.DataFrame, title: str) -> str:
    """A self-contained HTML page of the claims table, one section per paper, rows coloured by ``holds``."""
    from html import escape

    counts = table.holds.value_counts(dropna=False)
    summary = (f"{int(counts.get(True, 0))} hold, {int(counts.get(False, 0))} do not hold, "
               f"{int(table.holds.isna().sum())} undecided, of {len(table)} checks on "
               f"{table.figure.nunique()} figures")
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>"
             "body{font-family:sans-serif;font-size:13px;margin:1em}table{border-collapse:collapse;width:100%}"
             "th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
             "th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}td.id{white-space:nowrap}"
             "</style></head><body>",
             f"<h2>{escape(title)}</h2><p>{escape(summary)}.</p>"]
    for paper, rows in table.groupby("paper", sort=False):
        parts.append(f"<h3>{escape(paper)}</h3><table><tr><th>figure</th><th>claim</th><th>statistic</th>"
                     "<th>value</th><th>test</th><th>result</th><th>note</th></tr>")
        for r in rows.itertuples():
            label, colour = _NA_STYLE if pd.isna(r.holds) else _HOLDS_STYLE[bool(r.holds)]
            test = "" if not r.comparison else f"{r.comparison} {_format_value(r.threshold)}"
            parts.append(f"<tr style='background:{colour}'><td class='id'>{escape(r.figure)}</td>"
                         f"<td>{escape(r.claim)}</td><td>{escape(r.statistic)}</td>"
                         f"<td class='num'>{_format_value(r.value)}</td>"
                         f"<td class='num'>{escape(test)}</td><td>{label}</td><td>{escape(r.note)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
