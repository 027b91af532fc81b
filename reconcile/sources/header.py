"""Find the header row among title rows and map its cells to canonical columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reconcile.sources.aliases import COLUMN_LABELS, Lookup, match_header, strip_escapes
from reconcile.sources.cells import cell_text

HEAD_ROWS = 30  # the header must be within the first 30 (non-blank) rows


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[str, int]       # canonical column -> index of the header cell used
    mapping: dict[str, str]       # original header text -> canonical column
    ignored: tuple[str, ...]      # header texts that mapped to nothing (or lost to a better one)
    warnings: tuple[str, ...]
    texts: tuple[str, ...]        # header text per column index ("" for an empty cell)


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


def columns_of(cells: Sequence[object], lookup: Lookup) -> frozenset[str]:
    out = set()
    for cell in cells:
        hit = match_header(header_text(cell), lookup)
        if hit is not None:
            out.add(hit.column)
    return frozenset(out)


def find_header(rows: Sequence[Sequence[object]], lookup: Lookup, required: Sequence[str]) -> HeaderScan:
    """The first row where >= 2 cells map to canonical columns, one of them required."""
    best: tuple[int, int] = (-1, -1)
    best_index: int | None = None
    best_columns: frozenset[str] = frozenset()
    for i, cells in enumerate(rows[:HEAD_ROWS]):
        cols = columns_of(cells, lookup)
        if len(cols) >= 2 and cols & set(required):
            return HeaderScan(i, i, cols)
        filled = sum(1 for c in cells if header_text(c))
        score = (len(cols), filled)
        if filled and score > best:
            best, best_index, best_columns = score, i, cols
    return HeaderScan(None, best_index, best_columns)


def map_header(cells: Sequence[object], lookup: Lookup) -> HeaderMap:
    """Map header cells to canonical columns; where two map to the same column, keep the one whose
    alias has priority (then the left-most) and warn."""
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
    losers: set[int] = set()
    warnings: list[str] = []
    for column, cands in candidates.items():
        cands.sort()
        _, win_idx, win_text = cands[0]
        columns[column] = win_idx
        for _, idx, text in cands[1:]:
            losers.add(idx)
            warnings.append(
                f"第 {idx + 1} 列“{display(text)}”与第 {win_idx + 1} 列“{display(win_text)}”都对应"
                f"“{COLUMN_LABELS[column]}”，已采用“{display(win_text)}”，忽略“{display(text)}”"
            )

    by_index = sorted(columns.items(), key=lambda kv: kv[1])
    mapping = {texts[idx]: column for column, idx in by_index}
    ignored = tuple(texts[i] for i in sorted(unmatched | losers))
    return HeaderMap(columns=dict(by_index), mapping=mapping, ignored=ignored,
                     warnings=tuple(warnings), texts=texts)


def two_row_header(top: Sequence[object], sub: Sequence[object], lookup: Lookup) -> list[str] | None:
    """A header written over two rows ("单位信息" merged over "主办单位 | 所属地区" below it):
    the combined header when every filled cell of ``sub`` is a header we know and at least one
    names a column ``top`` lacks; else None (``sub`` is data)."""
    top_texts = [header_text(c) for c in top]
    sub_texts = [header_text(c) for c in sub]
    if not any(sub_texts):
        return None
    top_columns = {hit.column for t in top_texts if (hit := match_header(t, lookup)) is not None}
    new_column = False
    for text in sub_texts:
        if not text:
            continue
        hit = match_header(text, lookup)
        if hit is None:
            return None
        new_column |= hit.column not in top_columns
    if not new_column:
        return None
    width = max(len(top_texts), len(sub_texts))
    out = []
    for j in range(width):
        s = sub_texts[j] if j < len(sub_texts) else ""
        t = top_texts[j] if j < len(top_texts) else ""
        out.append(s or t)
    return out
