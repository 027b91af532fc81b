"""duplicate_filing (重复备案): the same account filed twice in one registry — a data problem
the registry owner must clean.

The linker is one-to-one, so a second filing would otherwise stay unlinked and show up as
"filed in one registry only". The pipeline therefore calls :func:`find_duplicates` on each
registry before linking (only the first filing is linked) and :func:`attach_duplicates` to
the account view; :func:`check` reports one finding per group of filings.

Two filings are the same account when they are on the same platform and have the same
account id, or the same name (``name_key``), the same unit (owner without its region prefix,
``owner_core``, where the frame has it) and the same place, or names one slip apart
(``typos.one_typo_apart``: "桃清沙成社区" for "桃清沙城社区", "健康萧山区" for "健康萧山") under
the same unit and place, where the unit is not a 融媒体中心 (it files the accounts of its
county's villages and 街道, whose names differ in one character: "坑南凤外村", "坑南凤岙村") — unless both carry account ids and the ids differ (two accounts that
happen to share a name), or one is filed as closed and the other as operating (an old account
next to its replacement under the same name).

Filings alike in name and unit are two accounts, not one filed twice, where the platform shows
two: ``seen_as_two`` looks, once the crawl is read, for two or more crawled accounts verified as
official, on the filings' platform, with one of their names, in their county or one that took
part of its area. Two sub-units of one name ("东塘司法所" of 余杭区 and of 临平区, the second filed
under its county's old name) read as one unit filed twice; their verifications tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.checks.context import PREFIX, CheckContext, files_for_others
from reconcile.checks.typos import one_typo_apart
from reconcile.regions import became_part, successors
from reconcile.result import Finding, RecordRef
from reconcile.schema import SOURCE_LABELS

CODE = "duplicate_filing"
REGISTRIES = ("national", "provincial")


@dataclass(frozen=True)
class DuplicateGroup:
    source: str                 # national | provincial
    rows: tuple[int, ...]       # the filings' row numbers, the kept (first) one first
    reason: str                 # Chinese: why they are the same account
    account_id: str | None
    same_id: bool = False       # filed with one account id (no crawl evidence can part them)


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return text or None


def _texts(values: pd.Series) -> list[str | None]:
    """``_text`` of every value, worked out once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    named = np.array([_text(u) for u in uniques] + [None], dtype=object)
    return named[codes].tolist()   # code -1 (missing): the last, None


def _closed_and_open(a: str | None, b: str | None) -> bool:
    """One filing closed, the other operating: an old account next to its replacement, which
    keeps the old name (not the same account filed twice)."""
    gone = {"closed", "not_found", "banned"}
    return bool(a and b) and ((a in gone) != (b in gone))


def find_duplicates(frame: pd.DataFrame, source: str) -> tuple[np.ndarray, list[DuplicateGroup]]:
    """(mask of rows to keep, duplicate groups) for one normalised (or prepared) registry frame."""
    n = len(frame)
    keep = np.ones(n, dtype=bool)
    if n == 0:
        return keep, []

    def col(name: str) -> list[str | None]:
        return _texts(frame[name]) if name in frame.columns else [None] * n

    platform, acc_id, key = col("platform"), col("account_id"), col("name_key")
    owner = col("owner_core" if "owner_core" in frame.columns else "owner_norm")
    status = col("status")
    # the place the filing resolves to: "县财政局城关财政所" in two counties is two units
    place = [f"{c or ''}|{k or ''}" for c, k in zip(col("city"), col("county"), strict=True)]
    rows = frame["row"].tolist()
    by_id: dict[tuple[str, str], int] = {}
    by_name: dict[tuple[str, str, str, str], int] = {}
    by_unit: dict[tuple[str, str, str], list[int]] = {}   # kept filings per (platform, unit, place)
    members: dict[int, list[int]] = {}     # first position -> positions of its duplicates
    reasons: dict[int, str] = {}
    by_same_id: set[int] = set()   # first positions of groups matched by account id

    def compatible(i: int, j: int) -> bool:
        return not (acc_id[i] and acc_id[j] and acc_id[i] != acc_id[j]) and not _closed_and_open(status[i], status[j])

    for i in range(n):
        p = platform[i] or ""
        first: int | None = None
        reason = ""
        if acc_id[i]:
            first = by_id.get((p, acc_id[i]))
            reason = f"账号ID相同（{acc_id[i]}）"
            if first is not None and first not in reasons:
                by_same_id.add(first)
        if first is None and key[i] and owner[i]:
            cand = by_name.get((p, key[i], owner[i], place[i]))
            if cand is not None and compatible(i, cand):
                first, reason = cand, "名称和主办单位相同"
            elif not files_for_others(owner[i]):   # a 融媒体中心 files many accounts of one name pattern
                first = next((j for j in by_unit.get((p, owner[i], place[i]), ())
                              if compatible(i, j) and one_typo_apart(key[i], key[j])), None)   # type: ignore[arg-type]
                reason = "名称仅差一字，主办单位相同"
        if first is not None:
            keep[i] = False
            members.setdefault(first, []).append(i)
            reasons.setdefault(first, reason)
            continue
        if acc_id[i]:
            by_id.setdefault((p, acc_id[i]), i)
        if key[i] and owner[i]:
            by_name.setdefault((p, key[i], owner[i], place[i]), i)
            by_unit.setdefault((p, owner[i], place[i]), []).append(i)
    groups = [
        DuplicateGroup(source=source, rows=tuple(int(rows[j]) for j in (first, *dups)), reason=reasons[first],
                       account_id=acc_id[first] or next((acc_id[j] for j in dups if acc_id[j]), None),
                       same_id=first in by_same_id)
        for first, dups in sorted(members.items())
    ]
    return keep, groups


@dataclass(frozen=True)
class CrawledAccounts:
    """What ``seen_as_two`` reads of the prepared crawl (built once for both registries): the
    records verified as a government or institution account by (platform, name key), as
    (account, county) with a record without an id an account of its own, and by (platform,
    account id)."""

    by_name: dict[tuple[str, str], list[tuple[str, str]]]
    by_id: dict[tuple[str, str], tuple[str, str]]

    @classmethod
    def of(cls, crawled: pd.DataFrame) -> CrawledAccounts:
        if crawled.empty:
            return cls({}, {})
        official = crawled[crawled["verified_kind"].isin(["government", "institution"]).to_numpy(dtype=bool)]
        accounts = [_text(i) or f"row {r}" for i, r in zip(official["account_id"].tolist(), official["row"].tolist(),
                                                           strict=True)]
        by_id = {(p, i): (i, c) for p, i, c in zip(official["platform"].tolist(), official["account_id"].tolist(),
                                                   official["county"].tolist(), strict=True) if _text(i) and _text(c)}
        return cls(_by_name(official, accounts), by_id)


def _by_name(frame: pd.DataFrame, idents: list) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(identity, county) of ``frame``'s records with a platform, name key and county, by (platform, name key)."""
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for platform, key, ident, county in zip(_texts(frame["platform"]), _texts(frame["name_key"]),
                                            idents, _texts(frame["county"]), strict=True):
        if key and platform and county:
            found.setdefault((platform, key), []).append((str(ident), county))
    return found


def seen_as_two(groups: list[DuplicateGroup], filings: pd.DataFrame, crawled: CrawledAccounts) -> list[bool]:
    """Per group, whether the crawl shows more accounts of its name than the registry files if the
    group is one account: crawled records verified as a government or institution account, on
    the group's platform, whose name key is one of the group's (or the name under the division its
    county became: "临平区浦街初级中学" for "余杭区浦街初级中学") or whose account id one of its
    filings carries, placed in the group's county or in one that took part of its area
    (``regions.became_part``: 临平区 for a filing under 余杭区), told apart by account id (a
    record without one is an account of its own), against the
    registry's other filings of those names there plus one. An old account closed beside its
    replacement of the same name is two crawled accounts and two filings, however often the old
    one is filed. A group of one account id, or of no known county, is never released.
    ``filings``: the registry's prepared frame with every filing; ``crawled``: the prepared crawl's official accounts."""
    out = [False] * len(groups)
    if not groups or not crawled.by_name and not crawled.by_id:
        return out
    accounts, by_id = crawled.by_name, crawled.by_id
    filed = _by_name(filings, filings["row"].tolist())
    position = {int(r): i for i, r in enumerate(filings["row"].tolist())}
    platforms, keys, counties, ids = (filings[c].tolist() for c in ("platform", "name_key", "county", "account_id"))
    later = successors()
    for g, group in enumerate(groups):
        if group.same_id:
            continue
        at = [position[r] for r in group.rows if r in position]
        county = next((_text(counties[i]) for i in at if _text(counties[i])), None)
        if county is None:
            continue
        names = {(platforms[i], key) for i in at if _text(keys[i]) for key in _renamed(keys[i], later)}
        carried = [by_id[(platforms[i], ids[i])] for i in at if (platforms[i], ids[i]) in by_id]
        others = _there(filed, names, county) - {str(r) for r in group.rows}
        out[g] = len(_there(accounts, names, county, carried)) >= len(others) + 2
    return out


def _there(found: dict[tuple[str, str], list[tuple[str, str]]], names: set[tuple[str, str]], county: str,
           extra: list[tuple[str, str]] | None = None) -> set[str]:
    """The identities among ``found``'s (identity, county) entries of ``names`` (and ``extra``)
    placed in ``county`` or in a county that took part of its area."""
    entries = [e for name in names for e in found.get(name, ())] + (extra or [])
    return {ident for ident, c in entries if c == county or became_part(county, c)}


def _renamed(key: str, later: dict[str, frozenset[str]]) -> set[str]:
    """A name key and the same name under the divisions its leading former division name became
    ("余杭区浦街初级中学" -> also "临平区浦街初级中学")."""
    out = {key}
    for n in (2, 3):
        for new in later.get(key[:n], ()):
            out.add(new + key[n:])
    return out


def first_filings(filings: pd.DataFrame, groups: list[DuplicateGroup]) -> pd.DataFrame:
    """The prepared registry without the second and later filings of each duplicate group."""
    later = {r for g in groups for r in g.rows[1:]}
    if not later:
        return filings
    keep = ~filings["row"].isin(later).to_numpy(dtype=bool)
    return filings[keep].reset_index(drop=True)


def attach_duplicates(view: pd.DataFrame, groups: list[DuplicateGroup]) -> pd.DataFrame:
    """The account view with ``{n|p}_duplicates`` columns: the groups whose kept filing is that
    account's record in that registry (NA elsewhere). A copy; ``view`` is not modified."""
    out = view.copy(deep=False)   # only columns are added: no need to copy the data
    for source in REGISTRIES:
        prefix = PREFIX[source]
        column = np.full(len(out), pd.NA, dtype=object)
        by_row = {g.rows[0]: g for g in groups if g.source == source}
        if by_row:
            rows = out[f"{prefix}_row"]
            ok = rows.notna().to_numpy()
            for pos, r in zip(np.flatnonzero(ok).tolist(), rows[ok].tolist(), strict=True):
                group = by_row.get(int(r))
                if group is not None:
                    column[pos] = group
        out[f"{prefix}_duplicates"] = pd.Series(column, index=out.index, dtype=object)
    return out


def duplicate_warning(groups: list[DuplicateGroup], files: dict[str, str]) -> list[str]:
    """One 数据问题 line per registry: how many filings were set aside before linking."""
    out = []
    for source in REGISTRIES:
        mine = [g for g in groups if g.source == source]
        if not mine:
            continue
        extra = sum(len(g.rows) - 1 for g in mine)
        shown = "；".join("第 " + "、".join(map(str, g.rows)) + " 行" for g in mine[:5])
        more = "等" if len(mine) > 5 else ""
        out.append(f"{files.get(source, SOURCE_LABELS[source])}：{SOURCE_LABELS[source]}中有 {len(mine)} 个账号"
                   f"重复备案（{shown}{more}），多出的 {extra} 行未参与关联，已列为“重复备案”问题")
    return out


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    out: list[Finding] = []
    for source in REGISTRIES:
        column = f"{PREFIX[source]}_duplicates"
        if column not in v.columns:
            continue
        for row in ctx.rows(v[column].notna()):
            group: DuplicateGroup = row[column]
            rows = "、".join(str(r) for r in group.rows)
            detail = (f"{SOURCE_LABELS[source]}中同一账号备案了 {len(group.rows)} 次（第 {rows} 行，{group.reason}），"
                      "请删除重复的备案")
            records = tuple(RecordRef(source, r, ctx.files.get(source, "")) for r in group.rows)
            out.append(ctx.finding(CODE, row, detail, records, correction="删除重复备案",
                                   prefer=(PREFIX[source], "n", "p", "c")))
    return out
