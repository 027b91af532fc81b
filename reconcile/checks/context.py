"""What every check sees: one row per account with the fields of each source side by side."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from reconcile.checks.typos import near_one_pairs, one_typo_apart
from reconcile.config import Config
from reconcile.normalize import is_missing
from reconcile.regions import became_part, successors
from reconcile.result import Finding, RecordRef

# fields copied from each source frame into the account view, as "{n|p|c}_{field}"
VIEW_FIELDS = (
    "row", "platform", "account_type", "name", "name_key", "name_core", "owner", "owner_core", "account_id",
    "status", "verified_kind", "region", "verified_info", "last_post_at", "followers", "province", "city", "county",
)
PREFIX = {"national": "n", "provincial": "p", "crawled": "c"}
_ROW_COLUMNS = {s: f"{p}_row" for s, p in PREFIX.items()}
_REGISTRY_FIRST = ("n", "p", "c")
_SHOWN_FIELDS = ("platform", "name", "owner", "account_type")   # what a finding shows, in that order


class Row:
    """One account of the view, read from the context's cached columns: a cheap stand-in for
    ``view.loc[label]`` (``get``, ``[]`` and ``name`` behave like the row Series)."""

    __slots__ = ("name", "position", "_ctx", "_columns")

    def __init__(self, ctx: CheckContext, position: int, name: object) -> None:
        self._ctx, self.position, self.name = ctx, position, name
        self._columns = ctx._columns

    def get(self, key: str, default: object = None) -> object:
        col = self._columns[key] if key in self._columns else self._ctx.column(key)
        return default if col is None else col[self.position]

    def __getitem__(self, key: str) -> object:
        col = self._columns[key] if key in self._columns else self._ctx.column(key)
        if col is None:
            raise KeyError(key)
        return col[self.position]


AGENT_SUFFIX = "融媒体中心"


def files_for_others(owner: str | None) -> bool:
    """A county's 融媒体中心 files (and gets verified) the accounts of its 街道, 乡镇 and departments
    (DOMAIN: "a 融媒体中心 filing for a 街道"): as 主办单位 it names who filed, not which unit runs
    the account."""
    return bool(owner) and owner.endswith(AGENT_SUFFIX)   # type: ignore[union-attr]


def _shown(v: object) -> str | None:
    """A first_text value as a finding shows it: the text, None where first_text has NA."""
    if isinstance(v, str):
        return v
    return None if is_missing(v) else str(v)


@dataclass(frozen=True)
class CheckContext:
    view: pd.DataFrame                 # one row per account, see build_view
    config: Config
    files: dict[str, str]              # source -> file name shown in "来源"
    crawled_platforms: frozenset[str]  # platforms the crawl covered (not-found there is evidence)
    notes: list[str] = field(default_factory=list)  # what a check could not judge, each said once
    crawled_files: tuple[str, ...] = ()  # several crawled files: the file of each crawled record (by position)
    manual: tuple = ()                   # 人工检查问题表 rows (sources.manual.ManualIssue)
    # per-view values several checks share (columns as object arrays, unit keys, ...); the view is not modified
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _columns: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def note(self, text: str) -> None:
        """Record that a check could not judge something (shown once in every output)."""
        if text not in self.notes:
            self.notes.append(text)

    def memo(self, key: object, make: Callable[[], object]) -> object:
        """``make()`` once per context (the view does not change while the checks run)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def column(self, name: str) -> np.ndarray | None:
        """A view column as an object array (None when the view has no such column)."""
        if name not in self._columns:
            self._columns[name] = self.view[name].to_numpy(dtype=object) if name in self.view.columns else None
        return self._columns[name]

    def rows(self, mask: pd.Series | np.ndarray) -> Iterator[Row]:
        """The accounts where ``mask`` (aligned with the view) is true, in view order."""
        return self.rows_at(np.flatnonzero(np.asarray(mask, dtype=bool)))

    def rows_at(self, positions: np.ndarray | list[int]) -> Iterator[Row]:
        """The accounts at these positions of the view, in the order given."""
        labels = self.memo("labels", lambda: self.view.index.tolist())
        for pos in np.asarray(positions, dtype=np.int64).tolist():
            yield Row(self, pos, labels[pos])

    def row_at(self, position: int) -> Row:
        """The account at this position of the view."""
        return next(self.rows_at([position]))

    def row(self, label: object) -> Row:
        """The account with index label ``label``."""
        pos = self.view.index.get_loc(label)
        return Row(self, int(pos), label)

    def _shown_values(self) -> dict[str, list[str | None]]:
        """first_text(view, field) as a finding shows it (``_shown``), per position, for the fields
        a finding shows (those the view has)."""
        shown = self._memo.get("shown")
        if shown is None:
            columns = self.view.columns
            shown = self._memo["shown"] = {
                f: [v if v.__class__ is str else _shown(v) for v in self.first(f).tolist()]
                for f in _SHOWN_FIELDS if all(f"{p}_{f}" in columns for p in _REGISTRY_FIRST)}
        return shown

    def _record_rows(self) -> dict[str, list[int | None] | None]:
        """Per source, each account's row number in that source (None where it has no record; the
        whole entry None where the view has no such column); "files": each account's crawled file
        where there are several crawled files."""
        rows = self._memo.get("record_rows")
        if rows is None:
            rows = self._memo["record_rows"] = {s: _row_numbers(self.column(c)) for s, c in _ROW_COLUMNS.items()}
            positions = _row_numbers(self.column(PREFIX["crawled"])) if self.crawled_files else None
            rows["files"] = None if positions is None else [
                None if k is None else self.crawled_files[k] for k in positions]
        return rows

    def present(self, name: str) -> pd.Series:
        """present(view, name), computed once per context."""
        return self.memo(("present", name), lambda: present(self.view, name))

    def first(self, field_name: str) -> pd.Series:
        """first_text(view, field_name), computed once per context."""
        return self.memo(("first", field_name), lambda: first_text(self.view, field_name))

    def refs(self, row: pd.Series | Row, sources: tuple[str, ...] = ("national", "provincial", "crawled")
             ) -> tuple[RecordRef, ...]:
        if isinstance(row, Row):   # row numbers read once per column
            rows, at = self._record_rows(), row.position
            files = rows["files"]
            out = []
            for s in sources:
                col = rows[s]
                r = None if col is None else col[at]
                if r is not None:
                    f = files[at] if files is not None and s == "crawled" else None
                    out.append(RecordRef(s, r, f, several=True) if f is not None
                               else RecordRef(s, r, self.files.get(s, "")))
            return tuple(out)
        out = []
        for s in sources:
            r = row.get(_ROW_COLUMNS[s])
            if not is_missing(r):
                pos = row.get(PREFIX[s]) if s == "crawled" and self.crawled_files else None
                if not is_missing(pos):
                    out.append(RecordRef(s, int(r), self.crawled_files[int(pos)], several=True))
                else:
                    out.append(RecordRef(s, int(r), self.files.get(s, "")))
        return tuple(out)

    def finding(self, kind: str, row: pd.Series | Row, detail: str, records: tuple[RecordRef, ...], *,
                confidence: float = 1.0, correction: str | None = None, field: str | None = None,
                prefer: tuple[str, ...] = ("n", "p", "c")) -> Finding:
        """A finding about the account in ``row``, showing the registry's name/owner first."""
        shown = self._shown_values() if prefer == _REGISTRY_FIRST and isinstance(row, Row) else {}
        if len(shown) == len(_SHOWN_FIELDS):   # registry-first values computed once per column
            pos = row.position  # type: ignore[union-attr]
            platform, name, owner, account_type = (shown[f][pos] for f in _SHOWN_FIELDS)
        else:
            platform, name, owner, account_type = (_first_shown(row, prefer, f) for f in _SHOWN_FIELDS)
        return Finding(
            kind=kind,
            fails=kind in self.config.fail_kinds,
            platform=platform,
            name=name,
            owner=owner,
            region=row.get("region_label"),
            detail=detail,
            records=records,
            confidence=float(confidence),
            account_type=account_type,
            correction=correction,
            field=field,
            account=int(row.name) if row.name is not None else None,
        )


def _row_numbers(values: np.ndarray | None) -> list[int | None] | None:
    """A column of row numbers (or positions) as ints, None where missing (``is_missing``)."""
    if values is None:
        return None
    out: list[int | None] = [None] * len(values)
    ok = np.flatnonzero(~pd.isna(values))
    for k, v in zip(ok.tolist(), values[ok].tolist(), strict=True):
        out[k] = int(v)
    return out


def _first_shown(row: pd.Series | Row, prefer: tuple[str, ...], field_name: str) -> str | None:
    """The first of the ``prefer`` sources' values of a field that is not missing or empty, as text."""
    for p in prefer:
        v = row.get(f"{p}_{field_name}")
        if isinstance(v, str):
            if v:
                return v
        elif not is_missing(v) and str(v) != "":
            return str(v)
    return None


def build_view(accounts: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Join the account table (positions n/p/c) with each source's fields."""
    view = accounts.reset_index(drop=True)
    columns: dict[str, object] = {c: view[c] for c in view.columns}
    for source, prefix in PREFIX.items():
        frame = frames[source]
        cols = [c for c in VIEW_FIELDS if c in frame.columns]
        pos = view[prefix]
        ok = pos.notna().to_numpy()
        taken = pos[ok].astype(int).to_numpy()   # positions in the source frame
        for c in cols:   # column by column: no copy of the whole source frame
            source_values = frame[c].to_numpy()
            if c == "last_post_at" and source_values.dtype == np.dtype("datetime64[ns]"):
                values = np.full(len(view), np.datetime64("NaT"), dtype="datetime64[ns]")
                values[ok] = source_values[taken]
                col = pd.Series(values, index=view.index)
            elif c == "last_post_at":
                col = pd.Series(pd.NA, index=view.index, dtype=object)
                col[ok] = frame[c].iloc[taken].to_numpy()
                col = pd.to_datetime(col, errors="coerce")
            else:
                values = np.full(len(view), pd.NA, dtype=object)
                values[ok] = source_values[taken]
                col = pd.Series(values, index=view.index, dtype=object)
            columns[f"{prefix}_{c}"] = col
    return pd.DataFrame(columns, index=view.index)   # one block per dtype, built once


def present(view: pd.DataFrame, col: str) -> pd.Series:
    """Where the column holds a value (not NA, not the empty string)."""
    s = view[col]
    if s.dtype != object:
        return s.notna() & (s != "")
    return pd.Series(_present_values(s.to_numpy()), index=s.index, name=s.name)


def _present_values(values: np.ndarray) -> np.ndarray:
    """present() on an object array: one isna pass, then "" compared only where a value is."""
    ok = ~pd.isna(values)
    ok[ok] = values[ok] != ""
    return ok


def alive_crawled(view: pd.DataFrame) -> pd.Series:
    """Accounts with an accepted link to a crawled record the platform shows as operating."""
    from reconcile.schema import GONE_STATUSES

    return present(view, "c_row") & (view["c_link"] == "match") & ~view["c_status"].isin(list(GONE_STATUSES))


def filed(view: pd.DataFrame) -> pd.Series:
    return present(view, "n_row") | present(view, "p_row")


def date_zh_short(d: object) -> str:
    """2022-10-31 -> 2022年10月31日."""
    return f"{d.year}年{d.month}月{d.day}日"  # type: ignore[attr-defined]


# Not one platform at all (apps, "other"): left out of the one-account-per-platform rule, which
# otherwise holds for every platform, mini programs too ("一个单位在同一平台只开设一个政务新媒体账号").
NOT_ONE_PLATFORM = frozenset({"移动客户端", "其他"})
# ... and mini programs, named for what they do, not after the unit: left out of the naming rule.
MULTI_ACCOUNT_PLATFORMS = NOT_ONE_PLATFORM | {"微信小程序"}


_NUMERALS = re.compile(r"[0-9零〇一二两三四五六七八九十百千]+")


def typo_equal(a: str, b: str, min_len: int = 5) -> bool:
    """Two names that differ by one character at most, neither short nor in a number
    ("咸安区第40实验雪校" = "咸安区第40实验学校"; "第40" ≠ "第41"; "民政局" ≠ "财政局")."""
    if a == b:
        return True
    return (min(len(a), len(b)) >= min_len and Levenshtein.distance(a, b) <= 1
            and _NUMERALS.findall(a) == _NUMERALS.findall(b))


PLACE_PARTS = ("province", "city", "county")


def account_places(view: pd.DataFrame) -> pd.DataFrame:
    """Per account, its province/city/county: the national record's, else the provincial, else
    the crawled one's; but where that county has since lost area to a new division ("余杭区",
    part of which became 临平区 in 2021) and another record of the account (the platform's
    current verification, the other registry) names that new division, the newer place: owners
    are written with the name current when they were filed.

    A unit moves as a whole, and a division is split by its towns: an account with no newer
    record of its own moves with the unit's other accounts (same county as filed, same owner),
    else with its town's (the town its owner names, "岭鹤镇", "司法局岭鹤司法所"), where two or
    more of that town's accounts name the new division, none another one, and no verification
    shows that unit or town still in the old county (two of one name, one on each side)."""
    parts = PLACE_PARTS
    first = {part: first_text(view, part) for part in parts}
    split = first["county"].isin(list(successors())).to_numpy(dtype=bool)
    if not split.any():
        return pd.DataFrame(first, index=view.index)
    values = {part: first[part].to_numpy(dtype=object).copy() for part in parts}
    owner = first_text(view, "owner_core").to_numpy(dtype=object)
    cells = {(p, part): view[f"{p}_{part}"].to_numpy(dtype=object) for p in ("n", "p", "c") for part in parts}
    positions = np.flatnonzero(split).tolist()
    keys: dict[int, list[tuple[object, ...]]] = {}
    own: dict[int, set[tuple]] = {}
    moves: dict[tuple[object, ...], list[tuple]] = {}    # (old county, unit or town) -> newer places seen
    stays: set[tuple[object, ...]] = set()               # ... a verification (current) names the old county
    for pos in positions:
        old, text = values["county"][pos], owner[pos]
        town = _town_of(text)
        keys[pos] = [(old, "unit", text)] if isinstance(text, str) else []   # the unit, then its town
        keys[pos] += [(old, "town", town)] if town else []
        newer = {tuple(cells[(p, part)][pos] for part in parts) for p in ("n", "p", "c")}
        own[pos] = {pl for pl in newer if isinstance(pl[2], str) and became_part(old, pl[2])}
        verified_county = cells[("c", "county")][pos]
        for key in keys[pos]:
            moves.setdefault(key, []).extend(own[pos])
            if isinstance(verified_county, str) and verified_county == old:
                stays.add(key)
    for pos in positions:
        newer = own[pos]
        for key in keys[pos]:
            if newer:
                break
            seen = moves.get(key, [])
            least = 2 if key[1] == "town" else 1
            if key not in stays and len(set(seen)) == 1 and len(seen) >= least:
                newer = set(seen)
        if len(newer) == 1:
            (values["province"][pos], values["city"][pos], values["county"][pos]), = newer
    return pd.DataFrame({part: pd.Series(values[part], index=view.index, dtype=object) for part in parts},
                        index=view.index)


# the town an owner names: "岭鹤镇白柳村民委员会", "下岭街道…", "司法局岭鹤司法所" (an owner core:
# the region prefix already gone)
_TOWN_OF_OWNER = re.compile(r"^(?:[^局镇乡街]{1,8}局)?([\u4e00-\u9fff]{2,3}?)(?:街道|镇|乡|司法所|财政所|市场监管所|派出所|文化站|卫生院)")


def _town_of(owner: object) -> str | None:
    if not isinstance(owner, str):
        return None
    m = _TOWN_OF_OWNER.match(owner)
    return m.group(1) if m else None


def unit_keys(view: pd.DataFrame, fold_typos: bool = True) -> pd.Series:
    """Per account, the unit that runs it: its place (province/city/county) + owner core
    (registry values first); NA when no owner is known.

    A spelling seen in one record only, one character away from a spelling seen in two or
    more records of the same place, is a typo of it ("咸安区第40实验雪校"); two spellings each
    seen repeatedly are two units, even one character apart ("湾坪社区", "青坪社区").
    ``fold_typos=False``: spellings as written (sub-units one character apart, 中岭财政所 and
    中堰财政所, stay two units even when one is seen once).
    """
    owner = first_text(view, "owner_core") if fold_typos else _agreed_owner(view)
    if all(f"place_{part}" in view.columns for part in PLACE_PARTS):   # summary.label_regions put them there
        places = pd.DataFrame({part: view[f"place_{part}"] for part in PLACE_PARTS}, index=view.index)
    else:
        places = account_places(view)
    place = places["province"].fillna("") + "|" + places["city"].fillna("") + "|" + places["county"].fillna("")
    ok = owner.notna()
    key = (place + "|" + owner.where(ok, "")).where(ok)
    if not fold_typos:
        return key
    records = pd.concat([pd.DataFrame({"place": place, "owner": view[f"{p}_owner_core"]}) for p in ("n", "p", "c")])
    records = records[records["owner"].notna() & (records["owner"] != "")]
    canon = _typo_spellings(records)
    if canon:
        fixed = key.map(canon)
        key = fixed.where(fixed.notna(), key)
    return key


def _agreed_owner(view: pd.DataFrame) -> pd.Series:
    """The unit that runs each account where the evidence agrees: the registries' owner when they
    name the same unit (or only one names any) and the platform's verification (an accepted link
    to an official account) does not name another; where the registries name different units,
    the one the verification names too; the verification alone where no registry names one. NA
    where the sources disagree otherwise, or the unit is a 融媒体中心 (it files for others): who
    runs the account is in doubt. A verification naming a 融媒体中心 is no evidence either way
    (it verifies the accounts it runs for its county's units), nor is a registry naming one
    beside a registry naming another unit (it filed for that unit).

    The records of one account naming one unit with a slip ("东陈镇综合文化站" / "东陈震综合文化站")
    name one unit: its spelling is the one written most often across all records (the
    verification's on a tie, else in doubt). Two accounts' owners one slip apart stay two units
    (中岭财政所, 中堰财政所): this only reconciles the records of one account."""
    n, p, c = (view[f"{s}_owner_core"].to_numpy(dtype=object) for s in ("n", "p", "c"))
    crawled_only = ~present(view, "n_row").to_numpy() & ~present(view, "p_row").to_numpy()
    official = ((view["c_link"] == "match").fillna(False).to_numpy(dtype=bool) | crawled_only) & view["c_verified_kind"].isin(
        ["government", "institution"]).to_numpy(dtype=bool)
    n_ok, p_ok, c_ok = (_present_values(x) for x in (n, p, c))
    n, p, c = (np.where(ok, x, "") for ok, x in ((n_ok, n), (p_ok, p), (c_ok, c)))
    n_agent, p_agent, c_agent = (pd.Series(x, dtype=object).str.endswith(AGENT_SUFFIX, na=False).to_numpy(dtype=bool)
                                 for x in (n, p, c))
    both = n_ok & p_ok
    n_ok, p_ok = n_ok & ~(both & n_agent & ~p_agent), p_ok & ~(both & p_agent & ~n_agent)
    verified = official & c_ok & ~(c_agent & (n_ok | p_ok))
    agree = n_ok & p_ok & (n == p)
    out = np.where(agree | (n_ok & ~p_ok), n, np.where(~n_ok & p_ok, p, None))
    # the platform's verification names the unit too: where it names another one, who runs the
    # account is in doubt; where the registries disagree, it settles which is right
    doubt = (verified & (out != None) & (out != c)) | (n_ok & p_ok & ~agree)  # noqa: E711
    out = np.where(verified & (out != c), None, out)
    settled = verified & n_ok & p_ok & ~agree & ((c == n) | (c == p))
    out = np.where(settled, c, out)
    out = np.where(verified & ~n_ok & ~p_ok, c, out)
    _settle_slips(out, np.flatnonzero(doubt & ~settled), (n, n_ok), (p, p_ok), (c, verified))
    # a 融媒体中心 files and verifies accounts for other units of its county: not evidence of the unit
    agent = pd.Series(out, dtype=object).str.endswith(AGENT_SUFFIX, na=False).to_numpy(dtype=bool)
    out = np.where(agent, None, out)
    out[out == ""] = None
    return pd.Series(out, index=view.index, dtype=object)


def _settle_slips(out: np.ndarray, positions: np.ndarray, *sources: tuple[np.ndarray, np.ndarray]) -> None:
    """At ``positions`` (accounts whose records name different owners), where all the owners named
    are one slip apart, the spelling written most often across every record of the view; on a tie
    the verification's (the last source), else left in doubt (None). In place."""
    if not len(positions):
        return
    counts = pd.Series(np.concatenate([x[ok] for x, ok in sources])).value_counts()
    verification = sources[-1]
    for pos in positions.tolist():
        named = list(dict.fromkeys(x[pos] for x, ok in sources if ok[pos]))
        if len(named) < 2 or not all(one_typo_apart(a, b) for i, a in enumerate(named) for b in named[i + 1:]):
            continue
        ranked = sorted(named, key=lambda x: -int(counts.get(x, 0)))
        top = [x for x in ranked if counts.get(x, 0) == counts.get(ranked[0], 0)]
        if len(top) == 1:
            out[pos] = top[0]
        elif verification[1][pos] and verification[0][pos] in top:
            out[pos] = verification[0][pos]


def _typo_spellings(records: pd.DataFrame) -> dict[str, str]:
    """"place|spelling" -> "place|common spelling" for the spellings unit_keys reads as typos.

    Only places with both a one-record spelling and a repeated one can have any. As in
    ``process.extractOne`` over the place's value_counts: the most common spelling one edit
    away wins, ties going to the first in value_counts order."""
    sizes = records.groupby(["place", "owner"], sort=False).size().reset_index(name="n")
    single = sizes["n"] == 1
    both = set(sizes.loc[single, "place"]) & set(sizes.loc[~single, "place"])
    if not both:
        return {}
    sizes = sizes[sizes["place"].isin(both)]
    places, cores, seen = sizes["place"].tolist(), sizes["owner"].tolist(), sizes["n"].tolist()
    # a one-record spelling under five characters is typo_equal to no other: none is looked up
    queries = [i for i, (core, n) in enumerate(zip(cores, seen, strict=True)) if n == 1 and len(core) >= 5]
    commons = [i for i, n in enumerate(seen) if n > 1]
    out: dict[str, str] = {}
    tied: list[tuple[str, str, set[str]]] = []   # one character from several equally common spellings
    for i, hits in _one_apart(queries, commons, places, cores):
        plc, core = places[i], cores[i]
        top = max(seen[j] for j in hits)
        best = [cores[j] for j in hits if seen[j] == top]
        if len(best) > 1:
            tied.append((plc, core, set(best)))
        elif typo_equal(core, best[0]):
            out[f"{plc}|{core}"] = f"{plc}|{best[0]}"
    if tied:   # extractOne takes the first in value_counts order: count that place's records the same way
        sub = records[records["place"].isin({plc for plc, _, _ in tied})]
        rank: dict[str, dict[str, int]] = {}   # place -> repeated spelling -> its place in value_counts order
        for plc, owners in sub.groupby("place", sort=False)["owner"]:
            counted = pd.Series(owners.to_numpy(dtype=object), dtype=object).value_counts()
            rank[plc] = {c: k for k, (c, m) in enumerate(counted.items()) if m >= 2}
        for plc, core, best in tied:
            hit = min(best, key=rank[plc].__getitem__)
            if typo_equal(core, hit):
                out[f"{plc}|{core}"] = f"{plc}|{hit}"
    return out


_CDIST_CELLS = 20_000   # above this many pairs in a place the shared deletion index beats comparing every pair


def _one_apart(queries: list[int], targets: list[int], places: list[str], texts: list[str]
               ) -> list[tuple[int, list[int]]]:
    """(query, the targets at most one edit away in its place, ascending) for each query with any,
    queries and targets given as positions in ``places`` / ``texts``. Small places compare every
    pair; the others share one deletion index (``typos.near_one_pairs``)."""
    by_place: dict[str, tuple[list[int], list[int]]] = {}
    for i in queries:
        by_place.setdefault(places[i], ([], []))[0].append(i)
    for j in targets:
        if places[j] in by_place:
            by_place[places[j]][1].append(j)
    hits: dict[int, list[int]] = {}
    big_queries: list[int] = []
    big_targets: list[int] = []
    for qs, ts in by_place.values():
        if not ts:
            continue
        if len(qs) * len(ts) > _CDIST_CELLS:
            big_queries += qs
            big_targets += ts
            continue
        near = process.cdist([texts[i] for i in qs], [texts[j] for j in ts], scorer=Levenshtein.distance,
                             score_cutoff=1, dtype=np.int32) <= 1
        for i, row in zip(qs, near, strict=True):
            found = np.flatnonzero(row).tolist()
            if found:
                hits[i] = [ts[k] for k in found]
    if big_queries:
        codes = {p: k for k, p in enumerate(dict.fromkeys(places[i] for i in big_queries))}
        qi, tj = near_one_pairs([texts[i] for i in big_queries], np.array([codes[places[i]] for i in big_queries]),
                                [texts[j] for j in big_targets], np.array([codes[places[j]] for j in big_targets]))
        for a, b in zip(qi.tolist(), tj.tolist(), strict=True):   # sorted: targets ascending per query
            hits.setdefault(big_queries[a], []).append(big_targets[b])
    return [(i, hits[i]) for i in queries if i in hits]


def shared_unit_keys(ctx: CheckContext, fold_typos: bool = True) -> pd.Series:
    """unit_keys(ctx.view, fold_typos), computed once for all the checks that need it."""
    return ctx.memo(("unit_keys", fold_typos), lambda: unit_keys(ctx.view, fold_typos))


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
    out = np.full(len(view), np.nan, dtype=object)
    need = np.arange(len(view))   # positions without a value yet: each later source is read only there
    for p in ("n", "p", "c"):
        values = view[f"{p}_{field_name}"].to_numpy(dtype=object)[need]
        ok = _present_values(values)
        out[need[ok]] = values[ok]
        need = need[~ok]
    return pd.Series(out, index=view.index, name=f"n_{field_name}", dtype=object)
