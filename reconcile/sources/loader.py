"""load_source: one input file -> a frame of raw canonical columns, with its provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.result import ColumnRead, InputInfo
from reconcile.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS, SOURCE_LABELS, SOURCES
from reconcile.sources.aliases import (
    ALIASES,
    COLUMN_LABELS,
    Lookup,
    aliases_for,
    build_lookup,
)
from reconcile.sources.cells import MAX_CELL_CHARS, cap_long_cells
from reconcile.sources.crawlers import infer_platform
from reconcile.sources.header import (
    HEAD_ROWS,
    HeaderMap,
    HeaderScan,
    display,
    find_header,
    header_text,
    map_header,
    two_row_header,
)
from reconcile.sources.meaning import RULES, SAMPLE_CELLS
from reconcile.sources.readers import (
    Body,
    SheetGrid,
    Workbook,
    check_size,
    excel_body,
    nonblank_rows,
    sniff_format,
)
from reconcile.sources.text import (
    DELIMITERS,
    LOSSY_UTF8,
    Record,
    alternate_decodings,
    binary_share,
    csv_body,
    decode,
    head_records,
    json_body,
    read_json,
)

_MAX_LISTED = 5     # row numbers quoted in a warning
_MAX_HEADERS = 25   # header cells quoted in an error
BINARY_SHARE = 0.05  # more control characters than this: not a text table


@dataclass(frozen=True)
class LoadedSource:
    frame: pd.DataFrame            # columns: schema.CANONICAL_COLUMNS, in that order; raw values
    info: InputInfo
    mapping: dict[str, str]        # original header text -> canonical column
    ignored: tuple[str, ...]       # headers that mapped to nothing
    warnings: tuple[str, ...]      # Chinese sentences about data problems that did not stop the load
    crawler: str | None = None     # crawled only: the crawler format read (sources.formats.CRAWLER_FORMATS)


@dataclass
class _Located:
    """Where the header is, and how to read the records below it."""

    cells: Sequence[object]
    header_row: int | None
    body: Callable[[Iterable[int]], Body]
    encoding: str | None = None
    sheet: str | None = None
    warnings: tuple[str, ...] = ()
    long_cells: bool = True        # False when no cell can exceed MAX_CELL_CHARS (skip the scan)
    sample: Sequence[Sequence[object]] = ()   # the first rows below the header (header by meaning)


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_source(path: Path, source: str, config: Config | None = None, sheet: str | None = None) -> LoadedSource:
    """Read one export (xlsx/xlsm/xls/csv/txt/json/jsonl) of ``source``.

    Raises InputError (Chinese message naming the file) when the file is missing, empty,
    unreadable, has no recognisable header in its first 30 rows or lacks a required column.
    """
    path = Path(path)
    if source not in SOURCES:
        raise InputError(f"未知的数据来源“{source}”，应为 {'/'.join(SOURCES)} 之一",
                         detail=f"unknown source {source!r}", path=path)
    data = _read_bytes(path, source)
    sha = hashlib.sha256(data).hexdigest()
    fmt, fmt_warning = sniff_format(data, path)
    lookup = build_lookup(source, config)
    required = REQUIRED_COLUMNS[source]
    meaning = meaning_columns(source)
    warnings: list[str] = [fmt_warning] if fmt_warning else []

    if fmt in ("xlsx", "xls", "ods"):
        located = _locate_excel(data, path, lookup, required, sheet, meaning)
    elif fmt == "csv":
        located = _locate_csv(data, path, lookup, required, meaning)
        if sheet:
            warnings.append(f"CSV 文件没有工作表，已忽略指定的工作表“{sheet}”")
    else:
        located = _locate_json(data, path, fmt, lookup, required, meaning)

    warnings.extend(located.warnings)
    hmap = map_header(located.cells, lookup, located.sample, meaning, required)
    warnings.extend(hmap.warnings)
    if hmap.ambiguous:
        raise _ambiguous_error(path, source, hmap, located)
    missing = [c for c in required if c not in hmap.columns]
    constant: dict[str, str] = {}
    if source == "crawled" and "platform" in missing:
        guess = infer_platform(path, hmap.texts)
        if guess is not None:
            constant["platform"] = guess[0]
            missing.remove("platform")
            warnings.append(f"文件中没有“{COLUMN_LABELS['platform']}”列，根据{guess[1]}判断全部账号的平台为“{guess[0]}”")
    if missing:
        raise _missing_error(path, source, config, missing, hmap, located)

    body = located.body(hmap.used)
    if located.long_cells:
        warnings.extend(_cap_long_cells(body, hmap.columns))
    frame = _assemble(source, body, hmap.columns, constant, hmap.parts)
    warnings.extend(_data_warnings(frame, required))

    info = InputInfo(source=source, path=str(path), sha256=sha, rows=len(frame),
                     encoding=located.encoding, sheet=located.sheet, header_row=located.header_row,
                     format=fmt, columns=column_reads(hmap))
    return LoadedSource(frame=frame, info=info, mapping=hmap.mapping, ignored=hmap.ignored,
                        warnings=tuple(warnings))


def meaning_columns(source: str) -> tuple[str, ...]:
    """The canonical columns a header of ``source`` may be recognised as by meaning."""
    return tuple(c for c in ALIASES[source] if c in RULES)


def column_reads(hmap: HeaderMap) -> tuple[ColumnRead, ...]:
    """How each header cell used was recognised, left to right (for 说明, inspect, terminal)."""
    column_of = {idx: column for column, idx in hmap.columns.items()}
    for column, cells in hmap.parts.items():
        column_of.update(dict.fromkeys(cells, column))
    out = []
    for i in sorted(column_of):
        how, reason = hmap.how.get(i, ("alias", ""))
        out.append(ColumnRead(header=display(hmap.texts[i]), column=column_of[i], how=how,
                              label=COLUMN_LABELS[column_of[i]], reason=reason))
    return tuple(out)


def _read_bytes(path: Path, source: str) -> bytes:
    label = SOURCE_LABELS.get(source, source)
    if not path.exists():
        raise InputError(f"找不到{label}文件", detail="file not found", path=path)
    if path.is_dir():
        raise InputError(f"{label}的路径是一个文件夹，应为 .xlsx/.xls/.csv 文件", detail="is a directory", path=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取{label}文件（可能正被其他程序占用或没有权限）", detail=str(exc), path=path) from exc
    if not data.strip():
        raise InputError(f"{label}文件是空的", detail="empty file", path=path)
    return data


# --- locating the header ----------------------------------------------------------------------

def _no_header_error(path: Path, required: Sequence[str], best: str | None, detail: str) -> InputError:
    need = "或".join(f"“{COLUMN_LABELS[c]}”" for c in required)
    msg = f"在前 {HEAD_ROWS} 行中没有找到可识别的表头（需要至少两列能识别，且其中一列为{need}）"
    if best:
        msg += f"。最接近表头的是{best}"
    return InputError(msg, detail=detail, path=path)


def _quote_cells(cells: Sequence[object]) -> str:
    texts = [display(header_text(c)) for c in cells]
    texts = [t for t in texts if t]
    more = "…" if len(texts) > _MAX_HEADERS else ""
    return "、".join(texts[:_MAX_HEADERS]) + more


def _locate_excel(data: bytes, path: Path, lookup: Lookup, required: Sequence[str],
                  sheet: str | None, meaning: Sequence[str] = ()) -> _Located:
    book = Workbook(data, path)
    if sheet is not None:
        if sheet not in book.sheet_names:
            raise InputError(f"找不到工作表“{sheet}”，文件中的工作表有：{'、'.join(book.sheet_names)}",
                             detail=f"sheet {sheet!r} not found", path=path)
        candidates = [sheet]
    else:
        candidates = book.scan_order
    best_text: str | None = None
    best_score = (-1, -1)
    partial: str | None = None   # first sheet with a header that lacks a required column
    for name in candidates:
        head = book.grid(name, head_only=True)
        rows = nonblank_rows(head)
        scan = find_header([r for _, r in rows], lookup, required, meaning)
        if scan.index is not None:
            if set(required) <= scan.best_columns:
                return _excel_located(book, name, lookup, required, sheet is None, meaning)
            partial = partial or name
            continue
        if scan.best_index is not None:
            i, cells = rows[scan.best_index]
            score = (len(scan.best_columns), sum(1 for c in cells if header_text(c)))
            if score > best_score:
                best_score = score
                where = f"工作表“{name}”" if len(book.sheet_names) > 1 or sheet else ""
                best_text = f"{where}第 {head.first_row + i} 行：{_quote_cells(cells)}"
    if partial is not None:
        return _excel_located(book, partial, lookup, required, sheet is None, meaning)
    if not any(nonblank_rows(book.grid(n, head_only=True)) for n in candidates):
        raise InputError("表格中没有任何数据" + (f"（工作表“{sheet}”）" if sheet else ""),
                         detail="no data in workbook", path=path)
    sheets = "、".join(candidates)
    raise _no_header_error(path, required, best_text, f"no header row found in sheets: {sheets}")


def _excel_located(book: Workbook, name: str, lookup: Lookup, required: Sequence[str],
                   chosen: bool = False, meaning: Sequence[str] = ()) -> _Located:
    grid: SheetGrid = book.grid(name)
    rows = nonblank_rows(grid, limit=HEAD_ROWS + SAMPLE_CELLS + 2)   # the header, the row below, the sample
    scan: HeaderScan = find_header([r for _, r in rows], lookup, required, meaning)
    if scan.index is None:  # cannot happen: the head of this sheet had one
        raise InputError("读取工作表时表头位置发生变化", detail="header lost between scans", path=book.path)
    index, cells = rows[scan.index]
    header_row = grid.first_row + index
    warnings: list[str] = []
    at = scan.index
    if scan.index + 1 < len(rows):
        sub_index, sub = rows[scan.index + 1]
        combined = two_row_header(cells, sub, lookup, meaning)
        if combined is not None:
            warnings.append(f"表头占两行（第 {header_row}、{grid.first_row + sub_index} 行，含合并单元格），"
                            "已合并识别")
            cells, index = combined, sub_index
            at += 1
    if chosen and _other_sheets_with_data(book, name):
        hidden = "（该工作表为隐藏工作表）" if name not in book.visible else ""
        warnings.append(f"文件有 {len(book.sheet_names)} 个工作表（{'、'.join(book.sheet_names)}），"
                        f"已使用第一个有可识别表头的工作表“{name}”{hidden}；如需其他工作表请用 --sheet 指定")
    body_index = index
    sample = [r for _, r in rows[at + 1: at + 1 + SAMPLE_CELLS]]
    return _Located(cells=cells, header_row=header_row, sheet=name, warnings=tuple(warnings), sample=sample,
                    body=lambda wanted: excel_body(grid, body_index, wanted))


def _other_sheets_with_data(book: Workbook, used: str) -> bool:
    """Whether a worksheet other than ``used`` holds anything (empty Sheet2/Sheet3 do not count)."""
    for name in book.scan_order:
        if name == used:
            continue
        try:
            if nonblank_rows(book.grid(name, head_only=True)):
                return True
        except InputError:
            return True   # unreadable or huge: certainly not empty
    return False


_Scan = tuple[tuple[int, int], str, list[Record], HeaderScan]
_Fallback = tuple[float, list[Record], HeaderScan]


def _scan_csv(text: str, path: Path, lookup: Lookup, required: Sequence[str],
              meaning: Sequence[str] = ()) -> tuple[_Scan | None, _Fallback | None]:
    """(best header found over the delimiters, else the widest header-less parse)."""
    best: _Scan | None = None
    fallback: _Fallback | None = None
    for order, delim in enumerate(DELIMITERS):
        records = head_records(text, delim, path=path)
        nonblank = [r for r in records if any(c.strip() for c in r.cells)]
        scan = find_header([r.cells for r in nonblank], lookup, required, meaning)
        if scan.index is not None:
            score = (len(scan.best_columns), -order)
            if best is None or score > best[0]:
                best = (score, delim, nonblank, scan)
        else:
            width = sum(len(r.cells) for r in nonblank) / max(len(nonblank), 1)
            if fallback is None or width > fallback[0]:
                fallback = (width, nonblank, scan)
    return best, fallback


def _locate_csv(data: bytes, path: Path, lookup: Lookup, required: Sequence[str],
                meaning: Sequence[str] = ()) -> _Located:
    text, encoding = decode(data, path)
    if not text.strip():
        raise InputError("文件中没有任何数据", detail="blank text file", path=path)
    check_size(path, text.count("\n") or text.count("\r"), 0)
    best, fallback = _scan_csv(text, path, lookup, required, meaning)
    if best is None:
        # a Big5 / BOM-less UTF-16 file can decode "successfully" as something else
        for alt_text, alt_encoding in alternate_decodings(data, encoding):
            if binary_share(alt_text) > BINARY_SHARE:
                continue
            alt_best, _ = _scan_csv(alt_text, path, lookup, required, meaning)
            if alt_best is not None:
                text, encoding, best = alt_text, alt_encoding, alt_best
                break
    if best is None:
        if binary_share(text) > BINARY_SHARE:
            raise InputError("文件不是表格或文本文件（含有大量二进制内容），可能已损坏或扩展名有误；"
                             "请使用系统导出的 .xlsx/.xls/.csv 文件",
                             detail=f"binary content (decoded as {encoding})", path=path)
        _, nonblank, scan = fallback if fallback is not None else (0.0, [], HeaderScan(None, None, frozenset()))
        best_text = None
        if scan.best_index is not None:
            rec = nonblank[scan.best_index]
            best_text = f"第 {rec.line} 行：{_quote_cells(rec.cells)}"
        raise _no_header_error(path, required, best_text, f"no header row found (encoding {encoding})")

    raw = data if encoding == "utf-8" else data[3:] if encoding == "utf-8-sig" else None
    notes: tuple[str, ...] = ()
    if encoding == LOSSY_UTF8:
        bad = text.count("\ufffd")
        notes = (f"文件中有 {bad} 处字节不是有效的 UTF-8 文字（文件可能被截断或被其他工具改动），已替换为“\ufffd”",)
    _, delim, nonblank, scan = best
    header = nonblank[scan.index or 0]
    sample = [r.cells for r in nonblank[(scan.index or 0) + 1: (scan.index or 0) + 1 + SAMPLE_CELLS]]
    width = max(len(r.cells) for r in nonblank)
    check_size(path, 0, width)
    long_cells = _longest_line_bytes(data) > MAX_CELL_CHARS
    return _Located(cells=header.cells, header_row=header.line, encoding=encoding, warnings=notes,
                    long_cells=long_cells, sample=sample,
                    body=lambda wanted: csv_body(text, raw, delim, header, width, wanted, path))


def _locate_json(data: bytes, path: Path, fmt: str, lookup: Lookup, required: Sequence[str],
                 meaning: Sequence[str] = ()) -> _Located:
    text, encoding = decode(data, path)
    table = read_json(text, fmt, path)
    if not table.records:
        raise InputError("JSON 文件中没有账号记录", detail="no objects in JSON", path=path)
    scan = find_header([table.keys], lookup, required, meaning)
    if scan.index is None:
        best = f"字段：{_quote_cells(table.keys)}" if table.keys else None
        raise _no_header_error(path, required, best, "no recognisable JSON keys")
    sample = [[rec.get(k) for k in table.keys] for rec in table.records[:SAMPLE_CELLS]]
    return _Located(cells=table.keys, header_row=None, encoding=encoding, sample=sample,
                    body=lambda wanted: json_body(table, wanted))


# --- errors, frame, warnings ------------------------------------------------------------------

def _where(located: _Located) -> str:
    where = f"第 {located.header_row} 行的表头" if located.header_row else "文件中的字段"
    if located.sheet:
        where = f"工作表“{located.sheet}”" + where
    return where


def _quoted(texts: Sequence[str], cells: Sequence[int]) -> str:
    return "".join(f"“{display(texts[i])}”" for i in cells)


def _ambiguous_error(path: Path, source: str, hmap: HeaderMap, located: _Located) -> InputError:
    parts = [f"无法确定哪一列是“{COLUMN_LABELS[column]}”：候选{_quoted(hmap.texts, cells)}"
             for column, cells in hmap.ambiguous.items()]
    column, cells = next(iter(hmap.ambiguous.items()))
    example = display(hmap.texts[cells[0]])
    where = f"（工作表“{located.sheet}”）" if located.sheet else ""   # the row is in the message's prefix
    msg = (f"{'；'.join(parts)}{where}。请在 reconcile.toml 的 [columns.{source}] 中指定，"
           f"例如 {column} = [\"{example}\"]")
    detail = "ambiguous header(s): " + "; ".join(
        f"{c} <- {[hmap.texts[i] for i in cs]}" for c, cs in hmap.ambiguous.items())
    return InputError(msg, detail=detail, path=path, row=located.header_row)


def _missing_error(path: Path, source: str, config: Config | None, missing: Sequence[str],
                   hmap: HeaderMap, located: _Located) -> InputError:
    texts = hmap.texts
    parts = []
    for column in missing:
        names = "、".join(aliases_for(source, column, config))
        near = hmap.near.get(column)
        maybe = f"；最接近的列{_quoted(texts, near)}把握不足" if near else ""
        parts.append(f"“{COLUMN_LABELS[column]}”（可识别的列名：{names}{maybe}）")
    example = missing[0]
    msg = (f"缺少必需的列{'、'.join(parts)}。{_where(located)}为：{_quote_cells(texts) or '（空）'}。"
           f"如列名不同，可在 reconcile.toml 的 [columns.{source}] 中指定，例如 {example} = [\"实际列名\"]")
    detail = f"required column(s) {', '.join(missing)} not found; headers seen: {[t for t in texts if t]}"
    return InputError(msg, detail=detail, path=path, row=located.header_row)


def _longest_line_bytes(data: bytes) -> int:
    """Bytes in the longest line (an upper bound on the characters of any cell)."""
    if len(data) <= MAX_CELL_CHARS:
        return len(data)
    return max(map(len, data.split(b"\n")))


def _cap_long_cells(body: Body, columns: dict[str, int]) -> list[str]:
    out = []
    for column, idx in columns.items():
        values = body.columns.get(idx)
        if values is None:
            continue
        cut = cap_long_cells(values)
        if cut:
            out.append(f"有 {cut} 行“{COLUMN_LABELS[column]}”超过 {MAX_CELL_CHARS} 个字符（Excel 单元格的上限），"
                       f"已截断为前 {MAX_CELL_CHARS} 个字符")
    return out


def _assemble(source: str, body: Body, columns: dict[str, int], constant: dict[str, str],
              parts: dict[str, tuple[int, ...]] | None = None) -> pd.DataFrame:
    n = len(body.rows)
    data: dict[str, np.ndarray] = {}
    for column in CANONICAL_COLUMNS:
        if column == "source":
            data[column] = np.full(n, source, dtype=object)
        elif column == "row":
            data[column] = np.asarray(body.rows, dtype=np.int64)
        elif parts and column in parts:
            data[column] = _joined([body.columns[i] for i in parts[column]])
        elif column in columns:
            data[column] = body.columns[columns[column]]
        else:
            data[column] = np.full(n, constant.get(column), dtype=object)
    return pd.DataFrame(data, columns=list(CANONICAL_COLUMNS), copy=False)


def _joined(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Cells of a column written over several (所属地市 | 所属区县), joined with a space, left to
    right; a part already contained in what is joined is not repeated; None when all are empty."""
    out = np.empty(len(columns[0]), dtype=object)
    for k, values in enumerate(zip(*columns, strict=True)):
        joined = ""
        for v in values:
            text = "" if v is None else str(v).strip()
            if not text or text in joined:
                continue
            joined = text if not joined or joined in text else f"{joined} {text}"
        out[k] = joined or None
    return out


def _data_warnings(frame: pd.DataFrame, required: Sequence[str]) -> list[str]:
    out = []
    if frame.empty:
        out.append("文件中只有表头，没有数据行")
        return out
    for column in required:
        empty = frame["row"][frame[column].isna()]
        if len(empty):
            rows = "、".join(str(r) for r in empty.iloc[:_MAX_LISTED])
            more = " 等" if len(empty) > _MAX_LISTED else ""
            out.append(f"有 {len(empty)} 行“{COLUMN_LABELS[column]}”为空（第 {rows} 行{more}）")
    return out
