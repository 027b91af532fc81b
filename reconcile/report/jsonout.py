"""The JSON output of ``reconcile run --json PATH``: the stable contract of DESIGN.md.

Top-level keys: ``version`` (1), ``run``, ``summary``, ``totals`` (the 总计 row or null),
``warnings``, ``notes`` (what a check could not judge), ``platforms`` (per-platform 合格率),
``findings`` and ``links`` (one object per link: national_row, provincial_row,
crawled_row (int or null), score (4 decimals, or null), status).

The file is written with ``indent=1``, except that each link is one line: a million links
must not go through the pure-Python indenting encoder. Both forms parse to the same data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from reconcile.report.safe import atomic_write
from reconcile.result import Result

JSON_VERSION = 1
LINK_FIELDS = ("national_row", "provincial_row", "crawled_row", "score", "status")
_ROW_FIELDS = LINK_FIELDS[:3]


def _row_values(links: pd.DataFrame, column: str) -> list[int | None]:
    if column not in links.columns:
        return [None] * len(links)
    col = pd.to_numeric(links[column], errors="coerce").astype("Int64")
    return [None if v is pd.NA else int(v) for v in col.astype(object).tolist()]


def _score_values(links: pd.DataFrame) -> list[float | None]:
    if "score" not in links.columns:
        return [None] * len(links)
    col = pd.to_numeric(links["score"], errors="coerce").astype("float64").round(4)
    return [v if math.isfinite(v) else None for v in col.tolist()]


def _status_values(links: pd.DataFrame) -> list[str | None]:
    if "status" not in links.columns:
        return [None] * len(links)
    return [None if pd.isna(v) else str(v) for v in links["status"].astype(object).tolist()]


def link_columns(links: pd.DataFrame) -> tuple[list[Any], ...]:
    """The five contract fields of every link as plain Python lists (NA -> None)."""
    return (*(_row_values(links, c) for c in _ROW_FIELDS), _score_values(links), _status_values(links))


def links_to_list(links: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(zip(LINK_FIELDS, values, strict=True)) for values in zip(*link_columns(links), strict=True)]


def _head(result: Result) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "run": result.run.to_json(),
        "summary": [s.to_json() for s in result.summary],
        "totals": result.totals.to_json() if result.totals is not None else None,
        "warnings": list(result.warnings),
        "notes": list(result.notes),
        "platforms": [{"platform": s.region, **{k: v for k, v in s.to_json().items() if k != "region"}}
                      for s in result.platforms],
        "findings": [f.to_json() for f in result.findings],
        "recheck": [r.to_json() for r in result.recheck],   # 复查 (empty without an earlier quarter)
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """The whole JSON document as a dict (what ``write_json`` writes)."""
    out = _head(result)
    out["links"] = links_to_list(result.links)
    return out


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, allow_nan=False)   # json.dumps builds one per call


def _dumps(value: Any, **kwargs: Any) -> str:
    if not kwargs:
        return _ENCODER.encode(value)
    return json.dumps(value, ensure_ascii=False, default=str, allow_nan=False, **kwargs)


def _link_lines(links: pd.DataFrame) -> Iterator[str]:
    status_json: dict[str | None, str] = {}
    for nat, prov, crawl, score, status in zip(*link_columns(links), strict=True):
        st = status_json.get(status)
        if st is None:
            st = status_json[status] = _dumps(status)
        yield (
            f'{{"national_row": {"null" if nat is None else nat}, '
            f'"provincial_row": {"null" if prov is None else prov}, '
            f'"crawled_row": {"null" if crawl is None else crawl}, '
            f'"score": {"null" if score is None else repr(score)}, "status": {st}}}'
        )


def write_document(result: Result, fh: Any) -> None:
    """Write the JSON document to an open text file."""
    fh.write("{\n")
    for key, value in _head(result).items():
        if isinstance(value, list) and value:
            # one item per line, like the links: json's C encoder (indent= would use the Python one)
            fh.write(f" {_dumps(key)}: [\n  " + ",\n  ".join(_dumps(item) for item in value) + "\n ],\n")
            continue
        # Nested lines get one more space of indentation; JSON strings hold no raw newlines.
        fh.write(f" {_dumps(key)}: {_dumps(value, indent=1).replace(chr(10), chr(10) + ' ')},\n")
    fh.write(' "links": [')
    first = True
    for line in _link_lines(result.links):
        fh.write("\n  " if first else ",\n  ")
        fh.write(line)
        first = False
    fh.write("\n ]\n}\n" if not first else "]\n}\n")


def write_json(result: Result, path: Path) -> None:
    """Write ``result`` as UTF-8 JSON to ``path`` (atomically; raises OutputError)."""
    atomic_write(path, lambda tmp: write_json_file(result, tmp))


def write_json_file(result: Result, path: Path) -> None:
    """Write ``result`` as UTF-8 JSON to ``path`` as it is (a temporary file of ``Staged``)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        write_document(result, fh)
