"""Raw-XML rows for openpyxl's write-only sheets: the fast path for big report tables.

openpyxl builds a Cell object per value and serialises it through lxml, about 0.1 ms a cell.
``FastRows`` formats the same ``<row>``/``<c>`` XML directly (inline strings, style ids from
the workbook's own style table; big tables column by column, each distinct string once, as
UTF-8) and splices it into the sheet when openpyxl closes the sheet at save time: the rows
openpyxl streamed (title, header) stay first, the raw rows follow before ``</sheetData>``, and
everything openpyxl writes after the rows (auto-filter, merged cells, data validation, print
settings, drawings) comes out unchanged. ``ReportWorkbook.save`` streams the spliced sheet
straight into the archive; with another workbook the sheet's file is rewritten.

It relies on openpyxl 3.1 internals (pinned in pyproject.toml, checked by ``check_openpyxl``
and tests/test_xlsx_fast.py): ``Workbook._cell_styles`` (the style table ``Cell.style_id`` adds
to), ``WriteOnlyWorksheet.close`` and ``._writer.out`` (the temporary file holding the sheet's
XML until the workbook is saved), ``openpyxl.writer.excel.ExcelWriter`` (ReportWorkbook.save; it
zips each sheet with ``ZipFile.write(ws._writer.out, …)`` right after closing it) and, for dates
only, ``openpyxl.cell._writer._set_attributes``.

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
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat
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
_TEXT_TYPES = frozenset({str, type(None)})
_INT_TYPES = frozenset({int})
_PRESERVE = ' xml:space="preserve"'


class ReportWorkbook(Workbook):
    """A write-only workbook saved with fast deflate (level 1 instead of zlib's default 6): compressing
    the sheets costs ~2.5x less for a file ~20% bigger. Otherwise ``Workbook.save`` exactly, except that
    the rows of FastRows go straight into the archive (no spliced copy of the sheet on disk)."""

    compresslevel = 1

    def __init__(self) -> None:
        super().__init__(write_only=True)
        self.texts: dict[tuple[str, str], dict[Any, bytes]] = {}   # FastRows' cache, shared by the sheets
        self.spliced: dict[str, FastRows] = {}   # openpyxl's sheet file -> its rows, filled as sheets close

    def save(self, filename: Any) -> None:
        if not self.worksheets:
            self.create_sheet()
        archive = _SplicingZipFile(filename, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                   compresslevel=self.compresslevel)
        archive.spliced = self.spliced
        self.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        ExcelWriter(self, archive).save()


class _SplicingZipFile(zipfile.ZipFile):
    """``ZipFile.write`` (the same member), except that a sheet file with FastRows rows is streamed into
    the archive with the rows spliced in, instead of being rewritten on disk and read back."""

    spliced: dict[str, FastRows]

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        rows = self.spliced.pop(filename, None) if isinstance(filename, str) else None
        if rows is None:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        head, tail = rows.around(filename)
        zinfo = zipfile.ZipInfo.from_file(filename, arcname, strict_timestamps=self._strict_timestamps)
        zinfo.external_attr = (stat.S_IFREG | 0o644) << 16   # the temporary file's 0600 is no one's business
        zinfo.compress_type = self.compression if compress_type is None else compress_type
        zinfo._compresslevel = self.compresslevel if compresslevel is None else compresslevel
        zinfo.file_size = len(head) + rows.size + len(tail)   # as the spliced file's stat would say
        with self.open(zinfo, "w") as dest:
            rows.write_xml(dest, head, tail)


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
    space = _PRESERVE if value[0].isspace() or value[-1].isspace() else ""
    return guard, f' t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _row_start(row: int, height: float | None) -> bytes:
    return (f'<row r="{row}" ht="{height:.16g}" customHeight="1">' if height else f'<row r="{row}">').encode()


def _piece(style: CellStyle, value: str | None) -> str:
    """A text (or None) cell after its ``<c r="A1`` in ``style``: from the closing quote on; "" for no cell."""
    if value is None:
        return f'"{style[0]}/>' if style[0] else ""
    guard, rest = _text_parts(value)
    return f'"{style[guard]}{rest}'


def _text_pieces(style: CellStyle, values: Sequence[str | None]) -> list[bytes]:
    """``_piece`` of each value in UTF-8, the checks for cleaning and escaping done once for them all."""
    texts = list(filter(None, values))
    if max(map(len, texts), default=0) > MAX_CELL_CHARS or _SPECIAL_RE.search("".join(texts)) is not None:
        return [_piece(style, v).encode() for v in values]
    plain, guarded = style   # _text_parts without its cleaning and escaping, inlined
    return [(f'"{guarded if v[0] in FORMULA_FIRST or v in ERROR_LITERALS else plain} t="inlineStr"><is>'
             f'<t{_PRESERVE if v[0].isspace() or v[-1].isspace() else ""}>{v}</t></is></c>' if v
             else _piece(style, v)).encode()
            for v in values]


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
    ``append`` formats one row; ``extend`` a run of rows column by column (one pass per column,
    each distinct string formatted once per style), the fast path for big tables.
    """

    def __init__(self, ws: Any) -> None:
        check_openpyxl(ws)
        self.ws = ws
        self._letters: list[str] = []
        self._parts: list[bytes] = []   # rows in UTF-8
        self._size = 0      # bytes in _parts
        self._spilled = 0   # bytes in _spill
        self._spill: Any = None
        # per cell style, the cell XML after ``<c r="A1`` of strings (and None) seen before (labels,
        # regions; a finding's texts recur on several sheets); shared by the workbook's sheets
        shared = getattr(ws.parent, "texts", None)
        self._texts: dict[CellStyle, dict[Any, bytes]] = shared if isinstance(shared, dict) else {}
        self._close = ws.close
        ws.close = self._close_and_splice   # Workbook.save calls ws.close() before zipping the sheet

    def _starts(self, n: int) -> list[str]:
        """'<c r="A', '<c r="B' … for the first ``n`` columns."""
        while len(self._letters) < n:
            self._letters.append(f'<c r="{get_column_letter(len(self._letters) + 1)}')
        return self._letters

    def _lookup(self, style: CellStyle, values: Iterable[str | None]) -> Callable[[str | None], bytes]:
        """The cell XML after ``<c r="A1`` (``_piece``, UTF-8) of each of ``values`` in ``style``: those seen
        before from the cache, the others formatted here, all at once, and remembered while the cache
        holds fewer than ``_TEXT_CACHE`` (then the first ones stay: labels, regions, 问题清单's texts)."""
        texts = self._texts
        pieces = texts.setdefault(style, {})
        distinct = dict.fromkeys(values)
        new = [v for v in distinct if v not in pieces]
        if not new:
            return pieces.__getitem__
        made = dict(zip(new, _text_pieces(style, new), strict=True))
        if sum(map(len, texts.values())) + len(made) <= _TEXT_CACHE:
            pieces.update(made)
            return pieces.__getitem__
        made.update((v, pieces[v]) for v in distinct if v not in made)
        return made.__getitem__

    def append(self, row: int, values: Sequence[Any], styles: Sequence[CellStyle],
               height: float | None = None) -> None:
        """Row ``row``: one value per style (a value of None skips an unstyled cell)."""
        if len(styles) != len(values):
            raise ValueError(f"{len(values)} values but {len(styles)} styles")
        r = str(row)
        cells = [self._cell(start, r, style, v)
                 for v, style, start in zip(values, styles, self._starts(len(values)), strict=False)]  # starts may be longer
        self._add(b"".join([_row_start(row, height), *cells, b"</row>"]))

    def extend(self, first: int, rows: Sequence[Sequence[Any]], styles: Sequence[CellStyle],
               heights: Sequence[float | None] | None = None) -> None:
        """Rows ``first``, ``first + 1`` …: ``append`` for each row (same XML), done column by column."""
        if not rows:
            return
        n = len(styles)
        if any(len(values) != n for values in rows):
            bad = next(len(values) for values in rows if len(values) != n)
            raise ValueError(f"{bad} values but {n} styles")
        numbers = range(first, first + len(rows))
        heads = ([_row_start(i, h) for i, h in zip(numbers, heights, strict=True)] if heights is not None
                 else [b'<row r="%d">' % i for i in numbers])
        refs = [b"%d" % i for i in numbers]
        columns = [self._column(values, style, start, refs)
                   for values, style, start in zip(zip(*rows, strict=True), styles, self._starts(n), strict=False)]
        self._add(b"".join(chain.from_iterable(zip(heads, *columns, repeat(b"</row>", len(rows)), strict=False))))

    def _column(self, values: Sequence[Any], style: CellStyle, start: str, refs: Sequence[bytes]) -> list[bytes]:
        """The cells of one column (one per row of ``refs``; b"" for a skipped cell)."""
        types = set(map(type, values))
        begin = start.encode()
        if types <= _TEXT_TYPES:
            return [begin + r + piece if piece else b""
                    for r, piece in zip(refs, map(self._lookup(style, values), values), strict=True)]
        if types == _INT_TYPES:
            rest = f'"{style[0]} t="n"><v>'.encode()
            return [b"%s%s%s%d</v></c>" % (begin, r, rest, v) for r, v in zip(refs, values, strict=True)]
        return [self._cell(start, r.decode(), style, v) for r, v in zip(refs, values, strict=True)]

    def _cell(self, start: str, r: str, style: CellStyle, v: Any) -> bytes:
        """One cell in UTF-8: ``start`` + ``r`` is its reference ('<c r="B' + '12'); b"" for a skipped cell."""
        t = type(v)
        if t is str or v is None:
            piece = self._lookup(style, (v,))(v)
            return f"{start}{r}".encode() + piece if piece else b""
        if t is int:
            text = f'{start}{r}"{style[0]} t="n"><v>{v}</v></c>'
        elif t is float:
            if math.isfinite(v):
                text = f'{start}{r}"{style[0]} t="n"><v>{v:.16g}</v></c>'
            else:
                text = f'{start}{r}"{style[0]}/>' if style[0] else ""
        elif t is bool:
            text = f'{start}{r}"{style[0]} t="b"><v>{int(v)}</v></c>'
        else:
            text = self._convert(f"{start[6:]}{r}", style, v)
        return text.encode()

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
        self._add(f'<row r="{row}"/>'.encode())

    def _add(self, text: bytes) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size > _SPILL_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._spill is None:
            self._spill = tempfile.TemporaryFile()
        self._spill.write(b"".join(self._parts))
        self._spilled += self._size
        self._parts.clear()
        self._size = 0

    @property
    def size(self) -> int:
        """Bytes of row XML so far."""
        return self._spilled + self._size

    def around(self, path: str) -> tuple[bytes, bytes]:
        """openpyxl's sheet XML at ``path`` cut where the rows go: (up to ``</sheetData>``, the rest)."""
        with open(path, "rb") as fh:
            xml = fh.read()
        cut = xml.rfind(_SHEETDATA_END)
        if cut >= 0:
            return xml[:cut], xml[cut:]
        m = _SHEETDATA_EMPTY.search(xml)
        if m is None:
            raise RuntimeError(f"no <sheetData> in openpyxl's output for sheet {self.ws.title!r}")
        return xml[: m.start()] + b"<sheetData>", _SHEETDATA_END + xml[m.end():]

    def write_xml(self, out: Any, head: bytes, tail: bytes) -> None:
        """The sheet: ``head``, the rows, ``tail``; the rows are gone afterwards."""
        try:
            out.write(head)
            if self._spill is not None:
                self._spill.seek(0)
                shutil.copyfileobj(self._spill, out, 1024 * 1024)
            out.write(b"".join(self._parts))
            out.write(tail)
        finally:
            if self._spill is not None:
                self._spill.close()
                self._spill = None
            self._parts.clear()
            self._size = self._spilled = 0

    def _close_and_splice(self) -> None:
        self._close()
        path = self.ws._writer.out
        deferred = getattr(self.ws.parent, "spliced", None)
        if isinstance(deferred, dict):   # ReportWorkbook.save streams the rows into the archive
            deferred[path] = self
            return
        head, tail = self.around(path)
        tmp = f"{path}.rows"
        try:
            with open(tmp, "wb") as out:
                self.write_xml(out, head, tail)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.remove(tmp)
