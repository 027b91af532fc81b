"""reconcile.toml -> a validated, frozen ``Config``.

What the user writes (TOML, Chinese comments in ``reconcile init``) is read once here; every
problem in the file is reported together, not one at a time.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reconcile.errors import ConfigError
from reconcile.schema import CANONICAL_COLUMNS, DEFAULT_FAIL_KINDS, FINDING_KINDS, PLATFORMS, SOURCES

CONFIG_FILENAME = "reconcile.toml"
_QUARTER_RE = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")


@dataclass(frozen=True)
class LinkSettings:
    match_threshold: float = 0.80   # score >= this: an accepted link (match)
    review_threshold: float = 0.55  # review_threshold <= score < match_threshold: 待人工核实


@dataclass(frozen=True)
class Config:
    checkpoint: dt.date | None = None           # 监测点; None -> today (documented default)
    quarter: str | None = None                  # "2022Q4"; None -> derived from the checkpoint
    scope: tuple[str, ...] = ()                 # 省/市/县 names; () -> the regions the registries cover
    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # source -> canonical -> aliases
    link: LinkSettings = field(default_factory=LinkSettings)
    fail_kinds: tuple[str, ...] = DEFAULT_FAIL_KINDS
    stale_days: int = 14
    zombie_days: int = 90
    complete_platforms: tuple[str, ...] = ()    # platforms whose crawl is complete: not found there = deleted
    decimals: int = 2
    drop_trailing_zeros: bool = False
    region_level: str = "auto"                   # 附件1 rows: auto | county (县+市直) | city (市+省本级)
    region_order: tuple[str, ...] = ()           # 附件1 row order; unlisted regions follow by code
    region_names: dict[str, str] = field(default_factory=dict)  # region text/label -> printed label
    source_path: str | None = None               # the reconcile.toml this came from, if any

    @property
    def checkpoint_date(self) -> dt.date:
        return self.checkpoint or dt.date.today()

    @property
    def quarter_label(self) -> str:
        if self.quarter:
            return self.quarter
        d = self.checkpoint_date
        return f"{d.year}Q{(d.month - 1) // 3 + 1}"

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with command-line overrides applied (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def public_settings(self) -> dict[str, Any]:
        """Settings as plain JSON-able values, for the report's 说明 sheet and the JSON ``run``."""
        return {
            "checkpoint": self.checkpoint_date.isoformat(),
            "quarter": self.quarter_label,
            "scope": list(self.scope),
            "match_threshold": self.link.match_threshold,
            "review_threshold": self.link.review_threshold,
            "fail_kinds": list(self.fail_kinds),
            "stale_days": self.stale_days,
            "zombie_days": self.zombie_days,
            "complete_platforms": list(self.complete_platforms),
            "decimals": self.decimals,
            "drop_trailing_zeros": self.drop_trailing_zeros,
            "region_level": self.region_level,
            "region_order": list(self.region_order),
            "region_names": dict(self.region_names),
            "config_file": self.source_path,
        }


def parse_date_option(text: str, what: str = "监测点") -> dt.date:
    """Parse a date given on the command line or in reconcile.toml (2022-11-13, 2022年11月13日 …)."""
    m = re.match(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$", str(text))
    if not m:
        raise ConfigError(f"{what}日期“{text}”无法识别，应为 2022-11-13 这样的日期",
                          detail=f"cannot parse date {text!r}")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ConfigError(f"{what}日期“{text}”不存在", detail=str(exc)) from exc


def parse_quarter(text: str) -> str:
    m = _QUARTER_RE.match(str(text).strip())
    if not m:
        m2 = re.match(r"^(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度?$", str(text).strip())
        if not m2:
            raise ConfigError(f"季度“{text}”无法识别，应为 2022Q4 或 2022年第四季度",
                              detail=f"cannot parse quarter {text!r}")
        q = "1234一二三四".index(m2.group(2)) % 4 + 1
        return f"{m2.group(1)}Q{q}"
    return f"{m.group(1)}Q{m.group(2)}"


def split_scope(values: list[str] | tuple[str, ...] | str | None) -> tuple[str, ...]:
    """``--scope 咸宁市 --scope 通山县`` and ``--scope 咸宁市,通山县`` both work."""
    if not values:
        return ()
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        for part in re.split(r"[,，、;；\s]+", str(v)):
            if part and part not in out:
                out.append(part)
    return tuple(out)


def load_config(path: Path | None) -> Config:
    """Read reconcile.toml (or return the defaults when ``path`` is None or absent)."""
    if path is None or not Path(path).exists():
        return Config()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("配置文件格式错误", detail=str(exc), path=path) from exc
    return config_from_dict(raw, source_path=str(path))


def config_from_dict(raw: dict[str, Any], source_path: str | None = None) -> Config:
    problems: list[str] = []
    kwargs: dict[str, Any] = {"source_path": source_path}

    known = {"checkpoint", "quarter", "scope", "columns", "link", "report", "checks"}
    for key in raw:
        if key not in known:
            problems.append(f"未知设置“{key}”(unknown setting)")

    if "checkpoint" in raw:
        cp = raw["checkpoint"]
        if isinstance(cp, dt.date):
            kwargs["checkpoint"] = cp
        else:
            try:
                kwargs["checkpoint"] = parse_date_option(str(cp))
            except ConfigError as exc:
                problems.append(exc.message)
    if "quarter" in raw:
        try:
            kwargs["quarter"] = parse_quarter(str(raw["quarter"]))
        except ConfigError as exc:
            problems.append(exc.message)
    if "scope" in raw:
        kwargs["scope"] = split_scope(raw["scope"])

    columns: dict[str, dict[str, tuple[str, ...]]] = {}
    for source, mapping in (raw.get("columns") or {}).items():
        if source not in SOURCES:
            problems.append(f"[columns.{source}]：来源应为 {'/'.join(SOURCES)} 之一")
            continue
        if not isinstance(mapping, dict):
            problems.append(f"[columns.{source}] 应为“标准列 = [\"表头1\", …]”的表")
            continue
        columns[source] = {}
        for canon, aliases in mapping.items():
            if canon not in CANONICAL_COLUMNS or canon in ("source", "row"):
                problems.append(f"[columns.{source}]：“{canon}”不是标准列名 (canonical column)")
                continue
            if isinstance(aliases, str):
                aliases = [aliases]
            columns[source][canon] = tuple(str(a) for a in aliases)
    kwargs["columns"] = columns

    link = raw.get("link") or {}
    lk: dict[str, float] = {}
    for key in ("match_threshold", "review_threshold"):
        if key in link:
            val = link[key]
            if not isinstance(val, int | float) or not 0 <= float(val) <= 1:
                problems.append(f"[link] {key} 应为 0 到 1 之间的数")
            else:
                lk[key] = float(val)
    if lk:
        settings = LinkSettings(**lk)
        if settings.review_threshold > settings.match_threshold:
            problems.append("[link] review_threshold 不能大于 match_threshold")
        kwargs["link"] = settings

    report = raw.get("report") or {}
    if "fail_kinds" in report:
        kinds = tuple(report["fail_kinds"])
        bad = [k for k in kinds if k not in FINDING_KINDS]
        if bad:
            problems.append(f"[report] fail_kinds 含未知问题类型 {bad}，可选：{', '.join(FINDING_KINDS)}")
        kwargs["fail_kinds"] = kinds
    if "decimals" in report:
        d = report["decimals"]
        if not isinstance(d, int) or not 0 <= d <= 4:
            problems.append("[report] decimals 应为 0 到 4 的整数")
        else:
            kwargs["decimals"] = d
    if "drop_trailing_zeros" in report:
        kwargs["drop_trailing_zeros"] = bool(report["drop_trailing_zeros"])
    problems.extend(_region_settings(report, kwargs))

    checks = raw.get("checks") or {}
    for key in ("stale_days", "zombie_days"):
        if key in checks:
            v = checks[key]
            if not isinstance(v, int) or v <= 0:
                problems.append(f"[checks] {key} 应为正整数")
            else:
                kwargs[key] = v

    if "complete_platforms" in checks:
        problems.extend(_complete_platforms(checks["complete_platforms"], kwargs))

    if problems:
        raise ConfigError("配置有误：" + "；".join(problems), path=source_path)
    return Config(**kwargs)


def _complete_platforms(value: Any, kwargs: dict[str, Any]) -> list[str]:
    """[checks] complete_platforms: platform labels in any common wording ("微信", "公众号" …)."""
    from reconcile.normalize import normalize_platform

    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        return ["[checks] complete_platforms 应为平台名称列表，如 [\"微博\", \"抖音\"]"]
    labels, unknown = [], []
    for text in value:
        label = normalize_platform(text)[0]
        if label is None or (label == "其他" and text.strip() != "其他"):
            unknown.append(text)
        elif label not in labels:
            labels.append(label)
    if unknown:
        return [f"[checks] complete_platforms 含无法识别的平台 {unknown}，可选：{'、'.join(PLATFORMS)}"]
    kwargs["complete_platforms"] = tuple(labels)
    return []


REGION_LEVELS = ("auto", "county", "city")


def _region_settings(report: dict[str, Any], kwargs: dict[str, Any]) -> list[str]:
    """[report] region_level / region_order / region_names; returns the problems found."""
    problems: list[str] = []
    if "region_level" in report:
        level = report["region_level"]
        if level not in REGION_LEVELS:
            problems.append(f"[report] region_level 应为 {' / '.join(REGION_LEVELS)} 之一")
        else:
            kwargs["region_level"] = level
    if "region_order" in report:
        order = report["region_order"]
        if not isinstance(order, list) or not all(isinstance(x, str) for x in order):
            problems.append("[report] region_order 应为地区名称列表，如 [\"市直\", \"咸安区\"]")
        else:
            kwargs["region_order"] = tuple(order)
    if "region_names" in report:
        names = report["region_names"]
        if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
            problems.append("[report.region_names] 应为“原名称 = \"显示名称\"”的表")
        else:
            kwargs["region_names"] = {str(k): v for k, v in names.items()}
    return problems
