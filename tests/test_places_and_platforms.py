"""Where an account counts when its county was split, which sibling platforms a registry confuses,
and one unit written two ways: on files written here (tests.test_checks writes them)."""

from __future__ import annotations

from reconcile.config import Config
from reconcile.pipeline import run
from reconcile.regions import RegionResolver
from tests.test_checks import BASE, crawl_row, run_case, write_case


def test_a_later_name_never_contradicts_an_earlier_county():
    """萧山区下城乡 is a 乡 of 萧山区, not the former 下城区 (now 拱墅区); 余杭区上塘街道 names 余杭区 (拱墅区
    has a 上塘街道 too); 余杭区塘栖镇 is the part of 余杭区 that became 临平区."""
    r = RegionResolver(scope=("浙江省",))
    assert r.resolve(None, "萧山区下城乡凤游村民委员会").county == "萧山区"
    assert r.resolve(None, "余杭区上塘街道中塘社区居民委员会").county == "余杭区"
    assert r.resolve(None, "余杭区塘栖镇人民政府").county == "临平区"
    assert r.resolve(None, "江干区下沙街道办事处").county == "钱塘区"


def test_a_unit_filed_under_the_old_county_counts_where_the_platform_verifies_it(tmp_path):
    """浦溪社区 filed two 公众号 under 余杭区 before 临平区 was split off. The crawl finds one of them
    (row 5) and the platform verifies it for 临平区…浦溪社区居民委员会: the unit is in 临平区, and so is
    its other account (row 4), which the partial crawl did not reach. Both count under 临平区, and
    the unit runs two accounts on one platform."""
    owner = "余杭区港旁街道浦溪社区居民委员会"
    first = ("港旁浦溪社区", "微信公众号", "订阅号", "gh_pxsq01", owner, "余杭区", "正常")
    second = ("港旁浦溪社区便民服务", "微信公众号", "订阅号", "gh_pxsq02", owner, "余杭区", "正常")
    hz = [("杭州发布", "微信公众号", "订阅号", "hzfb", "杭州市人民政府办公厅", "市直", "正常")]
    seen = (*crawl_row(second)[:4], "临平区港旁街道浦溪社区居民委员会", "政府机构认证", "正常")
    inputs = write_case(tmp_path, hz + [first, second], hz + [first, second], [crawl_row(hz[0]), seen])
    result = run(Config(scope=("杭州市",)), inputs)
    rows = {r.region: r for r in result.summary}
    assert rows["临平区"].total == 2 and ("余杭区" not in rows or rows["余杭区"].total == 0), rows
    (dup,) = [f for f in result.findings if f.kind == "duplicate_on_platform"]
    assert {r.row for r in dup.records if r.source == "national"} == {3, 4} and dup.region == "临平区"


def test_a_video_account_beside_the_filed_official_account_is_a_second_account(tmp_path):
    """Registries file a 公众号 as 视频号, never the other way round (DOMAIN.md). 江山财政 is filed as a
    公众号 (row 4); the crawl finds a 视频号 of that name and no 公众号: the 视频号 is the unit's second,
    unfiled account, not the filing. 江山发布 is filed as a 视频号 (row 5) and crawled as a 公众号 (row 5):
    most likely the 公众号 filed under the wrong platform, so it is asked about, never unfiled."""
    gzh = ("江山财政", "微信公众号", "订阅号", "", "江山市财政局", "江山市", "正常")
    sph = ("江山发布", "微信视频号", "", "", "江山市人民政府办公室", "江山市", "正常")
    qz = [("衢州发布", "微信公众号", "订阅号", "qzfb", "衢州市人民政府办公室", "市直", "正常"),
          ("衢州公安", "微博", "", "7001", "衢州市公安局", "市直", "正常")]
    crawled = [crawl_row(r) for r in qz] + [
        ("江山财政", "微信视频号", "", "sph_jscz", "江山市财政局", "政府机构认证", "正常"),
        ("江山发布", "微信公众号", "订阅号", "gh_jsfb", "江山市人民政府办公室", "政府机构认证", "正常")]
    got = run_case(tmp_path, qz + [gzh, sph], qz + [gzh, sph], crawled, scope=("衢州市",))
    unfiled = {(name, recs) for kind, _, name, recs in got if kind == "unfiled"}
    assert unfiled == {("江山财政", (("crawled", 4),))}, got


def test_one_accounts_owner_written_with_a_slip_is_one_unit(tmp_path):
    """咸宁市退役军人事务局 runs two 微博. The provincial registry writes the first one's owner
    咸宁市退役军人事物局 (row 4): a slip, since the two registries file one account; the unit is the
    spelling written most often (事务局), so the unit runs two 微博."""
    a_n = ("咸宁退役军人", "微博", "", "4001", "咸宁市退役军人事务局", "市直", "正常")
    a_p = ("咸宁退役军人", "微博", "", "4001", "咸宁市退役军人事物局", "市直", "正常")
    b = ("咸宁老兵之家", "微博", "", "4002", "咸宁市退役军人事务局", "市直", "正常")
    got = run_case(tmp_path, BASE + [a_n, b], BASE + [a_p, b], [crawl_row(r) for r in BASE])
    dups = [recs for kind, _, _, recs in got if kind == "duplicate_on_platform"]
    assert len(dups) == 1 and {row for src, row in dups[0] if src == "national"} == {4, 5}, got


def test_two_filings_alike_are_two_accounts_where_the_platform_shows_two(tmp_path):
    """东塘司法所 is filed twice under 余杭区 by the same 司法局 name and no id (rows 3, 4). The platform
    verifies two 东塘司法所 公众号: one for 余杭区司法局, one for 临平区司法局 (the county split off
    余杭区, DOMAIN.md "Owners are written with the name current when they were filed"): two
    sub-units, not one account filed twice. 港云司法所 is filed twice too (rows 5, 6) and the
    platform shows one: that one is 重复备案. 浦街小学 is filed twice (rows 7, 8) beside its
    replacement of the same name (row 9, filed as operating while the old one is closed): the
    platform's two accounts are the old one and the replacement, so rows 7 and 8 stay one account
    filed twice."""
    hz = [("杭州发布", "微信公众号", "订阅号", "hzfb", "杭州市人民政府办公厅", "市直", "正常")]
    dongtang = ("东塘司法所", "微信公众号", "订阅号", "", "余杭区司法局东塘司法所", "余杭区", "正常")
    gangyun = ("港云司法所", "微信公众号", "订阅号", "", "萧山区司法局港云司法所", "萧山区", "正常")
    old = ("浦街小学", "微信公众号", "订阅号", "", "余杭区浦街小学", "余杭区", "注销")
    new = ("浦街小学", "微信公众号", "订阅号", "gh_pjxx2", "余杭区浦街小学", "余杭区", "正常")
    national = hz + [dongtang, dongtang, gangyun, gangyun, old, old, new]
    crawled = [crawl_row(hz[0]),
               ("东塘司法所", "微信公众号", "订阅号", "gh_dt01", "余杭区司法局东塘司法所", "政府机构认证", "正常"),
               ("东塘司法所", "微信公众号", "订阅号", "gh_dt02", "临平区司法局东塘司法所", "政府机构认证", "正常"),
               ("港云司法所", "微信公众号", "订阅号", "gh_gy01", "萧山区司法局港云司法所", "政府机构认证", "正常"),
               ("浦街小学", "微信公众号", "订阅号", "gh_pjxx1", "余杭区浦街小学", "事业单位认证", "已注销"),
               ("浦街小学", "微信公众号", "订阅号", "gh_pjxx2", "余杭区浦街小学", "事业单位认证", "正常")]
    got = run_case(tmp_path, national, hz, crawled, scope=("杭州市",))
    dups = {recs for kind, _, _, recs in got if kind == "duplicate_filing"}
    assert dups == {(("national", 5), ("national", 6)), (("national", 7), ("national", 8))}, got
    linked = {recs for kind, _, name, recs in got if kind == "unfiled" and name == "东塘司法所"}
    assert not linked, got   # both crawled 东塘司法所 link to a filing: neither is unfiled
