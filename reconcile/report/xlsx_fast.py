"""Raw-XML rows for openpyxl's write-only sheets: the fast path for big report tables.

openpyxl builds a Cell object per value and serialises it through lxml, about 0.1 ms a cell.
``FastRows`` formats the same ``<row>``/``<c>`` XML directly (inline strings, style ids from
the workbook's own style table) and splices it into the sheet when openpyxl closes the sheet
at save time: the rows openpyxl streamed (title, header) stay first, the raw rows follow
before ``</sheetData>``, and everything openpyxl writes after the rows (auto-filter, merged
cells, data validation, print settings, drawings) comes out unchanged.

It relies on openpyxl 3.1 internals (pinned in pyproject.toml, checked by ``check_openpyxl``
and tests/test_xlsx_fast.py): ``Workbook._cell_styles`` (the style table ``Cell.style_id`` adds
to), ``WriteOnlyWorksheet.close`` and ``._writer.out`` (the temporary file holding the sheet's
XML until the workbook is saved), ``openpyxl.writer.excel.ExcelWriter`` (ReportWorkbook.save) and,
for dates only, ``openpyxl.cell._writer._set_attributes``.

Cell encoding matches openpyxl's (lxml writer): strings as ``t="inlineStr"`` with
``xml:space="preserve"`` when they have edge whitespace, numbers as ``"%.16g"``, booleans as
``t="b"``, a styled ``None`` as an empty styled cell, an unstyled ``None`` as no cell.
Strings are cleaned (safe.clean_cell_text) and risky ones get the quote-prefix style here.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import math
import numbers
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from reconcile.report.safe import (
    ERROR_LITERALS,
    FORMULA_FIRST,
    MAX_CELL_CHARS,
    XML_ILLEGAL_CHARS,
    clean_cell_text,
    is_missing,
)

# (normal, guarded) ` s="N"` attribute fragments of one cell style; "" means unstyled.
CellStyle = tuple[str, str]

_SPILL_BYTES = 8 * 1024 * 1024     # buffered rows beyond this go to a temporary file
_TEXT_CACHE = 250_000           # strings whose cell XML is remembered (per workbook; ~60 MB at most)
_SHEETDATA_END = b"</sheetData>"
# text that needs clean_cell_text or escaping: XML-illegal characters and & < > CR
_SPECIAL_RE = re.compile(f"[{XML_ILLEGAL_CHARS}&<>\r]")
_SHEETDATA_EMPTY = re.compile(rb"<sheetData\s*/>")


class ReportWorkbook(Workbook):
    """A write-only workbook saved with fast deflate (level 1 instead of zlib's default 6): compressing
    the sheets costs ~2.5x less for a file ~20% bigger. Otherwise ``Workbook.save`` exactly."""

    compresslevel = 1

    def __init__(self) -> None:
        super().__init__(write_only=True)
        self.texts: dict[str, tuple[int, str]] = {}   # FastRows' cache, shared by the sheets

    def save(self, filename: Any) -> None:
        if not self.worksheets:
            self.create_sheet()
        archive = zipfile.ZipFile(filename, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                  compresslevel=self.compresslevel)
        self.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        ExcelWriter(self, archive).save()


def check_openpyxl(ws: Any) -> None:
    """Fail loudly (RuntimeError) when openpyxl's internals this module uses have changed."""
    wb = getattr(ws, "parent", None)
    styles = getattr(wb, "_cell_styles", None)
    if not (getattr(wb, "write_only", False) and callable(getattr(styles, "add", None))
            and callable(getattr(ws, "close", None)) and hasattr(ws, "_writer")):
        import openpyxl

        raise RuntimeError(f"reconcile.report.xlsx_fast does not support openpyxl {openpyxl.__version__} "
                           "(Workbook._cell_styles / WriteOnlyWorksheet._writer changed); pin openpyxl 3.1")


def style_attr(ws: Any, style_array: Any) -> str:
    """The ` s="N"` fragment for a StyleArray (what ``Cell.style_id`` does), "" for no style."""
    if style_array is None:
        return ""
    return f' s="{ws.parent._cell_styles.add(style_array)}"'


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:   # a raw CR would be normalised away by XML readers
        text = text.replace("\r", "&#13;")
    return text


def _text_parts(value: str) -> tuple[int, str]:
    """An inline-string cell after its ``r``/``s`` attributes, and whether it takes the guarded style
    (clean_cell_text, needs_text_guard and XML escaping, inlined for speed)."""
    if len(value) > MAX_CELL_CHARS or _SPECIAL_RE.search(value) is not None:
        value = clean_cell_text(value)
        body = _escape(value)
    else:
        body = value
    if not value:
        return 0, ' t="inlineStr"/>'
    guard = 1 if value[0] in FORMULA_FIRST or value in ERROR_LITERALS else 0   # needs_text_guard, inlined
    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
    return guard, f' t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _text_cell(ref: str, style: CellStyle, value: str) -> str:
    guard, rest = _text_parts(value)
    return f'<c r="{ref}"{style[guard]}{rest}'


def _other_cell(ws: Any, ref: str, style: CellStyle, value: Any) -> str:
    """Dates, times and anything unusual: openpyxl decides type, value and (date) number format."""
    from openpyxl.cell._writer import _set_attributes

    cell = Cell(ws, row=1, column=1)
    if style[0]:
        cell._style = copy.copy(ws.parent._cell_styles[int(style[0][4:-1])])
    cell.value = value
    text, attrs = _set_attributes(cell, styled=cell.has_style)
    attrs["r"] = ref
    attr_text = "".join(f' {k}="{_escape(str(v))}"' for k, v in attrs.items())
    if text is None or text == "":
        return f"<c{attr_text}/>"
    body = f"{text:.16g}" if isinstance(text, int | float) else _escape(str(text))
    return f"<c{attr_text}><v>{body}</v></c>"


def cell_value(value: Any) -> Any:
    """What a cell can hold: NA/NaN/inf -> empty, numbers and dates as they are, the rest as text."""
    if is_missing(value):
        return None
    if isinstance(value, str | bool | int | dt.date | dt.time):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else None
    return str(value)


class FastRows:
    """Rows of one write-only sheet, formatted as XML here and spliced in when openpyxl closes it.

    The caller numbers the rows: they must follow the rows openpyxl streamed, in order.
    """

    def __init__(self, ws: Any) -> None:
        check_openpyxl(ws)
        self.ws = ws
        self._letters: list[str] = []
        self._parts: list[str] = []
        self._size = 0
        self._spill: Any = None
        # cell XML of strings seen before (labels, regions; a finding's texts recur on several sheets)
        shared = getattr(ws.parent, "texts", None)
        self._texts: dict[str, tuple[int, str]] = shared if isinstance(shared, dict) else {}
        self._close = ws.close
        ws.close = self._close_and_splice   # Workbook.save calls ws.close() before zipping the sheet

    def _starts(self, n: int) -> list[str]:
        """'<c r="A', '<c r="B' … for the first ``n`` columns."""
        while len(self._letters) < n:
            self._letters.append(f'<c r="{get_column_letter(len(self._letters) + 1)}')
        return self._letters

    def append(self, row: int, values: Sequence[Any], styles: Sequence[CellStyle],
               height: float | None = None) -> None:
        """Row ``row``: one value per style (a value of None skips an unstyled cell)."""
        if len(styles) != len(values):
            raise ValueError(f"{len(values)} values but {len(styles)} styles")
        starts = self._starts(len(values))
        texts = self._texts
        if len(texts) > _TEXT_CACHE:
            texts.clear()
        r = str(row)
        out = [f'<row r="{r}" ht="{height:.16g}" customHeight="1">' if height else f'<row r="{r}">']
        for v, style, start in zip(values, styles, starts, strict=False):   # starts may be longer
            t = type(v)
            if t is str:
                parts = texts.get(v)
                if parts is None:
                    parts = texts[v] = _text_parts(v)
                out.append(f'{start}{r}"{style[parts[0]]}{parts[1]}')
            elif v is None:
                if style[0]:
                    out.append(f'{start}{r}"{style[0]}/>')
            elif t is int:
                out.append(f'{start}{r}"{style[0]} t="n"><v>{v}</v></c>')
            elif t is float:
                if math.isfinite(v):
                    out.append(f'{start}{r}"{style[0]} t="n"><v>{v:.16g}</v></c>')
                elif style[0]:
                    out.append(f'{start}{r}"{style[0]}/>')
            elif t is bool:
                out.append(f'{start}{r}"{style[0]} t="b"><v>{int(v)}</v></c>')
            else:
                out.append(self._convert(f"{start[6:]}{r}", style, v))
        out.append("</row>")
        text = "".join(out)
        self._parts.append(text)
        self._size += len(text)
        if self._size > _SPILL_BYTES:
            self._flush()

    def _convert(self, ref: str, style: CellStyle, value: Any) -> str:
        value = cell_value(value)
        if value is None or isinstance(value, str | int | float):
            return self._one(ref, style, value)
        return _other_cell(self.ws, ref, style, value)

    def _one(self, ref: str, style: CellStyle, value: Any) -> str:
        if value is None:
            return f'<c r="{ref}"{style[0]}/>' if style[0] else ""
        if isinstance(value, str):
            return _text_cell(ref, style, value)
        if isinstance(value, bool):
            return f'<c r="{ref}"{style[0]} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"{style[0]} t="n"><v>{value}</v></c>'
        return f'<c r="{ref}"{style[0]} t="n"><v>{value:.16g}</v></c>'

    def blank(self, row: int) -> None:
        self._add(f'<row r="{row}"/>')

    def _add(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size > _SPILL_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._spill is None:
            self._spill = tempfile.TemporaryFile()
        self._spill.write("".join(self._parts).encode("utf-8"))
        self._parts.clear()
        self._size = 0

    def _close_and_splice(self) -> None:
        self._close()
        path = self.ws._writer.out
        with open(path, "rb") as fh:
            xml = fh.read()
        cut = xml.rfind(_SHEETDATA_END)
        if cut >= 0:
            head, tail = xml[:cut], xml[cut:]
        else:
            m = _SHEETDATA_EMPTY.search(xml)
            if m is None:
                raise RuntimeError(f"no <sheetData> in openpyxl's output for sheet {self.ws.title!r}")
            head, tail = xml[: m.start()] + b"<sheetData>", _SHEETDATA_END + xml[m.end():]
        tmp = f"{path}.rows"
        try:
            with open(tmp, "wb") as out:
                out.write(head)
                if self._spill is not None:
                    self._spill.seek(0)
                    shutil.copyfileobj(self._spill, out, 1024 * 1024)
                out.write("".join(self._parts).encode("utf-8"))
                out.write(tail)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            if self._spill is not None:
                self._spill.close()
                self._spill = None
            self._parts.clear()
