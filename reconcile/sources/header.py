"""Find the header row among title rows and map its cells to canonical columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from reconcile.sources.aliases import (
    BUILTIN_BASE,
    COLUMN_LABELS,
    Lookup,
    match_header,
    normalize_header,
    strip_escapes,
)
from reconcile.sources.cells import cell_text
from reconcile.sources.meaning import assign, header_columns

HEAD_ROWS = 30  # the header must be within the first 30 (non-blank) rows


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, int]       # canonical column -> index of the header cell used
    mapping: dict[str, str]       # original header text -> canonical column
    ignored: tuple[str, ...]      # header texts that mapped to nothing (or lost to a better one)
    warnings: tuple[str, ...]
    texts: tuple[str, ...]        # header text per column index ("" for an empty cell)
    # how each used cell was recognised: index -> ("config" | "alias" | "meaning", Chinese reason)
    how: dict[int, tuple[str, str]] = field(default_factory=dict)
    parts: dict[str, tuple[int, ...]] = field(default_factory=dict)   # region over 2+ cells, left to right
    ambiguous: dict[str, tuple[int, ...]] = field(default_factory=dict)  # required column -> candidate cells
    near: dict[str, tuple[int, ...]] = field(default_factory=dict)       # missing required -> weak candidates

    @property
    def used(self) -> tuple[int, ...]:
        """Every cell index read (a split region's cells included)."""
        out = set(self.columns.values())
        for cells in self.parts.values():
            out.update(cells)
        return tuple(sorted(out))


@dataclass(frozen=True)
class HeaderScan:
    index: int | None        # index (into the rows scanned) of the header row, None if not found
    best_index: int | None   # the most header-like row, for error messages
    best_columns: frozenset[str]


def header_text(cell: object) -> str:
    """A header cell as text (never None)."""
    value = cell_text(cell)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MAX_DISPLAY = 60


def display(text: str) -> str:
    """Header text for messages: terminal escapes and control characters dropped, inner whitespace (line breaks)
    collapsed, long texts cut (a message stays one readable line)."""
    text = " ".join(_CONTROL_RE.sub(" ", strip_escapes(text)).split())
    return text if len(text) <= _MAX_DISPLAY else text[:_MAX_DISPLAY] + "…"


def columns_of(cells: Sequence[object], lookup: Lookup, meaning: Sequence[str] = ()) -> frozenset[str]:
    """Canonical columns the cells name: by alias, and with ``meaning`` (candidate columns) also
    by the key words of their text."""
    out = set()
    for cell in cells:
        text = header_text(cell)
        hit = match_header(text, lookup)
        if hit is not None:
            out.add(hit.column)
        elif meaning:
            out |= header_columns(text, meaning)
    return frozenset(out)


def find_header(rows: Sequence[Sequence[object]], lookup: Lookup, required: Sequence[str],
                meaning: Sequence[str] = ()) -> HeaderScan:
    """The first row where >= 2 cells map to canonical columns, one of them required: by alias
    first; when no row qualifies so, with ``meaning`` (the source's columns) also by key words,
    where the row must name every required column (key words are weaker evidence than an alias:
    a title or note row may hold one)."""
    scan = _find_header(rows, lookup, required, ())
    if scan.index is None and meaning:
        by_meaning = _find_header(rows, lookup, required, meaning)
        if by_meaning.index is not None:
            return by_meaning
    return scan


def _find_header(rows: Sequence[Sequence[object]], lookup: Lookup, required: Sequence[str],
                 meaning: Sequence[str]) -> HeaderScan:
    best: tuple[int, int] = (-1, -1)
    best_index: int | None = None
    best_columns: frozenset[str] = frozenset()
    for i, cells in enumerate(rows[:HEAD_ROWS]):
        cols = columns_of(cells, lookup, meaning)
        if len(cols) >= 2 and (set(required) <= cols if meaning else cols & set(required)):
            return HeaderScan(i, i, cols)
        filled = sum(1 for c in cells if header_text(c))
        score = (len(cols), filled)
        if filled and score > best:
            best, best_index, best_columns = score, i, cols
    return HeaderScan(None, best_index, best_columns)


def map_header(cells: Sequence[object], lookup: Lookup, sample: Sequence[Sequence[object]] = (),
               meaning: Sequence[str] = (), required: Sequence[str] = ()) -> HeaderMap:
    """Map header cells to canonical columns.

    By alias first: where two cells map to the same column, keep the one whose alias has
    priority (then the left-most) and warn; a region written over two cells (所属地市 +
    所属区县) keeps both. Then the cells no alias names are recognised by meaning
    (``meaning.assign``) for the columns of ``meaning`` still unmapped, from their text and
    the values in ``sample`` (rows below the header). ``required`` columns that stay ambiguous
    or missing are reported in ``ambiguous`` / ``near`` for the caller to raise.
    """
    texts = tuple(header_text(c) for c in cells)
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    unmatched: set[int] = set()
    for idx, text in enumerate(texts):
        if not text:
            continue
        hit = match_header(text, lookup)
        if hit is None:
            unmatched.add(idx)
        else:
            candidates.setdefault(hit.column, []).append((hit.priority, idx, text))

    columns: dict[str, int] = {}
    how: dict[int, tuple[str, str]] = {}
    parts: dict[str, tuple[int, ...]] = {}
    losers: set[int] = set()
    warnings: list[str] = []
    for column, cands in candidates.items():
        cands.sort()
        priority, win_idx, win_text = cands[0]
        columns[column] = win_idx
        how[win_idx] = ("config" if priority < BUILTIN_BASE else "alias", "")
        if column == "region" and len({normalize_header(t) for _, _, t in cands}) > 1:
            parts[column] = tuple(sorted(idx for _, idx, _ in cands))
            for p, idx, _ in cands[1:]:
                how[idx] = ("config" if p < BUILTIN_BASE else "alias", "")
            continue
        for _, idx, text in cands[1:]:
            losers.add(idx)
            warnings.append(
                f"第 {idx + 1} 列“{display(text)}”与第 {win_idx + 1} 列“{display(win_text)}”都对应"
                f"“{COLUMN_LABELS[column]}”，已采用“{display(win_text)}”，忽略“{display(text)}”"
            )

    ambiguous: dict[str, tuple[int, ...]] = {}
    near: dict[str, tuple[int, ...]] = {}
    # region stays open: a region written over two cells may be named by an alias and by meaning
    open_columns = [c for c in meaning if c not in columns or c == "region"]
    if open_columns and unmatched:
        samples = [[row[j] if j < len(row) else None for row in sample] for j in range(len(texts))]
        result = assign(texts, samples, sorted(unmatched), open_columns,
                        [c for c in required if c in open_columns])
        for g in result.chosen:
            unmatched.discard(g.index)
            how[g.index] = ("meaning", g.reason)
            if g.column in columns:   # the finer cell of a split region
                parts[g.column] = tuple(sorted({*parts.get(g.column, (columns[g.column],)), g.index}))
            else:
                columns[g.column] = g.index
        ambiguous = {c: tuple(g.index for g in gs) for c, gs in result.ambiguous.items()}
        near = {c: tuple(g.index for g in gs) for c, gs in result.near.items()}

    by_index = sorted(columns.items(), key=lambda kv: kv[1])
    mapping = {texts[idx]: column for column, idx in by_index}
    for column, cells_used in parts.items():
        for idx in cells_used:
            mapping.setdefault(texts[idx], column)
    mapping = dict(sorted(mapping.items(), key=lambda kv: texts.index(kv[0])))
    ignored = tuple(texts[i] for i in sorted(unmatched | losers))
    return HeaderMap(columns=dict(by_index), mapping=mapping, ignored=ignored,
                     warnings=tuple(warnings), texts=texts, how=how, parts=parts,
                     ambiguous=ambiguous, near=near)


def two_row_header(top: Sequence[object], sub: Sequence[object], lookup: Lookup,
                   meaning: Sequence[str] = ()) -> list[str] | None:
    """A header written over two rows ("单位信息" merged over "主办单位 | 所属地区" below it):
    the combined header when every filled cell of ``sub`` is a header we know (by alias, or with
    ``meaning`` by the key words of its text) and at least one names a column ``top`` lacks;
    else None (``sub`` is data)."""
    top_texts = [header_text(c) for c in top]
    sub_texts = [header_text(c) for c in sub]
    if not any(sub_texts):
        return None
    top_columns = columns_of(top_texts, lookup, meaning)
    new_column = False
    for text in sub_texts:
        if not text:
            continue
        named = columns_of([text], lookup, meaning)
        if not named:
            return None
        new_column |= not named <= top_columns
    if not new_column:
        return None
    width = max(len(top_texts), len(sub_texts))
    out = []
    for j in range(width):
        s = sub_texts[j] if j < len(sub_texts) else ""
        t = top_texts[j] if j < len(top_texts) else ""
        out.append(s or t)
    return out
