"""Claim checks: the shared comparison and table, and every figure id with its claim and check in a catalogue."""

import math

import pandas as pd

from netspectra import claims, papers, schemas


def test_every_figure_id_has_a_claim_a_drawing_and_a_check():
    ids = papers.figure_ids()
    assert len(ids) == len(set(ids)) == 40
    for fig_id in ids:
        fig = papers.figure(fig_id)
        assert fig.claim and fig.data and callable(fig.draw) and callable(fig.check), fig_id
        assert papers.title(fig_id)


def test_check_compares_and_leaves_nan_undecided():
    assert claims.check("c", "s", 0.7, ">", 0.5)["holds"] is True
    assert claims.check("c", "s", 0.3, ">", 0.5)["holds"] is False
    assert claims.check("c", "s", -1.0, "<", -0.5)["holds"] is True
    row = claims.check("c", "s", math.nan, ">", 0.5)
    assert row["holds"] is pd.NA and row["note"]


def test_order_margin_is_positive_only_in_the_expected_order():
    assert claims.order_margin({"a": 3, "b": 2, "c": 0}, ["a", "b", "c"]) == 1
    assert claims.order_margin({"a": 3, "b": 4, "c": 0}, ["a", "b", "c"]) == -1
    assert claims.order_margin({"a": 3, "c": 0}, ["a", "b", "c"]) == 3  # absent entries are skipped
    assert math.isnan(claims.order_margin({"a": 3}, ["a", "b"]))


def test_table_matches_its_schema_and_renders():
    psnr = pd.DataFrame({"image": "a", "kind": "natural", "mapping": ["none", "basic", "positional", "gaussian"],
                         "test_psnr": [10.0, 14.0, 18.0, 22.0]})
    rows = papers.evaluate("ff-fig1", {"psnr": psnr})
    rows.append(papers.not_evaluated("rr-fig10", "disabled at this scale"))
    table = claims.claims_table(rows, "quick")
    schemas.check(table, "claims")
    assert table.holds.tolist()[0] is True and table.holds.isna().tolist() == [False, True]
    page = claims.to_html(table, "claims")
    assert "ff-fig1" in page and "rr-fig10" in page and "disabled at this scale" in page
    assert page.count("<tr") == 1 + 1 + 2  # a header per paper + two rows
    assert table.claim.tolist()[1] == papers.figure("rr-fig10").claim
