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
