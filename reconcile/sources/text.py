"""Text inputs: encoding detection, CSV (with exact line numbers) and JSON / JSON Lines."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.errors import InputError
from reconcile.sources.cells import CellValue, cell_text
from reconcile.sources.readers import Body

DELIMITERS = (",", "\t", ";")
HEAD_RECORDS = 300  # records parsed per delimiter while looking for the header
HEAD_CHARS = 1 << 20  # ... from at most this much text


LOSSY_UTF8 = "utf-8 (有无效字节)"


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding): BOM first (UTF-8, UTF-16/32 LE/BE), then strict UTF-8, then UTF-8 with a
    few invalid bytes replaced by U+FFFD (``LOSSY_UTF8``), then GB18030 (a superset of
    GBK/GB2312), then charset_normalizer's best guess."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(f"文件以 {enc.upper()} 标记开头，但内容无法按该编码读取，文件可能已损坏",
                                 detail=str(exc), path=path) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    limit = max(3, len(data) // 20000)
    # (a GB18030 file shows too many broken bytes in its first megabyte already: no need to
    # decode all of it as UTF-8 first)
    if data[:1 << 20].decode("utf-8", errors="replace").count("\ufffd") <= limit:
        lossy = data.decode("utf-8", errors="replace")
        if lossy.count("\ufffd") <= limit:
            # UTF-8 but for a few broken bytes (a file cut or edited by a tool): keep every good
            # character instead of misreading the whole file as GB18030
            return lossy, LOSSY_UTF8
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("无法识别文件的文字编码（已尝试 UTF-8、GB18030 等），请用 Excel/WPS 另存为 UTF-8 CSV 或 .xlsx",
                         detail="unknown text encoding", path=path)
    return str(best), best.encoding


# Tried, in order, when the first decoding yields no recognisable header: a Big5 file often
# decodes as valid (but meaningless) GB18030, and UTF-16 without a BOM as valid UTF-8 or GB18030.
ALTERNATE_ENCODINGS = ("big5", "utf-16-le", "utf-16-be", "gb18030")


def alternate_decodings(data: bytes, first: str) -> list[tuple[str, str]]:
    """Other strict decodings of ``data`` (never the one already tried), for the header scan."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return []
    out: list[tuple[str, str]] = []
    for enc in ALTERNATE_ENCODINGS:
        if enc == first or (enc.startswith("utf-16") and len(data) % 2):
            continue
        try:
            out.append((data.decode(enc), enc))
        except UnicodeDecodeError:
            continue
    return out


def binary_share(text: str) -> float:
    """Share of NUL and other C0 control characters (not tab/CR/LF) in the first 64k chars."""
    head = text[:65536]
    if not head:
        return 0.0
    bad = sum(1 for ch in head if ch < " " and ch not in "\t\r\n")
    return bad / len(head)


@dataclass(frozen=True)
class Record:
    index: int        # 0-based record number in the file (blank lines are records)
    line: int         # 1-based line where the record starts
    end_line: int     # 1-based line where it ends (records may span lines inside quotes)
    cells: list[str]


def head_records(text: str, delimiter: str, limit: int = HEAD_RECORDS, path: Path | None = None) -> list[Record]:
    """The first ``limit`` records, parsed from a prefix of the text (the files can be large)."""
    prefix = text[:HEAD_CHARS]
    truncated = len(prefix) < len(text)
    reader = csv.reader(io.StringIO(prefix, newline=""), delimiter=delimiter)
    out: list[Record] = []
    prev = 0
    try:
        for i, cells in enumerate(reader):
            out.append(Record(i, prev + 1, reader.line_num, cells))
            prev = reader.line_num
            if i + 1 >= limit:
                break
        else:
            if truncated and out:
                out.pop()  # may be cut in the middle by the prefix
    except csv.Error as exc:
        if not truncated:
            raise InputError("CSV 文件格式错误，无法解析", detail=str(exc), path=path, row=prev + 1) from exc
    return out


def _clean(values: np.ndarray) -> np.ndarray:
    """Strip each text cell; empty (or missing) -> None. A list comprehension: ~10x faster
    than the pandas .str accessor."""
    try:
        out = [x.strip() or None for x in values]
    except AttributeError:  # NaN from a short row
        out = [(x.strip() or None) if isinstance(x, str) else None for x in values]
    return np.array(out, dtype=object) if out else np.zeros(0, dtype=object)


def _line_breaks(text: str) -> int:
    """Line breaks as the csv module counts them (\r\n, \r and \n each end one line)."""
    crlf = text.count("\r\n")
    return text.count("\n") + text.count("\r") - crlf


_BREAK = re.compile(rb"\r\n|\r|\n")


def _after_lines(payload: bytes, lines: int) -> int:
    """Offset of the byte after the first ``lines`` line breaks (as the csv module counts them)."""
    if lines <= 0:
        return 0
    for count, match in enumerate(_BREAK.finditer(payload), 1):
        if count == lines:
            return match.end()
    return len(payload)   # the header is the file's last line


def csv_body(text: str, data: bytes | None, delimiter: str, header: Record, width: int,
             wanted: Iterable[int], path: Path) -> Body:
    """Records after ``header``. ``data`` is the file's bytes when they are plain UTF-8 (saves a
    re-encode). Fast path: pandas' C parser; any irregularity -> the stdlib csv module."""
    wanted = sorted(set(wanted))
    if "\x00" in text:  # pandas' C parser ends a field at NUL: the rest of the cell would be lost
        return _csv_body_stdlib(text, delimiter, header, wanted, path)
    payload = data if data is not None else text.encode("utf-8", "surrogatepass")
    # the body starts after the header's last line: pandas' skiprows counts lines, and a header
    # cell may hold a line break ("运营\n状态")
    payload = payload[_after_lines(payload, header.end_line):]
    try:
        frame = pd.read_csv(
            io.BytesIO(payload), sep=delimiter, header=None, names=range(width), index_col=False,
            dtype=object, na_filter=False, skip_blank_lines=False,
            encoding="utf-8", engine="c", quotechar='"', doublequote=True,
        )
    except pd.errors.EmptyDataError:
        return Body(rows=np.zeros(0, dtype=np.int64), columns={c: np.zeros(0, dtype=object) for c in wanted})
    except (pd.errors.ParserError, ValueError, csv.Error):
        return _csv_body_stdlib(text, delimiter, header, wanted, path)

    n = len(frame)
    starts = header.end_line + 1 + np.arange(n, dtype=np.int64)
    # Records start one line after the previous one ends. Unless quoted cells hold line breaks,
    # the records after the header fill the rest of the file one line each.
    total_lines = _line_breaks(text) + (0 if text.endswith(("\n", "\r")) else 1)
    if total_lines != header.end_line + n:
        extra = np.zeros(n, dtype=np.int64)
        for c in frame.columns:
            values = frame[c].to_numpy()
            extra += np.fromiter((_line_breaks(x) if isinstance(x, str) else 0 for x in values),
                                 dtype=np.int64, count=n)
        if n > 1:
            starts[1:] += np.cumsum(extra)[:-1]

    cols = {c: _clean(frame[c].to_numpy()) if c in frame.columns else np.full(n, None, dtype=object)
            for c in wanted}
    filled = np.zeros(n, dtype=bool)
    for arr in cols.values():
        filled |= pd.notna(arr)
    empty_idx = np.flatnonzero(~filled)
    others = [c for c in frame.columns if c not in cols]
    if len(empty_idx) and others:
        # rows with nothing in the wanted columns: blank only if every other cell is blank too
        for c in others:
            filled[empty_idx] |= pd.notna(_clean(frame[c].to_numpy()[empty_idx]))
    keep = np.flatnonzero(filled)
    return Body(rows=starts[keep], columns={c: arr[keep] for c, arr in cols.items()})


def _csv_body_stdlib(text: str, delimiter: str, header: Record, wanted: Sequence[int], path: Path) -> Body:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[int] = []
    cols: dict[int, list[CellValue]] = {c: [] for c in wanted}
    prev = 0
    try:
        for i, cells in enumerate(reader):
            start = prev + 1
            prev = reader.line_num
            if i <= header.index:
                continue
            if not any(x.strip() for x in cells):
                continue
            rows.append(start)
            width = len(cells)
            for c, values in cols.items():
                values.append(cell_text(cells[c]) if c < width else None)
    except csv.Error as exc:
        raise InputError("CSV 文件格式错误，无法解析", detail=str(exc), path=path, row=prev + 1) from exc
    return Body(rows=np.asarray(rows, dtype=np.int64), columns={c: _objects(v) for c, v in cols.items()})


def _objects(values: list[CellValue]) -> np.ndarray:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


@dataclass
class JsonTable:
    keys: list[str]
    rows: np.ndarray               # JSONL: line numbers; JSON array: 1-based record numbers
    records: list[dict[str, object]]


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _json_value(value: object) -> CellValue:
    """A JSON value as a cell. JSON may escape lone surrogates ("\\ud800"), which no file can
    hold: they become U+FFFD."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False) if value else None
    if isinstance(value, str) and _SURROGATE_RE.search(value):
        value = _SURROGATE_RE.sub("\ufffd", value)
    return cell_text(value)


def read_json(text: str, fmt: str, path: Path) -> JsonTable:
    """A JSON array of objects (or an object holding one, e.g. {"data": [...]}) or JSON Lines."""
    records: list[dict[str, object]] = []
    rows: list[int] = []
    if fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            if "Extra data" not in exc.msg:
                raise InputError("JSON 文件格式错误", detail=str(exc), path=path, row=exc.lineno) from exc
            fmt = "jsonl"
        else:
            if isinstance(doc, dict):
                lists = [v for v in doc.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
                doc = lists[0] if lists else [doc]
            if not isinstance(doc, list):
                raise InputError("JSON 文件应为对象数组（每个账号一个对象）", detail="expected a list of objects",
                                 path=path)
            for i, item in enumerate(doc, start=1):
                if isinstance(item, dict):
                    records.append(item)
                    rows.append(i)
    if fmt == "jsonl":
        for lineno, line in enumerate(text.split("\n"), start=1):
            line = line.strip()
            if not line:
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError("JSON Lines 文件中有一行不是合法的 JSON", detail=str(exc), path=path,
                                 row=lineno) from exc
            if isinstance(item, dict):
                records.append(item)
                rows.append(lineno)
    keys: dict[str, None] = {}
    for j, item in enumerate(records):
        if any(_SURROGATE_RE.search(k) for k in item):
            records[j] = item = {_SURROGATE_RE.sub("\ufffd", k): v for k, v in item.items()}
        for k in item:
            keys.setdefault(str(k), None)
    return JsonTable(keys=list(keys), rows=np.asarray(rows, dtype=np.int64), records=records)


def json_body(table: JsonTable, wanted: Iterable[int]) -> Body:
    wanted = sorted(set(wanted))
    cols: dict[int, list[CellValue]] = {c: [] for c in wanted}
    keep: list[int] = []
    names = {c: table.keys[c] for c in wanted}
    for j, item in enumerate(table.records):
        values = {c: _json_value(item.get(names[c])) for c in wanted}
        if all(v is None for v in values.values()) and all(_json_value(v) is None for v in item.values()):
            continue
        keep.append(j)
        for c, v in values.items():
            cols[c].append(v)
    return Body(rows=table.rows[keep] if keep else np.zeros(0, dtype=np.int64),
                columns={c: _objects(v) for c, v in cols.items()})
