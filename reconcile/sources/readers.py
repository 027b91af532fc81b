"""File format detection and the spreadsheet (.xlsx/.xlsm/.xls) reader.

Spreadsheets are read with python-calamine (Rust; reads xlsx and xls, does not expand XML
entities). Row numbers are Excel's: the grid starts at row 1 even when the sheet's data starts
lower down.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reconcile.errors import InputError
from reconcile.sources.cells import CellValue, cell_text

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

EXCEL_EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
TEXT_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl"}
SCAN_EXTRA_ROWS = 200  # rows read per sheet while looking for the header


def sniff_format(data: bytes, path: Path) -> tuple[str, str | None]:
    """(format, warning): "xlsx" | "xls" | "ods" | "csv" | "json" | "jsonl".

    The content decides; the extension only breaks ties (a .xls that is really a zip is read
    as xlsx, a .xls that is really text is read as CSV, with a warning)."""
    ext = path.suffix.lower()
    by_ext = EXCEL_EXTENSIONS.get(ext) or TEXT_EXTENSIONS.get(ext)
    if data.startswith(ZIP_MAGIC):
        fmt = "ods" if ext == ".ods" else "xlsx"
    elif data.startswith(OLE_MAGIC):
        fmt = "xls"
    else:
        head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith(b"%pdf"):
            raise InputError("该文件是 PDF，不是表格；请使用系统导出的 .xlsx/.xls/.csv 文件",
                             detail="PDF content", path=path)
        if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
            raise InputError(
                "该文件是网页(HTML/XML)格式的表格，不是真正的 Excel 文件；请用 Excel 或 WPS 打开后"
                "“另存为” .xlsx 再试",
                detail="HTML/XML content, not a spreadsheet", path=path)
        if by_ext in ("json", "jsonl"):
            fmt = by_ext
        elif by_ext is None and head[:1] in (b"[", b"{"):
            fmt = "json"
        else:
            fmt = "csv"
    warning = None
    if by_ext is not None and by_ext != fmt and not (by_ext == "json" and fmt == "jsonl"):
        warning = (f"文件扩展名为“{ext}”，但内容是 {fmt.upper()} 格式，已按 {fmt.upper()} 读取")
    return fmt, warning


def _calamine_error(exc: BaseException, path: Path) -> InputError:
    name = type(exc).__name__
    if name == "PasswordError":
        return InputError("文件设有打开密码，无法读取；请在 Excel/WPS 中取消密码后另存再试",
                          detail=f"{name}: {exc}", path=path)
    return InputError("文件已损坏或不是受支持的表格格式（支持 .xlsx/.xlsm/.xls/.csv）",
                      detail=f"{name}: {exc}", path=path)


def _guard(exc: BaseException) -> None:
    """Re-raise what must never be swallowed; calamine panics are BaseException (pyo3)."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc


@dataclass
class SheetGrid:
    name: str
    rows: list[list[object]]          # the sheet's cells; rows[i] is Excel row first_row + i
    first_row: int                    # Excel row number of rows[0]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]  # 0-based absolute (row, col) ranges


class Workbook:
    """A spreadsheet opened from bytes (the bytes we hashed: one read of the file)."""

    def __init__(self, data: bytes, path: Path) -> None:
        from python_calamine import CalamineWorkbook

        self.path = path
        try:
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            meta = list(self._book.sheets_metadata)
        except BaseException as exc:  # calamine raises its own types; pyo3 panics are BaseException
            _guard(exc)
            raise _calamine_error(exc, path) from exc
        self.sheet_names: list[str] = [m.name for m in meta]
        worksheets = [m for m in meta if getattr(m.typ, "name", "WorkSheet") == "WorkSheet"]
        visible = [m.name for m in worksheets if getattr(m.visible, "name", "Visible") == "Visible"]
        hidden = [m.name for m in worksheets if m.name not in visible]
        self.scan_order: list[str] = visible + hidden

    def grid(self, name: str, head_only: bool = False) -> SheetGrid:
        try:
            sheet = self._book.get_sheet_by_name(name)
            start = sheet.start
            end = sheet.end
            if start is None or end is None:
                return SheetGrid(name, [], 1, [])
            nrows = start[0] + SCAN_EXTRA_ROWS if head_only else None
            rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
            merged = list(sheet.merged_cell_ranges or []) if not head_only else []
        except BaseException as exc:  # see above
            _guard(exc)
            raise _calamine_error(exc, self.path) from exc
        # With skip_empty_area=False the grid starts at Excel row 1; guard against a version
        # that trims the leading empty rows anyway.
        first_row = 1
        if not head_only and start[0] > 0 and len(rows) != end[0] + 1:
            first_row = start[0] + 1
        return SheetGrid(name, rows, first_row, merged)


def is_blank(cells: Sequence[object]) -> bool:
    for c in cells:
        if c is None or c == "":
            continue
        if isinstance(c, str) and not c.strip():
            continue
        return False
    return True


def nonblank_rows(grid: SheetGrid) -> list[tuple[int, list[object]]]:
    """(index into grid.rows, cells) of the non-blank rows, for the header scan."""
    return [(i, r) for i, r in enumerate(grid.rows) if not is_blank(r)]


@dataclass
class Body:
    """The data rows below the header: user-visible row numbers and the wanted columns."""

    rows: np.ndarray                                 # int64 row numbers of the kept records
    columns: dict[int, np.ndarray]                   # column index -> object array aligned with rows


def excel_body(grid: SheetGrid, header_index: int, wanted: Iterable[int]) -> Body:
    """Records below the header row ``grid.rows[header_index]``: blank rows skipped, the values
    of vertically merged cells repeated on every row they cover."""
    wanted = sorted(set(wanted))
    data = grid.rows[header_index + 1:]
    first = header_index + 1   # index into grid.rows of data[0]
    keep = [not is_blank(r) for r in data]
    cols: dict[int, list[CellValue]] = {}
    for c in wanted:
        cols[c] = [cell_text(r[c]) if c < len(r) else None for r in data]

    # 0-based absolute sheet row of data[j] is (grid.first_row - 1) + first + j
    base = grid.first_row - 1 + first
    for (r1, c1), (r2, _c2) in grid.merged:
        if r2 <= r1 or c1 not in cols or r1 < base:
            continue
        values = cols[c1]
        j1 = r1 - base
        if j1 >= len(values):
            continue
        top = values[j1]
        for j in range(j1 + 1, min(r2 - base, len(values) - 1) + 1):
            if values[j] is None:
                values[j] = top

    idx = [j for j, k in enumerate(keep) if k]
    rows = np.asarray([grid.first_row + first + j for j in idx], dtype=np.int64)
    out: dict[int, np.ndarray] = {}
    for c, values in cols.items():
        arr = np.empty(len(idx), dtype=object)
        arr[:] = [values[j] for j in idx]
        out[c] = arr
    return Body(rows=rows, columns=out)
