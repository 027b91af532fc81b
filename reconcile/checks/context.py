"""What every check sees: one row per account with the fields of each source side by side."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.config import Config
from reconcile.result import Finding, RecordRef

# fields copied from each source frame into the account view, as "{n|p|c}_{field}"
VIEW_FIELDS = (
    "row", "platform", "account_type", "name", "name_key", "owner", "owner_core", "account_id",
    "status", "verified_kind", "verified_info", "last_post_at", "followers", "province", "city", "county",
)
PREFIX = {"national": "n", "provincial": "p", "crawled": "c"}


@dataclass(frozen=True)
class CheckContext:
    view: pd.DataFrame                 # one row per account, see build_view
    config: Config
    files: dict[str, str]              # source -> file name shown in "来源"
    crawled_platforms: frozenset[str]  # platforms the crawl covered (not-found there is evidence)

    def refs(self, row: pd.Series, sources: tuple[str, ...] = ("national", "provincial", "crawled")
             ) -> tuple[RecordRef, ...]:
        out = []
        for s in sources:
            r = row.get(f"{PREFIX[s]}_row")
            if r is not None and not pd.isna(r):
                out.append(RecordRef(s, int(r), self.files.get(s, "")))
        return tuple(out)

    def finding(self, kind: str, row: pd.Series, detail: str, records: tuple[RecordRef, ...], *,
                confidence: float = 1.0, correction: str | None = None, field: str | None = None,
                prefer: tuple[str, ...] = ("n", "p", "c")) -> Finding:
        """A finding about the account in ``row``, showing the registry's name/owner first."""

        def first(field_name: str) -> str | None:
            for p in prefer:
                v = row.get(f"{p}_{field_name}")
                if v is not None and not pd.isna(v) and str(v) != "":
                    return str(v)
            return None

        return Finding(
            kind=kind,
            fails=kind in self.config.fail_kinds,
            platform=first("platform"),
            name=first("name"),
            owner=first("owner"),
            region=row.get("region_label"),
            detail=detail,
            records=records,
            confidence=float(confidence),
            account_type=first("account_type"),
            correction=correction,
            field=field,
            account=int(row.name) if row.name is not None else None,
        )


def build_view(accounts: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Join the account table (positions n/p/c) with each source's fields."""
    view = accounts.reset_index(drop=True).copy()
    for source, prefix in PREFIX.items():
        frame = frames[source]
        cols = [c for c in VIEW_FIELDS if c in frame.columns]
        pos = view[prefix]
        sub = frame[cols].reset_index(drop=True)
        ok = pos.notna().to_numpy()
        taken = sub.iloc[pos[ok].astype(int).to_numpy()]
        for c in cols:
            col = pd.Series(pd.NA, index=view.index, dtype=object)
            col[ok] = taken[c].to_numpy()
            if c == "last_post_at":
                col = pd.to_datetime(col, errors="coerce")
            view[f"{prefix}_{c}"] = col
    return view


def present(view: pd.DataFrame, col: str) -> pd.Series:
    s = view[col]
    return s.notna() & (s != "")
