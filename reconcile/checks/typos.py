"""Spellings one edit apart, found in linear time.

Comparing every one-off spelling of an owner with every repeated spelling of the same place
is quadratic: at national scale the records without a known place form one group of hundreds
of thousands of spellings. Two strings are at most one edit (Levenshtein) apart only if one
equals the other with a character deleted, or both do with the same position deleted; so an
index of each target and its one-character deletions finds every candidate, which is then
checked exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


def near_one(queries: Sequence[str], targets: Sequence[str]) -> list[list[int]]:
    """For each query, the indices (ascending) of the targets within one edit of it.

    Equal strings count (distance 0). Cost grows with the total length of the strings, not
    with their product.
    """
    index: dict[str, list[int]] = {}
    for j, target in enumerate(targets):
        for variant in {target} | _deletions(target):
            index.setdefault(variant, []).append(j)
    out: list[list[int]] = []
    for query in queries:
        found: set[int] = set()
        for variant in {query} | _deletions(query):
            hits = index.get(variant)
            if hits:
                found.update(hits)
        out.append(sorted(j for j in found if Levenshtein.distance(query, targets[j], score_cutoff=1) <= 1))
    return out


_NUMERALS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十百千零〇两")


def one_typo_apart(a: str, b: str, min_length: int = 4) -> bool:
    """The same name written twice, once with a slip: equal, or one character replaced, added
    or dropped, in names of ``min_length`` or more characters, where the character is not a
    numeral ("商丘交警一大队" and "商丘交警二大队" are two accounts)."""
    if a == b:
        return True
    if min(len(a), len(b)) < min_length or abs(len(a) - len(b)) > 1:
        return False
    if Levenshtein.distance(a, b, score_cutoff=1) > 1:
        return False
    if len(a) == len(b):
        differing = {x for x, y in zip(a, b, strict=True) if x != y} | {y for x, y in zip(a, b, strict=True) if x != y}
    else:
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        i = next((k for k in range(len(shorter)) if longer[k] != shorter[k]), len(shorter))
        differing = {longer[i]}
    return not (differing & _NUMERALS)


_HASH_BASE = np.uint64(0x100000001B3)       # odd: a hash is a polynomial in it, modulo 2**64
_MIX_LENGTH = np.uint64(0x9E3779B97F4A7C15)
_MIX_GROUP = np.uint64(0xC2B2AE3D27D4EB4F)


def _variant_hashes(texts: Sequence[str], groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hash, index of the text) for each text and each of its one-character deletions, the
    hash mixing in the text's group and the variant's length. Equal variants of one group
    hash alike; different ones rarely do (``near_one_pairs`` checks every candidate)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    hashes: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for length in np.unique(lengths).tolist():
        at = np.flatnonzero(lengths == length)
        if length == 0:
            hashes.append(groups[at].astype(np.uint64) * _MIX_GROUP)
            owners.append(at)
            continue
        codes = np.array([texts[i] for i in at.tolist()], dtype=f"<U{length}").view(np.uint32)
        codes = codes.reshape(len(at), length).astype(np.uint64)
        powers = np.ones(length, dtype=np.uint64)   # base**k, wrapping as the hash does
        powers[1:] = np.multiply.accumulate(np.full(length - 1, _HASH_BASE, dtype=np.uint64))
        before = np.zeros((len(at), length + 1), dtype=np.uint64)   # hash of the first k characters
        np.cumsum(codes * powers, axis=1, out=before[:, 1:])
        after = np.zeros((len(at), length + 1), dtype=np.uint64)    # characters after k, shifted down one place
        shifted = codes[:, 1:] * powers[:-1]
        np.cumsum(shifted[:, ::-1], axis=1, out=after[:, length - 1:0:-1])
        # variant k < length: character k deleted; variant length: the text itself
        variants = before[:, :length] + after[:, 1:]
        variants = np.concatenate([variants, before[:, length:]], axis=1)
        sizes = np.full(length + 1, length - 1, dtype=np.uint64)
        sizes[length] = length
        mixed = variants + sizes * _MIX_LENGTH + (groups[at].astype(np.uint64) * _MIX_GROUP)[:, None]
        hashes.append(mixed.ravel())
        owners.append(np.repeat(at, length + 1))
    if not hashes:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate(hashes), np.concatenate(owners)


def near_one_pairs(queries: Sequence[str], query_groups: np.ndarray, targets: Sequence[str],
                   target_groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (query index, target index) of one group (equal integer labels) within one edit,
    sorted: ``near_one`` for many groups at once, its deletion index as hashes in arrays."""
    q_hash, q_of = _variant_hashes(queries, np.asarray(query_groups, dtype=np.int64))
    t_hash, t_of = _variant_hashes(targets, np.asarray(target_groups, dtype=np.int64))
    keep = pd.Series(t_hash).isin(q_hash).to_numpy()   # only the variants both sides have
    t_hash, t_of = t_hash[keep], t_of[keep]
    keep = pd.Series(q_hash).isin(t_hash).to_numpy()
    q_hash, q_of = q_hash[keep], q_of[keep]
    order = np.argsort(t_hash, kind="stable")
    t_hash, t_of = t_hash[order], t_of[order]
    start = np.searchsorted(t_hash, q_hash, side="left")
    count = np.searchsorted(t_hash, q_hash, side="right") - start
    qi = np.repeat(q_of, count)
    tj = t_of[np.repeat(start - np.cumsum(count) + count, count) + np.arange(int(count.sum()))]
    width = max(len(targets), 1)
    pairs = np.unique(qi * width + tj)   # sorted by query, then target
    pairs = np.stack([pairs // width, pairs % width], axis=1)
    qs, ts = pairs[:, 0].tolist(), pairs[:, 1].tolist()
    near = np.fromiter((Levenshtein.distance(queries[q], targets[t], score_cutoff=1) <= 1
                        for q, t in zip(qs, ts, strict=True)), dtype=bool, count=len(qs))
    return pairs[near, 0].astype(np.int64), pairs[near, 1].astype(np.int64)
