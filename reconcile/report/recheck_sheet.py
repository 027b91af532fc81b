"""The 复查情况 sheet: last quarter's problems and what became of them, then the new ones.

Columns as the 通报 prints them: 序号 | 上季度问题 | 所属地区 | 新媒体类型 | 名称 | 复查结果.
Called once from ``reconcile.report.xlsx.build_workbook`` when the run has 复查 items.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from reconcile.report.safe import kind_label, platform_text, quarter_zh
from reconcile.report.xlsx import _Col, _TableSheet
from reconcile.result import RecheckItem, Result

SHEET_RECHECK = "复查情况"
RECHECK_HEADERS = ("序号", "上季度问题", "所属地区", "新媒体类型", "名称", "复查结果")


def recheck_rows(items: Sequence[RecheckItem]) -> list[list[Any]]:
    rows = []
    for i, r in enumerate(items, 1):
        if r.status == "新发现":
            previous, outcome = "—", f"新发现：{kind_label(r.kind)}"
        else:
            previous, outcome = kind_label(r.kind), r.status
        rows.append([i, previous, r.region, platform_text(r.platform), r.name, outcome])
    return rows


def write_recheck_sheet(wb: Workbook, result: Result) -> None:
    """Append the 复查情况 sheet (nothing when the run was not compared with an earlier quarter)."""
    if not result.recheck:
        return
    previous = next((r.previous_quarter for r in result.recheck if r.previous_quarter), None)
    counts: dict[str, int] = {}
    for r in result.recheck:
        counts[r.status] = counts.get(r.status, 0) + 1
    line = (f"复查对象：{quarter_zh(previous) if previous else '上季度'}存在问题的政务新媒体。"
            + "；".join(f"{k} {v} 个" for k, v in counts.items()))
    cols = [_Col("序号", center=True), _Col("上季度问题", max_width=24), _Col("所属地区", max_width=20),
            _Col("新媒体类型", max_width=16), _Col("名称", wrap=True, max_width=32),
            _Col("复查结果", max_width=32)]
    rows = recheck_rows(result.recheck)
    sheet = _TableSheet(wb, SHEET_RECHECK, cols, rows[:1000], above=[
        (f"政务新媒体问题整改复查情况（{quarter_zh(result.run.quarter)}）", "title"), (line, "note")])
    sheet.extend(rows)
    sheet.finish_table()


MAX_RECHECK_SHOWN = 10


def render_recheck(result: Result, console: Any) -> None:
    """The short 复查 section of the terminal output: counts, then the problems still open."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from reconcile.report.safe import terminal_text

    counts: dict[str, int] = {}
    for r in result.recheck:
        counts[r.status] = counts.get(r.status, 0) + 1
    previous = next((r.previous_quarter for r in result.recheck if r.previous_quarter), None)
    line = Text("复查 ", style="bold")
    line.append(terminal_text(f"（对照{quarter_zh(previous) if previous else '上季度'}）"
                              + "　".join(f"{k} {v} 个" for k, v in counts.items())))
    console.print(line)
    still = [r for r in result.recheck if r.status in ("仍未整改", "已注销(需系统关停)")]
    if not still:
        return
    table = Table(box=box.SIMPLE_HEAD, title_justify="left", title="仍需整改")
    for h in ("上季度问题", "所属地区", "新媒体类型", "名称", "复查结果"):
        table.add_column(h, overflow="fold")
    for r in still[:MAX_RECHECK_SHOWN]:
        table.add_row(*(Text(terminal_text(v)) for v in (kind_label(r.kind), r.region or "", platform_text(r.platform),
                                                          r.name or "", r.status)))
    console.print(table)
    if len(still) > MAX_RECHECK_SHOWN:
        console.print(Text(f"  … 另有 {len(still) - MAX_RECHECK_SHOWN} 条，见报告 XLSX（“{SHEET_RECHECK}”表）",
                           style="dim"))
