"""Crawled lists in real crawler formats (tests/data/crawlers/, written from each project's field
lists), several crawled files in one run, and ``reconcile inspect``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from reconcile.errors import InputError
from reconcile.frame import normalize_frame
from reconcile.sources.discover import discover_inputs
from reconcile.sources.formats import detect_format, load_crawled, read_table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "crawlers"
SAMPLE = ROOT / "sample_data"
WEIBO = DATA / "weibo-crawler" / "2026-06" / "weibo"
MC = DATA / "mediacrawler"
REGISTRY = DATA / "registry.csv"
T_NEW, T_OLD = 1790000000, 1780000000
_CST = dt.timezone(dt.timedelta(hours=8))


def _cst(stamp: int) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.fromtimestamp(stamp, _CST).replace(tzinfo=None))


def _load(name: str, fmt: str | None = None) -> tuple[str, pd.DataFrame]:
    loaded = load_crawled(DATA / name, fmt=fmt)
    return loaded.crawler or "", normalize_frame(loaded.frame).set_index("name")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reconcile", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"COLUMNS": "200", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


def test_searchbiz_json() -> None:
    crawler, f = _load("wechat_searchbiz.json")
    assert crawler == "searchbiz"
    assert set(f["platform"]) == {"微信公众号"}
    assert f.loc["咸宁发布", "account_type"] == "订阅号"   # service_type 1
    assert f.loc["通山税务", "account_type"] == "服务号"   # service_type 2
    assert f.loc["咸宁美食汇", "account_type"] == "订阅号"  # service_type 0
    assert f.loc["咸宁发布", "verified_kind"] == "government"
    assert f.loc["咸宁美食汇", "verified_kind"] == "none"   # verify_status 0, not Weibo's numbering
    assert f.loc["通山税务", "owner"] == "国家税务总局通山县税务局"
    assert f.loc["咸宁发布", "account_id"] == "xianningfabu"      # alias (微信号) first
    assert f.loc["通山税务", "account_id"] == "mzi0nty3odkwmq=="  # no alias: fakeid
    assert f["last_post_at"].isna().all()


def test_detection_by_headers_not_file_name(tmp_path: Path) -> None:
    for src, dst, fmt in ((WEIBO / "users.csv", "crawled_a.csv", "weibo-crawler"),
                          (DATA / "wechat_searchbiz.json", "crawled_b.json", "searchbiz"),
                          (DATA / "we-mp-rss/1.4/公众号列表.csv", "crawled_c.csv", "we-mp-rss"),
                          (DATA / "douk-downloader/2026-08/Data/UserData.csv", "crawled_d.csv", "douk")):
        shutil.copy(src, tmp_path / dst)
        table = read_table(tmp_path / dst)
        assert table is not None
        assert detect_format(table[0], tmp_path / dst, table[5]) == fmt
    assert load_crawled(SAMPLE / "crawled.csv").crawler == "generic"


def test_forced_format_and_bad_format(tmp_path: Path) -> None:
    generic = load_crawled(WEIBO / "users.csv", fmt="generic")
    assert generic.crawler == "generic"
    # read by the generic aliases: 认证信息 is kept as text, no owner derived from it
    assert generic.frame["owner"].isna().all()
    with pytest.raises(InputError, match="未知的采集格式"):
        load_crawled(WEIBO / "users.csv", fmt="tiktok")
    (tmp_path / "x_creators.csv").write_text("user_id,nickname,fans\n1,甲,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="平台"):
        load_crawled(tmp_path / "x_creators.csv")


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict, Path]:
    folder = tmp_path_factory.mktemp("mixed")
    for name in ("national.xlsx", "provincial.xlsx", "crawled.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    shutil.copy(WEIBO / "users.csv", folder / "crawled_weibo_users.csv")
    old = MC / "2025-08/data/douyin"
    shutil.copy(old / "1_creator_creator_2025-08-20.csv", folder / "crawled_dy_creators_2026-10-01.csv")
    shutil.copy(old / "1_creator_contents_2025-08-20.csv", folder / "crawled_dy_contents_2026-10-01.csv")
    proc = cli("run", str(folder), "--out", str(folder / "r.xlsx"), "--json", str(folder / "r.json"),
               "--no-db", "--exit-zero", "--checkpoint", "2026-10-10")
    return proc, json.loads((folder / "r.json").read_text(encoding="utf-8")), folder


def test_mixed_run_reads_every_file(mixed_run) -> None:
    proc, result, _ = mixed_run
    assert proc.returncode == 0, proc.stderr
    crawled = [i for i in result["run"]["inputs"] if i["source"] == "crawled"]
    assert [Path(i["path"]).name for i in crawled] == [
        "crawled.csv", "crawled_dy_creators_2026-10-01.csv", "crawled_weibo_users.csv"]
    assert [i["rows"] for i in crawled][1:] == [2, 3]


def test_mixed_run_records_name_their_file_and_row(mixed_run) -> None:
    _, result, _ = mixed_run
    fixtures = {"crawled_weibo_users.csv": WEIBO / "users.csv",
                "crawled_dy_creators_2026-10-01.csv": MC / "2025-08/data/douyin/1_creator_creator_2025-08-20.csv"}
    seen = set()
    for finding in result["findings"]:
        for ref in finding["records"]:
            if ref["source"] != "crawled":
                assert "file" not in ref
                continue
            assert ref["file"] in {"crawled.csv", *fixtures}
            if ref["file"] in fixtures:
                line = fixtures[ref["file"]].read_text(encoding="utf-8-sig").splitlines()[ref["row"] - 1]
                assert finding["name"] in line or (finding.get("owner") or "") in line
                seen.add((ref["file"], ref["row"]))
    # the two official Weibo accounts nobody filed are found in the weibo file, rows 2 and 3
    assert {("crawled_weibo_users.csv", 2), ("crawled_weibo_users.csv", 3)} <= seen


def test_single_crawled_file_keeps_the_contract(tmp_path: Path) -> None:
    proc = cli("run", "--national", str(SAMPLE / "national.xlsx"), "--provincial", str(SAMPLE / "provincial.xlsx"),
               "--crawled", str(WEIBO / "users.csv"), "--json", str(tmp_path / "r.json"),
               "--out", str(tmp_path / "r.xlsx"), "--no-db", "--exit-zero", "--checkpoint", "2026-10-10")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    refs = [r for f in result["findings"] for r in f["records"]]
    assert refs and all(set(r) == {"source", "row"} for r in refs)
    assert any(r["source"] == "crawled" for r in refs)


def test_discovery_takes_every_crawled_file(tmp_path: Path) -> None:
    for name in ("national.xlsx", "provincial.xlsx", "crawled.csv", "crawled_dy_creators.csv",
                 "crawled_dy_contents.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover_inputs(tmp_path)
    assert found["crawled"] == (tmp_path / "crawled.csv", tmp_path / "crawled_dy_creators.csv")


def test_inspect_registry_sheet_and_errors(tmp_path: Path) -> None:
    proc = cli("inspect", str(SAMPLE / "national.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert "工作表" in proc.stdout and "表头行" in proc.stdout and "全国系统" in proc.stdout
    assert "前 5 行" in proc.stdout
    proc = cli("inspect", str(tmp_path / "nope.csv"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = cli("inspect", str(WEIBO / "users.csv"), "--source", "bogus")
    assert proc.returncode == 2 and "未知的数据来源" in proc.stderr


def test_input_formats_doc_lists_every_alias_and_format() -> None:
    from reconcile.sources.aliases import ALIASES
    from reconcile.sources.formats import CRAWLER_FORMATS

    doc = (ROOT / "docs" / "input-formats.md").read_text(encoding="utf-8")
    missing = [a for table in ALIASES.values() for names in table.values() for a in names if a not in doc]
    assert not missing
    assert all(f"`{name}`" in doc for name in CRAWLER_FORMATS)


def test_mediacrawler_content_time_forms(tmp_path: Path) -> None:
    creators = [{"user_id": "7001", "nickname": "咸宁交警", "fans": "2.5万"},
                {"user_id": "7002", "nickname": "通山发布", "fans": "900"}]
    (tmp_path / "wb_creators_2026.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in creators) + "\n", encoding="utf-8")
    (tmp_path / "wb_contents_2026.csv").write_text(
        "note_id,user_id,create_time,create_date_time\n"
        "1,7001,Sun Sep 20 08:30:00 +0800 2026,\n"
        "2,7001,1780000000000,\n"            # milliseconds, older
        "3,7002,,2026-08-01 12:00:00\n"      # first time key empty: the next one counts
        "4,9999,1790000000,\n", encoding="utf-8")
    loaded = load_crawled(tmp_path / "wb_creators_2026.jsonl")
    f = normalize_frame(loaded.frame).set_index("name")
    assert loaded.crawler == "mediacrawler" and set(f["platform"]) == {"微博"}
    assert f.loc["咸宁交警", "last_post_at"] == pd.Timestamp("2026-09-20 08:30:00")
    assert f.loc["通山发布", "last_post_at"] == pd.Timestamp("2026-08-01 12:00:00")
    assert list(f["row"]) == [1, 2]   # JSONL line numbers
    assert any("wb_contents_2026.csv" in w for w in loaded.warnings)
    # a generic list with a platform column and MediaCrawler-like keys stays generic
    (tmp_path / "crawled.csv").write_text("platform,user_id,nickname,fans\n抖音,1,甲,3\n", encoding="utf-8")
    assert load_crawled(tmp_path / "crawled.csv").crawler == "generic"


# --- every crawler version, from files built like the crawlers' own writers (README.md) ----------

def _file(rel: str) -> tuple[str, pd.DataFrame, tuple[str, ...]]:
    loaded = load_crawled(DATA / rel)
    return loaded.crawler or "", normalize_frame(loaded.frame).set_index("name"), loaded.warnings


def test_weibo_crawler_2026_06_posts_from_per_user_files() -> None:
    crawler, f, warnings = _file("weibo-crawler/2026-06/weibo/users.csv")
    assert crawler == "weibo-crawler" and set(f["platform"]) == {"微博"}
    assert f.loc["咸宁发布", "verified_kind"] == "government"            # verified_type 1
    assert f.loc["小王爱生活", "verified_kind"] == "none"
    assert f.loc["咸宁发布", "owner"] == "咸宁市人民政府新闻办公室"
    # 上次记录微博信息 is empty in overwrite mode: <昵称>/<uid>.csv (日期 …T…) and <uid>.json
    assert f.loc["咸宁发布", "last_post_at"] == pd.Timestamp("2026-09-20 08:30:00")
    assert f.loc["平安通山", "last_post_at"] == pd.Timestamp("2026-04-02 09:15:00")
    assert pd.isna(f.loc["小王爱生活", "last_post_at"])
    assert f.loc["咸宁发布", "followers"] == 356000 and f.loc["咸宁发布", "account_id"] == "2803301701"
    assert any("取得 2 个账号的最近发布时间" in w for w in warnings)


def test_weibo_crawler_old_22_columns_with_23_cell_rows_warns() -> None:
    crawler, f, warnings = _file("weibo-crawler/2025-11-mixed/weibo/users.csv")
    assert crawler == "weibo-crawler"
    assert f.loc["平安通山", "followers"] == 12034        # not 微博数 (5321), as a shifted read gives
    assert f.loc["平安通山", "owner"] == "通山县公安局"
    assert f.loc["咸宁发布", "followers"] == 356000       # the old 22-cell row
    assert f.loc["平安通山", "last_post_at"] == pd.Timestamp("2026-04-02")
    assert sum("22 列" in w for w in warnings) == 1


@pytest.mark.parametrize("rel, platform, followers", [
    ("mediacrawler/2025-08/data/douyin/1_creator_creator_2025-08-20.csv", "抖音", 123000),
    ("mediacrawler/2026-02/data/douyin/json/creator_creators_2026-02-10.json", "抖音", 123000),
    ("mediacrawler/2025-12-excel/data/douyin/douyin_creator_20251201_120000.xlsx", "抖音", 123000),
    ("mediacrawler/2026-01-sqlite/database/sqlite_tables.db", "抖音", 123000),
])
def test_mediacrawler_douyin_versions(rel: str, platform: str, followers: int) -> None:
    crawler, f, warnings = _file(rel)
    assert crawler == "mediacrawler"
    dy = f[f["platform"] == platform]
    assert dy.loc["咸宁发布", "followers"] == followers
    assert dy.loc["咸宁发布", "account_id"] == "xnfb2018"          # user_unique_id of its contents, not sec_uid
    assert dy.loc["咸宁发布", "last_post_at"] == _cst(T_NEW)      # from the contents, seconds
    assert sum("不提供" in w for w in warnings) == 1


def test_mediacrawler_platform_folders_and_content_units() -> None:
    _, ks, _ = _file("mediacrawler/2026-02/data/kuaishou/json/creator_creators_2026-02-10.json")
    assert set(ks["platform"]) == {"快手"}                     # same file names as douyin's
    assert ks.loc["咸宁交警", "last_post_at"] == _cst(T_NEW)    # milliseconds
    _, xhs, _ = _file("mediacrawler/2026-05/data/xhs/jsonl/creator_creators_2026-05-10.jsonl")
    assert set(xhs["platform"]) == {"小红书"} and xhs.loc["咸宁文旅", "last_post_at"] == _cst(T_NEW)
    _, bili, warnings = _file("mediacrawler/2026-05/data/bili/csv/creator_creators_2026-05-10.csv")
    assert set(bili["platform"]) == {"哔哩哔哩"}
    assert bili.loc["咸宁发布", "followers"] == 4521                  # total_fans
    assert bili.loc["咸宁发布", "verified_kind"] == "institution"     # is_official 1
    assert bili.loc["咸宁发布", "last_post_at"] == _cst(T_NEW)        # its "videos" file
    assert not any("不提供" in w for w in warnings)


def test_mediacrawler_2026_07_creator_hash_contents() -> None:
    crawler, f, warnings = _file("mediacrawler/2026-08/data/kuaishou/jsonl/search_contents_2026-08-10.jsonl")
    assert crawler == "mediacrawler" and set(f["platform"]) == {"快手"}
    assert list(f.index) == ["咸***警", "通***布"]                     # one record per author
    digest = hashlib.sha256(b"3xk0010001").hexdigest()[:16]
    assert f.loc["咸***警", "account_id"] == f"sha256:{digest}"
    assert f.loc["咸***警", "last_post_at"] == _cst(T_NEW)
    assert any("creator_hash" in w for w in warnings)


def test_wechat_exporters_post_times_from_their_article_files() -> None:
    crawler, f, warnings = _file("wechat-article-exporter/2026-07/公众号.json")
    assert crawler == "wechat-article-exporter"
    assert f.loc["咸宁发布", "last_post_at"] == _cst(T_NEW)      # 微信公众号文章.xlsx 发布时间
    assert f.loc["通山税务", "last_post_at"] == _cst(T_OLD)      # 微信公众号文章.json update_time
    assert sum("不提供" in w for w in warnings) == 1
    crawler, f, warnings = _file("we-mp-rss/1.4/公众号列表.csv")
    assert crawler == "we-mp-rss" and set(f["platform"]) == {"微信公众号"}
    assert f.loc["咸宁发布", "last_post_at"] == _cst(T_NEW)      # db.db articles.publish_time
    assert f["account_id"].isna().all()          # faker_id is no id a registry files
    assert list(f["row"]) == [2, 3]


@pytest.mark.parametrize("rel", ["douk-downloader/2026-08/Data/UserData.csv", "douk-downloader/2026-08-db/Data/UserData.db",
                                 "douk-downloader/2026-08-xlsx/Data/UserData.xlsx"])
def test_douk_downloader_user_data(rel: str) -> None:
    crawler, f, _ = _file(rel)
    assert crawler == "douk" and set(f["platform"]) == {"抖音"}
    assert f.loc["咸宁发布", "account_id"] == "xnfb2018"
    assert f.loc["咸宁发布", "followers"] == 123000
    assert pd.isna(f.loc["平安通山", "followers"])                 # -1: unknown
    assert f.loc["咸宁发布", "owner"] == "咸宁市人民政府新闻办公室"
    assert f.loc["咸宁发布", "last_post_at"] == pd.Timestamp("2026-09-21 22:13:20")   # works' 发布时间


def test_unknown_sqlite_file_is_refused_by_name(tmp_path: Path) -> None:
    import sqlite3
    con = sqlite3.connect(tmp_path / "crawled.db")
    con.execute("create table t (a text)")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="SQLite 数据库中没有可识别的账号表"):
        load_crawled(tmp_path / "crawled.db")
    proc = cli("inspect", str(tmp_path / "crawled.db"))
    assert proc.returncode == 2 and "crawled.db" in proc.stderr and "Traceback" not in proc.stderr


def test_unplaced_mediacrawler_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x_creators.csv").write_text("user_id,nickname,fans\n1,甲,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="平台"):
        load_crawled(tmp_path / "x_creators.csv")


LINKED = [  # file, accounts of the registry it must link
    ("weibo-crawler/2026-06/weibo/users.csv", 2),
    ("weibo-crawler/2025-11-mixed/weibo/users.csv", 2),
    ("mediacrawler/2025-08/data/douyin/1_creator_creator_2025-08-20.csv", 2),
    ("mediacrawler/2026-02/data/douyin/json/creator_creators_2026-02-10.json", 2),
    ("mediacrawler/2026-02/data/kuaishou/json/creator_creators_2026-02-10.json", 2),
    ("mediacrawler/2026-05/data/xhs/jsonl/creator_creators_2026-05-10.jsonl", 1),
    ("mediacrawler/2026-05/data/bili/csv/creator_creators_2026-05-10.csv", 1),
    ("mediacrawler/2026-08/data/kuaishou/jsonl/search_contents_2026-08-10.jsonl", 2),
    ("mediacrawler/2026-08/data/weibo/jsonl/search_contents_2026-08-10.jsonl", 1),
    ("mediacrawler/2025-12-excel/data/douyin/douyin_creator_20251201_120000.xlsx", 2),
    ("mediacrawler/2026-01-sqlite/database/sqlite_tables.db", 3),
    ("wechat-article-exporter/2026-07/公众号.json", 2),
    ("we-mp-rss/1.4/公众号列表.csv", 2),
    ("douk-downloader/2026-08/Data/UserData.csv", 2),
    ("douk-downloader/2026-08-db/Data/UserData.db", 2),
    ("douk-downloader/2026-08-xlsx/Data/UserData.xlsx", 2),
]


@pytest.mark.parametrize("rel, expected", LINKED)
def test_each_crawler_version_links_to_the_registry(rel: str, expected: int, tmp_path: Path) -> None:
    proc = cli("run", "--national", str(REGISTRY), "--provincial", str(REGISTRY), "--crawled", str(DATA / rel),
               "--json", str(tmp_path / "r.json"), "--out", str(tmp_path / "r.xlsx"), "--no-db", "--exit-zero",
               "--checkpoint", "2026-10-10")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    linked = {link["national_row"] for link in result["links"] if link["crawled_row"] is not None}
    assert len(linked) == expected


def test_discovery_takes_lone_contents_files(tmp_path: Path) -> None:
    for name in ("national.xlsx", "provincial.xlsx", "crawled_ks_contents.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert discover_inputs(tmp_path)["crawled"] == tmp_path / "crawled_ks_contents.jsonl"


def test_inspect_weibo_fixture() -> None:
    proc = cli("inspect", str(WEIBO / "users.csv"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "weibo-crawler" in out and "utf-8-sig" in out and "平台采集" in out
    assert "上次记录微博信息" in out and "最近发布时间" in out
    assert "咸宁市人民政府新闻办公室" in out and "政府机构认证" in out
