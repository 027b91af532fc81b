"""Crawled lists in the formats real crawlers write (see docs/input-formats.md).

``load_crawled`` detects the crawler from the file (headers/keys, JSON shape, Excel sheet or
SQLite table names) and its folder, or takes ``fmt``; reads its own fields (verification codes,
"<weibo_id> <date>" last posts, service_type …) into the canonical columns, takes the newest
post from the crawler's post files beside the account file where it lacks one
(``crawler_files``), says once which fields the format cannot give, and falls back to the
generic loader (``load_source``) for our own columns.

MediaCrawler: the platform comes from the file name's platform code or the ``data/<platform>/``
folder; a creators file takes the newest content time per account from the same platform's
``…contents…`` (bilibili csv: ``…videos…``) files beside it; a contents file alone (since 2026-07
the only kind) is read as one account per author.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.config import Config
from reconcile.errors import InputError
from reconcile.result import InputInfo
from reconcile.schema import CANONICAL_COLUMNS
from reconcile.sources import crawler_files as cf
from reconcile.sources.aliases import COLUMN_LABELS, normalize_header
from reconcile.sources.cells import MAX_CELL_CHARS, cap_long_cells
from reconcile.sources.crawler_files import timestamp
from reconcile.sources.crawler_records import CONVERTERS, LACKS, Record, first_of, text_of
from reconcile.sources.crawlers import infer_platform
from reconcile.sources.loader import LoadedSource, load_source
from reconcile.sources.readers import sniff_format
from reconcile.sources.text import decode, read_json

CRAWLER_FORMATS = ("weibo-crawler", "searchbiz", "wechat-article-exporter", "we-mp-rss", "mediacrawler", "douk",
                   "generic")
FORMAT_LABELS = {
    "weibo-crawler": "weibo-crawler 用户信息（users.csv）",
    "searchbiz": "微信公众号 searchbiz 列表（JSON）",
    "wechat-article-exporter": "wechat-article-exporter 公众号.json",
    "we-mp-rss": "we-mp-rss 公众号列表",
    "mediacrawler": "MediaCrawler 创作者/内容文件（creators/contents，CSV/JSON/JSONL/Excel/SQLite）",
    "douk": "DouK-Downloader（TikTokDownloader）UserData",
    "generic": "通用表格（标准列名）",
}
_PEEK_BYTES = 64 * 1024
# MediaCrawler platform codes (file-name prefix)
MEDIACRAWLER_PLATFORMS = {"dy": "抖音", "douyin": "抖音", "ks": "快手", "kuaishou": "快手", "xhs": "小红书",
                          "bili": "哔哩哔哩", "bilibili": "哔哩哔哩", "wb": "微博", "weibo": "微博",
                          "tieba": "其他", "zhihu": "其他"}
_CONTENT_TIME_KEYS = ("create_time", "time", "publish_time", "created_time", "create_date_time", "pubdate")


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
            raise InputError(f"指定的采集格式“{fmt}”只支持 CSV/JSON/JSONL 文件及爬虫的 Excel/SQLite 存储，"
                             "这个文件不是其中之一", detail="not a crawler file", path=path)
        if _is_sqlite(path):
            raise InputError("SQLite 数据库中没有可识别的账号表（MediaCrawler 的 dy_creator/xhs_creator/weibo_creator/"
                             "bilibili_up_info 或作品表，DouK-Downloader 的 UserData）", detail="unknown SQLite store",
                             path=path)
        return replace(load_source(path, "crawled", config, sheet=sheet), crawler="generic")
    keys, records, rows, encoding, file_fmt, wrapped = table
    warnings: list[str] = []
    if found == "weibo-crawler":
        records, note = _weibo_widened(keys, records)
        warnings.extend(note)
    if found == "mediacrawler" and _is_contents(path, keys, wrapped):
        records, rows = _creators_from_contents(records, rows)
        warnings.append("文件只含作品（contents）记录：每个作者取一条账号记录，最近发布时间取其最新作品"
                        + ("；作者只有匿名 creator_hash 与脱敏昵称，按备案账号ID的哈希关联" if "creator_hash" in keys
                           else ""))
    convert, used = CONVERTERS[found]
    values = [convert(r) for r in records]
    if found == "mediacrawler":
        values, note = _mediacrawler_platform(path, values, wrapped)
        warnings.extend(note)
        warnings.extend(_attach_contents(path, records, values))
    warnings.extend(_attach_posts(found, path, records, values))
    lacks = LACKS.get(found)
    if lacks and not any(v.get("verified_kind") for v in values):
        warnings.append(f"{FORMAT_LABELS[found]}不提供{lacks}：这些项无法据此文件判断")
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
    if "mp_name" in norms or {"公众号名称", "mp_id"} <= norms or {"公众号名称", "faker_id"} <= norms:
        return "we-mp-rss"
    if "昵称昵称" in norms or {"抖音号", "sec_uid"} <= norms or {"unique_id", "sec_uid", "follower_count"} <= norms:
        return "douk"
    if "fakeid" in norms and ("nickname" in norms or "service_type" in norms):
        return "wechat-article-exporter" if wrapped == "accounts" else "searchbiz"
    if "platform" in norms:
        return "generic"
    stores = ("Creators", "Contents", *cf.SQLITE_CREATORS, *cf.SQLITE_CONTENTS)
    if mediacrawler_item(path) == "creators" or wrapped in stores or (
            {"user_id", "nickname"} <= norms and {"fans", "ip_location", "sec_uid", "interaction", "total_fans"} & norms):
        return "mediacrawler"
    if "creator_hash" in norms or (mediacrawler_item(path) == "contents" and {"user_id", "nickname"} <= norms):
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
        if head.startswith(cf.SQLITE_MAGIC):
            table = read_table(path)
            return "generic" if table is None else detect_format(table[0], path, table[5])
        file_fmt, _ = sniff_format(head, path) if head.strip() else ("", None)
        if file_fmt == "csv":
            text, _ = decode(head, path)
            line = text.lstrip("\ufeff").split("\n", 1)[0]
            keys = next(csv.reader([line]), [])
            return detect_format([k.strip() for k in keys], path)
        if file_fmt in ("json", "jsonl", "xlsx") or path.suffix.lower() == ".db":
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
    if data.startswith(cf.SQLITE_MAGIC):
        return _store_table(path, "sqlite")
    file_fmt, _ = sniff_format(data, path)
    if file_fmt == "xlsx":
        return _store_table(path, "xlsx")
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


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == cf.SQLITE_MAGIC
    except OSError:
        return False


def _store_table(path: Path, kind: str) -> _Table | None:
    """A MediaCrawler Excel/SQLite store or a DouK-Downloader UserData workbook/database: the
    account sheet/table (creators first, else contents) as records; None when none is one."""
    try:
        tables = cf.sqlite_tables(path) if kind == "sqlite" else cf.xlsx_sheets(path)
    except Exception as exc:   # a damaged store: say which file
        raise InputError(f"无法读取{'SQLite 数据库' if kind == 'sqlite' else 'Excel 文件'}", detail=str(exc),
                         path=path) from exc
    order = ["Creators", *cf.SQLITE_CREATORS, "Contents", *cf.SQLITE_CONTENTS]
    chosen = [n for n in order if tables.get(n)]
    if not chosen:
        chosen = [n for n, rs in tables.items() if rs and ({"昵称昵称", "nickname"} & set(rs[0]))
                  and ({"抖音号", "unique_id", "SEC_UID", "sec_uid"} & set(rs[0]))]
    if not chosen:
        return None
    name = chosen[0]
    if name in cf.SQLITE_CREATORS or name in cf.SQLITE_CONTENTS:   # several platforms in one database
        same = cf.SQLITE_CREATORS if name in cf.SQLITE_CREATORS else cf.SQLITE_CONTENTS
        records = [dict(r, _platform=same[n]) for n in same if tables.get(n) for r in tables[n]]
    else:
        records = tables[name]
    if name in ("Creators", *cf.SQLITE_CREATORS):   # the store's own contents give the newest post
        contents = tables.get("Contents") or [dict(r, _platform=p) for n, p in cf.SQLITE_CONTENTS.items()
                                              for r in tables.get(n) or []]
        newest = newest_content_times_of(contents)
        for r in records:
            ids = [text_of(r.get(k)) for k in ("user_id", "sec_uid")]
            times = [newest[i] for i in ids if i and i in newest]
            unique = next((newest["@" + i] for i in ids if i and "@" + i in newest), None)
            r.update(_last_post=max(times) if times else None, _unique=unique)
    keys: list[str] = []
    for r in records[:1000]:
        keys.extend(k for k in r if k not in keys and not k.startswith("_"))
    rows = list(range(2 if kind == "xlsx" else 1, len(records) + (2 if kind == "xlsx" else 1)))
    return keys, records, rows, None, "xlsx" if kind == "xlsx" else "sqlite", name


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
                record: Record = dict(zip(header, cells, strict=False))
                if len(cells) > len(header):
                    record[_EXTRA] = cells
                records.append(record)
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


_EXTRA = "\x00cells"   # the cells of a CSV row longer than its header
# weibo-crawler's users.csv header before IP属地 was added (2025-12-02) had 22 columns
_WEIBO_IP_AFTER = "所在地"


def _weibo_widened(keys: list[str], records: list[Record]) -> tuple[list[Record], list[str]]:
    """An old 22-column users.csv that later received 23-cell rows: those rows read with the new
    header (IP属地 after 所在地), with a warning, instead of shifted by one cell."""
    wider = [i for i, r in enumerate(records) if _EXTRA in r]
    if not wider:
        return records, []
    if "IP属地" in keys or _WEIBO_IP_AFTER not in keys:
        return records, [f"有 {len(wider)} 行的单元格比表头多，多出的单元格未读取"]
    new_keys = list(keys)
    new_keys.insert(keys.index(_WEIBO_IP_AFTER) + 1, "IP属地")
    out = list(records)
    for i in wider:
        out[i] = dict(zip(new_keys, out[i][_EXTRA], strict=False))   # type: ignore[call-overload]
    return out, [f"表头是旧版 weibo-crawler 的 22 列（无“IP属地”），有 {len(wider)} 行是新版写入的 23 列："
                 "这些行已按新版表头读取；建议删除旧的 users.csv 重新采集"]


def _is_contents(path: Path, keys: list[str], wrapped: str | None) -> bool:
    if wrapped is not None:
        return wrapped in ("Contents", *cf.SQLITE_CONTENTS)
    return mediacrawler_item(path) != "creators" and (
        "creator_hash" in keys or mediacrawler_item(path) == "contents"
        or any(k in keys for k in ("aweme_id", "note_id", "video_id")))


def _creators_from_contents(records: list[Record], rows: list[int]) -> tuple[list[Record], list[int]]:
    """One account record per author of a MediaCrawler contents file (its first row), with the
    newest content time as ``_last_post``."""
    firsts: dict[str, tuple[Record, int]] = {}
    newest: dict[str, str] = {}
    for r, row in zip(records, rows, strict=True):
        key = first_of(r, "creator_hash", "sec_uid", "user_id")
        if key is None:
            continue
        firsts.setdefault(key, (r, row))
        when = next((t for t in (timestamp(r.get(k)) for k in _CONTENT_TIME_KEYS) if t), None)
        if when and when > newest.get(key, ""):
            newest[key] = when
    out = [(dict(r, _last_post=newest.get(k)), row) for k, (r, row) in firsts.items()]
    return [r for r, _ in out], [row for _, row in out]


def _attach_posts(found: str, path: Path, records: list[Record], values: list[dict[str, object]]) -> list[str]:
    """The newest post from the crawler's post files beside ``path`` where the account file lacks it."""
    keys: list[list[object]]
    if found == "weibo-crawler":
        newest = cf.weibo_posts(path, [(str(v.get("account_id") or ""), str(v.get("name") or "")) for v in values])
        keys = [[v.get("account_id")] for v in values]
        where = "各账号的微博文件（<昵称>/<用户id>.csv|json）"
    elif found == "wechat-article-exporter":
        newest = cf.exporter_articles(path)
        keys = [[r.get("fakeid"), v.get("name")] for r, v in zip(records, values, strict=True)]
        where = "文章导出文件（微信公众号文章.xlsx/.json）"
    elif found == "we-mp-rss":
        newest = cf.we_mp_rss_articles(path)
        keys = [list(v.get("_ids") or []) for v in values]   # type: ignore[call-overload]
        where = "we-mp-rss 数据库 db.db 的文章发布时间（articles.publish_time）"
    elif found == "douk":
        newest = cf.douk_works(path, _records_of)
        keys = [list(v.get("_ids") or []) for v in values]   # type: ignore[call-overload]
        where = "作品数据文件（发布时间）"
    else:
        return []
    hits = 0
    for v, ks in zip(values, keys, strict=True):
        v.pop("_ids", None)
        times = [newest[str(k)] for k in ks if k is not None and str(k) in newest]
        if times and max(times) > str(v.get("last_post_at") or ""):
            v["last_post_at"] = max(times)
            hits += 1
    if not newest:
        if any(v.get("last_post_at") for v in values):
            return []
        return [f"文件本身不含最近发布时间，且旁边没有找到{where}：最近发布时间未知"]
    return [f"已从{where}取得 {hits} 个账号的最近发布时间"]


def _records_of(path: Path) -> list[Record] | None:
    try:
        table = read_table(path)
    except (InputError, OSError, ValueError, UnicodeError):
        return None
    return None if table is None else table[1]


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


def _mediacrawler_platform(path: Path, values: list[dict[str, object]],
                           wrapped: str | None = None) -> tuple[list[dict[str, object]], list[str]]:
    if values and all(v.get("platform") for v in values):   # SQLite store: by table
        return values, [f"根据数据表“{wrapped}”等判断平台"]
    if mediacrawler_platform(path):
        platform, note = mediacrawler_platform(path), f"根据文件名“{path.name}”"
    elif cf.folder_platform(path):
        platform, note = cf.folder_platform(path), f"根据所在文件夹“{path.parent}”"
    else:
        guess = infer_platform(path, [])
        if guess is None:
            raise InputError("无法判断 MediaCrawler 文件所属平台：文件应在 MediaCrawler 的平台文件夹中（如 "
                             "data/douyin/jsonl/），或文件名以平台代码开头（dy/ks/xhs/bili/wb/tieba/zhihu，"
                             "如 dy_creators_2026.csv）", detail="platform folder or prefix missing", path=path)
        platform, note = guess[0], guess[1]
    for v in values:
        v["platform"] = platform
    return values, [f"{note}判断全部账号的平台为“{platform}”"]


_MC_CREATORS = re.compile(r"(^|_)creators(_|$)|^\d+_[a-z]+_creator(_|$)")   # 2025-09+ / before
_MC_CONTENTS = re.compile(r"(^|_)(contents|videos)(_|$)")


def mediacrawler_item(path: Path) -> str | None:
    """"creators" / "contents" from a MediaCrawler file name (``creator_creators_2026-03-01``,
    before 2025-09 ``1_creator_creator_2025-08-01``; ``…contents…``, bilibili ``…videos…``)."""
    stem = path.stem.lower()
    if _MC_CREATORS.search(stem):
        return "creators"
    if _MC_CONTENTS.search(stem):
        return "contents"
    return None


def content_files(path: Path) -> list[Path]:
    """The MediaCrawler content files that belong to the creators file ``path``: beside it (and in
    the sibling csv/json/jsonl folders of ``data/<platform>/``), of the same platform."""
    if mediacrawler_item(path) != "creators":
        return []
    folders = [path.parent]
    if path.parent.name.lower() in ("csv", "json", "jsonl") and cf.folder_platform(path):
        folders += [path.parent.parent / f for f in ("csv", "json", "jsonl") if f != path.parent.name.lower()]
    own = mediacrawler_platform(path) or cf.folder_platform(path)
    found = [p for folder in folders if folder.is_dir() for p in folder.iterdir()
             if p.is_file() and p.suffix.lower() in (".csv", ".json", ".jsonl") and mediacrawler_item(p) == "contents"
             and (mediacrawler_platform(p) or cf.folder_platform(p)) == own]
    return sorted(found)


def newest_content_times(paths: Iterable[Path]) -> dict[str, str]:
    """user_id / sec_uid / creator_hash -> newest content time ("YYYY-MM-DD HH:MM:SS"); also
    ``"@" + sec_uid`` -> the 抖音号 (user_unique_id) the contents give."""
    records: list[Record] = []
    for p in paths:
        table = read_table(p)
        if table is not None:
            records.extend(table[1])
    return newest_content_times_of(records)


def newest_content_times_of(records: Iterable[Record]) -> dict[str, str]:
    """``newest_content_times`` over content records."""
    newest: dict[str, str] = {}
    for r in records:
        sec, unique = text_of(r.get("sec_uid")), text_of(r.get("user_unique_id"))
        if sec and unique:
            newest["@" + sec] = unique
        when = next((t for t in (timestamp(r.get(k)) for k in _CONTENT_TIME_KEYS) if t), None)
        if when is None:
            continue
        for key in ("user_id", "sec_uid", "creator_hash"):
            uid = text_of(r.get(key))
            if uid and when > newest.get(uid, ""):
                newest[uid] = when
    return newest


def _attach_contents(path: Path, records: list[Record], values: list[dict[str, object]]) -> list[str]:
    files = content_files(path)
    newest = newest_content_times(files) if files else {}
    if not files and any(v.get("last_post_at") for v in values):   # a store with its own contents
        for v in values:
            v.pop("_ids", None)
        return []
    hits = 0
    for v in values:
        ids = v.pop("_ids", [])
        keys = [*ids, *(cf.hashed(i) for i in ids)]   # type: ignore[union-attr]
        times = [newest[i] for i in keys if i in newest]
        if times and max(times) > str(v.get("last_post_at") or ""):
            v["last_post_at"] = max(times)
            hits += 1
        unique = next((newest["@" + i] for i in ids if "@" + i in newest), None)   # type: ignore[operator]
        if unique:
            v["account_id"] = unique   # the 抖音号 a registry files, not the sec_uid
    if not files:
        if any(v.get("last_post_at") for v in values):
            return []
        return ["旁边没有找到 MediaCrawler 作品文件（contents），最近发布时间未知"]
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
