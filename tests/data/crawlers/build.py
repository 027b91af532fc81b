"""Rebuild the crawler fixtures in this folder (``python tests/data/crawlers/build.py``).

Each writer below follows the crawler's own writer code (see README.md for repository, path
and commit); the accounts are synthetic 咸宁 government accounts, filed in ``registry.csv``."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
T_NEW = 1790000000      # 2026-09-21 22:13:20 +08:00
T_OLD = 1780000000      # 2026-05-29 04:26:40 +08:00


def sha16(uid: object) -> str:       # MediaCrawler tools/user_hash.anonymize_user_id
    return hashlib.sha256(str(uid).strip().encode("utf-8")).hexdigest()[:16]


def mask(name: str) -> str:          # MediaCrawler tools/user_hash.mask_nickname
    return "*" if len(name) <= 1 else name[0] + "*" if len(name) == 2 else name[0] + "***" + name[-1]


def dict_csv(path: Path, rows: list[dict]) -> None:   # csv.DictWriter, utf-8-sig (async_file_writer.write_to_csv)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def rows_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def json_list(path: Path, rows: list[dict]) -> None:   # write_single_item_to_json: a list, indent=4
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=4), encoding="utf-8")


# --- weibo-crawler weibo.py user_to_csv / get_result_headers / write_csv / write_json -------------
WEIBO_USER_HEADER = ["用户id", "昵称", "性别", "生日", "所在地", "IP属地", "学习经历", "公司", "注册时间", "阳光信用",
                     "微博数", "粉丝数", "关注数", "简介", "主页", "头像", "高清头像", "微博等级", "会员等级",
                     "是否认证", "认证类型", "认证信息", "上次记录微博信息"]
WEIBO_USERS = [
    ["2803301701", "咸宁发布", "m", "", "湖北 咸宁", "IP属地：湖北", "", "", "2011-06-01", "信用极好", 12034, 356000,
     210, "咸宁市人民政府新闻办公室官方微博", "https://weibo.com/u/2803301701", "", "", 48, 0, True, 1,
     "咸宁市人民政府新闻办公室官方微博", ""],
    ["1912345678", "平安通山", "m", "", "湖北 咸宁", "IP属地：湖北", "", "", "2012-03-11", "信用很好", 5321, 12034, 98,
     "通山县公安局", "https://weibo.com/u/1912345678", "", "", 30, 0, True, 1, "通山县公安局官方微博", ""],
    ["6123456789", "小王爱生活", "f", "1990-01-01", "其他", "IP属地：广东", "", "", "2019-05-05", "信用较好", 88, 1200,
     300, "", "https://weibo.com/u/6123456789", "", "", 5, 0, False, -1, "", ""],
]
WEIBO_POST_HEADER = ["id", "bid", "正文", "头条文章url", "原始图片url", "视频url", "Live Photo视频url", "位置", "日期",
                     "工具", "点赞数", "评论数", "转发数", "话题", "@用户", "完整日期", "是否编辑过", "编辑次数"]


def weibo() -> None:
    base = HERE / "weibo-crawler" / "2026-06" / "weibo"
    rows_csv(base / "users.csv", WEIBO_USER_HEADER, WEIBO_USERS)
    posts = {"2803301701": ["2026-09-20T08:30:00", "2026-09-01T10:00:00"], "1912345678": ["2026-04-02T09:15:00"]}
    for uid, name in (("2803301701", "咸宁发布"), ("1912345678", "平安通山")):
        rows = [[f"50{i}{uid}\t", f"Nx{i}", "正文", "", "", "", "", "", d, "微博 weibo.com", 1, 0, 0, "", "", d, False, 0]
                for i, d in enumerate(posts[uid])]
        if uid == "2803301701":
            rows_csv(base / name / f"{uid}.csv", WEIBO_POST_HEADER, rows)
        else:   # the json twin only: {"user": …, "weibo": [{id, created_at, …}]}
            doc = {"user": {"id": uid, "screen_name": name},
                   "weibo": [{"id": int(r[0].strip()), "bid": r[1], "text": "正文", "created_at": r[8]} for r in rows]}
            (base / name).mkdir(parents=True, exist_ok=True)
            (base / name / f"{uid}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # before 2025-12-02 (commit d7668f5) users.csv had 22 columns (no IP属地); csvutil appends rows,
    # so a newer run adds 23-cell rows under the old header
    old = HERE / "weibo-crawler" / "2025-11-mixed" / "weibo" / "users.csv"
    header22 = [h for h in WEIBO_USER_HEADER if h != "IP属地"]
    first = [c for i, c in enumerate(WEIBO_USERS[0]) if i != 5]
    first[-1] = "5012345678901234 2025-11-20"
    rows_csv(old, header22, [first, WEIBO_USERS[1][:-1] + ["4987654321012345 2026-04-02"]])


# --- MediaCrawler ------------------------------------------------------------------------------
DY = [  # uid, sec_uid, 抖音号 (unique_id), nickname, owner text
    ("110001", "MS4wLjABAAAAxnfb01", "xnfb2018", "咸宁发布", "咸宁市人民政府新闻办公室"),
    ("110002", "MS4wLjABAAAApats02", "pats110", "平安通山", "通山县公安局"),
]


def dy_creator(uid, sec, unique, name, desc, fans):   # store/douyin save_creator (before 2026-07)
    return {"user_id": sec, "nickname": name, "gender": "Unknown", "avatar": "https://p3-pc.douyinpic.com/img/x",
            "desc": desc, "ip_location": "湖北", "follows": 12, "fans": fans, "interaction": 4560000,
            "videos_count": 321, "last_modify_ts": T_NEW * 1000}


def dy_aweme(n, uid, sec, unique, name, when, hashed=False):   # store/douyin update_douyin_aweme
    item = {"aweme_id": f"73000000000000000{n:02d}", "aweme_type": "0", "title": "x", "desc": "x",
            "create_time": when}
    if hashed:   # since 2026-07-01 (commit 9f4f8bf)
        item |= {"creator_hash": sha16(uid), "nickname": mask(name)}
    else:
        item |= {"user_id": uid, "sec_uid": sec, "short_user_id": "", "user_unique_id": unique,
                 "user_signature": "", "nickname": name, "avatar": ""}
    return item | {"liked_count": "12", "collected_count": "1", "comment_count": "0", "share_count": "0",
                   "ip_location": "湖北", "last_modify_ts": T_NEW * 1000,
                   "aweme_url": f"https://www.douyin.com/video/{n}", "source_keyword": ""}


KS = [("3xk0010001", "咸宁交警"), ("3xk0010002", "通山发布")]


def ks_video(n, uid, name, when_ms, hashed=False):   # store/kuaishou update_kuaishou_video
    item = {"video_id": f"3x{n:06d}", "video_type": "1", "title": "x", "desc": "x", "create_time": when_ms}
    item |= ({"creator_hash": sha16(uid), "nickname": mask(name)} if hashed
             else {"user_id": uid, "nickname": name, "avatar": ""})
    return item | {"liked_count": "3", "viewd_count": "100", "last_modify_ts": T_NEW * 1000,
                   "video_url": f"https://www.kuaishou.com/short-video/3x{n:06d}", "source_keyword": ""}


def _dy_creators() -> list[dict]:
    return [dy_creator(*a, fans=123000 if i == 0 else 8812) for i, a in enumerate(DY)]


def mediacrawler() -> None:
    mc = HERE / "mediacrawler"
    # before 2025-09 (commit b9d30bb, store/douyin/douyin_store_impl.py): data/douyin/{n}_{type}_{item}_{date}.csv
    old = mc / "2025-08" / "data" / "douyin"
    dict_csv(old / "1_creator_creator_2025-08-20.csv", _dy_creators())
    dict_csv(old / "1_creator_contents_2025-08-20.csv",
             [dy_aweme(1, *DY[0][:4], T_NEW), dy_aweme(2, *DY[0][:4], T_OLD), dy_aweme(3, *DY[1][:4], T_OLD)])
    # 2025-09 … 2026-03: data/{platform}/json/{type}_{item}_{date}.json (tools/async_file_writer.py)
    js = mc / "2026-02" / "data"
    json_list(js / "douyin" / "json" / "creator_creators_2026-02-10.json", _dy_creators())
    json_list(js / "douyin" / "json" / "creator_contents_2026-02-10.json",
              [dy_aweme(1, *DY[0][:4], T_NEW), dy_aweme(3, *DY[1][:4], T_OLD)])
    # kuaishou shares douyin's file names; create_time in milliseconds
    json_list(js / "kuaishou" / "json" / "creator_creators_2026-02-10.json",
              [{"user_id": u, "nickname": n, "gender": "Male", "avatar": "", "desc": "", "ip_location": "",
                "follows": 1, "fans": 5000 + i, "interaction": 10, "last_modify_ts": T_NEW * 1000}
               for i, (u, n) in enumerate(KS)])
    json_list(js / "kuaishou" / "json" / "creator_contents_2026-02-10.json",
              [ks_video(1, *KS[0], T_NEW * 1000), ks_video(2, *KS[1], T_OLD * 1000)])
    # 2026-03 … 2026-06: jsonl default; bilibili up_info (total_fans, is_official) and its csv "videos"
    jl = mc / "2026-05" / "data"
    jsonl(jl / "xhs" / "jsonl" / "creator_creators_2026-05-10.jsonl",
          [{"user_id": "5f1a2b3c0000000001010101", "nickname": "咸宁文旅", "gender": None, "avatar": "", "desc": "",
            "ip_location": "湖北", "follows": 3, "fans": 20100, "interaction": 50000, "tag_list": "{}",
            "last_modify_ts": T_NEW * 1000}])
    jsonl(jl / "xhs" / "jsonl" / "creator_contents_2026-05-10.jsonl",
          [{"note_id": "66aa01", "type": "normal", "title": "x", "desc": "", "video_url": "", "time": T_NEW * 1000,
            "last_update_time": T_NEW * 1000, "user_id": "5f1a2b3c0000000001010101", "nickname": "咸宁文旅",
            "avatar": "", "liked_count": "1", "ip_location": "湖北", "last_modify_ts": T_NEW * 1000}])
    dict_csv(jl / "bili" / "csv" / "creator_creators_2026-05-10.csv",
             [{"user_id": "4001001", "nickname": "咸宁发布", "sex": "保密", "sign": "咸宁市人民政府新闻办公室",
               "avatar": "", "last_modify_ts": T_NEW * 1000, "total_fans": 4521, "total_liked": 1000,
               "user_rank": 5, "is_official": 1}])
    dict_csv(jl / "bili" / "csv" / "creator_videos_2026-05-10.csv",
             [{"video_id": "114001", "video_type": "video", "title": "x", "desc": "", "create_time": T_NEW,
               "user_id": "4001001", "nickname": "咸宁发布", "avatar": "", "liked_count": "1",
               "last_modify_ts": T_NEW * 1000, "video_url": "https://www.bilibili.com/video/av114001"}])
    # since 2026-07-01 (commit 9f4f8bf): no creator files; contents carry creator_hash + masked nickname
    hs = mc / "2026-08" / "data"
    jsonl(hs / "kuaishou" / "jsonl" / "search_contents_2026-08-10.jsonl",
          [ks_video(1, *KS[0], T_NEW * 1000, hashed=True), ks_video(2, *KS[0], T_OLD * 1000, hashed=True),
           ks_video(3, *KS[1], T_OLD * 1000, hashed=True)])
    jsonl(hs / "weibo" / "jsonl" / "search_contents_2026-08-10.jsonl",
          [{"note_id": "5012", "content": "x", "create_time": T_NEW, "create_date_time": "2026-09-21 22:13:20",
            "liked_count": "1", "comments_count": "0", "shared_count": "0", "last_modify_ts": T_NEW * 1000,
            "note_url": "https://m.weibo.cn/detail/5012", "ip_location": "湖北",
            "creator_hash": sha16("2803301701"), "nickname": mask("咸宁发布"), "source_keyword": ""}])
    # Excel store (store/excel_store_base.py, since 2025-11-28): data/{platform}/{platform}_{type}_{ts}.xlsx
    wb = Workbook()
    wb.remove(wb.active)
    contents = [dy_aweme(1, *DY[0][:4], T_NEW), dy_aweme(3, *DY[1][:4], T_OLD)]
    for title, rows in (("Contents", contents), ("Comments", []), ("Creators", _dy_creators())):
        ws = wb.create_sheet(title)
        if rows:
            ws.append(list(rows[0]))
            for r in rows:
                ws.append(list(r.values()))
    (mc / "2025-12-excel" / "data" / "douyin").mkdir(parents=True, exist_ok=True)
    wb.save(mc / "2025-12-excel" / "data" / "douyin" / "douyin_creator_20251201_120000.xlsx")
    # SQLite store (database/models.py before 2026-07): database/sqlite_tables.db
    db = mc / "2026-01-sqlite" / "database" / "sqlite_tables.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    con.execute("create table dy_creator (id integer primary key, user_id text, nickname text, gender text,"
                " avatar text, desc text, ip_location text, follows text, fans text, interaction text,"
                " videos_count integer, add_ts integer, last_modify_ts integer)")
    con.execute("create table weibo_creator (id integer primary key, user_id text, nickname text, gender text,"
                " avatar text, desc text, ip_location text, follows text, fans text, tag_list text,"
                " add_ts integer, last_modify_ts integer)")
    con.execute("create table douyin_aweme (id integer primary key, user_id text, sec_uid text,"
                " user_unique_id text, nickname text, aweme_id text, create_time integer)")
    for i, (uid, sec, unique, name, _) in enumerate(DY):
        con.execute("insert into dy_creator (user_id, nickname, fans, videos_count) values (?, ?, ?, ?)",
                    (sec, name, str(123000 if i == 0 else 8812), 321))
        con.execute("insert into douyin_aweme (user_id, sec_uid, user_unique_id, nickname, aweme_id, create_time)"
                    " values (?, ?, ?, ?, ?, ?)", (uid, sec, unique, name, f"73{i}", T_NEW if i == 0 else T_OLD))
    con.execute("insert into weibo_creator (user_id, nickname, fans) values ('1912345678', '平安通山', '12034')")
    con.commit()
    con.close()


# --- wechat-article-exporter (types/account.d.ts, pages/dashboard/account.vue, utils/exporter.ts) ----
def wechat() -> None:
    base = HERE / "wechat-article-exporter" / "2026-07"
    base.mkdir(parents=True, exist_ok=True)
    # store/v2/info.ts MpAccount: no service_type, alias or verification in it
    accounts = [{"fakeid": "MzA3NjE0ODI0MQ==", "completed": True, "count": 520, "articles": 512,
                 "nickname": "咸宁发布", "round_head_img": "http://a/0", "total_count": 520,
                 "create_time": 1700000000, "update_time": T_NEW + 500000, "last_update_time": T_NEW + 500000},
                {"fakeid": "MzI0NTY3ODkwMQ==", "completed": True, "count": 30, "articles": 30,
                 "nickname": "通山税务", "round_head_img": "http://b/0", "total_count": 30,
                 "create_time": 1700000000, "update_time": T_NEW + 500000, "last_update_time": T_NEW + 500000}]
    doc = {"version": "1.0", "usefor": "wechat-article-exporter", "accounts": accounts}
    (base / "公众号.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["公众号", "ID", "链接", "标题", "封面", "摘要", "创建时间", "发布时间", "阅读", "点赞", "分享", "喜欢",
               "留言", "作者", "是否原创", "文章类型", "所属合集", "文章内容"])
    ws.append(["咸宁发布", "2650001_1", "https://mp.weixin.qq.com/s/a", "t", "", "", T_NEW - 100, T_NEW, 0, 0, 0, 0,
               0, "", 1, 0, "", ""])
    wb.save(base / "微信公众号文章.xlsx")
    (base / "微信公众号文章.json").write_text(json.dumps(
        [{"aid": "2650002_1", "fakeid": "MzI0NTY3ODkwMQ==", "title": "t", "create_time": T_OLD - 100,
          "update_time": T_OLD, "_accountName": "通山税务"}], ensure_ascii=False), encoding="utf-8")


# --- we-mp-rss (core/models/feed.py, core/models/article.py; the 公众号列表.csv export) -------------
def we_mp_rss() -> None:
    base = HERE / "we-mp-rss" / "1.4"
    rows_csv(base / "公众号列表.csv", ["id", "公众号名称", "封面图", "简介", "状态", "创建时间", "faker_id"],
             [["MP_WXS_3076148241", "咸宁发布", "http://a/0", "咸宁市人民政府新闻办公室", 1, "2025-01-01 10:00:00",
               "MzA3NjE0ODI0MQ=="],
              ["MP_WXS_3245678901", "通山税务", "http://b/0", "", 1, "2025-01-01 10:00:00", "MzI0NTY3ODkwMQ=="]])
    db = base / "data" / "db.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    con.execute("create table feeds (id varchar(255) primary key, mp_name varchar(255), mp_cover varchar(255),"
                " mp_intro varchar(255), status integer, sync_time integer, update_time integer,"
                " created_at datetime, updated_at datetime, faker_id varchar(255))")
    con.execute("create table articles (id varchar(255) primary key, mp_id varchar(255), title varchar(500),"
                " pic_url varchar(500), url varchar(500), content text, description varchar(800), status integer,"
                " publish_time integer, created_at datetime, updated_at datetime, is_export integer)")
    con.executemany("insert into articles (id, mp_id, title, publish_time) values (?, ?, ?, ?)",
                    [("a1", "MP_WXS_3076148241", "t", T_NEW), ("a2", "MP_WXS_3076148241", "t", T_OLD),
                     ("a3", "MP_WXS_3245678901", "t", T_OLD)])
    con.commit()
    con.close()


# --- DouK-Downloader / TikTokDownloader (src/storage/manager.py: user, detail) -----------------
DOUK_USER = ["采集时间", "昵称昵称", "账号链接", "账号签名", "抖音号", "年龄", "性别", "国家", "省份", "城市", "地区",
             "IP归属地", "标签", "企业", "SEC_UID", "UID", "SHORT_ID", "头像链接", "背景图链接", "作品数量",
             "获赞数量", "喜欢数量", "粉丝数量", "关注数量", "粉丝最大值"]
DOUK_DETAIL = ["作品类型", "采集时间", "UID", "SEC_UID", "ID", "SHORT_ID", "作品ID", "作品描述", "作品话题",
               "视频时长", "视频高度", "视频宽度", "作品链接", "发布时间", "视频URI", "账号昵称", "年龄", "账号签名"]


def douk() -> None:
    base = HERE / "douk-downloader" / "2026-08" / "Data"
    rows_csv(base / "UserData.csv", DOUK_USER, [
        ["2026-10-01 10:00:00", name, f"https://www.douyin.com/user/{sec}", "", unique, -1, "未知", "中国", "湖北",
         "咸宁", "", "湖北", "", f"{owner}官方账号", sec, uid, "", "", "", 321, 4560000, -1,
         123000 if i == 0 else -1, 12, 123000 if i == 0 else -1]
        for i, (uid, sec, unique, name, owner) in enumerate(DY)])
    rows_csv(base / "作品数据_咸宁发布.csv", DOUK_DETAIL, [
        ["视频", "2026-10-01 10:00:00", DY[0][0], DY[0][1], DY[0][2], "", "7300001", "x", "", "00:00:15", 1920,
         1080, "https://www.douyin.com/video/7300001", "2026-09-21 22:13:20", "", "咸宁发布", -1, ""]])


def douk_stores() -> None:
    """The same data in DouK's SQLite store (src/storage/sqlite.py: UserData.db, one table whose
    columns are the Chinese titles; works in DetailData.db, a table per account) and XLSX store."""
    src = HERE / "douk-downloader" / "2026-08" / "Data"
    with open(src / "UserData.csv", encoding="utf-8-sig") as f:
        users = list(csv.reader(f))
    with open(src / "作品数据_咸宁发布.csv", encoding="utf-8-sig") as f:
        works = list(csv.reader(f))
    db = HERE / "douk-downloader" / "2026-08-db" / "Data"
    db.mkdir(parents=True, exist_ok=True)
    for name, table, rows in (("UserData.db", "UserData", users), ("DetailData.db", "作品_xnfb2018", works)):
        con = sqlite3.connect(db / name)
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{h} TEXT' for h in rows[0])});")
        con.executemany(f"REPLACE INTO {table} ({', '.join(rows[0])}) VALUES ({', '.join('?' * len(rows[0]))});",
                        rows[1:])
        con.commit()
        con.close()
    xl = HERE / "douk-downloader" / "2026-08-xlsx" / "Data"
    xl.mkdir(parents=True, exist_ok=True)
    for name, rows in (("UserData.xlsx", users), ("作品数据_咸宁发布.xlsx", works)):
        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(xl / name)


if __name__ == "__main__":
    for d in ("weibo-crawler", "mediacrawler", "wechat-article-exporter", "we-mp-rss", "douk-downloader"):
        shutil.rmtree(HERE / d, ignore_errors=True)
    weibo()
    mediacrawler()
    wechat()
    we_mp_rss()
    douk()
    douk_stores()
