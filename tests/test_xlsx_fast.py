"""The raw-XML row writer (reconcile.report.xlsx_fast) behind every table sheet of the report.

Each test writes a real workbook and reads it back with openpyxl and python-calamine. The
reference is openpyxl itself: the same rows written cell by cell through openpyxl's own writer
(what the report did before the fast path) must read back identically, values and styles.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from python_calamine import CalamineWorkbook

from reconcile.report import safe, xlsx_fast
from reconcile.report.safe import clean_cell_text, csv_safe, csv_safe_column, display_width, needs_text_guard
from reconcile.report.xlsx import ROW_HEIGHT, _Col, _TableSheet, _wrapped_lines
from reconcile.report.xlsx_fast import FastRows, ReportWorkbook, check_openpyxl

TRICKY = [
    "a & b < c > d", "\"quoted\" 'single'", "&amp; stays literal", "<t>not a tag</t>", "  leading", "trailing  ",
    "   ", "", "\u3000全角空格开头", "line1\nline2", "a\r\nb", "\rstarts with CR", "=1+1", "+86 123", "-5", "@SUM(A1)",
    "\tTab first", "#N/A", "#DIV/0!", "=cmd|' /C calc'!A0", "ctrl\x00char\x1fs", "咸宁发布", "😀 emoji", "x" * 40_000,
]
COLS = [_Col("序号", center=True), _Col("名称", wrap=True, max_width=20), _Col("数值", number_format="0.00"),
        _Col("说明", wrap=True, max_width=30)]


def _rows() -> list[list[Any]]:
    rows: list[list[Any]] = [[i, text, 0.5 + i, f"说明{i}"] for i, text in enumerate(TRICKY, 1)]
    rows += [[100, None, None, None], [101, "nan", math.nan, math.inf], [102, True, 1e17, 2**40 + 1],
             [103, "长" * 60, 1 / 3, "第一行\n第二行\n第三行"], [104, "date", dt.date(2022, 11, 13), dt.datetime(2022, 11, 13, 9)]]
    return rows


def _write_fast(path: Path, rows: list[list[Any]], *, styled: bool, note: str | None = "注：表后说明 & <备注>") -> None:
    wb = ReportWorkbook()
    sheet = _TableSheet(wb, "表", COLS, rows, above=[("标题 & <标题>", "title")], styled=styled)
    sheet.extend(rows)
    last = sheet.row
    if note:
        sheet.note(note)
    sheet.finish_table(last)
    wb.save(path)


def _write_reference(path: Path, rows: list[list[Any]], *, styled: bool, note: str | None = "注：表后说明 & <备注>") -> None:
    """The same sheet through openpyxl's own cell writer (the pre-fast-path code)."""
    wb = Workbook(write_only=True)
    sheet = _TableSheet(wb, "表", COLS, rows, above=[("标题 & <标题>", "title")], styled=styled)
    ws, styles = sheet.ws, sheet.styles
    for values in rows:
        sheet.row += 1
        if styled:
            cells = [styles.cell(v, wrap=c.wrap, center=c.center, fmt=c.number_format)
                     for v, c in zip(values, COLS, strict=True)]
            lines = max((_wrapped_lines(v, w) for v, c, w in zip(values, COLS, sheet.widths, strict=True)
                         if c.wrap and isinstance(v, str)), default=1)
            if lines > 1:
                ws.row_dimensions[sheet.row].height = ROW_HEIGHT * min(lines, 15)
        else:
            cells = []
            for v in values:
                if isinstance(v, str):
                    v = clean_cell_text(v)
                    if needs_text_guard(v):
                        c = Cell(ws, row=1, column=1, style_array=styles.array(guard=True, border=False))
                        c._value, c.data_type = v, "s"
                        v = c
                elif isinstance(v, float) and not math.isfinite(v):
                    v = None
                cells.append(v)
        ws.append(cells)
    last = sheet.row
    if note:
        sheet.row += 1
        lines = 1 + display_width(note) // max(1, sum(sheet.widths))
        ws.row_dimensions[sheet.row].height = 16 * min(6, lines)
        ws.append([styles.cell(note, kind="note")])
        ws.merged_cells.add(f"A{sheet.row}:{sheet.last_col}{sheet.row}")
    sheet.finish_table(last)
    wb.save(path)


def _cells(path: Path) -> list[list[tuple[Any, ...]]]:
    ws = openpyxl.load_workbook(path)["表"]
    return [[(c.value, c.data_type, c.quotePrefix, c.font.b, c.font.i, c.border.left.style, c.alignment.wrap_text,
              c.alignment.horizontal, c.number_format) for c in row] for row in ws.iter_rows()]


def _layout(path: Path) -> tuple[Any, ...]:
    ws = openpyxl.load_workbook(path)["表"]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    return heights, sorted(map(str, ws.merged_cells.ranges)), ws.auto_filter.ref, ws.freeze_panes, ws.max_row


def _calamine(path: Path) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python(skip_empty_area=False)


@pytest.mark.parametrize("styled", [True, False], ids=["styled", "plain"])
def test_fast_rows_read_back_like_openpyxl_cells(tmp_path, styled):
    rows = _rows()
    fast, ref = tmp_path / "fast.xlsx", tmp_path / "ref.xlsx"
    _write_fast(fast, rows, styled=styled)
    _write_reference(ref, rows, styled=styled)
    assert _cells(fast) == _cells(ref)
    assert _layout(fast) == _layout(ref)
    assert _calamine(fast) == _calamine(ref)


def test_text_is_stored_as_text(tmp_path):
    path = tmp_path / "r.xlsx"
    rows = _rows()
    _write_fast(path, rows, styled=True)
    ws = openpyxl.load_workbook(path)["表"]
    by_text = {}
    for r in range(3, 3 + len(TRICKY)):
        by_text[r - 3] = ws.cell(r, 2)
    for i, text in enumerate(TRICKY):
        cell = by_text[i]
        want = clean_cell_text(text)
        assert (cell.value or "") == want, repr(text)
        assert cell.data_type == "s" or (not want and cell.value is None)
        assert cell.quotePrefix == (bool(want) and needs_text_guard(want)), repr(text)
    values = _calamine(path)
    assert values[2 + TRICKY.index("a & b < c > d")][1] == "a & b < c > d"
    assert values[2 + TRICKY.index("  leading")][1] == "  leading"
    assert values[2 + TRICKY.index("a\r\nb")][1] == "a\r\nb"
    assert values[2 + TRICKY.index("=1+1")][1] == "=1+1"       # text, not the formula's result
    assert len(values[2 + TRICKY.index("x" * 40_000)][1]) == 32767
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="e"' not in xml


def test_numbers_none_dates_and_heights(tmp_path):
    path = tmp_path / "r.xlsx"
    rows = _rows()
    _write_fast(path, rows, styled=True)
    ws = openpyxl.load_workbook(path)["表"]
    first = 3   # title, header
    assert ws.cell(first, 1).value == 1 and ws.cell(first, 3).value == 1.5
    none_row = first + len(TRICKY)
    assert [ws.cell(none_row, c).value for c in range(1, 5)] == [100, None, None, None]
    assert ws.cell(none_row, 2).border.left.style == "thin"          # a styled empty cell keeps its border
    assert ws.cell(none_row + 1, 3).value is None                   # NaN and inf: empty
    assert ws.cell(none_row + 2, 2).value is True
    assert ws.cell(none_row + 2, 3).value == 1e17 and ws.cell(none_row + 2, 4).value == 2**40 + 1
    assert ws.cell(none_row + 3, 3).value == pytest.approx(1 / 3)
    assert ws.cell(none_row + 4, 3).value == dt.datetime(2022, 11, 13) and ws.cell(none_row + 4, 3).is_date
    # 60 wide characters in a 20-wide column, and three explicit lines: rows grow
    assert ws.row_dimensions[none_row + 3].height == ROW_HEIGHT * _wrapped_lines("长" * 60, 20)
    assert ws.row_dimensions[none_row + 3].height > ROW_HEIGHT
    assert ws.row_dimensions[first + TRICKY.index("line1\nline2")].height == 2 * ROW_HEIGHT
    assert not ws.row_dimensions[first].height


def test_note_after_rows_and_filter(tmp_path):
    path = tmp_path / "r.xlsx"
    rows = _rows()
    _write_fast(path, rows, styled=False)
    ws = openpyxl.load_workbook(path)["表"]
    note_row = 2 + len(rows) + 1
    assert ws.cell(note_row, 1).value == "注：表后说明 & <备注>" and ws.cell(note_row, 1).font.i
    assert f"A{note_row}:D{note_row}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.auto_filter.ref == f"A2:D{note_row - 1}"
    assert ws.cell(1, 1).value == "标题 & <标题>" and ws.cell(2, 2).value == "名称"
    assert ws.max_row == note_row


@pytest.mark.parametrize("note", [None, "本次没有记录。"])
def test_empty_table(tmp_path, note):
    path = tmp_path / "r.xlsx"
    _write_fast(path, [], styled=True, note=note)
    ws = openpyxl.load_workbook(path)["表"]
    assert [c.value for c in ws[2]] == [c.header for c in COLS]
    assert ws.max_row == (3 if note else 2)
    if note:
        assert ws.cell(3, 1).value == note
    assert _calamine(path)[-1][0] == (note or "序号")


def test_sheet_without_openpyxl_rows_and_spilled_rows(tmp_path, monkeypatch):
    """No row through openpyxl at all (an empty <sheetData/>), and rows buffered in a temporary file."""
    monkeypatch.setattr(xlsx_fast, "_SPILL_BYTES", 200)
    wb = ReportWorkbook()
    ws = wb.create_sheet("表")
    fast = FastRows(ws)
    for r in range(1, 101):
        fast.append(r, [r, f"第{r}行"], [("", ""), ("", "")])
    fast.blank(101)
    fast.append(102, ["末行"], [("", "")], height=30)
    path = tmp_path / "r.xlsx"
    wb.save(path)
    values = _calamine(path)
    assert values[0] == [1, "第1行"] and values[99] == [100, "第100行"] and values[101][0] == "末行"
    assert openpyxl.load_workbook(path)["表"].row_dimensions[102].height == 30


def test_values_and_styles_must_pair():
    wb = ReportWorkbook()
    fast = FastRows(wb.create_sheet("表"))
    with pytest.raises(ValueError):
        fast.append(1, [1, 2], [("", "")])


def test_openpyxl_internals_are_checked():
    wb = ReportWorkbook()
    check_openpyxl(wb.create_sheet("表"))   # the installed openpyxl has what xlsx_fast relies on
    assert openpyxl.__version__.startswith("3.1.")

    class NotASheet:
        parent = Workbook()   # not write-only

    with pytest.raises(RuntimeError, match="openpyxl"):
        check_openpyxl(NotASheet())


def _reference_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=st.characters(min_codepoint=0x2E80, max_codepoint=0xFFEF)),
                 st.integers(), st.none()))
def test_display_width_matches_unicodedata(value):
    assert display_width(value) == _reference_width(value)


def test_display_width_on_every_character():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    try:
        assert display_width(everything) == _reference_width(everything)
    finally:
        safe._char_width.__self__.clear()   # do not keep a million-entry cache for the rest of the run
    assert display_width("ab咸宁") == 6 and display_width("ＡＢ") == 4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.sampled_from(TRICKY[:-1]))))
def test_csv_column_matches_csv_safe(values):
    assert csv_safe_column(values) == [None if v is None else csv_safe(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fast_guard_and_cleaning_match_safe(text):
    guard, xml = xlsx_fast._text_parts(text)
    cleaned = clean_cell_text(text)
    assert guard == (1 if cleaned and needs_text_guard(cleaned) else 0)
    if cleaned:
        body = re.fullmatch(r' t="inlineStr"><is><t(?: xml:space="preserve")?>(.*)</t></is></c>', xml, re.S).group(1)
        assert "<" not in body and ">" not in body and "\r" not in body
        assert body.replace("&lt;", "<").replace("&gt;", ">").replace("&#13;", "\r").replace("&amp;", "&") == cleaned
