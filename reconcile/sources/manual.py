"""人工检查问题表: problems a person found by reading an account's posts.

Account lists cannot show content problems — 严重表述错误, 安全/泄密, 互动回应差 (the 单项否决
items of 国办秘函〔2019〕19号) — yet the 通报 names them. A clerk lists them in a small table
(`manual.xlsx`/`manual.csv` in the quarter folder, or `--manual PATH`): 新媒体类型 | 政务新媒体名称 |
存在的问题 (主办单位 and 所属地区 optional). Each row becomes a `content_issue` finding on the
account it names.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from reconcile.errors import InputError
from reconcile.result import InputInfo
from reconcile.sources.aliases import normalize_header
from reconcile.sources.loader import file_sha256
from reconcile.sources.readers import Workbook, is_blank, sniff_format
from reconcile.sources.text import decode

COLUMNS = {
    "name": ("政务新媒体名称", "新媒体名称", "账号名称", "名称"),
    "platform": ("新媒体类型", "平台类型", "所属平台", "平台", "类别"),
    "problem": ("存在的问题", "存在问题", "问题", "问题说明", "检查发现的问题", "存在的突出问题"),
    "owner": ("主办单位", "开办主体", "责任单位", "认证信息"),
    "region": ("所属地区", "市直/县市区", "所属区县", "地区"),
}
REQUIRED = ("name", "problem")
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class ManualIssue:
    row: int                 # the row number the clerk sees
    name: str
    platform: str | None
    problem: str
    owner: str | None = None
    region: str | None = None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _rows(path: Path, data: bytes) -> tuple[list[tuple[int, list[object]]], str | None, str | None]:
    fmt, _ = sniff_format(data, path)
    if fmt in ("xlsx", "xls", "ods"):
        book = Workbook(data, path)
        if not book.scan_order:
            raise InputError("人工检查问题表中没有工作表", path=path)
        grid = book.grid(book.scan_order[0])
        return [(grid.first_row + i, list(r)) for i, r in enumerate(grid.rows)], None, grid.name
    if fmt not in ("csv",):
        raise InputError("人工检查问题表应为 xlsx、xls 或 csv 文件", path=path, detail=f"format {fmt}")
    text, encoding = decode(data, path)
    return [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text)), 1)], encoding, None


def load_manual(path: Path) -> tuple[list[ManualIssue], InputInfo, list[str]]:
    """The issues of a manual-check table, its InputInfo and warnings (rows skipped)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("无法读取人工检查问题表", path=path, detail=str(exc)) from exc
    rows, encoding, sheet = _rows(path, data)
    lookup = {normalize_header(alias): col for col, aliases in COLUMNS.items() for alias in aliases}
    header_at, mapping = None, {}
    for pos, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(cells):
            col = lookup.get(normalize_header(cell)) if cell is not None else None
            if col and col not in found:
                found[col] = j
        if all(c in found for c in REQUIRED):
            header_at, mapping = pos, found
            break
    if header_at is None:
        raise InputError("人工检查问题表找不到表头：应有“政务新媒体名称”和“存在的问题”两列", path=path,
                         detail="no header with a name and a problem column in the first 30 rows")
    issues: list[ManualIssue] = []
    warnings: list[str] = []
    for number, cells in rows[header_at + 1:]:
        if is_blank(cells):
            continue

        def get(col: str, cells: list[object] = cells) -> str | None:
            j = mapping.get(col)
            return _text(cells[j]) if j is not None and j < len(cells) else None

        name, problem = get("name"), get("problem")
        if not name or not problem:
            warnings.append(f"{path.name}：第 {number} 行缺少名称或问题，已跳过")
            continue
        issues.append(ManualIssue(number, name, get("platform"), problem, get("owner"), get("region")))
    info = InputInfo(source="manual", path=str(path), sha256=file_sha256(path), rows=len(issues),
                     encoding=encoding, sheet=sheet, header_row=rows[header_at][0], format=None)
    return issues, info, warnings
