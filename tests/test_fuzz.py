"""Property-based fuzzing of the loaders, the 数据问题 screen and the normalisers (issue 6).

Random headers and random cell text — control characters, NUL, lone surrogates, formula
prefixes, CJK — written as CSV in several encodings, as JSON and as hand-made xlsx: loading
either succeeds or raises InputError (a clear message for the clerk), never anything else;
what loads keeps its rows and its text; warnings and duplicate screening never crash.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from malformed.build import Sheet, csv_text, xlsx_bytes

from reconcile.checks.duplicate_filing import find_duplicates
from reconcile.errors import InputError
from reconcile.frame import normalize_frame
from reconcile.report.safe import clean_cell_text, csv_safe, needs_text_guard, terminal_text
from reconcile.schema import CANONICAL_COLUMNS, SOURCES
from reconcile.sources import load_source, normalize_header
from reconcile.sources.cells import cell_text
from reconcile.sources.quality import column_warnings, platform_scope_warning

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KNOWN_HEADERS = ["政务新媒体名称", "新媒体类型", "账号类型", "账号ID", "主办单位", "所属地区", "运营状态", "账号名称",
                 "平台", "认证类型", "最近发布时间", "粉丝数", "运营\n状态", "nickname", "fans", ""]
NASTY = ["=1+1", "+1", "-1", "@SUM(A1)", "\t", "\r", "\x00", "\x1b[31m", "\ud800", "\ufeff", "#DIV/0!", "公众号",
         "2022-02-30", "11/12/2022", "1.2万", "很多", "正常", "已注销", "订阅号", "微博", "咸宁市", '"', ",", "\n"]

cell_texts = st.one_of(st.text(max_size=20), st.sampled_from(NASTY),
                       st.lists(st.sampled_from(NASTY), max_size=4).map("".join))
headers = st.lists(st.one_of(st.sampled_from(KNOWN_HEADERS), st.text(max_size=8)), min_size=1, max_size=8)


@st.composite
def tables(draw):
    head = draw(headers)
    width = len(head)
    rows = draw(st.lists(st.lists(cell_texts, min_size=width, max_size=width), max_size=6))
    return [head, *rows]


def _load(path: Path, source: str):
    try:
        return load_source(path, source)
    except InputError as exc:
        message = str(exc)
        assert path.name in message and "\n" not in message
        return None


@FUZZ
@given(table=tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       source=st.sampled_from(SOURCES))
def test_csv_loader_never_crashes(table, encoding, source):
    data = csv_text(table).encode(encoding, errors="surrogatepass" if encoding.startswith("utf-8") else "replace")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{source}.csv"
        path.write_bytes(data)
        loaded = _load(path, source)
        assert path.read_bytes() == data
    if loaded is None:
        return
    frame = loaded.frame
    assert list(frame.columns) == list(CANONICAL_COLUMNS)
    assert frame["row"].is_monotonic_increasing and (frame["row"] >= 2).all()
    assert len(frame) <= len(table) - 1
    column_warnings(frame)                       # the 数据问题 screen takes whatever loads
    normalize_frame(frame)


@FUZZ
@given(table=tables(), source=st.sampled_from(SOURCES))
def test_xlsx_loader_never_crashes(table, source):
    data = xlsx_bytes([Sheet("Sheet1", table)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{source}.xlsx"
        path.write_bytes(data)
        loaded = _load(path, source)
    if loaded is not None:
        column_warnings(loaded.frame)


@FUZZ
@given(table=tables(), source=st.sampled_from(SOURCES))
def test_json_loader_never_crashes(table, source):
    head, *rows = table
    records = [dict(zip(head, row, strict=True)) for row in rows]
    text = json.dumps(records, ensure_ascii=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{source}.json"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        _load(path, source)


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".json", ".txt"]))
def test_random_bytes_are_refused_or_read(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"national{suffix}"
        path.write_bytes(data)
        _load(path, "national")
        assert path.read_bytes() == data


@FUZZ
@given(text=st.one_of(st.text(), st.sampled_from(NASTY)))
def test_header_and_cell_text_never_crash(text):
    key = normalize_header(text)
    assert isinstance(key, str) and normalize_header(key) == key
    value = cell_text(text)
    assert value is None or (isinstance(value, str) and value == value.strip())


@FUZZ
@given(text=st.one_of(st.text(), st.sampled_from(NASTY)))
def test_output_guards(text):
    cleaned = clean_cell_text(text)
    assert len(cleaned) <= 32767 and "\x00" not in cleaned
    guarded = csv_safe(text)
    assert not needs_text_guard(guarded) or guarded.startswith("'")
    shown = terminal_text(text)
    assert "\x1b" not in shown and "\x00" not in shown


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["微信公众号", "微博", None]), st.one_of(st.none(), st.sampled_from(["a", "b"])),
                               st.one_of(st.none(), st.sampled_from(["发布", "公安"])),
                               st.one_of(st.none(), st.sampled_from(["局", "办"]))), max_size=12))
def test_duplicate_screen_keeps_one_of_each(rows):
    frame = pd.DataFrame({"row": range(2, 2 + len(rows)), "platform": [r[0] for r in rows],
                          "account_id": [r[1] for r in rows], "name_key": [r[2] for r in rows],
                          "owner_norm": [r[3] for r in rows]})
    keep, groups = find_duplicates(frame, "national")
    assert len(keep) == len(rows)
    dropped = sum(len(g.rows) - 1 for g in groups)
    assert dropped == int((~keep).sum())
    kept = frame[keep]
    ids = kept.dropna(subset=["account_id"])
    assert not ids.duplicated(subset=["platform", "account_id"]).any()   # one filing per account id kept
    for g in groups:
        assert keep[g.rows[0] - 2] and not keep[[r - 2 for r in g.rows[1:]]].any()


@FUZZ
@given(platforms=st.lists(st.sampled_from(["微博", "小红书", "其他", None]), max_size=8))
def test_platform_scope_warning_counts_every_row(platforms):
    frames = {"national": pd.DataFrame({"platform": ["微博"]}), "provincial": pd.DataFrame({"platform": ["微博"]}),
              "crawled": pd.DataFrame({"platform": platforms})}
    lines = platform_scope_warning(frames)
    outside = sum(p != "微博" for p in platforms)
    assert bool(lines) == bool(outside)
    if outside:
        assert f"有 {outside} 行" in lines[0]
