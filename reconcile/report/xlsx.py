"""The XLSX report a clerk opens, prints and pastes into the 通报.

Sheets, in order: 总体情况 (附件1, per-platform table, 合格率 chart) · 问题清单 (附件2) ·
不合格账号 (咸宁-style list) · one sheet per finding kind that has findings · 待人工核实 · 关联明细 ·
数据问题 (only with warnings) · 说明. 总体情况/问题清单/不合格账号 are written by xlsx_attach.py.

Layout the ``reconcile review`` reader may rely on: on the 待人工核实 sheet the first row is a
note, the header row (row ``REVIEW_HEADER_ROW``) holds ``REVIEW_KEY_HEADER`` and
``REVIEW_DECISION_HEADER``, data rows follow until the first empty 序号. Every other table
sheet has its header in row 1, except 总体情况 (title, 监测点 line, header in row 3) and
问题清单/不合格账号 (title, header in row 2).

Safety: text from the inputs never becomes a formula, DDE call, hyperlink or error value:
every string is written as an inline string (``data_type "s"``) and risky ones
(= + - @ tab CR …) also get Excel's quote prefix; XML-illegal characters are dropped.
The workbook is streamed (openpyxl write-only mode; every row below a table's header is formatted
as raw XML by xlsx_fast.py, ~10x cheaper than openpyxl's cells) and written atomically.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reconcile.batch import few_collections
from reconcile.report.jsonout import link_columns
from reconcile.report.safe import (
    SETTING_LABELS,
    FindingTexts,
    atomic_write,
    clean_cell_text,
    coverage_lines,
    csv_safe_column,
    date_zh,
    display_width,
    fail_kinds,
    input_files,
    is_missing,
    kind_label,
    needs_text_guard,
    quarter_zh,
    setting_text,
    sheet_title,
    skipped_text,
    sorted_findings,
    source_label,
)
from reconcile.report.xlsx_fast import CellStyle, FastRows, ReportWorkbook, style_attr
from reconcile.report.xlsx_fast import cell_value as _cell_value
from reconcile.result import Finding, Result
from reconcile.schema import FINDING_KINDS

SHEET_SUMMARY = "总体情况"
SHEET_FINDINGS = "问题清单"
SHEET_REVIEW = "待人工核实"
SHEET_LINKS = "关联明细"
SHEET_WARNINGS = "数据问题"
SHEET_ABOUT = "说明"

SUMMARY_HEADERS = ("序号", "地区", "政务新媒体总数", "抽查政务新媒体数", "存在突出问题的政务新媒体数", "账号合格率")
FINDING_HEADERS = ("序号", "存在的突出问题", "所属地区", "新媒体类型", "政务新媒体名称", "主办单位",
                   "问题说明", "是否计入不合格", "来源")
REVIEW_HEADERS = ("序号", "核实键", "新媒体类型", "全国系统名称", "全国系统行", "省级平台名称", "省级平台行",
                  "平台采集名称", "平台采集行", "相似度", "判断依据", "核实结论")
LINK_HEADERS = ("平台", "名称", "主办单位", "地区", "全国系统行", "省级平台行", "平台采集行", "相似度", "状态")
REVIEW_HEADER_ROW = 2
REVIEW_KEY_HEADER = "核实键"
REVIEW_DECISION_HEADER = "核实结论"
REVIEW_CHOICES = ("同一账号", "不同账号")
LINK_STATUS_LABELS = {"match": "已关联", "review": "待核实"}
LINKS_CSV_SUFFIX = "_关联明细.csv"
MAX_LINK_ROWS = 20_000       # more links than this go to a CSV beside the report (an XLSX row costs ~0.1 ms; a province fits)
STYLED_ROW_LIMIT = 5_000     # above this, data cells get no borders or wrapping (streaming: ~4x faster)
MAX_WIDTH = 50
_SAMPLE_ROWS = 1_000
_RUN_ROWS = 5_000        # rows formatted together (column by column) by FastRows.extend

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")


@dataclass(frozen=True)
class _Col:
    header: str
    wrap: bool = False
    center: bool = False
    number_format: str | None = None
    max_width: int = MAX_WIDTH


class _Styles:
    """Style arrays built once per sheet and copied into each cell (much cheaper than
    assigning Font/Border objects cell by cell)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._cache: dict[tuple[Any, ...], Any] = {}

    def array(self, *, kind: str = "body", wrap: bool = False, center: bool = False,
              guard: bool = False, fmt: str | None = None, border: bool = True) -> Any:
        key = (kind, wrap, center, guard, fmt, border)
        arr = self._cache.get(key)
        if arr is None:
            c = Cell(self.ws, row=1, column=1)
            if kind == "header":
                c.font = Font(bold=True)
                c.fill = _HEADER_FILL
            elif kind == "title":
                c.font = Font(bold=True, size=14)
            elif kind == "total":
                c.font = Font(bold=True)
            elif kind == "note":
                c.font = Font(italic=True, color="595959")
            if border and kind not in ("title", "note"):
                c.border = _BORDER
            horizontal = "center" if center or kind in ("header", "title") else None
            c.alignment = Alignment(horizontal=horizontal, vertical="center",
                                    wrap_text=wrap or kind in ("header", "note"))
            if fmt:
                c.number_format = fmt
            if guard:
                c.quotePrefix = True
            arr = self._cache[key] = c._style
        return arr

    def cell(self, value: Any, **style: Any) -> Cell:
        """A cell whose strings are always plain text (never a formula or error value)."""
        value = _cell_value(value)
        if isinstance(value, str):
            value = clean_cell_text(value)
            guard = needs_text_guard(value)
            c = Cell(self.ws, row=1, column=1, style_array=self.array(guard=guard, **style))
            c._value = value
            c.data_type = "s"
            return c
        return Cell(self.ws, row=1, column=1, value=value, style_array=self.array(**style))


def _widths(columns: Sequence[_Col], sample: Iterable[Sequence[Any]]) -> list[int]:
    widths = [display_width(c.header) for c in columns]
    enough = [c.max_width - 2 for c in columns]   # any width from here on gives the column its maximum
    for row in sample:
        for i, v in enumerate(row[: len(widths)]):
            if v is None or widths[i] >= enough[i]:
                continue
            if isinstance(v, str):
                if 2 * len(v) <= widths[i]:   # cannot be wider than what we have
                    continue
                w = display_width(v)
            else:
                w = display_width(format(v, ".2f") if isinstance(v, float) else v)
            if w > widths[i]:
                widths[i] = w
    return [max(6, min(c.max_width, w + 2)) for c, w in zip(columns, widths, strict=True)]


ROW_HEIGHT = 15.0   # points per line of wrapped text


def _wrapped_lines(value: str, width: int) -> int:
    """Lines a wrapped cell needs at ``width`` (character units; CJK count double)."""
    per_line = max(1, width - 2)
    return sum(max(1, -(-display_width(part) // per_line)) for part in str(value).split("\n"))


def _page_setup(ws: Any, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"1:{header_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


class _TableSheet:
    """One streamed sheet: optional rows above the header, a styled header, data, notes."""

    def __init__(self, wb: Workbook, title: str, columns: Sequence[_Col], sample: Iterable[Sequence[Any]],
                 above: Sequence[tuple[str, str]] = (), styled: bool = True,
                 size_columns: Sequence[_Col] | None = None, hidden: Sequence[str] = ()) -> None:
        self.ws = wb.create_sheet(title)
        self.columns = list(columns)
        self.styles = _Styles(self.ws)
        self.styled = styled
        # Column widths must be known before the first row is streamed.
        self.widths = _widths(size_columns or self.columns, sample)
        self.last_col = get_column_letter(len(self.columns))
        for i, w in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        for letter in hidden:   # (write-only sheets: before the first row)
            self.ws.column_dimensions[letter].hidden = True
        self.header_row = len(above) + 1
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        _page_setup(self.ws, self.header_row)
        self.row = 0
        self.fast: FastRows | None = None
        for text, kind in above:
            self._merged_line(text, kind)
        self.ws.append([self.styles.cell(c.header, kind="header") for c in self.columns])
        self.row += 1
        # every row below the header is written as raw XML (xlsx_fast): ~10x cheaper than openpyxl cells
        self.fast = FastRows(self.ws)
        self._row_styles: dict[str, list[CellStyle]] = {}
        self._style_attrs: dict[tuple[Any, ...], CellStyle] = {}
        self._wrap_cols = [(i, max(1, w - 2)) for i, (c, w) in enumerate(zip(self.columns, self.widths, strict=False))
                           if c.wrap]

    def _merged_line(self, text: str, kind: str) -> None:
        self.row += 1
        height = None
        if kind == "title":
            height = 30
        elif kind == "note":
            lines = 1 + display_width(text) // max(1, sum(self.widths))
            height = 16 * min(6, lines)
        if self.fast is not None:
            self.fast.append(self.row, [text], [self.style(kind=kind)], height)
        else:
            if height is not None:
                self.ws.row_dimensions[self.row].height = height
            self.ws.append([self.styles.cell(text, kind=kind)])
        self.ws.merged_cells.add(f"A{self.row}:{self.last_col}{self.row}")

    def style(self, *, plain: bool = False, **style: Any) -> CellStyle:
        """The (normal, quote-prefixed) style attributes of a raw cell; ``plain``: no style but the guard."""
        key = (plain, *sorted(style.items()))
        attrs = self._style_attrs.get(key)
        if attrs is None:
            guard = self.styles.array(guard=True, border=False) if plain else self.styles.array(guard=True, **style)
            normal = None if plain else self.styles.array(**style)
            attrs = self._style_attrs[key] = (style_attr(self.ws, normal), style_attr(self.ws, guard))
        return attrs

    def _styles_for(self, kind: str) -> list[CellStyle]:
        styles = self._row_styles.get(kind)
        if styles is None:
            if self.styled or kind != "body":
                styles = [self.style(kind=kind, wrap=c.wrap, center=c.center, fmt=c.number_format)
                          for c in self.columns]
            else:
                styles = [self.style(plain=True)] * len(self.columns)
            styles = self._row_styles[kind] = styles
        return styles

    def _height(self, values: Sequence[Any]) -> float | None:
        """Write-only rows are not auto-fitted: give wrapped text its height (None: the default)."""
        lines = 1
        for i, per_line in self._wrap_cols:
            v = values[i]
            if isinstance(v, str) and (2 * len(v) > per_line or "\n" in v):
                lines = max(lines, _wrapped_lines(v, per_line + 2))
        return ROW_HEIGHT * min(lines, 15) if lines > 1 else None

    def append(self, values: Sequence[Any], kind: str = "body") -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        assert self.fast is not None
        height = self._height(values) if self.styled or kind != "body" else None
        self.fast.append(self.row + 1, values, self._styles_for(kind), height)
        self.row += 1

    def cells(self, values: Sequence[Any], styles: Sequence[dict[str, Any] | None]) -> None:
        """A free-form row below the header: per cell a style (keyword arguments of _Styles.array) or None (plain)."""
        assert self.fast is not None
        self.row += 1
        self.fast.append(self.row, values, [self.style(plain=True) if st is None else self.style(**st)
                                            for st in styles])

    def blank(self) -> None:
        assert self.fast is not None
        self.row += 1
        self.fast.blank(self.row)

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        """Body rows (``append`` in a loop), handed to FastRows.extend in runs of ``_RUN_ROWS``."""
        assert self.fast is not None
        styles, n = self._styles_for("body"), len(self.columns)
        height = self._height if self.styled and self._wrap_cols else None
        it = iter(rows)
        while run := list(islice(it, _RUN_ROWS)):
            for values in run:
                if len(values) != n:
                    raise ValueError(f"{len(values)} values for {n} columns")
            self.fast.extend(self.row + 1, run, styles, list(map(height, run)) if height else None)
            self.row += len(run)

    def note(self, text: str) -> None:
        self._merged_line(text, "note")

    def finish_table(self, last_row: int | None = None) -> tuple[int, int]:
        """Set the auto-filter over header..last data row; returns (first, last) data rows."""
        last = self.row if last_row is None else last_row
        self.ws.auto_filter.ref = f"A{self.header_row}:{self.last_col}{max(last, self.header_row)}"
        return self.header_row + 1, last


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------


def _finding_row(idx: int, f: Finding, texts: FindingTexts) -> list[Any]:
    platform, detail, records = texts.of(f)
    return [idx, kind_label(f.kind), f.region, platform, f.name, f.owner, detail, "是" if f.fails else "否", records]


_FINDING_COLS = (_Col("序号", center=True), _Col("存在的突出问题", max_width=24), _Col("所属地区", max_width=20),
                 _Col("新媒体类型", max_width=22), _Col("政务新媒体名称", wrap=True, max_width=32),
                 _Col("主办单位", wrap=True, max_width=32), _Col("问题说明", wrap=True, max_width=44),
                 _Col("是否计入不合格", center=True), _Col("来源", wrap=True, max_width=36))


def _write_findings(wb: Workbook, title: str, findings: Sequence[Finding], texts: FindingTexts) -> None:
    rows = [_finding_row(i, f, texts) for i, f in enumerate(findings, 1)]
    sheet = _TableSheet(wb, title, _FINDING_COLS, rows[:_SAMPLE_ROWS], styled=len(rows) <= STYLED_ROW_LIMIT)
    sheet.extend(rows)
    last = sheet.row
    if not rows:
        sheet.note("本次检查未发现问题。")
    sheet.finish_table(last)


def _text_values(links: pd.DataFrame, column: str) -> list[str | None]:
    if column not in links.columns:
        return [None] * len(links)
    col = links[column].astype(object)
    return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in col.tolist()]


def _write_review(wb: Workbook, result: Result) -> None:
    links = result.links
    review = links[links["status"] == "review"] if "status" in links.columns else links.iloc[0:0]
    nat, prov, crawl, score, _ = link_columns(review)
    rows = [
        [i, *vals] for i, vals in enumerate(zip(
            _text_values(review, "key"), _text_values(review, "platform"),
            _text_values(review, "national_name"), nat, _text_values(review, "provincial_name"), prov,
            _text_values(review, "crawled_name"), crawl, score, _text_values(review, "why"), [None] * len(review),
            strict=True), 1)
    ]
    cols = [_Col("序号", center=True), _Col(REVIEW_KEY_HEADER, max_width=40), _Col("新媒体类型", max_width=16),
            _Col("全国系统名称", wrap=True, max_width=28), _Col("全国系统行", center=True),
            _Col("省级平台名称", wrap=True, max_width=28), _Col("省级平台行", center=True),
            _Col("平台采集名称", wrap=True, max_width=28), _Col("平台采集行", center=True),
            _Col("相似度", center=True, number_format="0.00"), _Col("判断依据", wrap=True, max_width=40),
            _Col(REVIEW_DECISION_HEADER, center=True)]
    note = ("说明：“相似度”是按本次数据估计的同一账号概率，“判断依据”列出各项证据及其权重（正数支持、负数反对）。"
            f"请逐行核对下列可能是同一账号的记录，在“{REVIEW_DECISION_HEADER}”列下拉选择"
            f"“{REVIEW_CHOICES[0]}”或“{REVIEW_CHOICES[1]}”（不确定的留空），保存后运行 "
            "reconcile review <本报告.xlsx> 导入核实结论，下次运行将按结论关联。请勿修改“核实键”列。")
    sheet = _TableSheet(wb, SHEET_REVIEW, cols, rows[:_SAMPLE_ROWS], above=[(note, "note")],
                        styled=len(rows) <= STYLED_ROW_LIMIT)
    sheet.extend(rows)
    first, last = sheet.finish_table()
    if rows:
        dv = DataValidation(type="list", formula1='"' + ",".join(REVIEW_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="核实结论",
                            error=f"请选择“{REVIEW_CHOICES[0]}”或“{REVIEW_CHOICES[1]}”，或留空")
        dv.add(f"{get_column_letter(len(cols))}{first}:{get_column_letter(len(cols))}{last}")
        sheet.ws.data_validations.append(dv)
    else:
        sheet.note("本次没有需要人工核实的关联。")


def _link_frame(links: pd.DataFrame) -> dict[str, list[Any]]:
    nat, prov, crawl, score, status = link_columns(links)
    return {
        "平台": _text_values(links, "platform"), "名称": _text_values(links, "name"),
        "主办单位": _text_values(links, "owner"), "地区": _text_values(links, "region"),
        "全国系统行": nat, "省级平台行": prov, "平台采集行": crawl, "相似度": score,
        "状态": [LINK_STATUS_LABELS.get(s, s) if s is not None else None for s in status],
    }


def links_csv_path(path: Path) -> Path:
    """Where write_xlsx puts 关联明细 when there are too many links for the workbook."""
    return path.with_name(path.stem + LINKS_CSV_SUFFIX)


def links_in_csv(result: Result, max_link_rows: int | None = None) -> bool:
    """True when 关联明细 goes to a CSV beside the report (``links_csv_path``), not into it
    (more than ``max_link_rows`` links, by default MAX_LINK_ROWS)."""
    return len(result.links) > (MAX_LINK_ROWS if max_link_rows is None else max_link_rows)


def write_links_csv(result: Result, path: Path) -> None:
    """关联明细 as a UTF-8-BOM CSV at ``path`` as it is (write_xlsx makes that atomic; the CLI
    writes it to a ``Staged`` temporary file)."""
    links = result.links
    columns = {**_link_frame(links), "核实键": _text_values(links, "key")}
    for col in ("平台", "名称", "主办单位", "地区", "核实键"):
        columns[col] = csv_safe_column(columns[col])
    for col in ("全国系统行", "省级平台行", "平台采集行"):
        columns[col] = [v if v is None or type(v) is int else None if is_missing(v) else int(v) for v in columns[col]]
    columns["相似度"] = [v if v is None or type(v) is float else None if is_missing(v) else float(v)
                       for v in columns["相似度"]]
    # the csv module writes None as "" and floats as repr, as pandas' to_csv did (UTF-8 with BOM, CRLF)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(zip(*columns.values(), strict=True))


_LINK_COLUMNS = (_Col("平台", max_width=14), _Col("名称", wrap=True, max_width=32),
                 _Col("主办单位", wrap=True, max_width=32), _Col("地区", max_width=20), _Col("全国系统行", center=True),
                 _Col("省级平台行", center=True), _Col("平台采集行", center=True),
                 _Col("相似度", center=True, number_format="0.00"), _Col("状态", center=True))


def _write_links(wb: Workbook, result: Result, path: Path, max_rows: int | None, links_csv: bool) -> None:
    links = result.links
    max_rows = MAX_LINK_ROWS if max_rows is None else max_rows
    if links_in_csv(result, max_rows):
        csv_path = links_csv_path(path)
        if links_csv:
            atomic_write(csv_path, lambda tmp: write_links_csv(result, tmp))
        sheet = _TableSheet(wb, SHEET_LINKS, _LINK_COLUMNS, [])
        sheet.finish_table()
        sheet.note(f"关联明细共 {len(links)} 条，超过 {max_rows} 条，未放入本工作簿，"
                   f"已另存为 {csv_path.name}（与本报告在同一文件夹，UTF-8 编码）。")
        return
    data = _link_frame(links)
    rows: Iterator[tuple[Any, ...]] = zip(*data.values(), strict=True)
    sample = [r for _, r in zip(range(_SAMPLE_ROWS), zip(*data.values(), strict=True), strict=False)]
    sheet = _TableSheet(wb, SHEET_LINKS, _LINK_COLUMNS, sample, styled=len(links) <= STYLED_ROW_LIMIT)
    sheet.extend(rows)
    sheet.finish_table()
    if not len(links):
        sheet.note("本次没有关联记录。")


def _write_warnings(wb: Workbook, result: Result) -> None:
    rows = [[i, w] for i, w in enumerate(result.warnings, 1)]
    sheet = _TableSheet(wb, SHEET_WARNINGS, [_Col("序号", center=True), _Col("数据问题", wrap=True, max_width=100)],
                        rows[:_SAMPLE_ROWS], styled=len(rows) <= STYLED_ROW_LIMIT)
    sheet.extend(rows)
    sheet.finish_table()


def _write_about(wb: Workbook, result: Result) -> None:
    run = result.run
    failing = fail_kinds(result)
    general = [
        ["工具版本", f"reconcile {run.version}"],
        ["监测点", date_zh(run.checkpoint)],
        ["季度", quarter_zh(run.quarter)],
        ["检查范围", "、".join(run.scope) or "全部（输入数据覆盖的地区）"],
        ["运行开始", run.started],
        ["运行结束", run.finished],
        ["问题数", len(result.findings)],
        ["待人工核实", len(result.review_links) if "status" in result.links.columns else 0],
        ["数据问题", len(result.warnings)],
        *[["未比对的采集行", text] for text in [skipped_text(run)] if text],
        *[["采集覆盖率", text] for text in coverage_lines(run)],
        *[["未判断事项", note] for note in result.notes],
    ]
    inputs = [[source_label(i.source), i.path, i.rows, i.sha256, i.encoding, i.sheet, i.header_row]
              for i in run.inputs]
    columns = [[source_label(i.source), Path(i.path).name, c.header, c.label or c.column, c.how_text()]
               for i in run.inputs for c in i.columns]
    settings = []
    for key, value in (run.settings or {}).items():
        if key == "fail_kinds" and isinstance(value, list | tuple):
            text = "、".join(f"{kind_label(str(k))}({k})" for k in value)
        else:
            text = setting_text(value)
        settings.append([key, SETTING_LABELS.get(key, ""), text])
    legend = [[code, label, "是" if code in failing else "否"] for code, label in FINDING_KINDS.items()]
    cols = [_Col("项目", max_width=24), _Col("内容", wrap=True, max_width=44), _Col("行数", wrap=True, max_width=40),
            _Col("SHA-256", wrap=True, max_width=34), _Col("编码", wrap=True, max_width=30), _Col("工作表", wrap=True, max_width=24),
            _Col("表头行")]
    sample = [*general, *inputs, *columns, *settings, *legend]
    # The first table has two columns; the sections below it use up to seven.
    sheet = _TableSheet(wb, SHEET_ABOUT, cols[:2], sample, size_columns=cols)
    for key, value in general:
        sheet.append([key, value])
    last = sheet.row
    sections = [
        (("来源", "文件", "行数", "SHA-256", "编码", "工作表", "表头行"), inputs),
        *([(("来源", "文件", "文件中的列名", "识别为", "识别方式"), columns)] if columns else []),
        (("设置项", "说明", "值"), settings),
        (("问题类型代码", "问题类型", "计入不合格"), legend),
    ]
    for headers, rows in sections:
        sheet.blank()
        sheet.cells(headers, [{"kind": "header"}] * len(headers))
        for row in rows:
            sheet.cells(row, [{"wrap": isinstance(v, str) and display_width(v) > 30} for v in row])
    sheet.finish_table(last)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def build_workbook(result: Result, path: Path, max_link_rows: int | None = None, links_csv: bool = True) -> Workbook:
    """The streamed workbook (not yet saved). ``path`` is the final report path (for the CSV)."""
    wb = ReportWorkbook()
    wb.properties.creator = f"reconcile {result.run.version}"
    wb.properties.title = f"政务新媒体检查报告（{quarter_zh(result.run.quarter)}）"
    texts = FindingTexts(input_files(result.run))
    findings = sorted_findings(result.findings)

    from reconcile.report import xlsx_attach  # builds on this module's helpers

    xlsx_attach.write_summary(wb, result)
    xlsx_attach.write_findings(wb, result, texts)
    xlsx_attach.write_failed_accounts(wb, result)
    taken = [SHEET_SUMMARY, SHEET_FINDINGS, xlsx_attach.SHEET_FAILED, SHEET_REVIEW, SHEET_LINKS, SHEET_WARNINGS, SHEET_ABOUT]
    by_kind: dict[str, list[Finding]] = {}
    for f in findings:
        by_kind.setdefault(f.kind, []).append(f)
    for kind in [*FINDING_KINDS, *sorted(set(by_kind) - set(FINDING_KINDS))]:
        of_kind = by_kind.get(kind)
        if of_kind:
            title = sheet_title(kind_label(kind), taken)
            taken.append(title)
            _write_findings(wb, title, of_kind, texts)
    _write_review(wb, result)
    _write_links(wb, result, path, max_link_rows, links_csv)
    from reconcile.report.recheck_sheet import write_recheck_sheet  # imports this module: load lazily
    write_recheck_sheet(wb, result)
    if result.warnings:
        _write_warnings(wb, result)
    _write_about(wb, result)
    return wb


def write_xlsx(result: Result, path: Path, *, max_link_rows: int | None = None, links_csv: bool = True) -> None:
    """Write the report workbook to ``path`` atomically (raises OutputError).

    With more than ``max_link_rows`` links, 关联明细 goes to ``links_csv_path(path)`` instead,
    written here unless ``links_csv`` is False (the caller writes it, see ``write_links_csv``).
    """
    path = Path(path)

    def _write(tmp: Path) -> None:
        with few_collections():   # ~1M short-lived objects and no cycles: spare the collector's passes
            build_workbook(result, path, max_link_rows, links_csv).save(tmp)

    atomic_write(path, _write)
