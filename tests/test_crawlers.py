"""Crawled lists in real crawler formats (tests/data/crawlers/, written from each project's field
lists), several crawled files in one run, and ``reconcile inspect``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from reconcile.errors import InputError
from reconcile.normalize import normalize_frame
from reconcile.sources.discover import discover_inputs
from reconcile.sources.formats import detect_format, load_crawled, read_table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "crawlers"
SAMPLE = ROOT / "sample_data"
_CST = dt.timezone(dt.timedelta(hours=8))


def _cst(stamp: int) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.fromtimestamp(stamp, _CST).replace(tzinfo=None))


def _load(name: str, fmt: str | None = None) -> tuple[str, pd.DataFrame]:
    loaded = load_crawled(DATA / name, fmt=fmt)
    return loaded.crawler or "", normalize_frame(loaded.frame).set_index("name")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reconcile", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"COLUMNS": "200", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"})


def test_weibo_crawler_users_csv() -> None:
    crawler, f = _load("users.csv")
    assert crawler == "weibo-crawler"
    assert set(f["platform"]) == {"微博"}
    assert f.loc["咸宁发布", "verified_kind"] == "government"            # 认证类型 3
    assert f.loc["小王爱生活", "verified_kind"] == "none"                  # -1 / 是否认证 False
    assert f.loc["某某科技有限公司", "verified_kind"] == "enterprise"       # 2
    assert f.loc["咸宁发布", "owner"] == "咸宁市人民政府新闻办公室"         # 官方微博 stripped
    assert f.loc["平安通山", "owner"] == "通山县公安局"
    assert pd.isna(f.loc["小王爱生活", "owner"])
    assert f.loc["平安通山", "last_post_at"] == pd.Timestamp("2026-04-02")  # "<weibo_id> <date>"
    assert f.loc["咸宁发布", "followers"] == 356000                        # "35.6万"
    assert f.loc["咸宁发布", "account_id"] == "2803301701"
    assert list(f["row"]) == [2, 3, 4, 5]


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


def test_wechat_article_exporter_accounts() -> None:
    crawler, f = _load("公众号.json")
    assert crawler == "wechat-article-exporter"
    assert f.loc["咸宁发布", "last_post_at"] == _cst(1790500000)   # newest article, not update_time
    assert pd.isna(f.loc["通山税务", "last_post_at"])              # no articles: unknown
    assert f.loc["通山税务", "account_type"] == "服务号"


def test_we_mp_rss_list() -> None:
    crawler, f = _load("公众号列表.csv")
    assert crawler == "we-mp-rss"
    assert set(f["platform"]) == {"微信公众号"}
    assert f.loc["通山税务", "last_post_at"] == _cst(1780000000)
    assert list(f["row"]) == [2, 3]


def test_mediacrawler_creators_with_contents() -> None:
    crawler, f = _load("dy_creators_2026-10-01.csv")
    assert crawler == "mediacrawler"
    assert set(f["platform"]) == {"抖音"}
    assert f.loc["咸宁发布", "followers"] == 123000                       # "12.3万" as text
    assert f.loc["咸宁发布", "last_post_at"] == _cst(1790100000)          # newest of two, by sec_uid
    assert f.loc["平安通山", "last_post_at"] == _cst(1775000000)
    crawler, x = _load("xhs_creators_2026-10-01.json")
    assert crawler == "mediacrawler" and set(x["platform"]) == {"小红书"}
    assert pd.isna(x.loc["咸宁文旅", "last_post_at"])                      # no xhs contents beside it


def test_detection_by_headers_not_file_name(tmp_path: Path) -> None:
    for src, dst, fmt in (("users.csv", "crawled_a.csv", "weibo-crawler"),
                          ("wechat_searchbiz.json", "crawled_b.json", "searchbiz"),
                          ("公众号列表.csv", "crawled_c.csv", "we-mp-rss")):
        shutil.copy(DATA / src, tmp_path / dst)
        table = read_table(tmp_path / dst)
        assert table is not None
        assert detect_format(table[0], tmp_path / dst, table[5]) == fmt
    assert load_crawled(SAMPLE / "crawled.csv").crawler == "generic"


def test_forced_format_and_bad_format(tmp_path: Path) -> None:
    generic = load_crawled(DATA / "users.csv", fmt="generic")
    assert generic.crawler == "generic"
    # read by the generic aliases: 认证信息 is kept as text, no owner derived from it
    assert generic.frame["owner"].isna().all()
    with pytest.raises(InputError, match="未知的采集格式"):
        load_crawled(DATA / "users.csv", fmt="tiktok")
    (tmp_path / "x_creators.csv").write_text("user_id,nickname,fans\n1,甲,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="平台"):
        load_crawled(tmp_path / "x_creators.csv")


def test_discovery_takes_every_crawled_file(tmp_path: Path) -> None:
    for name in ("national.xlsx", "provincial.xlsx", "crawled.csv", "crawled_dy_creators.csv",
                 "crawled_dy_contents.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover_inputs(tmp_path)
    assert found["crawled"] == (tmp_path / "crawled.csv", tmp_path / "crawled_dy_creators.csv")


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict, Path]:
    folder = tmp_path_factory.mktemp("mixed")
    for name in ("national.xlsx", "provincial.xlsx", "crawled.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    shutil.copy(DATA / "users.csv", folder / "crawled_weibo_users.csv")
    shutil.copy(DATA / "dy_creators_2026-10-01.csv", folder / "crawled_dy_creators_2026-10-01.csv")
    shutil.copy(DATA / "dy_contents_2026-10-01.jsonl", folder / "crawled_dy_contents_2026-10-01.jsonl")
    proc = cli("run", str(folder), "--out", str(folder / "r.xlsx"), "--json", str(folder / "r.json"),
               "--no-db", "--exit-zero", "--checkpoint", "2026-10-10")
    return proc, json.loads((folder / "r.json").read_text(encoding="utf-8")), folder


def test_mixed_run_reads_every_file(mixed_run) -> None:
    proc, result, _ = mixed_run
    assert proc.returncode == 0, proc.stderr
    crawled = [i for i in result["run"]["inputs"] if i["source"] == "crawled"]
    assert [Path(i["path"]).name for i in crawled] == [
        "crawled.csv", "crawled_dy_creators_2026-10-01.csv", "crawled_weibo_users.csv"]
    assert [i["rows"] for i in crawled][1:] == [2, 4]


def test_mixed_run_records_name_their_file_and_row(mixed_run) -> None:
    _, result, _ = mixed_run
    fixtures = {"crawled_weibo_users.csv": DATA / "users.csv",
                "crawled_dy_creators_2026-10-01.csv": DATA / "dy_creators_2026-10-01.csv"}
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
               "--crawled", str(DATA / "users.csv"), "--json", str(tmp_path / "r.json"),
               "--out", str(tmp_path / "r.xlsx"), "--no-db", "--exit-zero", "--checkpoint", "2026-10-10")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    refs = [r for f in result["findings"] for r in f["records"]]
    assert refs and all(set(r) == {"source", "row"} for r in refs)
    assert any(r["source"] == "crawled" for r in refs)


def test_inspect_weibo_fixture() -> None:
    proc = cli("inspect", str(DATA / "users.csv"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "weibo-crawler" in out and "utf-8-sig" in out and "平台采集" in out
    assert "上次记录微博信息" in out and "最近发布时间" in out
    ignored = next(line for line in out.splitlines() if line.startswith("未使用的列"))
    assert "高清头像" in ignored and "昵称" not in ignored
    assert "前 4 行" in out and "咸宁市人民政府新闻办公室" in out and "政府机构认证" in out
    assert any(line.split()[:2] == ["微博", "4"] for line in out.splitlines())


def test_inspect_registry_sheet_and_errors(tmp_path: Path) -> None:
    proc = cli("inspect", str(SAMPLE / "national.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert "工作表" in proc.stdout and "表头行" in proc.stdout and "全国系统" in proc.stdout
    assert "前 5 行" in proc.stdout
    proc = cli("inspect", str(tmp_path / "nope.csv"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = cli("inspect", str(DATA / "users.csv"), "--source", "bogus")
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
