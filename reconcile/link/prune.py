"""Crawled rows that can matter, chosen before the expensive normalisation.

A crawl that sweeps a platform for government-looking accounts returns mostly accounts
verified as an enterprise, a person or not at all. Such a record can only ever link to a
registry record by an exact key (``candidates``: the same account id, or the same normalised
name on the platform), and on its own it is never a finding (瞒报漏报 needs an official
verification). So a non-official crawled record whose id and name key appear in neither
registry changes nothing in the result: it is dropped before its owner, region and dates are
normalised and before linking, which at national scale halves the crawled side.

``CrawlFilter`` is handed to ``normalize_frame(keep=...)``; it remembers the platform of every
crawled row (the checks need to know which platforms were crawled at all, and the data
warnings count rows per platform) and how many rows it dropped, and why (``skipped``: the
report tells the clerk, since those rows appear nowhere else).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from reconcile.normalize import NOT_OFFICIAL, normalize_platform
from reconcile.regions import Place


class CrawlFilter:
    """The crawled rows that can link or be findings, in two steps that keep nothing in this object
    (each may run in another process, on part of the rows): ``keep(early)`` for normalize_frame,
    then ``elsewhere(frame)``. Then ``kept(raw, crawled, elsewhere)`` remembers what the whole crawl
    was. ``registries``: the two normalised registry frames; ``in_scope``: the resolver's scope test."""

    def __init__(self, registries: list[pd.DataFrame], in_scope: Callable[[Place], bool]) -> None:
        ids: set[str] = set()
        names: set[str] = set()
        provinces: set[str] = set()
        for frame in registries:
            ids.update(frame["account_id"].dropna().tolist())
            names.update(frame["name_key"].dropna().tolist())
            provinces.update(frame["province"].dropna().tolist())
        self._ids = ids
        self._names = names
        self._provinces = provinces
        self._in_scope = in_scope
        self.platform: pd.Series = pd.Series(dtype=object)   # of every crawled row, kept or not
        self.unrelated = 0   # rows dropped by keep: not official, no key shared with a registry
        self.elsewhere_rows = 0   # rows dropped by elsewhere(): official, in a province no registry covers

    def __call__(self, early: pd.DataFrame) -> np.ndarray:
        """``early``: the crawled rows' normalised platform, account_id, name_key and verified_kind."""
        official = ~early["verified_kind"].isin(list(NOT_OFFICIAL)).to_numpy()
        return official | self._shares(early)

    def _shares(self, frame: pd.DataFrame) -> np.ndarray:
        return _in(frame["account_id"], self._ids) | _in(frame["name_key"], self._names)

    def elsewhere(self, crawled: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """``crawled`` (the normalised frame of the rows kept) without the official records placed
        in a province where neither registry files any account and outside the scope, and how many
        were dropped: they are not this audit's accounts (never 瞒报漏报 here), and unless an id or
        name key is shared (kept) a link to them would be a false one. A national sweep is mostly
        such records."""
        place = crawled[["province", "city", "county"]].astype(object)
        candidate = place["province"].notna() & ~place["province"].isin(list(self._provinces))
        if not candidate.any():
            return crawled, 0
        sub = place[candidate]
        codes, triples = pd.factorize(pd.Series(list(zip(sub["province"], sub["city"], sub["county"], strict=True)),
                                                dtype=object))
        outside = np.fromiter((not self._in_scope(Place(*(None if pd.isna(x) else x for x in t))) for t in triples),
                              dtype=bool, count=len(triples))[codes]
        drop = np.zeros(len(crawled), dtype=bool)
        drop[np.flatnonzero(candidate.to_numpy())[outside]] = True
        drop &= ~self._shares(crawled)
        if not drop.any():
            return crawled, 0
        return crawled[~drop], int(drop.sum())

    def kept(self, raw: pd.DataFrame, crawled: pd.DataFrame, elsewhere: int) -> pd.DataFrame:
        """After ``keep`` and ``elsewhere`` on all of ``raw``, wherever they ran: remember the
        platform of every crawled row and how many rows each step dropped (``elsewhere`` of them by
        the second); ``crawled`` (the rows left) is returned."""
        platform = raw["platform"] if "platform" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
        codes, uniques = pd.factorize(platform.astype(object), use_na_sentinel=True)
        named = np.empty(len(uniques) + 1, dtype=object)
        named[: len(uniques)] = [normalize_platform(u)[0] for u in uniques]
        named[-1] = normalize_platform(None)[0]
        self.platform = pd.Series(named[codes], index=raw.index)
        self.elsewhere_rows = elsewhere
        self.unrelated = int(len(raw) - len(crawled) - elsewhere)
        return crawled

    @property
    def skipped(self) -> dict[str, int]:
        """Rows dropped, by reason (RunInfo.crawled_skipped)."""
        return {"unrelated": self.unrelated, "elsewhere": self.elsewhere_rows}

    @property
    def platforms(self) -> frozenset[str]:
        """The platforms the crawl covers (dropped rows included)."""
        return frozenset(self.platform.dropna().unique().tolist())


def _in(values: pd.Series, known: set[str]) -> np.ndarray:
    """values.isin(known) computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hit = np.fromiter((u in known for u in uniques), dtype=bool, count=len(uniques))
    return np.append(hit, False)[codes]   # code -1 (NA) -> False
