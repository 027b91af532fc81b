"""Score candidate pairs from their comparison vectors, then assign one-to-one.

The score is a hand-set combination, documented here because clerks ask "why did it link
these?":

- base = 0.80 × name similarity + 0.15 × owner similarity + 0.05 × full-owner similarity
  (name alone when the owner is unknown on either side); name similarity is the better of
  the whole name and the name with place names removed;
- the same account id on the same platform is strong evidence: ≥ 0.90 whatever the names
  (renamed accounts keep their id);
- two different ids of the same kind halve the score: an account keeps its id for life, so
  two ids are two accounts unless everything else agrees (then it is still only a review);
- numbers that differ ("一大队"/"二大队"), place names that differ ("平安通山"/"平安崇阳") or
  derived regions that differ (通山县 vs 崇阳县) multiply the score by 0.4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.link._rl import Compare
from reconcile.link.features import (
    ExactAgree,
    NumeralConflict,
    PlaceConflict,
    StringSimilarity,
)


def compare(pairs: pd.MultiIndex, left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """The comparison vectors of ``pairs`` (one row per pair)."""
    cmp = Compare(n_jobs=1)
    cmp.add(StringSimilarity("name_key", "name_key", label="name"))
    cmp.add(StringSimilarity("name_core", "name_core", label="name_core"))
    cmp.add(StringSimilarity("owner_core", "owner_core", label="owner"))
    cmp.add(StringSimilarity("owner_norm", "owner_norm", label="owner_full"))
    cmp.add(ExactAgree("id_cmp", "id_cmp", label="id"))
    cmp.add(ExactAgree("id_kind", "id_kind", label="id_kind"))
    cmp.add(ExactAgree("platform", "platform", label="same_platform"))
    cmp.add(ExactAgree("city", "city", label="same_city"))
    cmp.add(ExactAgree("county", "county", label="same_county"))
    cmp.add(NumeralConflict("name_key", "name_key", label="numeral_conflict"))
    cmp.add(PlaceConflict("name_places", "name_places", label="place_conflict"))
    return cmp.compute(pairs, left, right)


def score(features: pd.DataFrame) -> np.ndarray:
    """One score in [0, 1] per comparison vector (see the module docstring)."""
    f = features
    name = np.fmax(f["name"].to_numpy(), f["name_core"].fillna(0).to_numpy())
    name = np.nan_to_num(name, nan=0.0)
    owner = f["owner"].to_numpy()
    owner_full = np.nan_to_num(f["owner_full"].to_numpy(), nan=0.0)
    has_owner = ~np.isnan(owner)
    base = np.where(has_owner, 0.80 * name + 0.15 * np.nan_to_num(owner) + 0.05 * owner_full, name)

    same_platform = f["same_platform"].to_numpy() == 1.0
    id_eq = f["id"].to_numpy() == 1.0
    # ids of different kinds (微信号 vs 原始ID gh_…) are not comparable
    id_comparable = f["id_kind"].to_numpy() == 1.0
    id_ne = (f["id"].to_numpy() == 0.0) & id_comparable

    s = base.copy()
    strong = id_eq & same_platform
    s = np.where(strong, 0.90 + 0.10 * base, s)
    cross = id_eq & ~same_platform
    s = np.where(cross, np.where(name >= 0.8, 0.85 + 0.1 * name, 0.3 * base), s)
    s = np.where(id_ne, s * 0.5, s)

    region_conflict = (f["same_city"].to_numpy() == 0.0) | (f["same_county"].to_numpy() == 0.0)
    conflict = (f["numeral_conflict"].to_numpy() == 1.0) | (f["place_conflict"].to_numpy() == 1.0) | region_conflict
    s = np.where(conflict & ~strong, s * 0.4, s)
    return np.clip(s, 0.0, 1.0)


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
