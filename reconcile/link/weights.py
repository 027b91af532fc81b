"""Fellegi–Sunter match weights estimated from the run's own candidate pairs by EM.

Hand-set weights fit the data they were tuned on and nothing else. Here each piece of
evidence (how alike the names are, the owners, the ids, the platform, the place) is cut into a
few levels, and for every level two probabilities are estimated from the candidate pairs of the
run itself: m, how often a true pair shows it, and u, how often a false pair does (as Splink
does; Fellegi & Sunter 1969, Winkler's EM). The log-ratio log2(m/u) of a level is its weight:
the evidence a clerk sees in 待人工核实 ("名称相同 +7.1, 账号ID不同 −6.3 …"). A pair's score
is its posterior probability of being one account, so the thresholds of ``[link]`` keep their
meaning on any data.

EM starts from priors (pseudo-counts worth ``PRIOR_PAIRS`` pairs) that say only what the
evidence means (identical names are likelier in true pairs), never how much: on a large run
the data decide, on a tiny one the priors keep EM from wandering.

Hard negatives stay vetoes outside the model: two different numbers in the names
("一大队"/"二大队"), two different places ("平安通山"/"平安崇阳"), records placed in different
provinces, counties or cities, or one at the province itself (省本级) and one in a city. An
account keeps its id for life, so the same id on the same platform overrides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

PRIOR_PAIRS = 50.0       # weight of the priors, in pairs
PRIOR_SHARE = 0.3        # prior share of true pairs among the candidates
ITERATIONS = 40
REVIEW_CAP = 1.0         # log2 odds: a doubtful pair (score.score) scores at most 0.67: a review at best
VETO_FACTOR = 0.4        # a vetoed pair keeps this share of its score: at best a review, never a match

# comparison -> (level labels shown to the clerk, prior m, prior u); level 0 is always "unknown"
# (either side lacks the value) and carries no weight.
COMPARISONS: dict[str, tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...]]] = {
    "name": (("", "名称相同", "名称极相近", "名称相近", "名称部分相同", "名称不同"),
             (0.0, 0.55, 0.25, 0.12, 0.05, 0.03), (0.0, 0.05, 0.10, 0.20, 0.30, 0.35)),
    "owner": (("主办单位未知", "主办单位相同", "主办单位相近", "主办单位部分相同", "主办单位不同"),
              (0.0, 0.60, 0.20, 0.12, 0.08), (0.0, 0.15, 0.15, 0.30, 0.40)),
    # an id names one account on its platform: two different accounts almost never share one
    "id": (("账号ID未知", "账号ID相同", "账号ID不同"), (0.0, 0.97, 0.03), (0.0, 0.002, 0.998)),
    "platform": (("", "平台相同", "同属微信的另一平台", "平台不同"),
                 (0.0, 0.97, 0.02, 0.01), (0.0, 0.70, 0.20, 0.10)),
    "place": (("地区未知", "同一县区", "同一地市"), (0.0, 0.60, 0.40), (0.0, 0.50, 0.50)),
    # 订阅号/服务号: a registry filing the wrong type is a finding (wrong_type), so a true pair may
    # disagree; EM learns how rarely
    "type": (("账号类型未知", "账号类型相同", "账号类型不同"), (0.0, 0.90, 0.10), (0.0, 0.60, 0.40)),
}
# Candidates are drawn within a platform (and across the 微信 family only for identical names), so
# the candidate pairs cannot tell how platform agreement differs between true and false pairs: as in
# Splink, a comparison that decides which pairs are compared is not estimated from those pairs. Its
# m/u stay the priors above. (Estimating it from same-name pairs across platforms, a second EM pass,
# was tried: the pass took "same unit" for "same account" and made a different platform evidence
# for a match.)
FIXED = frozenset({"platform"})
_NAME_CUTS = (0.999, 0.9, 0.8, 0.65)     # similarity -> levels 1..4, below: 5
_OWNER_CUTS = (0.999, 0.85, 0.6)         # -> levels 1..3, below: 4


def levels(features: pd.DataFrame) -> dict[str, np.ndarray]:
    """The comparison level of every pair (int8 arrays; 0 = unknown)."""
    f = features
    name = np.fmax(f["name"].to_numpy(dtype=float), f["name_core"].to_numpy(dtype=float))
    out = {"name": _cut(name, _NAME_CUTS)}
    owner = f["owner"].to_numpy(dtype=float)
    if "agent_owner" in f:   # a 融媒体中心 filing for another unit: the owners say nothing
        owner = np.where(f["agent_owner"].to_numpy() == 1.0, np.nan, owner)
    out["owner"] = _cut(owner, _OWNER_CUTS)
    id_eq = f["id"].to_numpy(dtype=float)
    comparable = f["id_kind"].to_numpy(dtype=float) == 1.0
    out["id"] = np.where(id_eq == 1.0, 1, np.where((id_eq == 0.0) & comparable, 2, 0)).astype(np.int8)
    same = f["same_platform"].to_numpy(dtype=float) == 1.0
    family = f["same_family"].to_numpy(dtype=float) == 1.0 if "same_family" in f else np.zeros(len(f), bool)
    out["platform"] = np.where(same, 1, np.where(family, 2, 3)).astype(np.int8)
    county = f["same_county"].to_numpy(dtype=float)
    city = f["same_city"].to_numpy(dtype=float)
    out["place"] = np.where(county == 1.0, 1, np.where((city == 1.0) & np.isnan(county), 2, 0)).astype(np.int8)
    same_type = f["same_type"].to_numpy(dtype=float) if "same_type" in f else np.full(len(f), np.nan)
    out["type"] = np.where(same_type == 1.0, 1, np.where(same_type == 0.0, 2, 0)).astype(np.int8)
    return out


def _cut(values: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    out = np.full(len(values), len(cuts) + 1, dtype=np.int8)
    for level in range(len(cuts), 0, -1):
        out[values >= cuts[level - 1]] = level
    out[np.isnan(values)] = 0
    return out


def vetoed(features: pd.DataFrame) -> np.ndarray:
    """Hard negatives: different numbers or places in the names, different provinces/counties/cities
    (a county and the one it became are not different), a record of the province itself (省本级)
    against one placed in a city, unless the same id on the same platform says it is one
    account."""
    f = features
    lineage = f["county_lineage"].to_numpy() == 1.0 if "county_lineage" in f else np.zeros(len(f), dtype=bool)
    region = (f["same_city"].to_numpy() == 0.0) | ((f["same_county"].to_numpy() == 0.0) & ~lineage)
    for column in ("same_province", "same_tier"):   # another province; the province itself vs a city in it
        if column in f:
            region |= f[column].to_numpy() == 0.0
    conflict = (f["numeral_conflict"].to_numpy() == 1.0) | (f["place_conflict"].to_numpy() == 1.0) | region
    strong = (f["id"].to_numpy() == 1.0) & (f["same_platform"].to_numpy() == 1.0)
    return conflict & ~strong


@dataclass(frozen=True)
class Model:
    """Estimated prior match share and per-level m/u of each comparison."""

    prior: float
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    iterations: int

    def weights(self, comparison: str) -> np.ndarray:
        """log2(m/u) per level (0 for the unknown level)."""
        return self._weights[comparison]

    @cached_property
    def _weights(self) -> dict[str, np.ndarray]:
        out = {}
        for c in self.m:
            with np.errstate(divide="ignore", invalid="ignore"):   # level 0 (unknown) has no m/u
                w = np.log2(self.m[c] / self.u[c])
            w[0] = 0.0
            w.flags.writeable = False
            out[c] = w
        return out

    def match_weight(self, lv: dict[str, np.ndarray]) -> np.ndarray:
        total = np.full(len(next(iter(lv.values()))), np.log2(self.prior / (1 - self.prior)))
        for c, levels_ in lv.items():
            total += self.weights(c)[levels_]
        return total


def estimate(lv: dict[str, np.ndarray], usable: np.ndarray | None = None) -> Model:
    """EM over the pairs (``usable``: the pairs to learn from, e.g. not vetoed)."""
    n = len(next(iter(lv.values())))
    sel = np.ones(n, dtype=bool) if usable is None else usable
    # distinct level combinations with their counts: EM over patterns, not pairs
    stacked = np.stack([lv[c][sel].astype(np.int64) for c in COMPARISONS], axis=1)
    if len(stacked) == 0:
        return _prior_model()
    patterns, freq = np.unique(stacked, axis=0, return_counts=True)
    freq = freq.astype(float)
    m = {c: np.asarray(COMPARISONS[c][1], dtype=float) for c in COMPARISONS}
    u = {c: np.asarray(COMPARISONS[c][2], dtype=float) for c in COMPARISONS}
    prior = PRIOR_SHARE
    it = 0
    while it < ITERATIONS:
        it += 1
        log_m = np.full(len(patterns), np.log(prior))
        log_u = np.full(len(patterns), np.log(1 - prior))
        for j, c in enumerate(COMPARISONS):
            lvl = patterns[:, j]
            known = lvl > 0
            log_m[known] += np.log(m[c][lvl[known]])
            log_u[known] += np.log(u[c][lvl[known]])
        post = 1.0 / (1.0 + np.exp(np.clip(log_u - log_m, -50, 50)))
        w_m, w_u = post * freq, (1 - post) * freq
        # the match share has its prior too (Beta, worth PRIOR_PAIRS pairs at PRIOR_SHARE)
        new_prior = float((w_m.sum() + PRIOR_SHARE * PRIOR_PAIRS) / (freq.sum() + PRIOR_PAIRS))
        new_prior = min(max(new_prior, 1e-3), 1 - 1e-3)
        shift = abs(new_prior - prior)
        prior = new_prior
        for j, c in enumerate(COMPARISONS):
            if c in FIXED:
                continue
            k = len(COMPARISONS[c][0])
            lvl = patterns[:, j]
            pm = np.asarray(COMPARISONS[c][1], dtype=float) * PRIOR_PAIRS
            pu = np.asarray(COMPARISONS[c][2], dtype=float) * PRIOR_PAIRS
            cm = np.bincount(lvl, weights=w_m, minlength=k) + pm
            cu = np.bincount(lvl, weights=w_u, minlength=k) + pu
            cm[0] = cu[0] = 0.0
            new_m = _normalised(cm)
            new_u = _normalised(cu)
            shift = max(shift, float(np.abs(new_m - m[c]).max()), float(np.abs(new_u - u[c]).max()))
            m[c], u[c] = new_m, new_u
        if shift < 1e-5:
            break
    return Model(prior=prior, m=m, u=u, iterations=it)


def _normalised(counts: np.ndarray) -> np.ndarray:
    out = counts.copy()
    out[1:] = np.maximum(out[1:], 1e-6)
    out[1:] /= out[1:].sum()
    out[0] = 1.0
    return out


def _prior_model() -> Model:
    m = {c: _normalised(np.asarray(COMPARISONS[c][1], dtype=float)) for c in COMPARISONS}
    u = {c: _normalised(np.asarray(COMPARISONS[c][2], dtype=float)) for c in COMPARISONS}
    return Model(prior=PRIOR_SHARE, m=m, u=u, iterations=0)


def probability(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def explain(model: Model, lv: dict[str, np.ndarray], i: int, veto: bool) -> str:
    """Why pair ``i`` scored as it did, for 待人工核实: each evidence with its weight."""
    parts = []
    for c, (labels, _, _) in COMPARISONS.items():
        level = int(lv[c][i])
        if level == 0 or not labels[level]:
            continue
        parts.append(f"{labels[level]}({model.weights(c)[level]:+.1f})")
    if veto:
        parts.append("名称中的数字/地名或所属地区不同(否决)")
    return "，".join(parts)
