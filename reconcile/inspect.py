"""``reconcile inspect FILE``: how one input file is read, so a clerk can fix a mapping before a run.

``inspect_file`` gathers what the loader did (sheet, header row, column mapping, ignored columns,
file and crawler format, encoding, counts by platform and status, the first rows normalised);
``render_inspection`` prints it as rich tables.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.frame import normalize_frame
from reconcile.normalize import normalize_platform, normalize_status
from reconcile.schema import SOURCE_LABELS, SOURCES, STATUS_LABELS, VERIFIED_LABELS
from reconcile.sources.aliases import COLUMN_LABELS
from reconcile.sources.discover import classify
from reconcile.sources.formats import FORMAT_LABELS, detect_format, load_crawled, read_table
from reconcile.sources.header import display
from reconcile.sources.loader import LoadedSource, load_source

PREVIEW_ROWS = 5
_PREVIEW_COLUMNS = ("row", "platform", "account_type", "name", "account_id", "owner", "region", "status",
                    "verified_kind", "last_post_at", "followers")


@dataclass(frozen=True)
class Inspection:
    path: Path
    source: str
    source_reason: str
    loaded: LoadedSource
    platforms: list[tuple[str, int]]   # normalised platform -> rows, most first
    statuses: list[tuple[str, int]]    # status label -> rows
    preview: pd.DataFrame              # first rows, normalised


def guess_source(path: Path) -> tuple[str, str]:
    """(source, Chinese reason) from the file name, else from crawler headers, else national."""
    by_name = classify(path)
    if by_name is not None:
        return by_name, f"根据文件名判断为{SOURCE_LABELS[by_name]}"
    try:
        table = read_table(path)
    except InputError:
        table = None
    if table is not None and detect_format(table[0], path, table[5]) != "generic":
        return "crawled", "表头为爬虫输出格式，判断为平台采集名单"
    return "national", "无法从文件名判断来源，按全国系统读取（可用 --source 指定）"


def inspect_file(path: Path, source: str | None = None, sheet: str | None = None, config: Config | None = None,
                 crawled_format: str | None = None) -> Inspection:
    """Load ``path`` as ``source`` (guessed when None) and summarise what was read."""
    path = Path(path)
    if source is not None and source not in SOURCES:
        raise InputError(f"未知的数据来源“{source}”，应为 {'/'.join(SOURCES)} 之一", detail=f"unknown source {source!r}")
    if source is None:
        source, reason = guess_source(path)
    else:
        reason = f"按指定来源读取为{SOURCE_LABELS[source]}"
    if source == "crawled":
        loaded = load_crawled(path, config, sheet=sheet, fmt=crawled_format)
    else:
        loaded = load_source(path, source, config, sheet=sheet)
    frame = loaded.frame
    platforms = Counter(normalize_platform(v)[0] or "（空）" for v in frame["platform"].tolist())
    statuses = Counter(STATUS_LABELS.get(normalize_status(v) or "", "（空）") for v in frame["status"].tolist())
    preview = normalize_frame(frame.head(PREVIEW_ROWS), official_places_only=False)
    return Inspection(path=path, source=source, source_reason=reason, loaded=loaded,
                      platforms=platforms.most_common(), statuses=statuses.most_common(), preview=preview)


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    return str(value)


def _table(title: str, *headers: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=False)
    for h in headers:
        table.add_column(h)
    return table


def render_inspection(ins: Inspection, console: Console) -> None:
    """Print the inspection as Chinese tables."""
    info = ins.loaded.info
    about = _table(f"文件：{ins.path.name}", "项目", "内容")
    about.add_row("数据来源", f"{SOURCE_LABELS[ins.source]}（{ins.source_reason}）")
    about.add_row("文件格式", info.format or "")
    if ins.source == "crawled":
        crawler = ins.loaded.crawler or "generic"
        about.add_row("采集格式", f"{FORMAT_LABELS.get(crawler, crawler)} [{crawler}]")
    about.add_row("文字编码", info.encoding or "（表格文件，无需判断）")
    about.add_row("工作表", info.sheet or "（无）")
    about.add_row("表头行", str(info.header_row) if info.header_row else "（JSON 字段名，无表头行）")
    about.add_row("数据行数", str(info.rows))
    console.print(about)

    mapping = _table("列的识别 (column mapping)", "文件中的列名", "识别为", "标准列", "识别方式")
    mapping.columns[-1].overflow = "fold"
    if info.columns:
        for read in info.columns:
            mapping.add_row(Text(read.header), read.label or COLUMN_LABELS.get(read.column, read.column), read.column,
                            read.how_text())
    else:   # a crawler format read by its own field names
        for original, column in ins.loaded.mapping.items():
            mapping.add_row(Text(display(original)), COLUMN_LABELS.get(column, column), column, "采集格式字段")
    console.print(mapping)
    if ins.loaded.ignored:
        console.print(Text("未使用的列 (ignored)：" + "、".join(display(t) for t in ins.loaded.ignored)), soft_wrap=True)
    else:
        console.print("未使用的列 (ignored)：无")

    counts = _table("按平台统计", "新媒体类型", "行数")
    for label, n in ins.platforms:
        counts.add_row(label, str(n))
    console.print(counts)
    status = _table("按运营状态统计", "运营状态", "行数")
    for label, n in ins.statuses:
        status.add_row(label, str(n))
    console.print(status)

    preview = _table(f"前 {min(PREVIEW_ROWS, len(ins.preview))} 行（规范化后）",
                     *(COLUMN_LABELS[c] for c in _PREVIEW_COLUMNS))
    for _, row in ins.preview.iterrows():
        cells = []
        for c in _PREVIEW_COLUMNS:
            value = row[c]
            if c == "status":
                value = STATUS_LABELS.get(value, value) if isinstance(value, str) else value
            elif c == "verified_kind":
                value = VERIFIED_LABELS.get(value, value) if isinstance(value, str) else value
            cells.append(_cell(value))
        preview.add_row(*cells)
    console.print(preview)
    for w in ins.loaded.warnings:
        console.print(f"注意：{w}", soft_wrap=True)
