"""The fast paths of the checks: rows read from cached columns, registry-first values computed
once, the typo spellings of unit_keys and the unit cores. Each is compared with the plain
way of computing the same thing on frames that hold every kind of missing value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

import reconcile.checks.context as context
from reconcile.checks.context import CheckContext, build_view, first_text, present, unit_keys
from reconcile.checks.registry_mismatch import _division_names, unit_core
from reconcile.config import Config

MISSING = ["", None, np.nan, pd.NA]


def _view(rows: int = 24) -> pd.DataFrame:
    """An account view whose registry and crawled fields cycle through values and missing ones."""
    rng = np.random.default_rng(7)
    data: dict[str, list] = {}
    for p in ("n", "p", "c"):
        for f in ("platform", "name", "owner", "account_type"):
            choices = [f"{p}{f}{i}" for i in range(3)] + MISSING
            data[f"{p}_{f}"] = [choices[k] for k in rng.integers(0, len(choices), rows)]
        data[f"{p}_row"] = [int(r) if r % 3 else pd.NA for r in rng.integers(2, 500, rows)]
    data["c_name"][0] = 12345          # a value that is not text is shown as text
    data["c"] = pd.array([i % 2 if i % 4 else pd.NA for i in range(rows)], dtype="Int64")
    data["region_label"] = ["市直"] * rows
    return pd.DataFrame(data, index=pd.RangeIndex(rows))


def _ctx(view: pd.DataFrame, **kw) -> CheckContext:
    return CheckContext(view=view, config=Config(), files={"national": "n.xlsx", "provincial": "p.xlsx",
                                                           "crawled": "c.csv"},
                        crawled_platforms=frozenset(), **kw)


@pytest.mark.parametrize("crawled_files", [(), ("a.csv", "b.csv")])
@pytest.mark.parametrize("prefer", [("n", "p", "c"), ("c",), ("p", "n", "p", "c")])
def test_row_reads_the_same_finding_as_the_row_series(prefer, crawled_files):
    view = _view()
    ctx = _ctx(view, crawled_files=crawled_files)
    rows = list(ctx.rows(np.ones(len(view), dtype=bool)))
    assert [r.name for r in rows] == view.index.tolist()
    for row in rows:
        series = view.loc[row.name]
        fast = ctx.finding("stale", row, "x", ctx.refs(row), prefer=prefer)
        plain = ctx.finding("stale", series, "x", ctx.refs(series), prefer=prefer)
        assert fast == plain
        assert fast.account == plain.account == row.name
        assert ctx.row(row.name).get("n_name") is series.get("n_name")
        assert row.get("no_such_column", "d") == series.get("no_such_column", "d") == "d"


def test_rows_follow_the_mask_and_positions():
    view = _view().set_index(pd.Index(range(100, 124)))   # labels are not positions
    ctx = _ctx(view)
    mask = view["n_name"].isin(["nname1", "nname2"])
    assert [r.name for r in ctx.rows(mask)] == view.index[mask.to_numpy()].tolist()
    assert [r.name for r in ctx.rows_at([5, 1])] == [105, 101]
    assert ctx.row(107).position == 7 and ctx.row_at(7).name == 107


def test_first_text_and_present_treat_every_missing_value_alike():
    view = _view(60)
    for f in ("platform", "name", "owner", "account_type"):
        expected = []
        for _, row in view.iterrows():
            vals = [row[f"{p}_{f}"] for p in ("n", "p", "c")]
            expected.append(next((v for v in vals if not pd.isna(v) and v != ""), np.nan))
        got = first_text(view, f)
        assert got.name == f"n_{f}" and got.dtype == object
        assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in expected]
    for col in ("n_name", "c_row", "c"):
        expected = [not pd.isna(v) and v != "" for v in view[col]]
        assert present(view, col).tolist() == expected


def _place_view(owners: list[str]) -> pd.DataFrame:
    """One national record per owner, all in one county."""
    n = len(owners)
    data = {f"{p}_owner_core": owners if p == "n" else [None] * n for p in ("n", "p", "c")}
    for part, value in (("province", "湖北省"), ("city", "咸宁市"), ("county", "通山县")):
        for p in ("n", "p", "c"):
            data[f"{p}_{part}"] = [value] * n if p == "n" else [None] * n
    return pd.DataFrame(data)


def _extract_one_choice(owners: list[str], single: str) -> str:
    """What the first version of unit_keys did: extractOne over the place's value_counts."""
    common = [c for c, k in pd.Series(owners, dtype=object).value_counts().items() if k >= 2]
    return process.extractOne(single, common, scorer=Levenshtein.distance, score_cutoff=1)[0]


@pytest.mark.parametrize("b_first", [False, True])
@pytest.mark.parametrize("counts", [(2, 3), (3, 2), (2, 2), (4, 4)])
def test_a_typo_goes_to_the_spelling_extract_one_would_pick(counts, b_first, monkeypatch):
    a, b, typo = "城关镇人民政府", "城关镇人民政所", "城关镇人民政腑"   # the typo is one edit from both
    spelt = [b] * counts[1] + [a] * counts[0] if b_first else [a] * counts[0] + [b] * counts[1]
    owners = [*spelt, typo, "通山县民政局", "通山县民政局"]
    keys = unit_keys(_place_view(owners))
    chosen = keys.iloc[owners.index(typo)].rsplit("|", 1)[1]
    assert chosen == _extract_one_choice(owners, typo)
    assert keys.iloc[owners.index(a)].endswith(f"|{a}") and keys.iloc[owners.index(b)].endswith(f"|{b}")
    monkeypatch.setattr(context, "_CDIST_CELLS", 0)   # the deletion index used for big places agrees
    assert unit_keys(_place_view(owners)).equals(keys)


def test_two_repeated_spellings_stay_two_units():
    owners = ["湾坪社区", "湾坪社区", "青坪社区", "青坪社区", "咸安区第40实验雪校", "咸安区第40实验学校",
              "咸安区第40实验学校", "咸安区第41实验学校"]
    keys = unit_keys(_place_view(owners)).str.rsplit("|", n=1).str[1].tolist()
    assert keys == ["湾坪社区", "湾坪社区", "青坪社区", "青坪社区", "咸安区第40实验学校", "咸安区第40实验学校",
                    "咸安区第40实验学校", "咸安区第41实验学校"]


def _unit_core_reference(owner: str) -> str:
    """Drop the longest division name starting at each position, one position at a time."""
    names = _division_names()
    kept, i = [], 0
    while i < len(owner):
        for j in range(min(len(owner), i + 16), i + 2, -1):
            if owner[i:j] in names:
                i = j
                break
        else:
            kept.append(owner[i])
            i += 1
    return "".join(kept).translate(str.maketrans("", "", "省市州县区盟旗")) or owner


def test_unit_core_matches_the_position_by_position_reading():
    names = sorted(_division_names())
    rng = np.random.default_rng(3)
    owners = ["共青团随州市委员会", "共青团市委员会", "", "局", "市局", "湖北省武汉市武汉市公安局"]
    for _ in range(300):
        a, b = (names[k] for k in rng.integers(0, len(names), 2))
        owners += [f"{a}{b}公安局", f"共青团{a}委员会", f"{a[:2]}{b}", f"{a}{a[1:]}人民政府", a]
    assert [unit_core(o) for o in owners] == [_unit_core_reference(o) for o in owners]
    assert unit_core("共青团随州市委员会") == unit_core("共青团市委员会")


def test_build_view_reads_dates_the_same_whatever_their_dtype(prepared):
    rows = [{"name": "咸宁发布", "platform": "微信公众号", "owner": "咸宁市人民政府办公室", "last_post_at": "2022-11-01"},
            {"name": "平安咸宁", "platform": "微博", "owner": "咸宁市公安局", "last_post_at": None}]
    crawled = prepared("crawled", rows)
    as_text = crawled.assign(last_post_at=crawled["last_post_at"].astype(object))
    frames = {"national": prepared("national", rows[:1]), "provincial": prepared("provincial", rows[1:])}
    accounts = pd.DataFrame({"n": pd.array([0, pd.NA, pd.NA], dtype="Int64"),
                             "p": pd.array([pd.NA, 0, pd.NA], dtype="Int64"),
                             "c": pd.array([1, pd.NA, 0], dtype="Int64")})
    fast = build_view(accounts, frames | {"crawled": crawled})
    slow = build_view(accounts, frames | {"crawled": as_text})
    assert fast["c_last_post_at"].dtype == slow["c_last_post_at"].dtype
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["c_last_post_at"].isna().tolist() == [True, True, False]
    assert fast["n_name"].tolist()[0] == "咸宁发布" and pd.isna(fast["n_name"].iloc[1])
