"""What every check sees: one row per account with the fields of each source side by side."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from reconcile.config import Config
from reconcile.result import Finding, RecordRef

# fields copied from each source frame into the account view, as "{n|p|c}_{field}"
VIEW_FIELDS = (
    "row", "platform", "account_type", "name", "name_key", "name_core", "owner", "owner_core", "account_id",
    "status", "verified_kind", "region", "verified_info", "last_post_at", "followers", "province", "city", "county",
)
PREFIX = {"national": "n", "provincial": "p", "crawled": "c"}


@dataclass(frozen=True)
class CheckContext:
    view: pd.DataFrame                 # one row per account, see build_view
    config: Config
    files: dict[str, str]              # source -> file name shown in "来源"
    crawled_platforms: frozenset[str]  # platforms the crawl covered (not-found there is evidence)
    notes: list[str] = field(default_factory=list)  # what a check could not judge, each said once
    crawled_files: tuple[str, ...] = ()  # several crawled files: the file of each crawled record (by position)
    manual: tuple = ()                   # 人工检查问题表 rows (sources.manual.ManualIssue)

    def note(self, text: str) -> None:
        """Record that a check could not judge something (shown once in every output)."""
        if text not in self.notes:
            self.notes.append(text)

    def refs(self, row: pd.Series, sources: tuple[str, ...] = ("national", "provincial", "crawled")
             ) -> tuple[RecordRef, ...]:
        out = []
        for s in sources:
            r = row.get(f"{PREFIX[s]}_row")
            if r is not None and not pd.isna(r):
                pos = row.get(PREFIX[s]) if s == "crawled" and self.crawled_files else None
                if pos is not None and not pd.isna(pos):
                    out.append(RecordRef(s, int(r), self.crawled_files[int(pos)], several=True))
                else:
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


def alive_crawled(view: pd.DataFrame) -> pd.Series:
    """Accounts with an accepted link to a crawled record the platform shows as operating."""
    from reconcile.schema import GONE_STATUSES

    return present(view, "c_row") & (view["c_link"] == "match") & ~view["c_status"].isin(list(GONE_STATUSES))


def filed(view: pd.DataFrame) -> pd.Series:
    return present(view, "n_row") | present(view, "p_row")


def date_zh_short(d: object) -> str:
    """2022-10-31 -> 2022年10月31日."""
    return f"{d.year}年{d.month}月{d.day}日"  # type: ignore[attr-defined]


# Platforms where one unit legitimately runs several accounts (apps, mini programs) or that
# are not one platform at all: left out of the one-account-per-platform and naming rules.
MULTI_ACCOUNT_PLATFORMS = frozenset({"微信小程序", "移动客户端", "其他"})


_NUMERALS = re.compile(r"[0-9零〇一二两三四五六七八九十百千]+")


def typo_equal(a: str, b: str, min_len: int = 5) -> bool:
    """Two names that differ by one character at most, neither short nor in a number
    ("咸安区第40实验雪校" = "咸安区第40实验学校"; "第40" ≠ "第41"; "民政局" ≠ "财政局")."""
    if a == b:
        return True
    return (min(len(a), len(b)) >= min_len and Levenshtein.distance(a, b) <= 1
            and _NUMERALS.findall(a) == _NUMERALS.findall(b))


def unit_keys(view: pd.DataFrame) -> pd.Series:
    """Per account, the unit that runs it: its place (province/city/county) + owner core
    (registry values first); NA when no owner is known.

    A spelling seen in one record only, one character away from a spelling seen in two or
    more records of the same place, is a typo of it ("咸安区第40实验雪校"); two spellings each
    seen repeatedly are two units, even one character apart ("湾坪社区", "青坪社区").
    """
    owner = first_text(view, "owner_core")
    place = (first_text(view, "province").fillna("") + "|" + first_text(view, "city").fillna("") + "|"
             + first_text(view, "county").fillna(""))
    ok = owner.notna()
    records = pd.concat([pd.DataFrame({"place": place, "owner": view[f"{p}_owner_core"]}) for p in ("n", "p", "c")])
    records = records[records["owner"].notna() & (records["owner"] != "")]
    canon: dict[tuple[str, str], str] = {}
    for plc, grp in records.groupby("place", sort=False):
        counts = grp["owner"].value_counts()
        common = [c for c, n in counts.items() if n >= 2]
        for core, n in counts.items():
            rep = core
            if n == 1 and common:
                hit = process.extractOne(core, common, scorer=Levenshtein.distance, score_cutoff=1)
                if hit is not None and typo_equal(core, hit[0]):
                    rep = hit[0]
            canon[(plc, core)] = rep
    key = pd.Series([f"{p}|{canon.get((p, o), o)}" if isinstance(o, str) else None
                     for p, o in zip(place, owner, strict=True)], index=view.index, dtype=object)
    return key.where(ok)


def active_accounts(view: pd.DataFrame) -> pd.Series:
    """Accounts in scope that operate: filed as operating (or unknown) and not shown gone by the
    crawl, or found operating by the crawl."""
    from reconcile.schema import GONE_STATUSES

    gone = GONE_STATUSES | {"closed"}
    reg_alive = pd.Series(False, index=view.index)
    for p in ("n", "p"):
        reg_alive |= present(view, f"{p}_row") & ~view[f"{p}_status"].isin(list(gone))
    crawl_gone = present(view, "c_row") & (view["c_link"] == "match") & view["c_status"].isin(list(gone))
    return (reg_alive & ~crawl_gone) & view["in_scope"].astype(bool)


def first_text(view: pd.DataFrame, field_name: str) -> pd.Series:
    """Per account, the national value of a field, else the provincial, else the crawled (NA if none)."""
    out = view[f"n_{field_name}"].astype(object)
    for p in ("p", "c"):
        out = out.where(out.notna() & (out != ""), view[f"{p}_{field_name}"])
    return out.where(out.notna() & (out != ""))
