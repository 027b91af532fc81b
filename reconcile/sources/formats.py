"""Crawled lists in the formats real crawlers write (see docs/input-formats.md).

``load_crawled`` detects the crawler from the file's headers/keys (or takes ``fmt``), reads its
own fields (verification codes, "<weibo_id> <date>" last posts, service_type …) into the
canonical columns, and falls back to the generic loader (``load_source``) for our own columns.

MediaCrawler content files: a creators file whose name contains ``creators`` gets the newest
content time per account from every file beside it whose name is the same with ``contents``
in place of ``creators`` and anything after it (``dy_creators_2026.csv`` ->
``dy_contents_*.csv|json|jsonl``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.normalize import parse_date
from reconcile.result import InputInfo
from reconcile.schema import CANONICAL_COLUMNS
from reconcile.sources.aliases import COLUMN_LABELS, normalize_header
from reconcile.sources.cells import MAX_CELL_CHARS, cap_long_cells
from reconcile.sources.crawlers import infer_platform
from reconcile.sources.loader import LoadedSource, load_source
from reconcile.sources.readers import sniff_format
from reconcile.sources.text import decode, read_json

CRAWLER_FORMATS = ("weibo-crawler", "searchbiz", "wechat-article-exporter", "we-mp-rss", "mediacrawler", "generic")
FORMAT_LABELS = {
    "weibo-crawler": "weibo-crawler 用户信息（users.csv）",
    "searchbiz": "微信公众号 searchbiz 列表（JSON）",
    "wechat-article-exporter": "wechat-article-exporter 公众号.json",
    "we-mp-rss": "we-mp-rss 公众号列表",
    "mediacrawler": "MediaCrawler 创作者文件（creators）",
    "generic": "通用表格（标准列名）",
}
_CST = dt.timezone(dt.timedelta(hours=8))
_PEEK_BYTES = 64 * 1024
# MediaCrawler platform codes (file-name prefix)
MEDIACRAWLER_PLATFORMS = {"dy": "抖音", "douyin": "抖音", "ks": "快手", "kuaishou": "快手", "xhs": "小红书",
                          "bili": "哔哩哔哩", "bilibili": "哔哩哔哩", "wb": "微博", "weibo": "微博",
                          "tieba": "其他", "zhihu": "其他"}
_CONTENT_TIME_KEYS = ("create_time", "time", "publish_time", "created_time", "create_date_time", "pubdate")
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ENTERPRISE = ("公司", "企业", "有限", "集团", "商行", "工作室")
_INSTITUTION = ("医院", "学校", "大学", "学院", "中学", "小学", "幼儿园", "报社", "电视台", "广播", "融媒体",
                "协会", "学会", "基金会", "研究院", "研究所", "图书馆", "博物馆", "事业")

Record = dict[str, object]


def load_crawled(path: Path, config: Config | None = None, sheet: str | None = None,
                 fmt: str | None = None) -> LoadedSource:
    """One crawled file as a LoadedSource (``crawler`` names the detected format)."""
    path = Path(path)
    if fmt is not None and fmt not in CRAWLER_FORMATS:
        raise InputError(f"未知的采集格式“{fmt}”，应为 {'/'.join(CRAWLER_FORMATS)} 之一",
                         detail=f"unknown crawled format {fmt!r}", path=path)
    found = fmt or peek_format(path)
    table = read_table(path) if found != "generic" else None
    if table is None:
        if fmt not in (None, "generic"):
            raise InputError(f"指定的采集格式“{fmt}”只支持 CSV/JSON/JSONL 文件", detail="not a text file", path=path)
        return replace(load_source(path, "crawled", config, sheet=sheet), crawler="generic")
    keys, records, rows, encoding, file_fmt, _ = table
    convert, used = _CONVERTERS[found]
    values = [convert(r) for r in records]
    warnings: list[str] = []
    if found == "mediacrawler":
        values, note = _mediacrawler_platform(path, values)
        warnings.extend(note)
        warnings.extend(_attach_contents(path, records, values))
    frame = _frame(values, rows)
    for column in frame.columns[2:]:
        cut = cap_long_cells(frame[column].to_numpy())
        if cut:
            warnings.append(f"有 {cut} 行“{COLUMN_LABELS[column]}”超过 {MAX_CELL_CHARS} 个字符，已截断")
    present = {normalize_header(k): k for k in keys}
    mapping = {present[k]: c for k, c in used.items() if k in present}
    ignored = tuple(k for k in keys if k not in mapping)
    if frame.empty:
        warnings.append("文件中没有账号记录")
    info = InputInfo(source="crawled", path=str(path), sha256=_sha(path), rows=len(frame), encoding=encoding,
                     format=file_fmt, header_row=1 if file_fmt == "csv" else None)
    return LoadedSource(frame=frame, info=info, mapping=mapping, ignored=ignored, warnings=tuple(warnings),
                        crawler=found)


def detect_format(keys: Iterable[str], path: Path, wrapped: str | None = None) -> str:
    """The crawler that writes these headers/keys (``wrapped``: the JSON object key holding the list)."""
    norms = {normalize_header(k) for k in keys}
    if {"上次记录微博信息", "微博数"} & norms or {"用户id", "昵称", "认证类型"} <= norms:
        return "weibo-crawler"
    if "mp_name" in norms or {"公众号名称", "mp_id"} <= norms:
        return "we-mp-rss"
    if "fakeid" in norms and ("nickname" in norms or "service_type" in norms):
        return "wechat-article-exporter" if wrapped == "accounts" else "searchbiz"
    if "creators" in path.stem.lower() or ({"user_id", "nickname"} <= norms and "platform" not in norms and
                                           {"fans", "ip_location", "sec_uid", "interaction"} & norms):
        return "mediacrawler"
    return "generic"


def peek_format(path: Path) -> str:
    """The crawler format of ``path`` from its header line / first JSON records, without reading
    the whole table; "generic" when unreadable (the generic loader then says what is wrong)."""
    try:
        if not path.is_file():
            return "generic"
        with open(path, "rb") as fh:
            head = fh.read(_PEEK_BYTES)
        file_fmt, _ = sniff_format(head, path) if head.strip() else ("", None)
        if file_fmt == "csv":
            text, _ = decode(head, path)
            line = text.lstrip("\ufeff").split("\n", 1)[0]
            keys = next(csv.reader([line]), [])
            return detect_format([k.strip() for k in keys], path)
        if file_fmt in ("json", "jsonl"):
            table = read_table(path)
            return "generic" if table is None else detect_format(table[0], path, table[5])
    except (InputError, OSError, csv.Error, UnicodeError, ValueError):
        return "generic"
    return "generic"


# --- reading ---------------------------------------------------------------------------------

_Table = tuple[list[str], list[Record], list[int], str | None, str, str | None]


def read_table(path: Path) -> _Table | None:
    """(keys, records, row numbers, encoding, file format, wrapping key) of a CSV/JSON/JSONL file;
    None for spreadsheets (only the generic format reads them)."""
    if not path.exists() or path.is_dir():
        return None   # load_source says what is wrong
    data = path.read_bytes()
    if not data.strip():
        return None
    file_fmt, _ = sniff_format(data, path)
    if file_fmt not in ("csv", "json", "jsonl"):
        return None
    text, encoding = decode(data, path)
    if file_fmt == "csv":
        keys, records, rows = _csv_records(text)
        return keys, records, rows, encoding, file_fmt, None
    wrapped = None
    if file_fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            doc = None
        if isinstance(doc, dict):
            wrapped = next((k for k, v in doc.items() if isinstance(v, list) and v and isinstance(v[0], dict)), None)
    table = read_json(text, file_fmt, path)
    keys: list[str] = []
    for r in table.records:
        keys.extend(k for k in r if k not in keys)
    return keys, table.records, [int(x) for x in table.rows], encoding, file_fmt, wrapped


def _csv_records(text: str) -> tuple[list[str], list[Record], list[int]]:
    """Records of a machine-written CSV with the header on line 1; rows are 1-based line numbers."""
    limit = csv.field_size_limit(1 << 30)   # crawler cells (简介 …) may be long; restored below
    try:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header: list[str] | None = None
        records: list[Record] = []
        rows: list[int] = []
        start = 1
        for cells in reader:
            if header is None:
                header = [c.strip() for c in cells]
            elif any(c.strip() for c in cells):
                records.append(dict(zip(header, cells, strict=False)))
                rows.append(start)
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)
    return header or [], records, rows


def _sha(path: Path) -> str:
    from reconcile.sources.loader import file_sha256
    return file_sha256(path)


def _frame(values: list[dict[str, object]], rows: list[int]) -> pd.DataFrame:
    n = len(values)
    data: dict[str, object] = {}
    for column in CANONICAL_COLUMNS:
        if column == "source":
            data[column] = np.full(n, "crawled", dtype=object)
        elif column == "row":
            data[column] = np.asarray(rows, dtype=np.int64)
        else:
            data[column] = np.array([v.get(column) for v in values], dtype=object)
    return pd.DataFrame(data, columns=list(CANONICAL_COLUMNS))


# --- field helpers ---------------------------------------------------------------------------

def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


def _get(record: Record, *keys: str) -> str | None:
    for k in keys:
        if k in record:
            v = _text(record[k])
            if v is not None:
                return v
    return None


def _int(value: object) -> int | None:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


def timestamp(value: object) -> str | None:
    """Unix seconds or milliseconds (number or digits) or a date text -> "YYYY-MM-DD HH:MM:SS" (China time)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    s = str(value).strip()
    if re.fullmatch(r"\d{9,13}(\.\d+)?", s):
        number = float(s)
        if number > 1e11:
            number /= 1000
        return dt.datetime.fromtimestamp(number, _CST).strftime("%Y-%m-%d %H:%M:%S")
    try:  # Weibo's API form: "Sun Nov 22 17:00:00 +0800 2026"
        when = dt.datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y").astimezone(_CST).replace(tzinfo=None)
    except ValueError:
        when = parse_date(s)
    return when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else None


def _truthy(value: object) -> bool | None:
    s = _text(value)
    if s is None:
        return None
    return s.lower() in ("true", "1", "是", "yes", "y")


def kind_of_owner(owner: str | None) -> str:
    """Verification kind guessed from a verified owner's name (WeChat gives no code)."""
    if not owner:
        return "unknown"
    if "个人" in owner:
        return "personal"
    if any(w in owner for w in _ENTERPRISE):
        return "enterprise"
    if any(w in owner for w in _INSTITUTION):
        return "institution"
    return "government"


# --- converters: one record -> canonical values -----------------------------------------------

_WEIBO_KINDS = {-1: "none", 0: "personal", 1: "government", 2: "enterprise", 3: "government",
                4: "institution", 5: "institution", 6: "institution", 7: "institution"}
_OWNER_SUFFIX = re.compile(r"(官方微博|官方账号|官方帐号|官微|官博)$")


def _weibo(r: Record) -> dict[str, object]:
    code = _int(r.get("认证类型"))
    verified = _truthy(r.get("是否认证"))
    kind = _WEIBO_KINDS.get(code, "unknown") if code is not None else None
    if verified is False:
        kind = "none"
    elif kind is None and verified:
        kind = "unknown"
    info = _get(r, "认证信息")
    owner = None
    if info and kind in ("government", "institution", "enterprise"):
        owner = _OWNER_SUFFIX.sub("", info).strip() or None
    last = _get(r, "上次记录微博信息")
    match = _DATE_RE.search(last or "")
    return {"platform": "微博", "name": _get(r, "昵称", "用户昵称"), "account_id": _get(r, "用户id", "用户ID"),
            "owner": owner, "verified_kind": kind, "verified_info": info,
            "last_post_at": "-".join(match.groups()) if match else None, "followers": _get(r, "粉丝数")}


_WEIBO_USED = {"用户id": "account_id", "昵称": "name", "认证类型": "verified_kind", "是否认证": "verified_kind",
               "认证信息": "verified_info", "上次记录微博信息": "last_post_at", "粉丝数": "followers"}


def _wechat(r: Record) -> dict[str, object]:
    service = _int(r.get("service_type"))
    status = _int(r.get("verify_status"))
    owner = _get(r, "identity_name", "认证主体")
    if status is None:
        kind = None
    elif status > 0:
        kind = kind_of_owner(owner)
    else:
        kind = "none"
    last = None   # account create/update times are the tool's own, not posts
    articles = r.get("articles")
    if isinstance(articles, list):
        stamps = sorted(t for t in (timestamp(a.get("create_time") or a.get("update_time"))
                                    for a in articles if isinstance(a, dict)) if t)
        last = stamps[-1] if stamps else last
    return {"platform": "微信公众号", "name": _get(r, "nickname"), "account_id": _get(r, "alias", "fakeid"),
            "account_type": {0: "订阅号", 1: "订阅号", 2: "服务号"}.get(service) if service is not None else None,
            "owner": owner if kind not in ("none", "personal") else None,
            "verified_kind": kind, "verified_info": owner, "last_post_at": last}


_WECHAT_USED = {"nickname": "name", "alias": "account_id", "fakeid": "account_id", "service_type": "account_type",
                "verify_status": "verified_kind", "identity_name": "owner", "articles": "last_post_at"}


def _we_mp_rss(r: Record) -> dict[str, object]:
    return {"platform": "微信公众号", "name": _get(r, "mp_name", "公众号名称"),
            "account_id": _get(r, "mp_id", "faker_id", "公众号ID"),
            "last_post_at": timestamp(_get(r, "update_time", "更新时间", "sync_time"))}


_WE_MP_RSS_USED = {"mp_name": "name", "公众号名称": "name", "mp_id": "account_id", "faker_id": "account_id",
                   "update_time": "last_post_at", "更新时间": "last_post_at"}


def _mediacrawler(r: Record) -> dict[str, object]:
    return {"name": _get(r, "nickname", "user_name", "name"),
            "account_id": _get(r, "user_id", "sec_uid", "uid"),
            "followers": _get(r, "fans", "follower_count", "fans_count"),
            "region": None, "_ids": [x for x in (_get(r, "user_id"), _get(r, "sec_uid")) if x]}


_MEDIACRAWLER_USED = {"nickname": "name", "user_id": "account_id", "fans": "followers"}

_CONVERTERS: dict[str, tuple[Callable[[Record], dict[str, object]], dict[str, str]]] = {
    "weibo-crawler": (_weibo, _WEIBO_USED),
    "searchbiz": (_wechat, _WECHAT_USED),
    "wechat-article-exporter": (_wechat, _WECHAT_USED),
    "we-mp-rss": (_we_mp_rss, _WE_MP_RSS_USED),
    "mediacrawler": (_mediacrawler, _MEDIACRAWLER_USED),
}


# --- MediaCrawler: platform and content files --------------------------------------------------

def mediacrawler_platform(path: Path) -> str | None:
    """The platform a MediaCrawler file name announces: ``dy_creators_…`` -> 抖音."""
    stem = path.stem.lower()
    head = stem.split("creators")[0] if "creators" in stem else stem.split("contents")[0]
    tokens = [t for t in re.split(r"[_\-\s.]+", head) if t]
    for token in reversed(tokens):
        if token in MEDIACRAWLER_PLATFORMS:
            return MEDIACRAWLER_PLATFORMS[token]
    return None


def _mediacrawler_platform(path: Path, values: list[dict[str, object]]) -> tuple[list[dict[str, object]], list[str]]:
    platform = mediacrawler_platform(path)
    note: list[str] = []
    if platform is None:
        guess = infer_platform(path, [])
        if guess is None:
            raise InputError("无法判断 MediaCrawler 文件所属平台：文件名应以平台代码开头（dy/ks/xhs/bili/wb/tieba/zhihu），"
                             "如 dy_creators_2026.csv", detail="platform prefix missing", path=path)
        platform = guess[0]
    note.append(f"根据文件名“{path.name}”判断全部账号的平台为“{platform}”")
    for v in values:
        v["platform"] = platform
    return values, note


def content_files(path: Path) -> list[Path]:
    """The MediaCrawler content files that belong to the creators file ``path`` (see module doc)."""
    stem = path.stem
    i = stem.lower().find("creators")
    if i < 0:
        return []
    prefix = stem[:i] + "contents"
    return sorted(p for p in path.parent.iterdir()
                  if p.is_file() and p.name.startswith(prefix) and p.suffix.lower() in (".csv", ".json", ".jsonl"))


def newest_content_times(paths: Iterable[Path]) -> dict[str, str]:
    """user_id / sec_uid -> newest content time ("YYYY-MM-DD HH:MM:SS") over the content files."""
    newest: dict[str, str] = {}
    for p in paths:
        table = read_table(p)
        if table is None:
            continue
        for r in table[1]:
            when = next((t for t in (timestamp(r.get(k)) for k in _CONTENT_TIME_KEYS) if t), None)
            if when is None:
                continue
            for key in ("user_id", "sec_uid"):
                uid = _text(r.get(key))
                if uid and when > newest.get(uid, ""):
                    newest[uid] = when
    return newest


def _attach_contents(path: Path, records: list[Record], values: list[dict[str, object]]) -> list[str]:
    files = content_files(path)
    newest = newest_content_times(files) if files else {}
    hits = 0
    for v in values:
        ids = v.pop("_ids", [])
        times = [newest[i] for i in ids if i in newest]
        if times:
            v["last_post_at"] = max(times)
            hits += 1
    if not files:
        return []
    names = "、".join(p.name for p in files)
    return [f"已从内容文件 {names} 取得 {hits} 个账号的最近发布时间"]


# --- several crawled files ----------------------------------------------------------------------

def load_crawled_files(paths: Path | Iterable[Path], config: Config | None = None, sheet: str | None = None,
                       fmt: str | None = None) -> tuple[LoadedSource, list[LoadedSource], tuple[str, ...]]:
    """(combined crawled source, each file's own, per-record file names — empty for one file).

    The combined frame concatenates the files in order; each record keeps its own row number.
    Its info is the first file's with the total row count; warnings are prefixed by file name
    only when there are several files (the pipeline prefixes a single file's)."""
    paths = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not paths:
        raise InputError("没有给出平台采集名单文件", detail="no crawled file")
    parts = [load_crawled(p, config, sheet=sheet, fmt=fmt) for p in paths]
    if len(parts) == 1:
        return parts[0], parts, ()
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    files = tuple(Path(p.info.path).name for p in parts for _ in range(len(p.frame)))
    names = [Path(p.info.path).name for p in parts]
    if len(set(names)) < len(names):
        raise InputError(f"多个平台采集名单文件同名：{'、'.join(names)}，请改名后再运行",
                         detail="crawled files must have distinct names", path=paths[0])
    warnings = tuple(f"{Path(p.info.path).name}：{w}" for p in parts for w in p.warnings)
    info = replace(parts[0].info, rows=len(frame))
    combined = LoadedSource(frame=frame, info=info, mapping={}, ignored=(), warnings=warnings, crawler="several")
    return combined, parts, files
