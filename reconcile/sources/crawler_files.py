"""The files crawlers write beside their account lists, and the stores that are not CSV/JSON.

- where a crawler's account file lacks the newest post, the post files beside it give it:
  weibo-crawler ``<output>/<昵称 or uid>/<uid>.csv|json``, wechat-article-exporter
  ``微信公众号文章*.xlsx|json``, we-mp-rss ``db.db`` (``articles.publish_time``), DouK-Downloader
  works tables (发布时间), MediaCrawler ``*_contents_*`` / bilibili ``*_videos_*`` files;
- MediaCrawler's platform from its folder (``data/douyin/jsonl/…`` since 2025-09);
- MediaCrawler's Excel (Creators/Contents sheets) and SQLite stores, DouK-Downloader's
  ``UserData.xlsx|db``, read as records;
- MediaCrawler 2026-07 ``creator_hash`` (first 16 hex of sha256 of the user id): the record's
  account_id is ``sha256:<hash>`` and ``resolve_hashed_ids`` swaps in the registry id that hashes to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

Record = dict[str, object]
HASH_PREFIX = "sha256:"
_CST = dt.timezone(dt.timedelta(hours=8))
# MediaCrawler's data/<platform>/ folder names (AsyncFileWriter platform=…)
FOLDER_PLATFORMS = {"douyin": "抖音", "dy": "抖音", "kuaishou": "快手", "ks": "快手", "xhs": "小红书",
                    "bili": "哔哩哔哩", "bilibili": "哔哩哔哩", "weibo": "微博", "wb": "微博",
                    "tieba": "其他", "zhihu": "其他"}
# MediaCrawler SQLite creator tables (database/models.py before 2026-07)
SQLITE_CREATORS = {"dy_creator": "抖音", "xhs_creator": "小红书", "weibo_creator": "微博",
                   "bilibili_up_info": "哔哩哔哩", "kuaishou_creator": "快手"}
SQLITE_CONTENTS = {"douyin_aweme": "抖音", "xhs_note": "小红书", "weibo_note": "微博",
                   "bilibili_video": "哔哩哔哩", "kuaishou_video": "快手"}
_MAX_POST_FILES = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


def timestamp(value: object) -> str | None:
    """Unix seconds or milliseconds, or a date text -> "YYYY-MM-DD HH:MM:SS" (China time)."""
    from reconcile.normalize import parse_date
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    s = str(value).strip()
    if re.fullmatch(r"\d{9,13}(\.\d+)?", s):
        number = float(s)
        if number > 1e11:
            number /= 1000
        return dt.datetime.fromtimestamp(number, _CST).strftime("%Y-%m-%d %H:%M:%S")
    try:  # Weibo's API form: "Sun Nov 22 17:00:00 +0800 2026"
        when = dt.datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y").astimezone(_CST).replace(tzinfo=None)
    except ValueError:
        when = parse_date(s.replace("T", " "))
    return when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else None


def _newer(newest: dict[str, str], key: object, when: str | None) -> None:
    k = str(key).strip().rstrip("\t").strip() if key is not None else ""
    if k and when and when > newest.get(k, ""):
        newest[k] = when


# --- MediaCrawler ---------------------------------------------------------------------------

def folder_platform(path: Path) -> str | None:
    """The platform of the nearest MediaCrawler platform folder above ``path``."""
    for part in reversed(path.parent.parts):
        if part.lower() in FOLDER_PLATFORMS:
            return FOLDER_PLATFORMS[part.lower()]
    return None


def hashed(uid: object) -> str | None:
    """MediaCrawler's tools/user_hash.anonymize_user_id."""
    s = str(uid).strip() if uid is not None else ""
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:16] if s else None


def resolve_hashed_ids(crawled: pd.DataFrame, registry_ids: Iterable[str]) -> pd.DataFrame:
    """``crawled`` with each ``sha256:<hash>`` account_id replaced by the registry id whose hash it
    is (a copy; unchanged when there is none)."""
    ids = crawled["account_id"]
    mask = ids.astype("string").str.startswith(HASH_PREFIX).fillna(False).to_numpy()
    if not mask.any():
        return crawled
    table = {hashed(i): i for i in set(registry_ids) if i}
    out = crawled.copy()
    out.loc[mask, "account_id"] = [table.get(str(v)[len(HASH_PREFIX):], v) for v in ids[mask]]
    return out


def sqlite_tables(path: Path) -> dict[str, list[Record]]:
    """Every table of a SQLite file as records (read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        con.row_factory = sqlite3.Row
        names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        return {n: [dict(r) for r in con.execute(f'select * from "{n}"')] for n in names}
    finally:
        con.close()


def xlsx_sheets(path: Path) -> dict[str, list[Record]]:
    """Every sheet of a machine-written workbook (header on row 1) as records."""
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out: dict[str, list[Record]] = {}
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if not header:
                out[ws.title] = []
                continue
            keys = [str(h).strip() if h is not None else "" for h in header]
            out[ws.title] = [dict(zip(keys, r, strict=False)) for r in rows
                             if any(c not in (None, "") for c in r)]
        return out
    finally:
        wb.close()


# --- post files beside an account file ----------------------------------------------------------

def weibo_posts(users_csv: Path, users: Iterable[tuple[str, str]]) -> dict[str, str]:
    """uid -> newest post of weibo-crawler's per-user files ``<dir>/<昵称|uid>/<uid>.csv|json``."""
    newest: dict[str, str] = {}
    base = users_csv.parent
    for uid, name in users:
        for folder in {name, uid} - {""}:
            for ext in ("csv", "json"):
                p = base / folder / f"{uid}.{ext}"
                if not p.is_file():
                    continue
                try:
                    if ext == "csv":
                        frame = pd.read_csv(p, dtype=str, encoding="utf-8-sig", usecols=lambda c: c == "日期")
                        times = frame["日期"].dropna().tolist() if "日期" in frame else []
                    else:
                        doc = json.loads(p.read_text(encoding="utf-8"))
                        times = [w.get("created_at") for w in doc.get("weibo", []) if isinstance(w, dict)]
                except (OSError, ValueError, UnicodeError, AttributeError, pd.errors.ParserError):
                    continue
                for t in times:
                    _newer(newest, uid, timestamp(t))
    return newest


def exporter_articles(accounts_json: Path) -> dict[str, str]:
    """fakeid and account name -> newest 发布时间 of wechat-article-exporter's article exports
    (``微信公众号文章*.xlsx`` 公众号/发布时间, ``微信公众号文章*.json`` fakeid/_accountName/update_time)."""
    newest: dict[str, str] = {}
    for p in sorted(accounts_json.parent.glob("微信公众号文章*")):
        try:
            if p.suffix.lower() == ".xlsx":
                for records in xlsx_sheets(p).values():
                    for r in records:
                        _newer(newest, r.get("公众号"), timestamp(r.get("发布时间")))
            elif p.suffix.lower() == ".json":
                doc = json.loads(p.read_text(encoding="utf-8"))
                for r in doc if isinstance(doc, list) else []:
                    if isinstance(r, dict):
                        when = timestamp(r.get("update_time") or r.get("create_time"))
                        _newer(newest, r.get("fakeid"), when)
                        _newer(newest, r.get("_accountName"), when)
        except (OSError, ValueError, UnicodeError, KeyError):
            continue
    return newest


def we_mp_rss_articles(list_file: Path) -> dict[str, str]:
    """feed id (公众号列表.csv ``id``) -> newest ``articles.publish_time`` of we-mp-rss's db.db
    beside the list, in its ``data/`` folder or the parent's."""
    newest: dict[str, str] = {}
    for db in (list_file.parent / "db.db", list_file.parent / "data" / "db.db", list_file.parent.parent / "data" / "db.db"):
        if not db.is_file():
            continue
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                rows = con.execute("select mp_id, max(publish_time) from articles group by mp_id").fetchall()
            finally:
                con.close()
        except sqlite3.Error:
            continue
        for mp_id, when in rows:
            _newer(newest, mp_id, timestamp(when))
        break
    return newest


def douk_works(user_file: Path, read: Callable[[Path], list[Record] | None]) -> dict[str, str]:
    """UID / SEC_UID / 抖音号 -> newest 发布时间 of DouK-Downloader's works tables beside UserData."""
    newest: dict[str, str] = {}
    files = [p for p in sorted(user_file.parent.iterdir())[:_MAX_POST_FILES]
             if p.is_file() and p != user_file and p.suffix.lower() in (".csv", ".xlsx", ".db")]
    for p in files:
        try:   # a works database or workbook holds one table/sheet per account
            tables = (sqlite_tables(p).values() if p.suffix.lower() == ".db" else
                      xlsx_sheets(p).values() if p.suffix.lower() == ".xlsx" else [read(p) or []])
        except Exception:   # noqa: BLE001 - a file beside UserData that is not a works table
            continue
        for r in (r for records in tables for r in records):
            when = timestamp(r.get("发布时间") or r.get("create_time"))
            if when is None:
                continue
            for key in ("UID", "SEC_UID", "ID", "uid", "sec_uid", "unique_id"):
                _newer(newest, r.get(key), when)
    return newest
