"""Link national ↔ provincial ↔ crawled records of the same account.

Two stages, each: candidate pairs (``candidates``) → comparison vectors and scores
(``score``) → one-to-one assignment → ``match`` / ``review`` by the configured thresholds.

1. national ↔ provincial gives the *filed* accounts (a doubtful pair is not merged: both
   records stay separate accounts and the pair is listed for review);
2. filed accounts ↔ crawled, comparing each crawled record with both registry records of
   an account and keeping the better score.

The outcome is one row per account (``Accounts.frame``: positional indices into the three
frames, NA where a source lacks it, with the scores and statuses of both stages).
This package is the only place that imports recordlinkage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from reconcile.batch import together
from reconcile.config import LinkSettings
from reconcile.link.candidates import candidate_pairs
from reconcile.link.score import Scored, assign_one_to_one, compare, score
from reconcile.normalize import NOT_OFFICIAL
from reconcile.schema import FILED_FOR

ACCOUNT_COLUMNS = ("n", "p", "c", "np_score", "np_link", "c_score", "c_link", "np_why", "c_why", "c_lookalike")
# pairs scored in this band get the evidence behind their score written out (待人工核实 shows it)


@dataclass(frozen=True)
class Accounts:
    frame: pd.DataFrame        # ACCOUNT_COLUMNS; n/p/c are Int64 positions into the frames
    candidate_pairs: int       # how many pairs were compared, both stages
    np_reviews: pd.DataFrame   # doubtful national ↔ provincial pairs (n, p, score, why): kept apart, listed for review


def prepare(df: pd.DataFrame, strip_region: Callable[[str], str],
            find_places: Callable[[str], frozenset[str]]) -> pd.DataFrame:
    """Add the comparison columns to a normalised frame (a copy, positional index)."""
    out = df.reset_index(drop=True).copy()
    owner = out["owner_norm"]   # a crawl naming its unit only in 认证信息: normalize_frame filled it in
    # records verified as enterprises/persons/unverified (most of a crawl sweep) keep their
    # names and owners as they are: region words matter only between official accounts
    official = ~out["verified_kind"].isin(list(NOT_OFFICIAL))
    name_key = out["name_key"]
    out["owner_core"] = owner.where(~official, _map_unique(owner[official], strip_region))
    out["name_core"] = name_key.where(~official, _map_unique(name_key[official], strip_region))
    places = _map_unique(name_key[official], find_places).reindex(out.index)
    out["name_places"] = places.map(lambda v: v if isinstance(v, frozenset) else _NO_PLACES)
    # DOMAIN.md: imposters copy a filed name as 个人/未认证 accounts on 抖音/快手/小红书
    out["imposter_risk"] = (out["verified_kind"].isin(list(_UNOFFICIAL)) & out["platform"].isin(list(_IMPOSTER_PLATFORMS))
                            ).map({True: "1", False: None})
    out["platform_family"] = out["platform"].map(lambda p: _FAMILY.get(p, p) if isinstance(p, str) else p)
    # a record placed at the province itself (省本级, "浙江省医疗保障局") and one placed in a city are
    # two units, whatever their names share once the place is stripped ("医保", "医疗保障局")
    known_province, known_city = out["province"].notna(), out["city"].notna() | out["county"].notna()
    out["tier"] = np.where(known_city, "local", np.where(known_province, "province", None))
    ids = out["account_id"].astype("string").str.strip().str.lower()
    out["id_cmp"] = ids.where(ids.str.len() > 0)
    out["id_kind"] = np.where(out["id_cmp"].isna(), None,
                              np.where(ids.str.startswith("gh_").fillna(False), "gh", "alias"))
    return out


_NO_PLACES: frozenset[str] = frozenset()
_UNOFFICIAL = frozenset({"personal", "none"})
_IMPOSTER_PLATFORMS = frozenset({"抖音", "快手", "小红书"})
# platforms a registry confuses with each other (视频号 filed for 公众号, 公众号 for 小程序)
_FAMILY = {"微信公众号": "微信", "微信视频号": "微信", "微信小程序": "微信"}


def _map_unique(s: pd.Series, fn: Callable) -> pd.Series:
    uniq = s.dropna().unique()
    table = {u: fn(u) for u in uniq}
    return s.map(table)


# A registry record and a crawled one on sibling platforms are one account only the way registries
# confuse them (schema.FILED_FOR): a unit's 视频号 beside its filed 公众号 of the same name is its
# second account, not the filing.
FILED_AS_SEEN_ON = frozenset(FILED_FOR.items())


def _filing_direction(pairs: pd.MultiIndex, left: pd.DataFrame, right: pd.DataFrame) -> pd.MultiIndex:
    """Drop registry ↔ crawl pairs on two sibling platforms other than the way registries confuse
    them (FILED_AS_SEEN_ON); the same id keeps a pair whatever the platforms."""
    if not len(pairs):
        return pairs
    li = left.index.get_indexer(pairs.get_level_values(0))    # labels -> positions
    ri = right.index.get_indexer(pairs.get_level_values(1))

    def column(frame: pd.DataFrame, name: str, at: np.ndarray) -> np.ndarray:
        values = frame[name].to_numpy(dtype=object)[at]   # only the pairs' rows, not the whole column
        return np.where(pd.isna(values), "", values)

    lp, rp = column(left, "platform", li), column(right, "platform", ri)
    pos = np.flatnonzero(lp != rp)
    if not len(pos):
        return pairs
    lp, rp = lp[pos], rp[pos]
    allowed = np.fromiter(((a, b) in FILED_AS_SEEN_ON for a, b in zip(lp.tolist(), rp.tolist(), strict=True)),
                          dtype=bool, count=len(pos))
    lid, rid = column(left, "id_cmp", li[pos]), column(right, "id_cmp", ri[pos])
    same_id = (lid == rid) & (lid != "")
    fam_l, fam_r = column(left, "platform_family", li[pos]), column(right, "platform_family", ri[pos])
    sibling = (fam_l == fam_r) & (fam_l != "")
    keep = np.ones(len(pairs), dtype=bool)
    keep[pos] = ~sibling | allowed | same_id
    return pairs[keep]


def _link_pairs(left: pd.DataFrame, right: pd.DataFrame, settings: LinkSettings,
                crawl: bool = False) -> tuple[pd.DataFrame, int]:
    """Every candidate pair of two prepared frames with its score; ``crawl``: the right frame is
    the crawl (pairs on sibling platforms only the way registries confuse them)."""
    pairs = candidate_pairs(left, right)
    if crawl:
        pairs = _filing_direction(pairs, left, right)
    if len(pairs) == 0:
        return pd.DataFrame({"left": pd.Series(dtype=np.int64), "right": pd.Series(dtype=np.int64),
                             "score": pd.Series(dtype=float), "weight": pd.Series(dtype=float), "exact": pd.Series(dtype=np.int8),
                             "why": pd.Series(dtype=object), "unit": pd.Series(dtype=bool)}), 0
    feats = compare(pairs, left, right)
    scored = score(feats)
    # same owner on the same platform, no veto, no different ids (see _same_unit_leftovers)
    unit = (scored.levels["owner"] == 1) & (scored.levels["platform"] == 1) & (scored.levels["id"] != 2) & ~scored.veto
    out = pd.DataFrame({
        "left": pairs.get_level_values(0).to_numpy(dtype=np.int64),
        "right": pairs.get_level_values(1).to_numpy(dtype=np.int64),
        "score": scored.scores,
        # the log-odds behind the score: it orders pairs whose probabilities both round to 1.0
        "weight": scored.weight,
        # exact name agreement breaks ties in favour of the identical name
        "exact": (feats["name"].to_numpy() == 1.0).astype(np.int8),
        "why": _explanations(scored, unit, settings),
        "unit": unit,
    })
    return out, len(pairs)


def _explanations(scored: Scored, unit: np.ndarray, settings: LinkSettings) -> np.ndarray:
    """The evidence behind each score that can be shown in 待人工核实 (None for the others): the
    doubtful band, and the same-unit pairs below it (_same_unit_leftovers). Accepted links and
    clear non-links show none, so they are not explained (most pairs, at national scale)."""
    out = np.full(len(scored.scores), None, dtype=object)
    s = scored.scores
    doubtful = (s >= settings.review_threshold) & (s < settings.match_threshold)
    for i in np.flatnonzero(doubtful | (unit & (s < settings.review_threshold))).tolist():
        out[i] = scored.why(i)
    return out


def _same_unit_leftovers(fc: pd.DataFrame, kept: np.ndarray) -> pd.DataFrame:
    """Pairs of a filed account and a crawled record, both left without a partner, that share
    the unit (same owner) and the platform: under "one unit, one account per platform" that is
    most likely a renamed account, so neither may stand as 瞒报漏报 / 未采集到 on its own. They go
    to 待人工核实 (one-to-one, best score first); a person decides."""
    taken_a = set(fc.loc[kept, "account"].tolist())
    taken_c = set(fc.loc[kept, "right"].tolist())
    rest = fc[~kept & fc["unit"].to_numpy(dtype=bool)]
    rest = rest[~rest["account"].isin(taken_a) & ~rest["right"].isin(taken_c)]
    if not len(rest):
        return rest
    keep = assign_one_to_one(rest["account"].to_numpy(), rest["right"].to_numpy(), rest["score"].to_numpy(), 0.0)
    return rest[keep]


def _lookalikes(filed: pd.DataFrame, fc: pd.DataFrame, settings: LinkSettings) -> np.ndarray:
    """Per filed account without a crawled partner: whether some crawled record resembles it (a
    candidate at or above the review threshold, taken by another account). Then "the crawl did not
    find it" is in doubt, and no deletion is inferred from it."""
    if not len(fc) or "side" not in fc.columns:
        return np.zeros(len(filed), dtype=bool)
    close = fc[fc["score"].to_numpy(dtype=float) >= settings.review_threshold]
    # fc's accounts are positions before the join: go through the registry records they hold
    near_n = filed["n"].isin(close.loc[close["side"] == "n", "left"]).to_numpy()
    near_p = filed["p"].isin(close.loc[close["side"] == "p", "left"]).to_numpy()
    return ((near_n & (filed["n"].to_numpy() >= 0)) | (near_p & (filed["p"].to_numpy() >= 0))) \
        & (filed["c"].to_numpy() < 0)


def _join_through_crawl(filed: pd.DataFrame, fc: pd.DataFrame, settings: LinkSettings,
                        forbid: Callable[[pd.DataFrame, str, str], np.ndarray] | None
                        ) -> tuple[pd.DataFrame, int]:
    """A record filed in one registry only, whose crawled partner (an accepted link) also links
    (at least doubtfully) to a record filed in the other registry only, left without a partner: the two filings
    are one account that the registries describe differently (other owners, an old division
    name, typos), as the crawl shows. They are joined, unless a person decided otherwise."""
    if not len(fc):
        return filed, 0
    n, p, c = (filed[k].to_numpy() for k in ("n", "p", "c"))
    single = np.where((n >= 0) & (p < 0), 1, np.where((n < 0) & (p >= 0), 2, 0))
    score = filed["c_score"].to_numpy(dtype=float)
    holder = {int(c[i]): i for i in np.flatnonzero((single > 0) & (c >= 0) & (score >= settings.match_threshold))}
    if not holder:
        return filed, 0
    acc = fc["account"].to_numpy(dtype=np.int64)
    right = fc["right"].to_numpy(dtype=np.int64)
    scores = fc["score"].to_numpy(dtype=float)
    good = scores >= settings.review_threshold
    joins: dict[int, tuple[int, float]] = {}   # holder account -> (other account, its score)
    taken: set[int] = set()
    for i in np.flatnonzero(good).tolist():    # fc is ordered best first
        a, r = int(acc[i]), int(right[i])
        h = holder.get(r)
        if h is None or h == a or a in taken or h in joins or c[a] >= 0 or single[a] not in (1, 2) \
                or single[a] == single[h]:
            continue
        nn, pp = (int(n[h]), int(p[a])) if single[h] == 1 else (int(n[a]), int(p[h]))
        if forbid is not None and forbid(pd.DataFrame({"left": [nn], "right": [pp]}), "national", "provincial")[0]:
            continue
        joins[h] = (a, float(scores[i]))
        taken.add(a)
    if not joins:
        return filed, 0
    filed = filed.copy()
    hs = np.fromiter(joins, dtype=np.int64, count=len(joins))
    others = np.array([a for a, _ in joins.values()], dtype=np.int64)
    for col, side in (("p", 1), ("n", 2)):   # the holder takes the other registry's record
        to = single[hs] == side
        values = filed[col].to_numpy(copy=True)
        values[hs[to]] = values[others[to]]
        filed[col] = values
    np_score = filed["np_score"].to_numpy(dtype=float, copy=True)
    np_score[hs] = np.minimum([s for _, s in joins.values()], score[hs])
    filed["np_score"] = np_score
    for col, value in (("np_link", "match"), ("np_why", "两个系统的备案记录各自与同一平台采集记录高度相符，判为同一账号")):
        values = filed[col].to_numpy(dtype=object, copy=True)
        values[hs] = value
        filed[col] = values
    filed = filed.drop(index=others.tolist()).reset_index(drop=True)
    return filed, len(joins)


def _apply_decisions(pairs: pd.DataFrame, left: str, right: str,
                     forbid: Callable[[pd.DataFrame, str, str], np.ndarray] | None,
                     confirm: Callable[[pd.DataFrame, str, str], np.ndarray] | None) -> pd.DataFrame:
    """Drop pairs decided different, give pairs decided the same the top score (review decisions)."""
    if forbid is not None and len(pairs):
        pairs = pairs[~forbid(pairs, left, right)]
    if confirm is not None and len(pairs):
        sure = confirm(pairs, left, right)
        if sure.any():
            pairs = pairs.assign(score=np.where(sure, 1.0, pairs["score"].to_numpy()),
                                 weight=np.where(sure, np.inf, pairs["weight"].to_numpy()),
                                 exact=np.where(sure, 1, pairs["exact"].to_numpy()).astype(np.int8))
    return pairs


# every column candidates.candidate_pairs and score.compare read
COMPARED_COLUMNS = ("platform", "platform_family", "imposter_risk", "account_type", "account_id", "name_key", "name_core", "name_places", "owner_norm", "owner_core",
                    "id_cmp", "id_kind", "province", "city", "county", "tier", "verified_kind")


def _same_as_partner(national: pd.DataFrame, provincial: pd.DataFrame, linked_n: np.ndarray,
                     linked_p: np.ndarray) -> np.ndarray:
    """Mask over provincial: records linked to a national record with the same COMPARED_COLUMNS."""
    same = np.zeros(len(provincial), dtype=bool)
    if not len(linked_p):
        return same
    equal = np.ones(len(linked_p), dtype=bool)
    for column in COMPARED_COLUMNS:
        if column not in national.columns or column not in provincial.columns:
            continue
        a = national[column].to_numpy(dtype=object)[linked_n]
        b = provincial[column].to_numpy(dtype=object)[linked_p]
        a_na, b_na = pd.isna(a), pd.isna(b)
        a[a_na] = None   # (pd.NA == x is NA, not False)
        b[b_na] = None
        equal &= (a_na & b_na) | (~a_na & ~b_na & (a == b))
    same[linked_p[equal]] = True
    return same


def _status(scores: np.ndarray, settings: LinkSettings) -> np.ndarray:
    return np.where(scores >= settings.match_threshold, "match", "review")


def link_accounts(national: pd.DataFrame, provincial: pd.DataFrame, crawled: pd.DataFrame,
                  settings: LinkSettings,
                  forbid: Callable[[pd.DataFrame, str, str], np.ndarray] | None = None,
                  confirm: Callable[[pd.DataFrame, str, str], np.ndarray] | None = None,
                  on_step: Callable[[int, int], None] | None = None) -> Accounts:
    """Link three prepared frames (see ``prepare``) into accounts.

    ``forbid(pairs, left_source, right_source)`` may return a mask of pairs a person has
    decided are different accounts (review decisions): those never link. ``confirm`` (same
    signature) marks pairs a person has decided are one account: they score 1.0 (a ``match``).
    ``on_step(done, 3)`` after each of the three pairings (a progress bar).
    """
    step = on_step or (lambda done, total: None)

    def registries_then_provincial_crawled() -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]]:
        # Stage 1: national ↔ provincial
        np_pairs, n1 = _link_pairs(national, provincial, settings)
        step(1, 3)
        np_pairs = _apply_decisions(np_pairs, "national", "provincial", forbid, confirm)
        np_pairs = np_pairs.sort_values(["weight", "exact"], ascending=False, kind="stable")
        keep = assign_one_to_one(np_pairs["left"].to_numpy(), np_pairs["right"].to_numpy(),
                                 np_pairs["score"].to_numpy(), settings.review_threshold)
        np_kept = np_pairs[keep]
        linked = np_kept[np_kept["score"].to_numpy() >= settings.match_threshold]
        # Stage 2 (provincial half): a provincial record equal to its national partner in every
        # field that candidates and comparisons read would score exactly as that partner
        # against every crawled record
        same = _same_as_partner(national, provincial, linked["left"].to_numpy(), linked["right"].to_numpy())
        pc, n3 = _link_pairs(provincial[~same], crawled, settings, crawl=True)
        step(2, 3)
        return np_kept, pc, (n1, n3)

    # Stage 2 (national half): national ↔ crawled needs nothing from stage 1
    (np_kept, pc, (n1, n3)), (nc, n2) = together(
        registries_then_provincial_crawled, partial(_link_pairs, national, crawled, settings, crawl=True),
        crashed="关联账号的子进程意外退出")
    step(3, 3)
    np_links = np_kept[np_kept["score"].to_numpy() >= settings.match_threshold]
    np_reviews = np_kept[np_kept["score"].to_numpy() < settings.match_threshold]
    linked_n = np_links["left"].to_numpy()
    linked_p = np_links["right"].to_numpy()

    n_idx = np.arange(len(national))
    p_idx = np.arange(len(provincial))
    filed = pd.concat([
        pd.DataFrame({"n": linked_n, "p": linked_p, "np_score": np_links["score"].to_numpy(),
                      "np_link": _status(np_links["score"].to_numpy(), settings),
                      "np_why": np_links["why"].to_numpy()}),
        pd.DataFrame({"n": np.setdiff1d(n_idx, linked_n), "p": -1}),
        pd.DataFrame({"n": -1, "p": np.setdiff1d(p_idx, linked_p)}),
    ], ignore_index=True)
    filed["n"] = filed["n"].astype(np.int64)
    filed["p"] = filed["p"].astype(np.int64)

    nc = _apply_decisions(nc, "national", "crawled", forbid, confirm)
    pc = _apply_decisions(pc, "provincial", "crawled", forbid, confirm)
    acc_of_n = pd.Series(filed.index, index=filed["n"]).drop(-1, errors="ignore")
    acc_of_p = pd.Series(filed.index, index=filed["p"]).drop(-1, errors="ignore")
    nc = nc.assign(account=acc_of_n.reindex(nc["left"]).to_numpy(), side="n")
    pc = pc.assign(account=acc_of_p.reindex(pc["left"]).to_numpy(), side="p")
    fc = pd.concat([nc, pc], ignore_index=True)
    if len(fc):
        fc = (fc.sort_values(["weight", "exact"], ascending=False, kind="stable")
                .drop_duplicates(["account", "right"], keep="first"))
    every_fc = fc
    if len(fc):
        keep = assign_one_to_one(fc["account"].to_numpy(), fc["right"].to_numpy(),
                                 fc["score"].to_numpy(), settings.review_threshold)
        fc = pd.concat([fc[keep], _same_unit_leftovers(fc, keep)])
    filed["c"] = -1
    filed["c_score"] = np.nan
    filed["c_link"] = None
    filed["c_why"] = None
    if len(fc):
        acc = fc["account"].to_numpy(dtype=np.int64)
        filed.loc[acc, "c"] = fc["right"].to_numpy()
        filed.loc[acc, "c_score"] = fc["score"].to_numpy()
        filed.loc[acc, "c_link"] = np.where(fc["unit"].to_numpy(dtype=bool) & (fc["score"].to_numpy() < settings.review_threshold),
                                            "review", _status(fc["score"].to_numpy(), settings))
        filed.loc[acc, "c_why"] = fc["why"].to_numpy()

    filed, joined = _join_through_crawl(filed, every_fc, settings, forbid)
    if joined and len(np_reviews):   # a doubtful national ↔ provincial pair now one account is no longer asked
        done = set(zip(filed["n"].tolist(), filed["p"].tolist(), strict=True))
        np_reviews = np_reviews[[(a, b) not in done for a, b in zip(np_reviews["left"].tolist(),
                                                                   np_reviews["right"].tolist(), strict=True)]]
    filed["c_lookalike"] = _lookalikes(filed, every_fc, settings)
    if len(np_reviews):   # half of a doubtful national ↔ provincial pair: "not found" is in doubt too
        doubtful = filed["n"].isin(np_reviews["left"].tolist()) | filed["p"].isin(np_reviews["right"].tolist())
        filed["c_lookalike"] = filed["c_lookalike"].to_numpy() | (doubtful.to_numpy() & (filed["c"].to_numpy() < 0))
    c_unlinked = np.setdiff1d(np.arange(len(crawled)), filed["c"].to_numpy())
    accounts = pd.concat([filed, pd.DataFrame({"n": -1, "p": -1, "c": c_unlinked, "c_lookalike": False})],
                         ignore_index=True)
    for col in ("n", "p", "c"):
        accounts[col] = accounts[col].astype("Int64").replace(-1, pd.NA)
    accounts = accounts[list(ACCOUNT_COLUMNS)]
    reviews = pd.DataFrame({"n": np_reviews["left"].to_numpy(), "p": np_reviews["right"].to_numpy(),
                            "score": np_reviews["score"].to_numpy(), "why": np_reviews["why"].to_numpy()})
    return Accounts(frame=accounts, candidate_pairs=int(n1 + n2 + n3), np_reviews=reviews)
