"""checks.typos.near_one: the same answer as comparing every pair, without the quadratic cost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from reconcile.checks.typos import near_one

words = st.lists(st.text(alphabet="咸宁通山局学校ab", min_size=0, max_size=6), max_size=25)


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_near_one_equals_brute_force(queries: list[str], targets: list[str]) -> None:
    brute = [[j for j, t in enumerate(targets) if Levenshtein.distance(q, t) <= 1] for q in queries]
    assert near_one(queries, targets) == brute


def test_near_one_kinds_of_edit() -> None:
    targets = ["咸安区第40实验学校", "通山县民政局", "湾坪社区"]
    queries = ["咸安区第40实验雪校",   # substitution
               "通山县民政局局",        # insertion
               "湾坪区",               # deletion
               "坪湾社区",             # transposition: two edits
               "青坪社区居委会"]
    assert near_one(queries, targets) == [[0], [1], [2], [], []]


def test_one_typo_apart_reads_slips_not_numbers():
    from reconcile.checks.typos import one_typo_apart

    assert one_typo_apart("桃清沙成社区", "桃清沙城社区")      # one character replaced
    assert one_typo_apart("健康萧山区", "健康萧山")            # one added
    assert one_typo_apart("咸宁发布", "咸宁发布")
    assert not one_typo_apart("商丘交警一大队", "商丘交警二大队")  # numbers name different accounts
    assert not one_typo_apart("第3中学发布", "第5中学发布")
    assert not one_typo_apart("咸宁发", "咸宁法")              # too short to tell
    assert not one_typo_apart("咸宁发布厅", "咸宁发文")        # two edits


groups = st.lists(st.integers(min_value=0, max_value=2), min_size=25, max_size=25)


@settings(max_examples=300, deadline=None)
@given(words, words, groups, groups)
def test_near_one_pairs_equals_brute_force(queries: list[str], targets: list[str], qg: list[int], tg: list[int]) -> None:
    import numpy as np

    from reconcile.checks.typos import near_one_pairs

    q_groups, t_groups = np.array(qg[:len(queries)], dtype=np.int64), np.array(tg[:len(targets)], dtype=np.int64)
    brute = [(i, j) for i, q in enumerate(queries) for j, t in enumerate(targets)
             if q_groups[i] == t_groups[j] and Levenshtein.distance(q, t) <= 1]
    qi, tj = near_one_pairs(queries, q_groups, targets, t_groups)
    assert list(zip(qi.tolist(), tj.tolist(), strict=True)) == brute
