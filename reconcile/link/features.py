"""Comparison features: small, vectorised recordlinkage ``BaseCompareFeature`` classes.

Each returns one float per candidate pair: a similarity in [0, 1], or NaN where one side
lacks the field (missing evidence is not negative evidence).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from reconcile.link._rl import BaseCompareFeature

_NUMERAL_RE = re.compile(r"[0-9零〇一二两三四五六七八九十百千]+")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def coded(left: pd.Series, right: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The two columns as categoricals sharing one set of categories, empty text missing: a
    feature then compares integer codes and judges each distinct value (or pair of values)
    once, however many candidate pairs repeat it (``compare`` codes every column so)."""
    values = pd.concat([left.astype(object), right.astype(object)], ignore_index=True)
    values = values.where(values != "")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    categories = pd.Index(uniques, dtype=object, tupleize_cols=False)
    cut = len(left)
    return (pd.Series(pd.Categorical.from_codes(codes[:cut], dtype=pd.CategoricalDtype(categories)), index=left.index),
            pd.Series(pd.Categorical.from_codes(codes[cut:], dtype=pd.CategoricalDtype(categories)), index=right.index))


def _codes(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(left codes, right codes, categories) when both sides are ``coded`` together, else None."""
    if not (isinstance(a.dtype, pd.CategoricalDtype) and isinstance(b.dtype, pd.CategoricalDtype)):
        return None
    if a.cat.categories is not b.cat.categories and not a.cat.categories.equals(b.cat.categories):
        return None
    return (a.cat.codes.to_numpy(dtype=np.int64), b.cat.codes.to_numpy(dtype=np.int64),
            a.cat.categories.to_numpy(dtype=object))


def _per_value(codes: np.ndarray, categories: np.ndarray, fn: Callable[[Any], Any], missing: Any,
               dtype: Any = object) -> np.ndarray:
    """fn of each category, taken by code (code -1: ``missing``)."""
    table = np.empty(len(categories) + 1, dtype=dtype)
    table[: len(categories)] = [fn(v) for v in categories.tolist()]
    table[-1] = missing
    return table[codes]


def _per_pair(ca: np.ndarray, cb: np.ndarray, ok: np.ndarray, n: int,
              fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """fn(distinct left codes, distinct right codes) of the distinct code pairs among ``ok``,
    with the inverse that spreads the results back over ``ok``'s pairs."""
    key = ca[ok] * max(n, 1) + cb[ok]
    uniq, inverse = np.unique(key, return_inverse=True)
    return fn(uniq // max(n, 1), uniq % max(n, 1)), inverse


def _present(s: pd.Series) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy() >= 0
    return (s.notna() & (s != "")).to_numpy(dtype=bool)


def string_similarity(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Indel-normalised similarity (rapidfuzz ``fuzz.ratio`` / 100), NaN where either is missing."""
    ok = _present(a) & _present(b)
    out = np.full(len(a), np.nan)
    if not ok.any():
        return out
    coded_pair = _codes(a, b)
    if coded_pair is not None:   # each distinct pair of strings once
        ca, cb, cats = coded_pair

        def similarity(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
            return cpdist(cats[ua].tolist(), cats[ub].tolist(), scorer=fuzz.ratio, workers=-1) / 100.0

        sims, inverse = _per_pair(ca, cb, ok, len(cats), similarity)
        out[ok] = sims[inverse]
        return out
    sa = a.to_numpy(dtype=object)[ok].tolist()
    sb = b.to_numpy(dtype=object)[ok].tolist()
    out[ok] = cpdist(sa, sb, scorer=fuzz.ratio, workers=-1) / 100.0
    return out


class ExactAgree(BaseCompareFeature):
    """1.0 when both values are present and equal, 0.0 when both present and different."""

    name = "exact"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        ok = _present(s_left) & _present(s_right)
        coded_pair = _codes(s_left, s_right)
        if coded_pair is not None:
            eq = coded_pair[0] == coded_pair[1]
        else:
            eq = s_left.astype(object).fillna("").to_numpy() == s_right.astype(object).fillna("").to_numpy()
        return pd.Series(np.where(ok, eq.astype(float), np.nan), index=s_left.index)


class StringSimilarity(BaseCompareFeature):
    """rapidfuzz ratio over whole strings; 20-80M pairs/s instead of recordlinkage's 0.4M."""

    name = "string"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        return pd.Series(string_similarity(s_left, s_right), index=s_left.index)


def numeral_signature(text: str | None) -> tuple[int | str, ...]:
    """The numbers written in a name, in order: "交警一大队" -> (1,), "第12中学" -> (12,)."""
    if not text:
        return ()
    out: list[int | str] = []
    for tok in _NUMERAL_RE.findall(text):
        if tok.isdigit():
            out.append(int(tok))
        elif all(c in _CN_DIGITS for c in tok):
            out.append(int("".join(str(_CN_DIGITS[c]) for c in tok)))
        else:
            out.append(tok)  # 十/百 forms: compare as written
    return tuple(out)


class NumeralConflict(BaseCompareFeature):
    """1.0 when both names carry numbers and the numbers differ ("一大队" vs "二大队")."""

    name = "numeral_conflict"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        coded_pair = _codes(s_left, s_right)
        if coded_pair is not None:   # each distinct name's numbers once, compared as codes
            ca, cb, cats = coded_pair
            sig_codes, sigs = pd.factorize(pd.Series(
                [numeral_signature(v if isinstance(v, str) else None) for v in cats.tolist()] + [()], dtype=object))
            empty = np.append(np.fromiter((not s for s in sigs), dtype=bool, count=len(sigs)), True)
            sa, sb = sig_codes[ca], sig_codes[cb]   # code -1 (missing) -> the appended ()
            conflict = ~empty[sa] & ~empty[sb] & (sa != sb)
            return pd.Series(conflict.astype(float), index=s_left.index)
        cache: dict[str | None, tuple] = {}

        def sig(v: str | None) -> tuple:
            if v not in cache:
                cache[v] = numeral_signature(v if isinstance(v, str) else None)
            return cache[v]

        left = [sig(v) for v in s_left.tolist()]
        right = [sig(v) for v in s_right.tolist()]
        vals = [1.0 if (x or y) and x != y and (x and y) else 0.0 for x, y in zip(left, right, strict=True)]
        return pd.Series(vals, index=s_left.index, dtype=float)


class PlaceConflict(BaseCompareFeature):
    """1.0 when each name names a place the other lacks ("平安通山" vs "平安崇阳").

    Expects columns holding a frozenset of place names found in each name (``name_places``).
    One side naming no place, or only fewer places ("市公安局" vs "咸宁市公安局"), is not a
    conflict; a shared word that happens to be a place somewhere (平安区) does not hide one.
    """

    name = "place_conflict"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        coded_pair = _codes(s_left, s_right)
        if coded_pair is not None:   # each distinct pair of place sets once; an empty set never conflicts
            ca, cb, cats = coded_pair
            named = np.append(np.fromiter((bool(v) for v in cats.tolist()), dtype=bool, count=len(cats)), False)
            ok = named[ca] & named[cb] & (ca != cb)
            out = np.zeros(len(ca))
            if ok.any():
                def conflict(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
                    return np.fromiter((1.0 if (cats[x] - cats[y]) and (cats[y] - cats[x]) else 0.0
                                        for x, y in zip(ua.tolist(), ub.tolist(), strict=True)), dtype=float, count=len(ua))
                found, inverse = _per_pair(ca, cb, ok, len(cats), conflict)
                out[ok] = found[inverse]
            return pd.Series(out, index=s_left.index)
        vals = [
            1.0 if (x - y) and (y - x) else 0.0
            for x, y in zip(s_left.tolist(), s_right.tolist(), strict=True)
        ]
        return pd.Series(vals, index=s_left.index, dtype=float)


class LineageRelated(BaseCompareFeature):
    """1.0 when two different counties are one the other became ("余杭区"/"临平区", "江干区"/"上城区"):
    an owner filed under the former name is no place conflict."""

    name = "lineage_related"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        from reconcile.regions import lineage_related

        coded_pair = _codes(s_left, s_right)
        if coded_pair is not None:   # each distinct pair of counties once
            ca, cb, cats = coded_pair
            text = np.append(np.fromiter((isinstance(v, str) for v in cats.tolist()), dtype=bool, count=len(cats)), False)
            ok = text[ca] & text[cb] & (ca != cb)
            out = np.zeros(len(ca))
            if ok.any():
                def related(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
                    return np.fromiter((1.0 if lineage_related(cats[x], cats[y]) else 0.0
                                        for x, y in zip(ua.tolist(), ub.tolist(), strict=True)), dtype=float, count=len(ua))
                found, inverse = _per_pair(ca, cb, ok, len(cats), related)
                out[ok] = found[inverse]
            return pd.Series(out, index=s_left.index)
        cache: dict[tuple[str, str], float] = {}
        out = []
        for a, b in zip(s_left.tolist(), s_right.tolist(), strict=True):
            if not isinstance(a, str) or not isinstance(b, str) or a == b:
                out.append(0.0)
                continue
            key = (a, b)
            if key not in cache:
                cache[key] = 1.0 if lineage_related(a, b) else 0.0
            out.append(cache[key])
        return pd.Series(out, index=s_left.index, dtype=float)


AGENT_OWNERS = ("融媒体中心",)


class AgentOwner(BaseCompareFeature):
    """1.0 when exactly one side's owner is a unit that files accounts for others (a county
    融媒体中心 filing for a 街道, DOMAIN.md): then the owners' disagreement says nothing about
    whether the records are one account."""

    name = "agent_owner"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        def agent(s: pd.Series) -> np.ndarray:
            if isinstance(s.dtype, pd.CategoricalDtype):   # each distinct owner once
                return _per_value(s.cat.codes.to_numpy(dtype=np.int64), s.cat.categories.to_numpy(dtype=object),
                                  lambda v: isinstance(v, str) and v.endswith(AGENT_OWNERS), False, dtype=bool)
            text = s.astype(object).where(s.notna(), "").astype(str)
            return text.str.endswith(AGENT_OWNERS).to_numpy(dtype=bool)

        a, b = agent(s_left), agent(s_right)
        return pd.Series((a ^ b).astype(float), index=s_left.index)


class Either(BaseCompareFeature):
    """1.0 when either side carries the flag (a non-empty value), else 0.0."""

    name = "either"

    def _compute_vectorized(self, s_left: pd.Series, s_right: pd.Series) -> pd.Series:
        return pd.Series((_present(s_left) | _present(s_right)).astype(float), index=s_left.index)
