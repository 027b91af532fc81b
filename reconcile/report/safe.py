"""Helpers every renderer shares: atomic file writes, making untrusted text safe for a cell
or a terminal, and the display formats of the 通报 (合格率, 季度, 来源 …).

Nothing here knows about a particular output format beyond "a spreadsheet cell", "a CSV
field" and "a terminal line".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from reconcile.errors import OutputError, ReconcileError
from reconcile.normalize import is_missing
from reconcile.result import Finding, RecordRef, RegionSummary, Result, RunInfo
from reconcile.schema import FINDING_KINDS, SOURCE_LABELS

# --------------------------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------------------------


def _output_error(path: Path, exc: BaseException) -> OutputError:
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, PermissionError):
        return OutputError(
            f"无法写入报告 {path}，文件可能正在被 Excel/WPS 打开，请关闭后重试；"
            "或当前用户没有该文件夹的写入权限",
            detail=detail,
        )
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return OutputError(f"无法写入报告 {path}：所在文件夹不存在", detail=detail)
    if isinstance(exc, IsADirectoryError):
        return OutputError(f"无法写入报告 {path}：该路径是一个文件夹", detail=detail)
    if isinstance(exc, OSError):
        return OutputError(f"无法写入报告 {path}（磁盘已满或路径无效？）", detail=detail)
    return OutputError(f"生成报告 {path} 时出错，未写入任何文件", detail=detail)


def _file_mode(target: Path) -> int:
    """The mode the finished file should have: the old file's, else what umask allows."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def atomic_write(path: str | Path, writer: Callable[[Path], None]) -> None:
    """Let ``writer`` write a temporary file in the target's folder, then move it onto ``path``.

    The target is either the complete new file or untouched (the old report survives any
    error). On error the temporary file is removed and :class:`OutputError` is raised with a
    Chinese message naming ``path``; a :class:`ReconcileError` raised by ``writer`` passes
    through unchanged.
    """
    with Staged(path) as staged:
        writer(staged.path)


class Staged:
    """``atomic_write`` as a block: write ``.path`` (a temporary file beside the target) inside it;
    the file is moved onto the target by ``commit()`` or when the block ends without error, and
    removed if the block fails, so other work (another report still being written) can veto it."""

    def __init__(self, path: str | Path) -> None:
        self.target = Path(path)
        if self.target.is_dir():
            raise OutputError(f"无法写入报告 {self.target}：该路径是一个文件夹")
        folder = self.target.parent if str(self.target.parent) else Path(".")
        try:
            fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{self.target.stem}.",
                                            suffix=f".tmp{self.target.suffix}")
        except OSError as exc:
            raise _output_error(self.target, exc) from exc
        try:
            os.close(fd)
            self.path = Path(tmp_name)
            self._done = False
        except BaseException:   # Ctrl-C or the parent's SIGTERM right after mkstemp: leave nothing behind
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise

    def __enter__(self) -> Staged:
        return self

    def commit(self) -> None:
        if self._done:
            return
        try:
            with contextlib.suppress(OSError):
                os.chmod(self.path, _file_mode(self.target))
            os.replace(self.path, self.target)
        except BaseException as exc:
            self._discard(exc)
        self._done = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if kind is None:
            self.commit()
        elif not self._done:
            self._discard(exc)

    def _discard(self, exc: BaseException | None) -> NoReturn:
        self._done = True
        with contextlib.suppress(OSError):
            self.path.unlink()
        if isinstance(exc, ReconcileError) or not isinstance(exc, Exception):
            raise exc  # our own error, or KeyboardInterrupt/SystemExit
        raise _output_error(self.target, exc) from exc


# --------------------------------------------------------------------------------------------
# Untrusted text
# --------------------------------------------------------------------------------------------

# What XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), plus lone surrogates (from
# undecodable bytes) and the non-characters U+FFFE/U+FFFF, which break the UTF-8 writer.
XML_ILLEGAL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"   # a regex character-class body
_XML_ILLEGAL_RE = re.compile(f"[{XML_ILLEGAL_CHARS}]")
# A cell starting with one of these may be taken for a formula / DDE by Excel, WPS or a CSV reader.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# every prefix is one character, so "starts with one" is a set lookup of the first character
FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
# Error literals that openpyxl would otherwise store as an error cell.
ERROR_LITERALS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
# Everything that must not reach a terminal: C0 (except \n), DEL and C1 controls (ANSI escapes).
_TERMINAL_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_CELL_CHARS = 32767


def text_or_none(value: Any) -> str | None:
    """A field for display: missing -> None, anything else -> str."""
    if type(value) is str:
        return value
    if value is None:
        return None
    return None if is_missing(value) else str(value)


def clean_cell_text(value: str) -> str:
    """Text that can be stored in a cell: XML-illegal characters removed, length capped."""
    if _XML_ILLEGAL_RE.search(value):
        value = _XML_ILLEGAL_RE.sub("", value)
    return value[:MAX_CELL_CHARS]


def needs_text_guard(value: str) -> bool:
    """True when a spreadsheet could read ``value`` as a formula, DDE call or error literal."""
    return value[:1] in FORMULA_FIRST or value in ERROR_LITERALS


def csv_safe(value: str) -> str:
    """A CSV field that Excel/WPS will not run: risky text gets a leading apostrophe (OWASP)."""
    value = clean_cell_text(value)
    return "'" + value if needs_text_guard(value) else value


def csv_safe_column(values: Iterable[str | None]) -> list[str | None]:
    """``csv_safe`` over a column of text (None stays None), one regex pass for the whole column."""
    values = list(values)
    texts = [v for v in values if v is not None]
    if any(len(v) > MAX_CELL_CHARS for v in texts) or _XML_ILLEGAL_RE.search("".join(texts)):
        return [None if v is None else csv_safe(v) for v in values]
    # needs_text_guard, inlined
    return [v if v is None or not (v[:1] in FORMULA_FIRST or v in ERROR_LITERALS) else "'" + v for v in values]


def terminal_text(value: Any) -> str:
    """Text for a terminal line: ``None`` -> "", control and escape characters removed."""
    if is_missing(value):
        return ""
    text = str(value)
    return _TERMINAL_CONTROL_RE.sub("", text) if _TERMINAL_CONTROL_RE.search(text) else text


class _CharWidths(dict):
    """character -> 2 for East Asian wide/full-width (``unicodedata.east_asian_width`` W or F), else 1;
    filled on first sight of a character, so a lookup is a plain dict hit afterwards."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_char_width = _CharWidths().__getitem__


def display_width(value: Any) -> int:
    """Width of ``value`` in a fixed-width font: CJK (wide/full-width) characters count double."""
    text = value if type(value) is str else "" if value is None else str(value)
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


_SHEET_BAD_RE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(label: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique worksheet name: no []:*?/\\ characters, no edge apostrophes, <= 31 chars."""
    base = _SHEET_BAD_RE.sub("_", clean_cell_text(label)).strip().strip("'") or "Sheet"
    base = base[:31]
    used = {t.lower() for t in taken}
    title, n = base, 2
    while title.lower() in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


# --------------------------------------------------------------------------------------------
# Display formats
# --------------------------------------------------------------------------------------------

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")
_QUARTER_ZH = "一二三四"


def quarter_zh(quarter: str) -> str:
    """"2022Q4" -> "2022年第四季度" (anything else is returned unchanged)."""
    m = _QUARTER_RE.match(quarter or "")
    if not m:
        return quarter or ""
    return f"{m.group(1)}年第{_QUARTER_ZH[int(m.group(2)) - 1]}季度"


def date_zh(iso: str) -> str:
    """"2022-11-13" -> "2022年11月13日" (anything else is returned unchanged)."""
    try:
        d = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return iso or ""
    return f"{d.year}年{d.month}月{d.day}日"


def rate_settings(run: RunInfo) -> tuple[int, bool]:
    """(decimals, drop_trailing_zeros) from the run settings, with the defaults of config.Config."""
    settings = run.settings or {}
    try:
        decimals = int(settings.get("decimals", 2))
    except (TypeError, ValueError):
        decimals = 2
    return max(0, min(decimals, 6)), bool(settings.get("drop_trailing_zeros", False))


def format_rate(value: float | None, decimals: int = 2, drop_trailing_zeros: bool = False) -> str:
    """A percentage as the 通报 prints it: 99.51% (2), 80.5% (1), 72% (0); rounded half-up.

    ``drop_trailing_zeros`` prints 100% and 78.4% instead of 100.00% and 78.40%.
    """
    if value is None:
        return ""
    try:
        dec = Decimal(str(value))
        if not dec.is_finite():
            return ""
        dec = dec.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return ""
    text = f"{dec:f}"
    if drop_trailing_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def skipped_text(run: RunInfo) -> str | None:
    """Why crawled rows were left out before linking (link.prune), for the 说明 sheet; None if none were."""
    skipped = run.crawled_skipped or {}
    unrelated, elsewhere = int(skipped.get("unrelated", 0)), int(skipped.get("elsewhere", 0))
    if unrelated + elsewhere == 0:
        return None
    parts = []
    if unrelated:
        parts.append(f"{unrelated} 行认证为企业、个人或未认证，且账号ID和名称均不在两个系统中")
    if elsewhere:
        parts.append(f"{elsewhere} 行是政府机构账号，但位于两个系统均无备案账号的省份，且不在检查范围内")
    return (f"平台采集名单中有 {unrelated + elsewhere} 行未参与比对：" + "；".join(parts)
            + "。这些行不会关联到备案账号，也不会列为问题，因此不在关联明细中。")


def coverage_lines(run: RunInfo) -> list[str]:
    """Per platform, how much of the registered accounts the crawl found (采集覆盖率), one line each."""
    out = []
    for plat, c in (run.coverage or {}).items():
        registered, found = int(c.get("registered") or 0), int(c.get("found") or 0)
        if not c.get("crawled"):
            out.append(f"{plat}：未采集（备案在运营 {registered} 个，均未检查）")
            continue
        rate = f"{found / registered:.1%}" if registered else "—"
        how = ("已声明完整采集，未找到的账号推断为已注销" if c.get("complete")
               else "部分采集，未找到的账号列入“未采集到(需核实)”，不计入不合格")
        out.append(f"{plat}：采集到备案在运营账号 {found}/{registered}（{rate}），{how}")
    return out


def pass_rate(checked: int, failed: int, decimals: int = 2) -> float:
    """合格率 in percent, rounded half-up: (检查数 - 不合格数) / 检查数."""
    if checked <= 0:
        return 0.0
    raw = Decimal(checked - failed) * 100 / Decimal(checked)
    return float(raw.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def totals_of(result: Result) -> RegionSummary | None:
    """The 总计 row: ``result.totals``, else summed from the regions (None when there are none)."""
    if result.totals is not None:
        return result.totals
    if not result.summary:
        return None
    total = sum(s.total for s in result.summary)
    checked = sum(s.checked for s in result.summary)
    failed = sum(s.failed for s in result.summary)
    decimals, _ = rate_settings(result.run)
    return RegionSummary("总计", total, checked, failed, pass_rate(checked, failed, decimals))


_INPUT_LABELS = {**SOURCE_LABELS, "manual": "人工检查问题表"}


def source_label(source: str) -> str:
    return _INPUT_LABELS.get(source, source)


def input_files(run: RunInfo) -> dict[str, str]:
    """source -> the input's file name (for "来源" columns)."""
    out: dict[str, str] = {}
    for info in run.inputs:
        name = Path(str(info.path)).name if info.path else ""
        if name and info.source not in out:
            out[info.source] = name
    return out


def record_label(ref: RecordRef, files: Mapping[str, str] | None = None) -> str:
    """"national.xlsx:17": the record's file name, else the run's input file, else 全国系统."""
    name = ref.file or (files or {}).get(ref.source) or source_label(ref.source)
    return f"{name}:{ref.row}"


def records_text(refs: Iterable[RecordRef], files: Mapping[str, str] | None = None) -> str:
    files = files or {}   # record_label, inlined
    return "；".join([f"{r.file or files.get(r.source) or source_label(r.source)}:{r.row}" for r in refs])


def platform_text(platform: str | None, account_type: str | None = None) -> str:
    """"微信公众号(订阅号)"."""
    base = text_or_none(platform) or ""
    account_type = text_or_none(account_type)
    if account_type:
        return f"{base}({account_type})" if base else account_type
    return base


def finding_detail(finding: Finding) -> str:
    """问题说明: the detail plus the correction ("…；应为服务号") unless already said."""
    detail = text_or_none(finding.detail) or ""
    correction = text_or_none(finding.correction) or ""
    if correction and correction not in detail:
        return f"{detail}；{correction}" if detail else correction
    return detail


class FindingTexts:
    """A finding's 新媒体类型, 问题说明 and 来源 as the report prints them, computed once per finding
    (it is printed on 问题清单 and on the sheet of its kind)."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = files
        self._texts: dict[int, tuple[str, str, str]] = {}

    def of(self, finding: Finding) -> tuple[str, str, str]:
        key = id(finding)   # the findings outlive this object (the Result holds them)
        texts = self._texts.get(key)
        if texts is None:
            texts = self._texts[key] = (platform_text(finding.platform, finding.account_type), finding_detail(finding),
                                        records_text(finding.records, self.files))
        return texts


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Report order: schema.FINDING_KINDS order, then region, then name."""
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    return sorted(findings, key=lambda f: (order.get(f.kind, len(order)), text_or_none(f.region) or "",
                                           text_or_none(f.name) or ""))


def kind_label(kind: str) -> str:
    return FINDING_KINDS.get(kind, kind)


def fail_kinds(result: Result) -> set[str]:
    """Kinds that count toward 不合格: the settings' fail_kinds, else what the findings say."""
    configured = (result.run.settings or {}).get("fail_kinds")
    if configured is not None:
        return {str(k) for k in configured}
    return {f.kind for f in result.findings if f.fails}


def setting_text(value: Any) -> str:
    """A setting value for display: lists joined with 、, booleans as 是/否, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(setting_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}={setting_text(v)}" for k, v in value.items())
    return str(value)


SETTING_LABELS = {
    "checkpoint": "监测点",
    "quarter": "季度",
    "scope": "检查范围",
    "match_threshold": "关联阈值（相似度不低于此值视为同一账号）",
    "review_threshold": "待人工核实阈值（相似度不低于此值需人工核实）",
    "fail_kinds": "计入不合格的问题类型",
    "stale_days": "监测点前未更新天数",
    "zombie_days": "长期未更新天数",
    "decimals": "合格率小数位数",
    "drop_trailing_zeros": "合格率去掉末尾的 0",
    "config_file": "配置文件",
}
