"""What ``reconcile run`` prints: a short, readable summary with rich tables.

All text from the inputs goes through ``rich.text.Text`` (never markup) with control and
escape characters removed, so a crawled name like "[bold]" or "\\x1b[2J" prints literally.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reconcile.report.safe import (
    coverage_lines,
    date_zh,
    fail_kinds,
    finding_detail,
    format_rate,
    kind_label,
    platform_text,
    quarter_zh,
    rate_settings,
    sorted_findings,
    source_label,
    terminal_text,
    totals_of,
)
from reconcile.result import Finding, Result, by_meaning_text

MAX_WARNINGS_SHOWN = 5


def _t(value: object, style: str = "") -> Text:
    return Text(terminal_text(value), style=style)


def _table(title: str, headers: Iterable[str], right: Iterable[str] = ()) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_lines=False, expand=False)
    right = set(right)
    for h in headers:
        table.add_column(h, justify="right" if h in right else "left", overflow="fold")
    return table


def _header(result: Result, console: Console) -> None:
    run = result.run
    line = Text()
    line.append("监测点 ", style="bold")
    line.append(terminal_text(date_zh(run.checkpoint)))
    line.append("　季度 ", style="bold")
    line.append(terminal_text(quarter_zh(run.quarter)))
    line.append("　范围 ", style="bold")
    line.append(terminal_text("、".join(run.scope) or "全部"))
    console.print(line)
    for info in run.inputs:
        text = Text("  ")
        text.append(terminal_text(source_label(info.source)), style="bold")
        text.append(f" {terminal_text(Path(str(info.path)).name or info.path)}（{info.rows} 行）")
        console.print(text)
        by_meaning = by_meaning_text(info.columns)
        if by_meaning:
            console.print(Text(f"    按含义识别的列：{terminal_text(by_meaning)}", style="dim"))
    skipped = sum((run.crawled_skipped or {}).values())
    if skipped:
        console.print(f"  其中平台采集名单 {skipped} 行与本次核查无关，未参与比对（原因见报告“说明”）")
    for line in coverage_lines(run):
        console.print(f"  采集覆盖率 {terminal_text(line)}")


def _counts(result: Result, console: Console) -> None:
    counts = result.counts_by_kind()
    failing = fail_kinds(result)
    table = _table("问题统计", ("存在的突出问题", "数量", "计入不合格"), right=("数量",))
    for kind, n in counts.items():
        table.add_row(_t(kind_label(kind)), str(n), "是" if kind in failing else "否")
    table.add_row(Text("合计", style="bold"), Text(str(sum(counts.values())), style="bold"), "")
    console.print(table)


def _rate_table(result: Result, console: Console, title: str, label: str, rows, totals) -> None:
    """An 附件1-style table (per region or per platform) with an optional 总计 row."""
    decimals, drop = rate_settings(result.run)
    headers = ("序号", label, "政务新媒体总数", "抽查政务新媒体数", "存在突出问题的政务新媒体数", "账号合格率")
    table = _table(title, headers, right=headers[2:])
    for i, s in enumerate(rows, 1):
        table.add_row(str(i), _t(s.region), str(s.total), str(s.checked), str(s.failed),
                      format_rate(s.pass_rate, decimals, drop))
    if totals is not None:
        table.add_row("", Text("总计", style="bold"), str(totals.total), str(totals.checked),
                      str(totals.failed), Text(format_rate(totals.pass_rate, decimals, drop), style="bold"))
    console.print(table)


def _regions(result: Result, console: Console) -> None:
    _rate_table(result, console, "各地区情况（附件1）", "地区", result.summary, totals_of(result))


def _platforms(result: Result, console: Console) -> None:
    _rate_table(result, console, "各平台合格率", "新媒体类型", result.platforms, None)


def _notes(result: Result, console: Console) -> None:
    """What a check could not judge (e.g. no last-post time in the crawl), each said once."""
    for note in result.notes:
        line = Text("注：", style="bold yellow")
        line.append(terminal_text(note))
        console.print(line)


def _findings(result: Result, console: Console, max_findings: int) -> None:
    by_kind: dict[str, list[Finding]] = {}
    for f in sorted_findings(result.findings):
        by_kind.setdefault(f.kind, []).append(f)
    for kind, items in by_kind.items():
        table = _table(f"{kind_label(kind)}（{len(items)} 条）",
                       ("所属地区", "新媒体类型", "政务新媒体名称", "主办单位", "问题说明"))
        for f in items[: max(0, max_findings)]:
            table.add_row(_t(f.region), _t(platform_text(f.platform, f.account_type)), _t(f.name),
                          _t(f.owner), _t(finding_detail(f)))
        console.print(table)
        rest = len(items) - max(0, max_findings)
        if rest > 0:
            console.print(Text(f"  … 另有 {rest} 条，见报告 XLSX（“{kind_label(kind)}”表）", style="dim"))


def _footer(result: Result, console: Console) -> None:
    links = result.links
    review = int((links["status"] == "review").sum()) if "status" in links.columns else 0
    line = Text()
    line.append("待人工核实 ", style="bold")
    line.append(f"{review} 条关联" + ("（请在报告 XLSX 的“待人工核实”表中填写核实结论）" if review else ""))
    console.print(line)
    line = Text()
    line.append("数据问题 ", style="bold")
    line.append(f"{len(result.warnings)} 条")
    console.print(line)
    for w in result.warnings[:MAX_WARNINGS_SHOWN]:
        console.print(_t(f"  · {terminal_text(w)}"))
    if len(result.warnings) > MAX_WARNINGS_SHOWN:
        console.print(Text(f"  … 另有 {len(result.warnings) - MAX_WARNINGS_SHOWN} 条，见报告 XLSX（“数据问题”表）",
                           style="dim"))


def render(result: Result, console: Console, max_findings: int = 20) -> None:
    """Print the run's summary: inputs, counts by kind, 附件1, findings by kind, review and warnings."""
    _header(result, console)
    _counts(result, console)
    if result.summary or result.totals is not None:
        _regions(result, console)
    if result.platforms:
        _platforms(result, console)
    _notes(result, console)
    if result.findings:
        _findings(result, console, max_findings)
    else:
        console.print(Text("本次检查未发现问题。"))
    if result.recheck:
        from reconcile.report.recheck_sheet import render_recheck
        render_recheck(result, console)
    _footer(result, console)

