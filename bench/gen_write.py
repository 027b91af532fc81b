"""Writing the generated inputs byte-for-byte reproducibly: XLSX (openpyxl write-only, then the
zip re-stamped with fixed times), CSV (GB18030 / UTF-8 with BOM) and truth.json (streamed)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FIXED_ZIP_TIME = (2022, 11, 13, 0, 0, 0)
FIXED_DOC_TIME = "2022-11-13T00:00:00Z"
_DOC_TIME_RE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
               title: str | None = None, sheet: str = "Sheet1", subtitle: str | None = None) -> None:
    """One sheet: an optional title row (and a second one, ``subtitle``) merged across the columns,
    the header, the rows.

    openpyxl (write-only) writes the workbook with the title, header and first data row, so the
    package parts and the date style are openpyxl's own; the remaining rows are serialised here
    the way openpyxl does it (inline strings), which is ~10x faster than its per-cell writer."""
    rows = iter(rows)
    first = next(rows, None)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    if title is not None:
        ws.merged_cells.add(CellRange(f"A1:{get_column_letter(len(header))}1"))
        ws.append([title])
    if subtitle is not None:
        r = 1 + (title is not None)
        ws.merged_cells.add(CellRange(f"A{r}:{get_column_letter(len(header))}{r}"))
        ws.append([subtitle])
    ws.append(list(header))
    if first is not None:
        ws.append(list(first))
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    start = 2 + (title is not None) + (subtitle is not None) + 1   # Excel row number of the second data row
    _freeze_zip(tmp, path, rows, start)
    tmp.unlink()


def _rows_xml(rows: Iterable[Sequence[Any]], start: int, date_style: str | None) -> bytes:
    out: list[str] = []
    letters: list[str] = []
    for r, row in enumerate(rows, start):
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        cells = []
        for col, v in zip(letters, row, strict=False):
            if v is None or v == "":
                continue
            ref = f"{col}{r}"
            if isinstance(v, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, int | float):
                cells.append(f'<c r="{ref}" t="n"><v>{v}</v></c>')
            elif isinstance(v, dt.date) and date_style is not None:
                serial = (v - dt.date(1899, 12, 30)).days if not isinstance(v, dt.datetime) else \
                    (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
                cells.append(f'<c r="{ref}" s="{date_style}" t="n"><v>{serial}</v></c>')
            else:
                text = escape(v.isoformat() if isinstance(v, dt.date) else str(v))
                keep = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{keep}>{text}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out).encode("utf-8")


def _freeze_zip(src: Path, dst: Path, more_rows: Iterable[Sequence[Any]], start: int) -> None:
    """Copy the xlsx with fixed entry times and document timestamps (so a seed gives one hash),
    appending ``more_rows`` to the sheet."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _DOC_TIME_RE.sub(rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<2>", data)
            elif info.filename.startswith("xl/worksheets/sheet"):
                m = re.search(rb' s="(\d+)"', data)
                extra = _rows_xml(more_rows, start, m.group(1).decode() if m else None)
                head, tail = data.split(b"</sheetData>", 1)
                data = head + extra + b"</sheetData>" + tail
            out = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            zout.writestr(out, data, compresslevel=1)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def write_truth(path: Path, truth: dict[str, Any]) -> None:
    """truth.json, one account / finding per line (valid JSON, diff-friendly, streamable)."""
    dump = json.dumps
    item = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode   # one C encoder, reused
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("{\n")
        for key, value in truth.items():
            if key in ("accounts", "findings"):
                continue
            fh.write(f"{dump(key)}: {dump(value, ensure_ascii=False)},\n")
        for key in ("accounts", "findings"):
            items = truth.get(key, [])
            fh.write(f"{dump(key)}: [")
            fh.write(",".join("\n  " + item(x) for x in items))
            fh.write("\n]" + (",\n" if key == "accounts" else "\n"))
        fh.write("}\n")
