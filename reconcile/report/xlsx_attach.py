"""The two sheets a clerk pastes into the 通报: 总体情况 (附件1) and 问题清单 (附件2).

总体情况: title "政务新媒体检查总体情况表（2022年第四季度）", the 监测点 line, the header in row 3,
one row per region and the 总计 row; below it the per-platform 合格率 table and a bar chart of
合格率 by region. The chart reads a numeric copy of 合格率 in a hidden column outside the print
area (the printed 合格率 is text, formatted exactly as configured: 99.51% / 80.5% / 100%).

问题清单: title, then 序号 | 存在的突出问题 | 所属地区 | 新媒体类型 | 政务新媒体名称 | 认证信息/主办单位 |
问题说明 | 来源, grouped by problem as the Zhejiang notices print it: the problem label on the
first row of its group and the region on the first row of each region inside a group (the cells
of a group are merged for printing). Kinds that make an account 不合格 come first; an account
with several problems is listed under each.

Imported by reconcile.report.xlsx at call time (it builds on that module's sheet helpers).
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList

from reconcile.report import xlsx as base
from reconcile.report.safe import (
    FindingTexts,
    date_zh,
    format_rate,
    is_missing,
    kind_label,
    platform_text,
    quarter_zh,
    rate_settings,
    text_or_none,
    totals_of,
)
from reconcile.result import Finding, RegionSummary, Result
from reconcile.schema import FINDING_KINDS
from reconcile.summary import region_sort_key

SUMMARY_TITLE = "政务新媒体检查总体情况表（{quarter}）"
FINDINGS_TITLE = "检查发现存在突出问题的政务新媒体（{quarter}）"
PLATFORM_TITLE = "各平台政务新媒体合格率"
OWNER_HEADER = "认证信息/主办单位"
ATTACHMENT2_HEADERS = ("序号", "存在的突出问题", "所属地区", "新媒体类型", "政务新媒体名称", OWNER_HEADER,
                       "问题说明", "来源")
CHART_VALUE_HEADER = "账号合格率"
CHART_ROWS = 18   # rows the chart covers (8 cm at the default row height)
ONE_PAGE_ROWS = 50  # up to this many table rows, 总体情况 and its chart print on one page


def _rate_row(idx: int | None, s: RegionSummary, decimals: int, drop: bool) -> list[Any]:
    return [idx, s.region, s.total, s.checked, s.failed, format_rate(s.pass_rate, decimals, drop)]


def write_summary(wb: Workbook, result: Result) -> None:
    """总体情况 (附件1), the per-platform table and the 合格率 chart."""
    run = result.run
    decimals, drop = rate_settings(run)
    rows = [_rate_row(i, s, decimals, drop) for i, s in enumerate(result.summary, 1)]
    platforms = [_rate_row(i, s, decimals, drop) for i, s in enumerate(result.platforms, 1)]
    totals = totals_of(result)
    line = f"监测点：{date_zh(run.checkpoint)}"
    if run.scope:
        line += f"　　检查范围：{'、'.join(run.scope)}"
    cols = [base._Col("序号", center=True), base._Col("地区"), base._Col("政务新媒体总数", center=True),
            base._Col("抽查政务新媒体数", center=True), base._Col("存在突出问题的政务新媒体数", center=True),
            base._Col("账号合格率", center=True)]
    sheet = base._TableSheet(wb, base.SHEET_SUMMARY, cols, [*rows, *platforms, [None, "总计"]], above=[
        (SUMMARY_TITLE.format(quarter=quarter_zh(run.quarter)), "title"), (line, "note")], hidden=("H", "I"))
    ws = sheet.ws
    sheet.extend(rows)
    last = sheet.row
    if totals is not None:
        total_row = _rate_row(None, totals, decimals, drop)
        total_row[1] = "总计"
        sheet.append(total_row, kind="total")
    sheet.finish_table(last)
    if platforms:
        sheet.blank()
        sheet._merged_line(PLATFORM_TITLE, "total")
        headers = ("序号", "新媒体类型", "政务新媒体总数", "抽查政务新媒体数", "存在突出问题的政务新媒体数", "账号合格率")
        sheet.cells(headers, [{"kind": "header"}] * len(headers))
        sheet.extend(platforms)
    if result.notes:
        sheet.blank()
        for note in result.notes:
            sheet.note(f"注：{note}")
    # the chart goes below the tables; its data (region, numeric 合格率) sits in hidden H:I
    chart_at = sheet.row + 2
    values_at = chart_at
    sheet.blank()
    sheet.cells([None] * 7 + ["地区", CHART_VALUE_HEADER], [None] * 9)
    for s in result.summary:
        sheet.cells([None] * 7 + [s.region, s.pass_rate], [None] * 9)
    # 附件1 prints on one page with its chart (shrunk to fit); a very long table prints
    # across pages with its header repeated, and the chart stays on screen only
    one_page = chart_at <= ONE_PAGE_ROWS
    end = chart_at + CHART_ROWS if result.summary and one_page else chart_at - 2
    ws.print_area = f"A1:F{end}"
    if one_page:
        ws.page_setup.fitToHeight = 1
    if result.summary:
        _add_chart(ws, len(result.summary), values_at, chart_at, quarter_zh(run.quarter))


def _add_chart(ws: Any, n: int, header_row: int, anchor_row: int, quarter: str) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = f"各地区政务新媒体合格率（{quarter}）"
    chart.y_axis.title = "合格率（%）"
    chart.y_axis.scaling.min = 0.0
    chart.y_axis.scaling.max = 100.0
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend = None
    chart.visible_cells_only = False   # the values live in hidden columns
    data = Reference(ws, min_col=9, min_row=header_row, max_row=header_row + n)
    cats = Reference(ws, min_col=8, min_row=header_row + 1, max_row=header_row + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                     showLegendKey=False, showPercent=False)
    chart.width = 24
    chart.height = 8
    ws.add_chart(chart, f"A{anchor_row}")


def _group_order(result: Result) -> list[Finding]:
    """Failing kinds first (FINDING_KINDS order inside), then region order, platform, name."""
    kinds = {k: i for i, k in enumerate(FINDING_KINDS)}
    order = tuple((result.run.settings or {}).get("region_order") or ())
    regions = {}   # region -> its sort key, once per region
    for f in result.findings:
        if f.region not in regions:
            regions[f.region] = region_sort_key(text_or_none(f.region) or "未知", order)
    return sorted(result.findings, key=lambda f: (
        not _fails(f), kinds.get(f.kind, len(kinds)), regions[f.region],
        text_or_none(f.platform) or "", text_or_none(f.name) or ""))


def _fails(f: Finding) -> bool:
    fails = f.fails
    return fails is True or (fails is not False and fails is not None and not is_missing(fails) and bool(fails))


def attachment2_rows(result: Result, texts: FindingTexts) -> tuple[list[list[Any]], list[tuple[int, int, int]]]:
    """The 问题清单 rows (group label and region only on the first row of each (sub)group) and
    the merges to make: (column, first offset, last offset) into the rows."""
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int]] = []
    group_start = region_start = 0
    prev_group: tuple[str, bool] | None = None
    prev_region: str | None = None
    findings = _group_order(result)
    for i, f in enumerate(findings):
        group = (f.kind, _fails(f))
        region = text_or_none(f.region)
        new_group = group != prev_group
        new_region = new_group or region != prev_region
        if new_group and i:
            merges.append((2, group_start, i - 1))
        if new_region and i:
            merges.append((3, region_start, i - 1))
        if new_group:
            group_start = i
        if new_region:
            region_start = i
        platform, detail, records = texts.of(f)
        rows.append([i + 1, kind_label(f.kind) if new_group else None, region if new_region else None,
                     platform, f.name, f.owner, detail, records])
        prev_group, prev_region = group, region
    if findings:
        merges.append((2, group_start, len(findings) - 1))
        merges.append((3, region_start, len(findings) - 1))
    return rows, [m for m in merges if m[2] > m[1]]


def write_findings(wb: Workbook, result: Result, texts: FindingTexts) -> None:
    """问题清单 (附件2)."""
    rows, merges = attachment2_rows(result, texts)
    cols = (base._Col("序号", center=True), base._Col("存在的突出问题", wrap=True, max_width=18),
            base._Col("所属地区", max_width=14), base._Col("新媒体类型", max_width=18),
            base._Col("政务新媒体名称", wrap=True, max_width=28), base._Col(OWNER_HEADER, wrap=True, max_width=28),
            base._Col("问题说明", wrap=True, max_width=44), base._Col("来源", wrap=True, max_width=30))
    sheet = base._TableSheet(wb, base.SHEET_FINDINGS, cols, rows[: base._SAMPLE_ROWS],
                             above=[(FINDINGS_TITLE.format(quarter=quarter_zh(result.run.quarter)), "title")],
                             styled=len(rows) <= base.STYLED_ROW_LIMIT)
    first = sheet.row + 1
    sheet.extend(rows)
    last = sheet.row
    for col, a, b in merges:
        letter = "B" if col == 2 else "C"
        sheet.ws.merged_cells.add(f"{letter}{first + a}:{letter}{first + b}")
    if not rows:
        sheet.note("本次检查未发现问题。")
    passing = sorted({f.kind for f in result.findings if not _fails(f)},
                     key=lambda k: list(FINDING_KINDS).index(k) if k in FINDING_KINDS else len(FINDING_KINDS))
    if passing:
        sheet.note("注：" + "、".join(kind_label(k) for k in passing) + "不计入不合格（设置 report.fail_kinds）。")
    sheet.finish_table(last)


# --------------------------------------------------------------------------------------------
# 不合格账号: one row per failing account, its problems in the 通报's wording (咸宁 附件2 layout)
# --------------------------------------------------------------------------------------------

SHEET_FAILED = "不合格账号"
FAILED_HEADERS = ("序号", "市直/县市区", "新媒体名称", "主办单位", "新媒体类型", "存在的问题")


def notice_wording(f: Finding) -> str:
    """A problem as the 通报 words it: "备案类型错误：应为服务号",
    "账号已注销，未在全国政务新媒体信息报送系统注销", "监测点前两周未更新" …"""
    correction = text_or_none(f.correction)
    if f.kind == "deleted_still_registered":
        sources = {r.source for r in f.records}
        system = "全国政务新媒体信息报送系统" if "national" in sources else "全省政务新媒体管理平台"
        gone = "账号已注销" if "crawled" in sources else "平台上未找到该账号"
        return f"{gone}，未在{system}注销"
    if f.kind == "unfiled":
        return "瞒报漏报：未进行填报登记"
    if f.kind == "content_issue":
        return text_or_none(f.detail) or kind_label(f.kind)   # the clerk's own words
    label = kind_label(f.kind)
    return f"{label}：{correction}" if f.kind == "wrong_type" and correction else label


def failed_accounts(result: Result) -> list[list[Any]]:
    """Rows of 不合格账号: accounts with a failing finding, in region order, problems joined by a space."""
    order = tuple((result.run.settings or {}).get("region_order") or ())
    groups: dict[Any, list[Finding]] = {}
    for f in result.findings:
        if _fails(f):
            key = f.account if f.account is not None else (f.platform, f.name, f.region)
            groups.setdefault(key, []).append(f)
    kinds = {k: i for i, k in enumerate(FINDING_KINDS)}
    regions = {}   # region -> its sort key, once per region
    for fs in groups.values():
        if fs[0].region not in regions:
            regions[fs[0].region] = region_sort_key(text_or_none(fs[0].region) or "未知", order)
    items = sorted(groups.values(), key=lambda fs: (regions[fs[0].region], text_or_none(fs[0].name) or ""))
    rows = []
    for i, fs in enumerate(items, 1):
        if len(fs) > 1:
            fs = sorted(fs, key=lambda f: kinds.get(f.kind, len(kinds)))
            words = list(dict.fromkeys(notice_wording(f) for f in fs))
        else:
            words = [notice_wording(fs[0])]
        f0 = fs[0]
        rows.append([i, f0.region, f0.name, f0.owner, platform_text(f0.platform, f0.account_type), " ".join(words)])
    return rows


def write_failed_accounts(wb: Workbook, result: Result) -> None:
    rows = failed_accounts(result)
    cols = (base._Col("序号", center=True), base._Col("市直/县市区", max_width=14),
            base._Col("新媒体名称", wrap=True, max_width=28), base._Col("主办单位", wrap=True, max_width=30),
            base._Col("新媒体类型", max_width=18), base._Col("存在的问题", wrap=True, max_width=50))
    title = f"政务新媒体抽查不合格账号（{quarter_zh(result.run.quarter)}）"
    sheet = base._TableSheet(wb, SHEET_FAILED, cols, rows[: base._SAMPLE_ROWS], above=[(title, "title")],
                             styled=len(rows) <= base.STYLED_ROW_LIMIT)
    sheet.extend(rows)
    last = sheet.row
    if not rows:
        sheet.note("本次检查未发现不合格账号。")
    sheet.finish_table(last)
