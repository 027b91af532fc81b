"""``reconcile history``: the runs stored, and per region the 合格率 of each quarter side by side
(a rich table; with ``--out`` an XLSX with the same table and a line chart).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconcile.history import list_runs, pass_rates
from reconcile.report.safe import atomic_write, clean_cell_text, needs_text_guard, quarter_zh

SHEET_TREND = "合格率趋势"
SHEET_RUNS = "运行记录"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def render_history(db: Path, console: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    runs = list_runs(db)
    table = Table(title="历次运行", title_justify="left", box=box.SIMPLE_HEAD)
    for h in ("编号", "季度", "监测点", "问题数", "计入不合格", "状态"):
        table.add_column(h, justify="right" if h in ("编号", "问题数", "计入不合格") else "left", no_wrap=h != "状态")
    for r in runs:
        state = "有效" if r.superseded_by is None else f"已被第 {r.superseded_by} 次运行替代"
        table.add_row(str(r.id), quarter_zh(r.quarter), r.checkpoint, str(r.findings), str(r.failing),
                      state)
    console.print(table)
    quarters, rates = pass_rates(db)
    if not quarters:
        console.print(Text("历史库中还没有运行记录。"))
        return
    table = Table(title="各地区账号合格率", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("地区", no_wrap=True)
    for q in quarters:
        table.add_column(quarter_zh(q), justify="right", no_wrap=True)
    for region, by_q in rates.items():
        table.add_row(Text(region, style="bold" if region == "总计" else ""), *(_rate(by_q.get(q)) for q in quarters))
    console.print(table)


def _text(value: Any) -> Any:
    return clean_cell_text(value) if isinstance(value, str) else value


def _guard(ws: Any) -> None:
    """Text from the history (region names, paths) never becomes a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and needs_text_guard(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def write_trend_xlsx(db: Path, out: Path) -> None:
    """A workbook with the 合格率 table (regions × quarters), a line chart of it, and the runs."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    quarters, rates = pass_rates(db)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TREND
    ws.append(["地区", *(quarter_zh(q) for q in quarters)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for region, by_q in rates.items():
        ws.append([_text(region), *(by_q.get(q) for q in quarters)])
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = '0.00"%"'
    ws.column_dimensions["A"].width = 18
    ws.freeze_panes = "B2"
    if quarters and rates:
        chart = LineChart()
        chart.title = "各地区账号合格率（%）"
        chart.y_axis.title = "合格率（%）"
        chart.x_axis.title = "季度"
        chart.height, chart.width = 9, 18
        # one series per region (a row), categories are the quarters (the header row)
        data = Reference(ws, min_col=1, max_col=len(quarters) + 1, min_row=2, max_row=len(rates) + 1)
        chart.add_data(data, from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=len(quarters) + 1, min_row=1, max_row=1))
        ws.add_chart(chart, f"A{len(rates) + 4}")
    runs = wb.create_sheet(SHEET_RUNS)
    runs.append(["编号", "季度", "监测点", "完成时间", "问题数", "计入不合格", "状态", "报告"])
    for cell in runs[1]:
        cell.font = Font(bold=True)
    for r in list_runs(db):
        runs.append([r.id, r.quarter, r.checkpoint, r.finished, r.findings, r.failing,
                     "有效" if r.superseded_by is None else f"已被第 {r.superseded_by} 次运行替代",
                     _text(r.report_path or "")])
    _guard(ws)
    _guard(runs)
    atomic_write(out, lambda tmp: wb.save(tmp))
