"""Candidate pairs whose count grows about linearly with the data.

Blocking on platform alone explodes (50k accounts: over a billion pairs), so candidates come
from exact keys plus a character-bigram similarity index within each platform:

- ``ExactKeyIndex``: same platform and same value of a key (account id, name key, owner core);
- ``AccountIdIndex``: same account id on any platform (catches a registry that filed the
  account under the wrong platform); likewise the same name within a platform family (微信
  公众号/视频号/小程序), for such filings without an id;
- ``BigramIndex``: within a platform, names that share rare character bigrams, keeping each
  left record's best few right records;
- ``SortedNeighbourIndex``: within a platform, names that sort next to each other, forwards
  and backwards.

Each is a recordlinkage ``BaseIndexAlgorithm``; ``candidate_pairs`` unions them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from reconcile.link._rl import BaseIndexAlgorithm
from reconcile.normalize import NOT_OFFICIAL


def _pairs(left: np.ndarray, right: np.ndarray) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([left, right], names=["left", "right"])


def _key_frame(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """The index and key columns of rows where every key is present."""
    sub = df[cols].copy()
    mask = sub.notna().all(axis=1)
    for c in cols:
        mask &= sub[c] != ""
    sub = sub[mask]
    sub["_idx"] = sub.index.to_numpy()
    return sub


class ExactKeyIndex(BaseIndexAlgorithm):
    """Pairs that agree exactly on every column of ``on`` (nulls never agree).

    ``max_block`` skips keys shared by more rows than that on either side: such a key (a
    generic name like "发布") carries no evidence and would multiply the pairs.
    """

    def __init__(self, on: list[str], max_block: int = 50) -> None:
        super().__init__(verify_integrity=False)
        self.on = on
        self.max_block = max_block

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        # the key of every row as one integer code over both sides (-1: a part missing or empty);
        # the pairs as an inner merge on the key gives them: left rows in order, each with the
        # right rows of its key in order
        na = len(df_a)
        code = _joint_codes([pd.concat([df_a[c], df_b[c]], ignore_index=True) for c in self.on])
        ca, cb = code[:na], code[na:]
        width = int(code.max()) + 1 if len(code) else 0
        count_a = np.bincount(ca[ca >= 0], minlength=width)
        count_b = np.bincount(cb[cb >= 0], minlength=width)
        if self.max_block:
            shared = (count_a > 0) & (count_a <= self.max_block) & (count_b <= self.max_block)
        else:
            shared = count_a > 0
        rows_b = np.flatnonzero(cb >= 0)
        rows_b = rows_b[shared[cb[rows_b]]]
        rows_b = rows_b[np.argsort(cb[rows_b], kind="stable")]
        per_key = np.bincount(cb[rows_b], minlength=width)
        start = np.cumsum(per_key) - per_key
        rows_a = np.flatnonzero(ca >= 0)
        rows_a = rows_a[shared[ca[rows_a]] & (per_key[ca[rows_a]] > 0)]
        reps = per_key[ca[rows_a]]
        left = np.repeat(rows_a, reps)
        within = np.arange(len(left), dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
        right = rows_b[np.repeat(start[ca[rows_a]], reps) + within]
        return _pairs(df_a.index.to_numpy(dtype=np.int64)[left], df_b.index.to_numpy(dtype=np.int64)[right])


def _joint_codes(columns: list[pd.Series]) -> np.ndarray:
    """One integer code per row for the values of ``columns`` together; -1 where any is missing
    or the empty string (such a key agrees with nothing)."""
    code: np.ndarray | None = None
    for values in columns:
        c, uniques = pd.factorize(values, use_na_sentinel=True)
        c = c.astype(np.int64)
        empty = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
        if len(empty):
            c[c == empty[0]] = -1
        if code is None:
            code = c
        else:
            missing = (code < 0) | (c < 0)
            code, _ = pd.factorize(code * (len(uniques) + 1) + c)
            code = code.astype(np.int64)
            code[missing] = -1
    assert code is not None
    return code


def bigrams(text: str) -> list[str]:
    """Character bigrams of a (normalised) name; a one-character name is its own gram."""
    if not text:
        return []
    if len(text) == 1:
        return [text]
    return list(dict.fromkeys(text[i:i + 2] for i in range(len(text) - 1)))


class BigramIndex(BaseIndexAlgorithm):
    """Within a platform, pairs of names sharing character bigrams.

    Grams held by more than ``max_df`` right-hand rows of a platform are ignored (they are
    "市", "公安"-like and say little). For each left record only the ``top_k`` right records
    sharing the most grams are kept (on a tie, the right names with fewer grams: the closer in
    length), so the pair count is at most ``top_k`` × left rows. Names, grams and platforms are
    integer codes; the grams each pair shares are one sparse matrix product (scipy, which
    recordlinkage brings): no string merge, no sort of every gram hit.
    """

    def __init__(self, on: str = "name_key", block: str = "platform", max_df: int = 300,
                 top_k: int = 6, slice_hits: int = 4_000_000) -> None:
        super().__init__(verify_integrity=False)
        self.on = on
        self.block = block
        self.max_df = max_df
        self.top_k = top_k
        self.slice_hits = slice_hits

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        # integer codes throughout: the (block, gram) of every row's name
        sub_a = df_a[[self.block, self.on]].dropna()
        sub_b = df_b[[self.block, self.on]].dropna()
        blocks, _ = pd.factorize(pd.concat([sub_a[self.block], sub_b[self.block]], ignore_index=True))
        keys, key_names = pd.factorize(pd.concat([sub_a[self.on], sub_b[self.on]], ignore_index=True))
        vocab: dict[str, int] = {}
        grams_of = [[vocab.setdefault(g, len(vocab)) for g in bigrams(k)] for k in key_names]
        lengths = np.fromiter((len(g) for g in grams_of), dtype=np.int64, count=len(grams_of))
        flat = np.fromiter((g for gs in grams_of for g in gs), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        width = max(len(vocab), 1)

        def explode(codes: np.ndarray, block_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """(row position, block × gram key) of every gram of every row."""
            counts = lengths[codes]
            total = int(counts.sum())
            offsets = np.repeat(starts[codes] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
            grams = flat[offsets + np.arange(total, dtype=np.int64)]
            return np.repeat(np.arange(len(codes), dtype=np.int64), counts), np.repeat(block_codes, counts) * width + grams

        na, nb = len(sub_a), len(sub_b)
        row_a, key_a = explode(keys[:na], blocks[:na])
        row_b, key_b = explode(keys[na:], blocks[na:])
        if not len(row_a) or not len(row_b):
            return _pairs(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
        # the right side's grams as columns (grams held by more than max_df right rows: none);
        # left rows × grams times grams × right rows = the grams each pair shares (sparse, in C)
        uniq, col_b, df = np.unique(key_b, return_inverse=True, return_counts=True)
        ok_b = df[col_b] <= self.max_df
        col_a = np.searchsorted(uniq, key_a)
        col_a[col_a == len(uniq)] = 0
        hit = (uniq[col_a] == key_a) & (df[col_a] <= self.max_df)
        left_grams = sparse.csr_matrix((np.ones(int(hit.sum()), dtype=np.int32), (row_a[hit], col_a[hit])),
                                       shape=(na, len(uniq)))
        gram_rights = sparse.csr_matrix((np.ones(int(ok_b.sum()), dtype=np.int32), (col_b[ok_b], row_b[ok_b])),
                                        shape=(len(uniq), nb))
        index_a = sub_a.index.to_numpy(dtype=np.int64)
        index_b = sub_b.index.to_numpy(dtype=np.int64)
        grams_b = lengths[keys[na:]]
        # left rows in slices of at most ~4M gram hits (the product's upper bound), so that the
        # arrays of one slice's pairs stay small: the result is the same, by rows, in order
        bound = np.cumsum(left_grams @ df.astype(np.int64))
        cuts = np.searchsorted(bound, np.arange(1, int(bound[-1]) // self.slice_hits + 1) * self.slice_hits)
        edges = np.unique(np.r_[0, cuts, na])
        lefts, rights = [], []
        for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
            pl, pr = self._top(left_grams[lo:hi] @ gram_rights, index_a[lo:hi], index_b, grams_b)
            lefts.append(pl)
            rights.append(pr)
        pl, pr = np.concatenate(lefts), np.concatenate(rights)
        if len(pl) > 1 and not (pl[1:] >= pl[:-1]).all():   # a left index out of order: as one sort would give
            order = np.argsort(pl, kind="stable")
            pl, pr = pl[order], pr[order]
        return _pairs(pl, pr)

    def _top(self, shared_by: sparse.csr_matrix, index_a: np.ndarray, index_b: np.ndarray,
             grams_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each left record's ``top_k`` right records, from the grams each pair shares: most shared
        grams first; ties: the right name with fewer grams (the closer in length), then the
        earlier record. Sorted by left record."""
        shared_by = shared_by.tocsr()
        if not shared_by.nnz:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        right_pos = shared_by.indices.astype(np.int64)
        pl = index_a[np.repeat(np.arange(len(index_a)), np.diff(shared_by.indptr))]
        pr = index_b[right_pos]
        shared = shared_by.data.astype(np.int64)
        grams_r = grams_b[right_pos]
        span = int(index_b.max()) + 1
        top, longest = int(shared.max()) + 1, int(grams_r.max()) + 1
        if (int(pl.max()) + 1) * top * longest * span < 2**62:   # one int64 sort key: 3x faster than lexsort
            order = np.argsort(((pl * top + (top - 1 - shared)) * longest + grams_r) * span + pr)
        else:
            order = np.lexsort((pr, grams_r, -shared, pl))
        pl, pr = pl[order], pr[order]
        group_start = np.flatnonzero(np.r_[True, pl[1:] != pl[:-1]])
        rank = np.arange(len(pl)) - np.repeat(group_start, np.diff(np.r_[group_start, len(pl)]))
        keep = rank < self.top_k
        return pl[keep], pr[keep]


class SortedNeighbourIndex(BaseIndexAlgorithm):
    """Within a platform, records whose keys sort next to each other (``window`` on each side).

    Sorting the normalised names puts "郧西第5中学" beside "郧西第5中雪" even where their
    bigrams are too common to index; sorting the reversed names does the same for names that
    differ at the start ("咸宁市民政局" / "市民政局"). Pairs grow linearly: at most
    2 × ``window`` per record.
    """

    def __init__(self, on: str = "name_key", block: str = "platform", window: int = 3,
                 reverse: bool = False) -> None:
        super().__init__(verify_integrity=False)
        self.on = on
        self.block = block
        self.window = window
        self.reverse = reverse

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        a = _key_frame(df_a, [self.block, self.on]).assign(_side=0)
        b = _key_frame(df_b, [self.block, self.on]).assign(_side=1)
        both = pd.concat([a, b], ignore_index=True)
        if self.reverse:
            both[self.on] = both[self.on].map(lambda t: t[::-1])
        both = both.sort_values([self.block, self.on, "_side"], kind="stable")
        block = both[self.block].to_numpy()
        side = both["_side"].to_numpy()
        idx = both["_idx"].to_numpy()
        lefts, rights = [], []
        for off in range(1, self.window + 1):
            i = np.arange(len(both) - off)
            j = i + off
            ok = (block[i] == block[j]) & (side[i] != side[j])
            i, j = i[ok], j[ok]
            li = np.where(side[i] == 0, idx[i], idx[j])
            ri = np.where(side[i] == 0, idx[j], idx[i])
            lefts.append(li)
            rights.append(ri)
        if not lefts:
            return _pairs(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
        return _pairs(np.concatenate(lefts).astype(np.int64), np.concatenate(rights).astype(np.int64))


def _mutual_unique(pairs: pd.MultiIndex) -> tuple[np.ndarray, np.ndarray]:
    """Left and right records that have exactly one partner in ``pairs``, each other's."""
    left = pairs.get_level_values(0).to_numpy()
    right = pairs.get_level_values(1).to_numpy()
    lu, lc = np.unique(left, return_counts=True)
    ru, rc = np.unique(right, return_counts=True)
    one_l = np.isin(left, lu[lc == 1])
    one_r = np.isin(right, ru[rc == 1])
    ok = one_l & one_r
    return left[ok], right[ok]


def _official(df: pd.DataFrame) -> pd.DataFrame:
    if "verified_kind" not in df:
        return df
    return df[~df["verified_kind"].isin(list(NOT_OFFICIAL))]


def candidate_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.MultiIndex:
    """Union of every index's pairs, each pair once, as (left index, right index).

    Records whose account id or normalised name agrees with exactly one record on the other
    side, and that record's with theirs, are settled by those keys; the fuzzy indexes (owner,
    bigrams, sorted neighbourhood) look only at the rest, and only at records not verified as
    an enterprise, a person or not at all (a crawl sweep is mostly such accounts; they still
    link by id or exact name). At national scale the fuzzy work shrinks about tenfold.
    """
    exact: list[BaseIndexAlgorithm] = [
        ExactKeyIndex(["platform", "account_id"], max_block=20),
        ExactKeyIndex(["platform", "name_key"], max_block=50),
    ]
    parts = [ix.index(left, right) for ix in exact]
    parts.append(ExactKeyIndex(["account_id"], max_block=5).index(left, right))
    if "platform_family" in left.columns and "platform_family" in right.columns:
        # a registry filing under a sibling platform (视频号 for 公众号, 公众号 for 小程序), no id
        parts.append(ExactKeyIndex(["platform_family", "name_key"], max_block=20).index(left, right))
    settled_l, settled_r = [], []
    for p in parts[:2]:
        sl, sr = _mutual_unique(p)
        settled_l.append(sl)
        settled_r.append(sr)
    rest_left = _official(left.drop(index=np.unique(np.concatenate(settled_l)) if settled_l else []))
    rest_right = _official(right.drop(index=np.unique(np.concatenate(settled_r)) if settled_r else []))
    fuzzy: list[BaseIndexAlgorithm] = [
        ExactKeyIndex(["platform", "owner_norm"], max_block=20),
        ExactKeyIndex(["platform", "county", "owner_core"], max_block=20),
        BigramIndex(),
        SortedNeighbourIndex(window=3),
        SortedNeighbourIndex(window=2, reverse=True),
    ]
    if len(rest_left) and len(rest_right):
        parts += [ix.index(rest_left, rest_right) for ix in fuzzy]
    arrays = [np.concatenate([p.get_level_values(i).to_numpy(dtype=np.int64) for p in parts]) for i in (0, 1)]
    return pd.MultiIndex.from_arrays(arrays, names=["left", "right"]).unique()
