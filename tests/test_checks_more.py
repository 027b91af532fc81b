"""The finding kinds stale, zombie, cert_mismatch, personal_account, duplicate_on_platform and
name_inconsistent, each on a tiny fixture written to disk, with the expected findings beside it.

Registries are xlsx (header in row 1, first account in row 2); the crawl is a UTF-8 CSV whose
columns the test chooses (so a crawl without 最近发布时间 or 认证类型 can be tested). The checkpoint
is 2022-11-13 throughout.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl

from reconcile.config import Config
from reconcile.pipeline import Inputs, run
from reconcile.report.jsonout import result_to_dict

CHECKPOINT = dt.date(2022, 11, 13)
REG_HEADER = ["政务新媒体名称", "新媒体类型", "账号类型", "账号ID", "主办单位", "所属地区", "运营状态"]
CRAWL_FULL = ["账号名称", "平台", "账号类型", "账号ID", "认证主体", "认证类型", "账号状态", "最近发布时间"]

# (name, platform, type, id, owner, region) — registered identically in both registries
XNFB = ("咸宁发布", "微信公众号", "订阅号", "xnfb", "咸宁市人民政府办公室", "市直")
PAXN = ("平安咸宁", "微博", "", "1234567", "咸宁市公安局", "市直")
RECENT = "2022-11-10"


def _xlsx(path: Path, rows: list[tuple]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(REG_HEADER)
    for r in rows:
        ws.append([*r, "正常"])
    wb.save(path)


def run_case(tmp_path: Path, registered: list[tuple], crawled: list[tuple], header: list[str] = CRAWL_FULL,
             **config):
    """Write national.xlsx / provincial.xlsx (same rows) and crawled.csv; run the real pipeline."""
    _xlsx(tmp_path / "national.xlsx", registered)
    _xlsx(tmp_path / "provincial.xlsx", registered)
    with open(tmp_path / "crawled.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(crawled)
    inputs = Inputs(tmp_path / "national.xlsx", tmp_path / "provincial.xlsx", tmp_path / "crawled.csv")
    return run(Config(scope=("咸宁市",), checkpoint=CHECKPOINT, **config), inputs)


def crawl(reg: tuple, *, owner: str | None = None, cert: str = "政府机构认证", status: str = "正常",
          last: str = RECENT) -> tuple:
    name, platform, acc_type, acc_id, reg_owner, _region = reg
    return (name, platform, acc_type, acc_id, reg_owner if owner is None else owner, cert, status, last)


def kinds(result, *wanted: str) -> set[tuple[str, str | None, tuple]]:
    return {(f.kind, f.name, tuple((r.source, r.row) for r in f.records))
            for f in result.findings if f.kind in wanted}


ALL3 = (("national", 2), ("provincial", 2), ("crawled", 2))


def test_stale_window_counts_the_checkpoint_day(tmp_path):
    """14 days before 2022-11-13 start on 2022-10-31. Expected: 咸宁交通 (last post 10-30, row 3)
    is stale; 咸宁发布 (10-31, row 2) and 平安咸宁 (11-10, row 4) are not; nobody is a zombie."""
    jt = ("咸宁交通", "微信公众号", "订阅号", "xnjt", "咸宁市交通运输局", "市直")
    result = run_case(tmp_path, [XNFB, jt, PAXN],
                      [crawl(XNFB, last="2022-10-31"), crawl(jt, last="2022年10月30日"), crawl(PAXN)])
    assert kinds(result, "stale", "zombie") == {
        ("stale", "咸宁交通", (("national", 3), ("provincial", 3), ("crawled", 3)))}
    stale = next(f for f in result.findings if f.kind == "stale")
    assert stale.fails and "2022年10月30日" in stale.detail
    assert result.totals is not None and result.totals.failed == 1


def test_zombie_and_stale_days_are_settings(tmp_path):
    """With stale_days 7 and zombie_days 60: 咸宁发布 (last post 11-05, 8 days) is stale, 平安咸宁
    (2022-09-01, 73 days) is stale and a zombie; zombie does not fail an account by default."""
    result = run_case(tmp_path, [XNFB, PAXN], [crawl(XNFB, last="2022-11-05"), crawl(PAXN, last="2022-09-01")],
                      stale_days=7, zombie_days=60)
    rows3 = (("national", 3), ("provincial", 3), ("crawled", 3))
    assert kinds(result, "stale", "zombie") == {
        ("stale", "咸宁发布", ALL3), ("stale", "平安咸宁", rows3), ("zombie", "平安咸宁", rows3)}
    zombie = next(f for f in result.findings if f.kind == "zombie")
    assert not zombie.fails and "73天" in zombie.detail
    assert result.totals.failed == 2


def test_closed_accounts_are_not_judged_for_updates(tmp_path):
    """An account the platform shows 已注销 is deleted_still_registered, not stale."""
    result = run_case(tmp_path, [XNFB, PAXN], [crawl(XNFB), crawl(PAXN, status="已注销", last="2021-01-01")])
    assert kinds(result, "stale", "zombie") == set()
    assert {f.kind for f in result.findings} == {"deleted_still_registered"}


def test_no_last_post_time_is_said_once_not_guessed(tmp_path):
    """A crawl without 最近发布时间: no stale/zombie findings, one note in the result and the JSON."""
    header = CRAWL_FULL[:-1]
    result = run_case(tmp_path, [XNFB, PAXN], [crawl(XNFB)[:-1], crawl(PAXN)[:-1]], header=header)
    assert kinds(result, "stale", "zombie") == set()
    assert len(result.notes) == 1 and "最近发布时间" in result.notes[0]
    doc = json.loads(json.dumps(result_to_dict(result), ensure_ascii=False))
    assert doc["notes"] == list(result.notes)


def test_cert_mismatch_unverified_enterprise_and_other_owner(tmp_path):
    """Expected cert_mismatch: 咸宁交通 (未认证, row 3), 咸宁水利 (企业认证, row 4), 咸宁财政
    (verified by 咸宁市融媒体中心, not the registered 咸宁市财政局, row 5). Not reported: 平安咸宁
    verified as "市公安局" (same owner without the region prefix, row 2)."""
    jt = ("咸宁交通", "微信公众号", "订阅号", "xnjt", "咸宁市交通运输局", "市直")
    sl = ("咸宁水利", "微信公众号", "订阅号", "xnsl", "咸宁市水利和湖泊局", "市直")
    cz = ("咸宁财政", "微信公众号", "订阅号", "xncz", "咸宁市财政局", "市直")
    result = run_case(tmp_path, [PAXN, jt, sl, cz], [
        crawl(PAXN, owner="市公安局"), crawl(jt, owner="", cert="未认证"),
        crawl(sl, owner="咸宁水利服务有限公司", cert="企业认证"), crawl(cz, owner="咸宁市融媒体中心")])
    got = {(f.name, f.field, f.records[-1].row) for f in result.findings if f.kind == "cert_mismatch"}
    assert got == {("咸宁交通", None, 3), ("咸宁水利", None, 4), ("咸宁财政", "owner", 5)}
    by_name = {f.name: f for f in result.findings if f.kind == "cert_mismatch"}
    assert "未进行政府机构认证" in by_name["咸宁交通"].detail
    assert "咸宁市融媒体中心" in by_name["咸宁财政"].detail and by_name["咸宁财政"].fails


def test_personal_account_is_not_also_cert_mismatch(tmp_path):
    """Expected: personal_account for 咸宁12319 (个人认证, row 3) and nothing else."""
    rx = ("咸宁市12319城市管理服务热线", "微信公众号", "订阅号", "xn12319", "咸宁市城市管理执法委员会", "市直")
    result = run_case(tmp_path, [XNFB, rx], [crawl(XNFB), crawl(rx, owner="张三", cert="个人认证")])
    assert kinds(result, *[f.kind for f in result.findings]) == {
        ("personal_account", rx[0], (("national", 3), ("provincial", 3), ("crawled", 3)))}
    assert result.findings[0].fails


def test_no_verification_in_the_crawl_is_said_once(tmp_path):
    header = ["账号名称", "平台", "账号类型", "账号ID", "账号状态", "最近发布时间"]
    rows = [(r[0], r[1], r[2], r[3], "正常", RECENT) for r in (XNFB, PAXN)]
    result = run_case(tmp_path, [XNFB, PAXN], rows, header=header)
    assert kinds(result, "cert_mismatch", "personal_account") == set()
    assert len(result.notes) == 1 and "认证信息" in result.notes[0]


def test_duplicate_on_platform_one_unit_two_weibo(tmp_path):
    """咸宁市公安局 runs two 微博 (平安咸宁 row 2, 咸宁公安 row 3): one finding for the unit, naming
    both and holding both accounts' records; and two mini programs (rows 5-6): the rule holds on
    every platform. Not reported: 通山县公安局's 微博 (another unit, row 4), its 微信公众号 (another
    platform, row 7), and its two apps (rows 8-9: 移动客户端 is no one platform)."""
    regs = [PAXN, ("咸宁公安", "微博", "", "7654321", "市公安局", "市直"),
            ("平安通山", "微博", "", "5550001", "通山县公安局", "通山县"),
            ("咸宁交管", "微信小程序", "", "wxa1", "咸宁市公安局", "市直"),
            ("咸宁出入境", "微信小程序", "", "wxa2", "咸宁市公安局", "市直"),
            ("平安咸宁", "微信公众号", "订阅号", "paxn", "咸宁市公安局", "市直"),
            ("咸宁公安APP", "移动客户端", "", "", "咸宁市公安局", "市直"),
            ("咸宁交警APP", "移动客户端", "", "", "咸宁市公安局", "市直")]
    result = run_case(tmp_path, regs, [crawl(r) for r in regs])
    mini, f = sorted((f for f in result.findings if f.kind == "duplicate_on_platform"), key=lambda f: f.platform != "微信小程序")
    assert mini.platform == "微信小程序" and {(r.source, r.row) for r in mini.records if r.source == "national"} == {
        ("national", 5), ("national", 6)}
    assert {(r.source, r.row) for r in f.records} == {(s, r) for s in ("national", "provincial", "crawled")
                                                      for r in (2, 3)}
    assert f.name in ("平安咸宁", "咸宁公安") and "开设2个账号" in f.detail
    assert "“咸宁公安”" in f.detail and "“平安咸宁”" in f.detail and not f.fails


def test_name_inconsistent_across_platforms(tmp_path):
    """咸宁市公安局: 平安咸宁 on 微博 and 抖音, 咸宁公安110 on 快手 (row 4) -> one finding.
    咸安区人民医院 (微信) vs 咸安人民医院 (抖音): only the region name differs -> none."""
    regs = [PAXN, ("平安咸宁", "抖音", "", "dy01", "咸宁市公安局", "市直"),
            ("咸宁公安110", "快手", "", "ks01", "咸宁市公安局", "市直"),
            ("咸安区人民医院", "微信公众号", "订阅号", "xarmyy", "咸安区人民医院", "咸安区"),
            ("咸安人民医院", "抖音", "", "dy02", "咸安区人民医院", "咸安区")]
    result = run_case(tmp_path, regs, [crawl(r) for r in regs])
    got = [(f.name, f.records[0].row, f.fails) for f in result.findings if f.kind == "name_inconsistent"]
    assert got == [("咸宁公安110", 4, False)]
    f = next(f for f in result.findings if f.kind == "name_inconsistent")
    assert "“平安咸宁”" in f.detail and f.correction == "名称应统一为“平安咸宁”"


def test_fail_kinds_setting_decides_what_fails(tmp_path):
    """With fail_kinds = [zombie] a zombie fails and a stale-only account does not."""
    jt = ("咸宁交通", "微信公众号", "订阅号", "xnjt", "咸宁市交通运输局", "市直")
    result = run_case(tmp_path, [XNFB, jt, PAXN],
                      [crawl(XNFB, last="2022-11-01"), crawl(jt, last="2022-10-20"), crawl(PAXN, last="2022-05-01")],
                      fail_kinds=("zombie",))
    assert {(f.kind, f.name, f.fails) for f in result.findings} == {
        ("stale", "咸宁交通", False), ("stale", "平安咸宁", False), ("zombie", "平安咸宁", True)}
    assert result.totals.failed == 1 and result.totals.pass_rate == 66.67


def test_duplicate_filing_by_a_slip_or_the_units_region_prefix(tmp_path):
    """Each registry files 通山司法 twice, once misspelt 通山司发 (rows 2-3), and 咸宁组工 twice,
    once under 中共咸宁市委组织部 and once under 市委组织部 (rows 4-5): two duplicate filings in
    each. 咸安区融媒体中心 files two villages whose names differ in one character (rows 6-7):
    two accounts, no duplicate."""
    regs = [("通山司法", "微信公众号", "订阅号", "", "通山县司法局", "通山县"),
            ("通山司发", "微信公众号", "订阅号", "", "通山县司法局", "通山县"),
            ("咸宁组工", "微信公众号", "订阅号", "", "中共咸宁市委组织部", "市直"),
            ("咸宁组工", "微信公众号", "订阅号", "", "市委组织部", "市直"),
            ("向阳湖村", "微信公众号", "订阅号", "", "咸安区融媒体中心", "咸安区"),
            ("向阳河村", "微信公众号", "订阅号", "", "咸安区融媒体中心", "咸安区")]
    result = run_case(tmp_path, regs, [crawl(r) for r in (regs[0], regs[2], regs[4], regs[5])])
    got = {(f.name, tuple((r.source, r.row) for r in f.records)) for f in result.findings if f.kind == "duplicate_filing"}
    assert got == {(name, ((src, a), (src, a + 1))) for name, a in (("通山司法", 2), ("咸宁组工", 4))
                   for src in ("national", "provincial")}
    slip = [f.detail for f in result.findings if f.kind == "duplicate_filing" and f.name == "通山司法"]
    assert all("名称仅差一字" in d for d in slip)
    assert not kinds(result, "unfiled", "deleted_still_registered")


def test_the_verification_settles_which_registry_names_the_unit(tmp_path):
    """平安咸宁 (微博, row 2): the national registry names 咸宁市公安局, the provincial one the
    city's 人民政府办公室; the platform verifies 咸宁市公安局, which settles it, so the unit runs two
    微博 with 咸宁公安 (row 3): one duplicate_on_platform. 咸宁交通 (row 4) is verified for the
    city's 融媒体中心, which verifies the accounts it runs for others: the registries' 咸宁市交通运输局
    stands, and with 咸宁交通发布 (row 5) that unit too runs two 微博."""
    from tests.test_checks import write_case

    nat = [("平安咸宁", "微博", "", "1234567", "咸宁市公安局", "市直", "正常"),
           ("咸宁公安", "微博", "", "7654321", "咸宁市公安局", "市直", "正常"),
           ("咸宁交通", "微博", "", "2223334", "咸宁市交通运输局", "市直", "正常"),
           ("咸宁交通发布", "微博", "", "2223335", "咸宁市交通运输局", "市直", "正常")]
    prov = [("平安咸宁", "微博", "", "1234567", "咸宁市人民政府办公室", "市直", "正常"), *nat[1:]]
    crawled = [("平安咸宁", "微博", "", "1234567", "咸宁市公安局", "政府机构认证", "正常"),
               ("咸宁公安", "微博", "", "7654321", "咸宁市公安局", "政府机构认证", "正常"),
               ("咸宁交通", "微博", "", "2223334", "咸宁市融媒体中心", "政府机构认证", "正常"),
               ("咸宁交通发布", "微博", "", "2223335", "咸宁市交通运输局", "政府机构认证", "正常")]
    result = run(Config(scope=("咸宁市",), checkpoint=CHECKPOINT), write_case(tmp_path, nat, prov, crawled))
    got = {frozenset(r.row for r in f.records if r.source == "national")
           for f in result.findings if f.kind == "duplicate_on_platform"}
    assert got == {frozenset({2, 3}), frozenset({4, 5})}
