"""The frozen result of one run: built once by the pipeline, rendered many ways
(terminal, XLSX, JSON, history)."""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import field as dc_field
from typing import Any

import pandas as pd

from reconcile.schema import FINDING_KINDS


@dataclass(frozen=True)
class RecordRef:
    """One row of one input: what a clerk looks up in the export."""

    source: str   # national | provincial | crawled
    row: int      # the row number the user sees in that file
    file: str = ""  # the file name (for "来源" columns)
    several: bool = False  # one of several crawled files: the JSON names the file

    def to_json(self) -> dict[str, Any]:
        if self.several:
            return {"source": self.source, "row": self.row, "file": self.file}
        return {"source": self.source, "row": self.row}

    def label(self) -> str:
        return f"{self.file or self.source}:{self.row}"


@dataclass(frozen=True)
class Finding:
    kind: str                 # code, see schema.FINDING_KINDS
    fails: bool               # counts toward 不合格
    platform: str | None
    name: str | None
    owner: str | None
    region: str | None
    detail: str               # Chinese sentence, e.g. "备案为服务号，平台显示为订阅号"
    records: tuple[RecordRef, ...]
    confidence: float = 1.0
    account_type: str | None = None
    correction: str | None = None   # e.g. "应为服务号"
    field: str | None = None        # for registry_mismatch: which field disagrees
    account: int | None = dc_field(default=None, compare=False, repr=False)  # internal account number

    @property
    def label(self) -> str:
        return FINDING_KINDS[self.kind]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "label": self.label,
            "fails": self.fails,
            "platform": self.platform,
            "name": self.name,
            "owner": self.owner,
            "region": self.region,
            "detail": self.detail,
            "records": [r.to_json() for r in self.records],
            "confidence": round(float(self.confidence), 4),
        }
        if self.account_type:
            out["account_type"] = self.account_type
        if self.correction:
            out["correction"] = self.correction
        if self.field:
            out["field"] = self.field
        return out


@dataclass(frozen=True)
class ColumnRead:
    """How one header cell of an input was read."""

    header: str     # the header text as in the file (control characters dropped)
    column: str     # canonical column
    how: str        # "config" (reconcile.toml) | "alias" (a known column name) | "meaning" (recognised by meaning)
    label: str = ""   # the column's Chinese label ("政务新媒体名称")
    reason: str = ""  # for "meaning": the evidence, in Chinese ("列名含“名称”，取值多为名称文字")

    def how_text(self) -> str:
        """How the cell was recognised, in Chinese (说明 sheet, ``reconcile inspect``)."""
        if self.how == "meaning":
            return f"按含义识别（{self.reason}）" if self.reason else "按含义识别"
        return {"config": "reconcile.toml 指定", "alias": "常用列名"}.get(self.how, self.how)


def by_meaning_text(columns: tuple[ColumnRead, ...]) -> str:
    """The cells recognised by meaning as "新媒体账号名称→政务新媒体名称、…" ("" when none)."""
    return "、".join(f"{c.header}→{c.label or c.column}" for c in columns if c.how == "meaning")


@dataclass(frozen=True)
class InputInfo:
    source: str
    path: str
    sha256: str
    rows: int
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    format: str | None = None
    columns: tuple[ColumnRead, ...] = ()   # loader inputs: how each header cell used was read

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "path": self.path, "sha256": self.sha256, "rows": self.rows}


@dataclass(frozen=True)
class RegionSummary:
    region: str
    total: int      # 政务新媒体总数
    checked: int    # 抽查政务新媒体数
    failed: int     # 存在突出问题的政务新媒体数
    pass_rate: float  # percent, rounded half-up to the configured decimals

    def to_json(self) -> dict[str, Any]:
        return {"region": self.region, "total": self.total, "checked": self.checked,
                "failed": self.failed, "pass_rate": self.pass_rate}


@dataclass(frozen=True)
class RunInfo:
    checkpoint: str
    quarter: str
    scope: tuple[str, ...]
    inputs: tuple[InputInfo, ...]
    settings: dict[str, Any]
    version: str
    started: str
    finished: str
    # crawled rows left out before linking (link.prune), by reason: "unrelated" (verified as an
    # enterprise, a person or not at all, sharing no account id or name with either registry),
    # "elsewhere" (official, in a province neither registry files in and outside the scope)
    crawled_skipped: dict[str, int] = field(default_factory=dict)
    # per registered platform: in-scope operating accounts filed, how many the crawl found, the
    # share, whether it was crawled at all and declared complete (checks.observed.crawl_coverage)
    coverage: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint,
            "quarter": self.quarter,
            "scope": list(self.scope),
            "inputs": [i.to_json() for i in self.inputs],
            "settings": self.settings,
            "version": self.version,
            "started": self.started,
            "finished": self.finished,
            "crawled_skipped": dict(self.crawled_skipped),
            "coverage": {p: dict(c) for p, c in self.coverage.items()},
        }


@dataclass(frozen=True)
class RecheckItem:
    """复查: one failing finding of the previous quarter and what became of it, or a new one."""

    status: str            # 已整改 | 仍未整改 | 已注销(需系统关停) | 新发现
    kind: str
    platform: str | None
    name: str | None
    region: str | None
    previous_quarter: str | None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "kind": self.kind, "label": FINDING_KINDS.get(self.kind, self.kind),
                "platform": self.platform, "name": self.name, "region": self.region,
                "previous_quarter": self.previous_quarter, "detail": self.detail}


# Columns of Result.links (one row per linked account; rows are Int64, NA where absent).
LINK_COLUMNS = (
    "key",  # stable identity of the linked account/pair (platform + id, else normalised name + owner)
    "national_row", "provincial_row", "crawled_row", "score", "status",
    "platform", "name", "owner", "region",
    "national_name", "provincial_name", "crawled_name",
    "why",  # doubtful links: the evidence and its estimated weight (link.weights.explain)
)


@dataclass(frozen=True)
class Result:
    run: RunInfo
    findings: tuple[Finding, ...]
    summary: tuple[RegionSummary, ...]
    links: pd.DataFrame = field(repr=False)   # LINK_COLUMNS
    warnings: tuple[str, ...] = ()            # 数据问题: data problems counted and listed
    totals: RegionSummary | None = None       # the 总计 row
    notes: tuple[str, ...] = ()               # what a check could not judge (e.g. no last-post time), said once
    recheck: tuple[RecheckItem, ...] = ()     # 复查 against the previous quarter in the history
    platforms: tuple[RegionSummary, ...] = ()  # per-platform 合格率 (``region`` holds the platform)

    @property
    def review_links(self) -> pd.DataFrame:
        return self.links[self.links["status"] == "review"]

    def counts_by_kind(self) -> dict[str, int]:
        out = {k: 0 for k in FINDING_KINDS}
        for f in self.findings:
            out[f.kind] += 1
        return {k: v for k, v in out.items() if v}
