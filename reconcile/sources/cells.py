"""One spreadsheet cell -> the raw value a loader frame holds."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np

# Excel error values: a formula that failed has no value for us.
EXCEL_ERRORS = frozenset({
    "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA",
})

CellValue = str | dt.date | None  # dt.datetime is a dt.date


def number_text(value: float) -> str:
    """A number as text, as a person would type it: whole numbers without ".0", never in
    scientific notation (123456789.0 -> "123456789", 1.5 -> "1.5", 1e-7 -> "0.0000001")."""
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


def cell_text(value: object) -> CellValue:
    """Strip text (empty -> None); numbers -> text without ".0"; dates and datetimes are kept
    as objects; times and durations -> text; Excel error values -> None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or text in EXCEL_ERRORS:
            return None
        return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return str(value)
        return number_text(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def cell_texts(values: list[object]) -> list[CellValue]:
    """cell_text of each value; a text cell with nothing to strip (most of them) takes a short
    path without the call."""
    return [(v or None) if v.__class__ is str and v not in EXCEL_ERRORS and not v[:1].isspace()
            and not v[-1:].isspace() else cell_text(v) for v in values]


MAX_CELL_CHARS = 32767  # Excel's own limit for one cell; no name, owner or date is longer


def cap_long_cells(values: np.ndarray) -> int:
    """Cut text cells longer than MAX_CELL_CHARS to that length, in place; the number cut.

    Such a cell cannot come from Excel; from a CSV it is garbage (a crawler's page dump, a
    missing quote), and a multi-megabyte "name" would make every comparison crawl."""
    if max(map(len, filter(str.__instancecheck__, values)), default=0) <= MAX_CELL_CHARS:
        return 0   # the usual case, found at C speed
    cut = 0
    for i, v in enumerate(values):
        if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
            values[i] = v[:MAX_CELL_CHARS]
            cut += 1
    return cut
