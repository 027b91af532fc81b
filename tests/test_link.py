"""The hard linking cases of DOMAIN.md, one test each.

Each test builds tiny national / provincial / crawled frames and asserts which records end up
as one account. ``accounts(...)`` returns, per account, the tuple of row numbers (national,
provincial, crawled) with None where a source lacks it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from reconcile.config import LinkSettings
from reconcile.link import link_accounts

SCOPE = ("咸宁市",)


@pytest.fixture
def accounts(prepared):
    def run(national, provincial, crawled, scope=SCOPE, status="match"):
        n = prepared("national", national, scope)
        p = prepared("provincial", provincial, scope)
        c = prepared("crawled", crawled, scope)
        acc = link_accounts(n, p, c, LinkSettings()).frame

        def row(frame, pos):
            return None if pd.isna(pos) else int(frame["row"].iloc[int(pos)])

        out = set()
        for r in acc.itertuples():
            linked_status = {r.np_link, r.c_link} - {None}
            if status == "match" and "review" in linked_status:
                continue
            out.add((row(n, r.n), row(p, r.p), row(c, r.c)))
        return out

    return run


def acct(platform, name, owner, row, **kw):
    return {"platform": platform, "name": name, "owner": owner, "row": row, **kw}


def test_numbered_units_are_different_accounts(accounts):
    """商丘交警一大队 ≠ 商丘交警二大队, even when the owner text is the same."""
    nat = [acct("微博", "咸宁交警一大队", "咸宁市公安局交通警察支队", 2),
           acct("微博", "咸宁交警二大队", "咸宁市公安局交通警察支队", 3)]
    prov = [acct("微博", "咸宁交警二大队", "咸宁市公安局交通警察支队", 5)]
    crawl = [acct("微博", "咸宁交警二大队", "咸宁市公安局交通警察支队", 7),
             acct("微博", "咸宁交警一大队", "咸宁市公安局交通警察支队", 8)]
    got = accounts(nat, prov, crawl)
    assert (3, 5, 7) in got
    assert (2, None, 8) in got


def test_same_name_on_two_platforms_is_two_accounts(accounts):
    nat = [acct("微信公众号", "平安咸宁", "咸宁市公安局", 2), acct("微博", "平安咸宁", "咸宁市公安局", 3)]
    prov = [acct("微博", "平安咸宁", "咸宁市公安局", 2), acct("公众号", "平安咸宁", "咸宁市公安局", 3)]
    crawl = [acct("微博", "平安咸宁", "咸宁市公安局", 2), acct("微信公众号", "平安咸宁", "咸宁市公安局", 3)]
    got = accounts(nat, prov, crawl)
    assert got == {(2, 3, 3), (3, 2, 2)}


def test_ping_an_county_a_is_not_county_b(accounts):
    """"平安通山" and "平安崇阳" differ only by the county: never one account."""
    nat = [acct("微信公众号", "平安通山", "通山县公安局", 2)]
    prov = [acct("微信公众号", "平安崇阳", "崇阳县公安局", 2)]
    crawl = [acct("微信公众号", "平安崇阳", "崇阳县公安局", 2), acct("微信公众号", "平安通山", "通山县公安局", 3)]
    got = accounts(nat, prov, crawl, status="any")
    assert (2, None, 3) in got
    assert (None, 2, 2) in got


@pytest.mark.parametrize("crawled_name, crawled_owner", [
    ("咸宁指尖上的城 管", "咸宁市城市管理执法委员会"),            # a space from PDF/Excel
    ("咸宁指尖上的城管", "咸宁市城市管里执法委员会"),              # an owner typo
    ("咸寧指尖上的城管", "咸寧市城市管理執法委員會"),              # traditional characters
    ("咸宁指尖上的城管官博", "咸宁市城市管理执法委员会"),          # a suffix
])
def test_cosmetic_noise_keeps_a_true_link(accounts, crawled_name, crawled_owner):
    nat = [acct("微博", "咸宁指尖上的城管", "咸宁市城市管理执法委员会", 2)]
    prov = [acct("微博", "咸宁指尖上的城管", "市城市管理执法委员会", 4)]   # dropped region prefix
    crawl = [acct("微博", crawled_name, crawled_owner, 9)]
    assert accounts(nat, prov, crawl) == {(2, 4, 9)}


def test_full_width_digits_and_dashes(accounts):
    nat = [acct("抖音", "咸宁市—温泉派出所", "咸宁市公安局温泉派出所", 2),
           acct("抖音", "咸宁第１中学", "咸宁市第一中学", 3)]
    prov = [acct("抖音", "咸宁市-温泉派出所", "咸宁市公安局温泉派出所", 2),
            acct("抖音", "咸宁第1中学", "咸宁市第一中学", 3)]
    crawl = [acct("抖音", "咸宁市－温泉派出所", "咸宁市公安局温泉派出所", 2),
             acct("抖音", "咸宁第1中学", "咸宁市第一中学", 3)]
    assert accounts(nat, prov, crawl) == {(2, 2, 2), (3, 3, 3)}


def test_renamed_account_keeps_its_id(accounts):
    nat = [acct("微信公众号", "通山旅游", "通山县文化和旅游局", 2, account_id="tsly2018")]
    prov = [acct("微信公众号", "通山旅游", "通山县文化和旅游局", 2, account_id="TSLY2018 ")]
    crawl = [acct("微信公众号", "文旅通山", "通山县文化和旅游局", 5, account_id="tsly2018"),
             acct("微信公众号", "通山发布", "通山县人民政府办公室", 6, account_id="tsfb")]
    got = accounts(nat, prov, crawl)
    assert (2, 2, 5) in got
    assert (None, None, 6) in got


def test_platform_label_variants_link(accounts):
    nat = [acct("微信订阅号", "咸宁交通", "咸宁市交通运输局", 2)]
    prov = [acct("公众号", "咸宁交通", "咸宁市交通运输局", 2)]
    crawl = [acct("微信公众号", "咸宁交通", "咸宁市交通运输局", 2, account_type="订阅号")]
    assert accounts(nat, prov, crawl) == {(2, 2, 2)}


def test_provincial_record_compared_with_the_crawl_only_where_it_adds_something(accounts, prepared):
    """A provincial record equal to its national partner in every compared field is not compared
    with the crawl again (same scores); one that differs still is, and can be what links."""
    from reconcile.link import _same_as_partner

    national = [acct("微信公众号", "咸宁发布", "咸宁市人民政府新闻办公室", 2, account_id="xnfb"),
                acct("微信公众号", "通山公安", "通山县公安局", 3)]
    provincial = [acct("微信公众号", "咸宁发布", "咸宁市人民政府新闻办公室", 2, account_id="xnfb"),
                  acct("微信公众号", "通山公安", "通山县公安局", 3, account_id="tsga110")]
    n = prepared("national", national, SCOPE)
    p = prepared("provincial", provincial, SCOPE)
    same = _same_as_partner(n, p, pd.Series([0, 1]).to_numpy(), pd.Series([0, 1]).to_numpy())
    assert same.tolist() == [True, False]   # the second differs: only the provincial side has the id
    # the crawled record is renamed: only the provincial id can find it
    crawled = [acct("微信公众号", "平安通山", "通山县公安局", 9, account_id="tsga110"),
               acct("微信公众号", "咸宁发布", "咸宁市人民政府新闻办公室", 8, account_id="xnfb")]
    assert accounts(national, provincial, crawled) == {(2, 2, 8), (3, 3, 9)}
