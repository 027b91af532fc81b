"""Score candidate pairs from their comparison vectors, then assign one-to-one.

The score is a Fellegi–Sunter posterior probability whose weights are estimated by EM from
the candidate pairs of the run (``weights``); hard negatives (different numbers, places,
counties) are vetoes. ``explain`` says, for 待人工核实, which evidence counted how much.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.link import weights
from reconcile.link._rl import Compare
from reconcile.link.features import (
    AgentOwner,
    Either,
    ExactAgree,
    LineageRelated,
    NumeralConflict,
    PlaceConflict,
    StringSimilarity,
    coded,
)


def compare(pairs: pd.MultiIndex, left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """The comparison vectors of ``pairs`` (one row per pair)."""
    cmp = Compare(n_jobs=1)
    cmp.add(StringSimilarity("name_key", "name_key", label="name"))
    cmp.add(StringSimilarity("name_core", "name_core", label="name_core"))
    cmp.add(StringSimilarity("owner_core", "owner_core", label="owner"))
    cmp.add(StringSimilarity("owner_norm", "owner_norm", label="owner_full"))
    cmp.add(AgentOwner("owner_core", "owner_core", label="agent_owner"))
    cmp.add(ExactAgree("id_cmp", "id_cmp", label="id"))
    cmp.add(ExactAgree("id_kind", "id_kind", label="id_kind"))
    cmp.add(ExactAgree("platform", "platform", label="same_platform"))
    cmp.add(ExactAgree("platform_family", "platform_family", label="same_family"))
    cmp.add(ExactAgree("account_type", "account_type", label="same_type"))
    cmp.add(Either("imposter_risk", "imposter_risk", label="imposter_risk"))
    cmp.add(ExactAgree("province", "province", label="same_province"))
    cmp.add(ExactAgree("tier", "tier", label="same_tier"))
    cmp.add(ExactAgree("city", "city", label="same_city"))
    cmp.add(ExactAgree("county", "county", label="same_county"))
    cmp.add(LineageRelated("county", "county", label="county_lineage"))
    cmp.add(NumeralConflict("name_key", "name_key", label="numeral_conflict"))
    cmp.add(PlaceConflict("name_places", "name_places", label="place_conflict"))
    # every column as integer codes shared by both sides: a feature judges each distinct value once
    columns = list(dict.fromkeys(c for f in cmp.features for c in (f.labels_left, f.labels_right)))
    left_codes, right_codes = {}, {}
    for column in columns:
        left_codes[column], right_codes[column] = coded(left[column], right[column])
    return cmp.compute(pairs, pd.DataFrame(left_codes, index=left.index), pd.DataFrame(right_codes, index=right.index))


@dataclass(frozen=True)
class Scored:
    scores: np.ndarray
    weight: np.ndarray          # log2 odds of the scores (vetoes included): orders pairs past p = 1.0
    model: weights.Model
    levels: dict[str, np.ndarray]
    veto: np.ndarray

    def why(self, i: int) -> str:
        return weights.explain(self.model, self.levels, i, bool(self.veto[i]))


def score(features: pd.DataFrame) -> Scored:
    """One score in [0, 1] per comparison vector: P(one account | evidence), vetoes applied."""
    lv = weights.levels(features)
    veto = weights.vetoed(features)
    model = weights.estimate(lv, ~veto)
    w = model.match_weight(lv)
    # Without the same id, two claims are never accepted on the other evidence alone, only reviewed:
    # a sibling platform (视频号 for 公众号: a registry wrong about the platform), and names that
    # are only partly alike (a renamed account, or the unit's other account: the owner agreeing says
    # the unit, not the account, and the model would count it twice)
    imposter = features["imposter_risk"].to_numpy() == 1.0 if "imposter_risk" in features else False
    doubtful = ((lv["platform"] == 2) | (lv["name"] >= 4) | imposter) & (lv["id"] != 1)
    w = np.where(doubtful, np.minimum(w, weights.REVIEW_CAP), w)
    p = weights.probability(w)
    vetoed_p = p * weights.VETO_FACTOR
    w = np.where(veto, np.log2(vetoed_p / (1.0 - vetoed_p)), w)
    p = np.where(veto, vetoed_p, p)
    return Scored(scores=np.clip(p, 0.0, 1.0), weight=w, model=model, levels=lv, veto=veto)


def assign_one_to_one(left: np.ndarray, right: np.ndarray, scores: np.ndarray,
                      min_score: float) -> np.ndarray:
    """Greedy one-to-one assignment, best score first; returns a boolean mask of kept pairs.

    Ties keep the input order (callers put exact-name pairs first by sorting on score only
    after a stable tie-break).
    """
    keep = np.zeros(len(scores), dtype=bool)
    order = np.argsort(-scores, kind="stable")
    used_l: set[int] = set()
    used_r: set[int] = set()
    for i in order.tolist():
        if scores[i] < min_score:
            break
        a, b = int(left[i]), int(right[i])
        if a in used_l or b in used_r:
            continue
        used_l.add(a)
        used_r.add(b)
        keep[i] = True
    return keep
