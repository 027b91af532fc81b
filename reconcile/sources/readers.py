"""File format detection and the spreadsheet (.xlsx/.xlsm/.xls) reader.

Spreadsheets are read with python-calamine (Rust; reads xlsx and xls, does not expand XML
entities). Row numbers are Excel's: the grid starts at row 1 even when the sheet's data starts
lower down.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from reconcile.errors import InputError
from reconcile.sources.cells import CellValue, cell_texts

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE compound file holding the stream "EncryptedPackage" (MS-OFFCRYPTO);
# directory entry names are UTF-16LE.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

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
        if ENCRYPTED_STREAM in data:
            raise InputError(
                "文件已加密（设有打开密码），无法读取；请在 Excel/WPS 中打开，取消密码（文件→信息→保护工作簿→"
                "用密码进行加密，清空密码）后另存为 .xlsx 再试",
                detail="OLE compound file with an EncryptedPackage stream: a password-protected workbook",
                path=path)
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


MAX_ROWS = 5_000_000   # a national crawl sweep is ~1M rows (issue 5); far beyond that is not an account list
                       # (and would take the linker many minutes): refuse it at once
MAX_COLUMNS = 16_384   # Excel's limit (XFD)


def check_size(path: Path, rows: int, columns: int, sheet: str | None = None) -> None:
    """Refuse a sheet or text file larger than any registry export could be."""
    if rows > MAX_ROWS:
        if sheet is not None:
            raise InputError(f"工作表“{sheet}”的使用范围达到第 {rows:,} 行，超过上限 {MAX_ROWS:,} 行；如果数据其实不多，"
                             "可能是表格下方很远处有零散内容，请删除这些行后另存再试",
                             detail=f"sheet extent {rows} rows > {MAX_ROWS}", path=path)
        raise InputError(f"文件行数过多（约 {rows:,} 行，上限 {MAX_ROWS:,} 行），不像是政务新媒体名单导出；"
                         "请检查是否选错了文件，或把名单拆分后再试",
                         detail=f"{rows} rows > {MAX_ROWS}", path=path)
    if columns > MAX_COLUMNS:
        raise InputError(f"文件列数过多（{columns:,} 列，上限 {MAX_COLUMNS:,} 列），请检查文件内容",
                         detail=f"{columns} columns > {MAX_COLUMNS}", path=path)


def _calamine_error(exc: BaseException, path: Path) -> InputError:
    name = type(exc).__name__
    text = str(exc)
    if "entity" in text.lower() or "doctype" in text.lower():
        return InputError("文件中含有不安全或无法识别的 XML 实体声明（可能是恶意构造的文件），已拒绝读取；"
                          "请使用系统直接导出的文件",
                          detail=f"{name}: {text[:200]}", path=path)
    if name == "PasswordError":
        return InputError("文件已加密（设有打开密码），无法读取；请在 Excel/WPS 中取消密码后另存再试",
                          detail=f"{name}: {exc}", path=path)
    return InputError("文件已损坏或不是受支持的表格格式（支持 .xlsx/.xlsm/.xls/.csv）",
                      detail=f"{name}: {exc}", path=path)


def _guard(exc: BaseException) -> None:
    """Re-raise what must never be swallowed; calamine panics are BaseException (pyo3)."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc


def _enum_name(value: object, default: str) -> str:
    """"Hidden" from calamine's SheetVisibleEnum.Hidden (its enums have no ``.name``)."""
    if value is None:
        return default
    name = getattr(value, "name", None)
    return str(name) if name else str(value).rsplit(".", 1)[-1]


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
        worksheets = [m for m in meta if _enum_name(m.typ, "WorkSheet") == "WorkSheet"]
        visible = [m.name for m in worksheets if _enum_name(m.visible, "Visible") == "Visible"]
        hidden = [m.name for m in worksheets if m.name not in visible]
        self.scan_order: list[str] = visible + hidden
        self.visible: frozenset[str] = frozenset(visible)
        self._sheets: dict[str, Any] = {}   # calamine parses a whole sheet on access: once per sheet

    def grid(self, name: str, head_only: bool = False) -> SheetGrid:
        try:
            sheet = self._sheets.get(name)
            if sheet is None:
                sheet = self._sheets[name] = self._book.get_sheet_by_name(name)
            start = sheet.start
            end = sheet.end
            if start is None or end is None:
                return SheetGrid(name, [], 1, [])
            check_size(self.path, end[0] + 1, end[1] + 1, name)
            nrows = start[0] + SCAN_EXTRA_ROWS if head_only else None
            rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
            merged = list(sheet.merged_cell_ranges or []) if not head_only else []
        except InputError:
            raise
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


def nonblank_rows(grid: SheetGrid, limit: int | None = None) -> list[tuple[int, list[object]]]:
    """(index into grid.rows, cells) of the non-blank rows (the first ``limit`` of them), for the
    header scan."""
    return list(islice(((i, r) for i, r in enumerate(grid.rows) if not is_blank(r)), limit))


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
        cols[c] = cell_texts([r[c] if c < len(r) else None for r in data])

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
