"""数据问题: what normalisation could not make sense of, counted per input and column.

Unknown platform / type / status / verification labels become 其他 / unknown / empty, dates
and counts that cannot be read become empty; each such column gets one warning line naming
the values and the rows, so a clerk can correct the export. Crawled rows from platforms
neither registry files anything on are counted too (they may be outside the audit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from reconcile.normalize import (
    normalize_account_type,
    normalize_platform,
    normalize_status,
    normalize_text,
    normalize_verified,
    parse_count,
    parse_date,
)
from reconcile.schema import SOURCE_LABELS
from reconcile.sources.aliases import COLUMN_LABELS
from reconcile.sources.header import display

_MAX_VALUES = 5
_MAX_ROWS = 5
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_OTHER_WORDS = frozenset({"其他", "其它", "other", "others"})
_UNKNOWN_WORDS = frozenset({"未知", "unknown", "不详", "不明"})


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _bad_rows(raw: pd.Series, is_bad: Callable[[Any], bool]) -> np.ndarray:
    """Mask of rows whose (non-empty) raw value ``is_bad``, judged once per distinct value."""
    try:
        codes, uniques = pd.factorize(raw.astype(object), use_na_sentinel=True)
    except TypeError:  # unhashable cells
        verdicts = [not _blank(v) and bool(is_bad(v)) for v in raw.tolist()]
        return np.asarray(verdicts, dtype=bool).reshape(len(raw))
    verdict = np.array([not _blank(u) and bool(is_bad(u)) for u in uniques] + [False], dtype=bool)
    return verdict[codes]


def _line(label: str, what: str, effect: str, raw: pd.Series, rows: pd.Series, mask: np.ndarray) -> str:
    values = list(dict.fromkeys(display(str(v)) for v in raw[mask].tolist()))
    shown = "、".join(f"“{v}”" for v in values[:_MAX_VALUES]) + ("等" if len(values) > _MAX_VALUES else "")
    where = rows[mask].tolist()
    rows_text = "、".join(str(r) for r in where[:_MAX_ROWS])
    more = "等" if len(where) > _MAX_ROWS else ""
    return f"有 {int(mask.sum())} 行“{label}”{what}（{shown}，第 {rows_text} 行{more}），{effect}"


# (column, is_bad, what, effect) per column the normalisers read; name and owner are judged for
# control characters only where a column holds any (one regex pass finds none: the usual case)
_JUDGED: tuple[tuple[str, Callable[[Any], bool], str, str], ...] = (
    ("platform", lambda v: normalize_platform(v)[0] == "其他" and normalize_text(v) not in _OTHER_WORDS,
     "无法识别", "已按“其他”平台处理"),
    ("account_type", lambda v: normalize_account_type(v) is None and normalize_text(v) not in _UNKNOWN_WORDS,
     "无法识别", "已视为未填写（应为订阅号或服务号）"),
    ("status", lambda v: normalize_status(v) == "unknown" and normalize_text(v) not in _UNKNOWN_WORDS,
     "无法识别", "已按“未知”处理"),
    ("verified_kind", lambda v: normalize_verified(v) == "unknown" and normalize_text(v) not in _UNKNOWN_WORDS,
     "无法识别", "已按“未知”处理"),
    ("last_post_at", lambda v: parse_date(v) is None, "不是可识别的日期",
     "已视为空（日期不存在，或如 11/12/2022 日月次序有歧义）"),
    ("followers", lambda v: parse_count(v) is None, "不是数字", "已视为空"),
    *((column, lambda v: isinstance(v, str) and bool(_CONTROL_RE.search(v)), "含有控制字符", "已在比对和报告中去除")
      for column in ("name", "owner")),
)


def bad_values(raw: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per judged column of a loader frame, the mask of rows whose raw value the normalisers
    cannot read. Each row is judged on its own: the masks of a frame's parts, concatenated, are
    the frame's (the crawl is judged in halves, ``batch.in_halves``)."""
    out: dict[str, np.ndarray] = {}
    for column, is_bad, _, _ in _JUDGED:
        if column not in raw.columns:
            continue
        if column in ("name", "owner") and not _CONTROL_RE.search(
                "\n".join(v for v in raw[column].tolist() if isinstance(v, str))):
            out[column] = np.zeros(len(raw), dtype=bool)
            continue
        out[column] = _bad_rows(raw[column], is_bad)
    return out


def joined_bad_values(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``bad_values`` of a frame from those of its two halves (in order)."""
    return {c: np.concatenate([first[c], second[c]]) for c in first}


def warning_lines(raw: pd.DataFrame, bad: dict[str, np.ndarray]) -> list[str]:
    """The warning lines of a loader frame whose ``bad_values`` are ``bad``."""
    out: list[str] = []
    for column, _, what, effect in _JUDGED:
        mask = bad.get(column)
        if mask is not None and mask.any():
            out.append(_line(COLUMN_LABELS[column], what, effect, raw[column], raw["row"], mask))
    return out


def column_warnings(raw: pd.DataFrame) -> list[str]:
    """Warnings for one input's loader frame (raw values), judged by the normalisers."""
    return warning_lines(raw, bad_values(raw))


def platform_scope_warning(frames: Mapping[str, pd.DataFrame], crawled_platform: pd.Series | None = None
                           ) -> list[str]:
    """Crawled rows on platforms that neither registry files any account on.

    ``crawled_platform``: the normalised platform of every crawled row, when frames["crawled"]
    holds only some of them (link.prune)."""
    crawled = frames.get("crawled")
    if crawled_platform is not None:
        crawled = pd.DataFrame({"platform": crawled_platform})
    if crawled is None or crawled.empty:
        return []
    filed = set()
    for source in ("national", "provincial"):
        if source in frames:
            filed |= set(frames[source]["platform"].dropna().tolist())
    platform = crawled["platform"].fillna("其他")
    outside = ~platform.isin(filed - {"其他"})
    if not outside.any():
        return []
    counts = platform[outside].value_counts()
    parts = "、".join(f"{display(str(p))} {n} 行" for p, n in counts.items())
    return [f"{SOURCE_LABELS['crawled']}中有 {int(outside.sum())} 行来自两个系统均无备案账号的平台（{parts}），"
            "可能不在本次核查范围；其中的政府机构账号仍按瞒报漏报核查"]
