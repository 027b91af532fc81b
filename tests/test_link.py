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


def _hard_records():
    """Records with what the features must tell apart: missing and empty cells, numbers, place
    names, former county names, a 融媒体中心 filing for others, repeated values."""
    return [
        acct("微信公众号", "咸宁发布", "咸宁市人民政府新闻办公室", 2, account_id="xnfb"),
        acct("微信公众号", "交警一大队", "咸宁市公安局交通警察支队", 3),
        acct("微信公众号", "交警二大队", "咸宁市公安局交通警察支队", 4, account_id=""),
        acct("微博", "平安通山", "通山县公安局", 5),
        acct("微博", "平安崇阳", "崇阳县公安局", 6, account_id="pacy"),
        acct("抖音", "通山县融媒", "通山县融媒体中心", 7),
        acct("微信视频号", "咸宁发布", None, 8),
        acct("微信公众号", "余杭发布", "杭州市余杭区人民政府办公室", 9),
        acct("微信公众号", "临平发布", "杭州市临平区人民政府办公室", 10),
    ]


def test_compare_on_shared_codes_equals_the_features_on_plain_columns(prepared):
    """compare() hands each feature integer-coded columns (each distinct value judged once); every
    feature must give, pair by pair, what it gives on the plain columns."""
    import sys

    from reconcile.link.candidates import candidate_pairs
    from reconcile.link.score import compare

    left = prepared("national", _hard_records(), ("咸宁市", "杭州市"))
    right = prepared("crawled", list(reversed(_hard_records())), ("咸宁市", "杭州市"))
    pairs = pd.MultiIndex.from_product([left.index, right.index], names=["left", "right"])   # every pair
    coded = compare(pairs, left, right)
    # the same features, fed the plain columns
    score_module = sys.modules["reconcile.link.score"]
    features: list = []
    original = score_module.Compare

    class Plain(original):   # type: ignore[misc, valid-type]
        def compute(self, pairs, left_codes, right_codes):   # noqa: ARG002 - the plain frames instead
            assert isinstance(left_codes.dtypes.iloc[0], pd.CategoricalDtype)
            features.extend(self.features)
            return original.compute(self, pairs, left, right)

    score_module.Compare = Plain
    try:
        plain = compare(pairs, left, right)
    finally:
        score_module.Compare = original
    assert len(features) == len(coded.columns) >= 10
    assert list(plain.columns) == list(coded.columns)
    for column in coded.columns:
        assert plain[column].to_numpy().tolist() == pytest.approx(coded[column].to_numpy().tolist(), nan_ok=True), column
    assert candidate_pairs(left, right).isin(pairs).all()
    # the evidence the hard cases rest on is there
    by_name = {(a, b): i for i, (a, b) in enumerate(zip(left.loc[pairs.get_level_values(0), "name"],
                                                      right.loc[pairs.get_level_values(1), "name"], strict=True))}
    assert coded["numeral_conflict"].iloc[by_name[("交警一大队", "交警二大队")]] == 1.0
    assert coded["place_conflict"].iloc[by_name[("平安通山", "平安崇阳")]] == 1.0
    assert coded["county_lineage"].iloc[by_name[("余杭发布", "临平发布")]] == 1.0
    assert coded["agent_owner"].iloc[by_name[("通山县融媒", "平安通山")]] == 1.0
    assert coded["id"].isna().sum() > 0 and coded["owner"].isna().sum() > 0   # missing is not disagreement


def test_bigram_index_keeps_each_left_records_best_right_records_by_shared_grams():
    """The sparse product counts the grams a pair shares exactly as counting them one by one; the
    top_k right records per left record are those sharing the most (ties: fewer grams, then
    the earlier record); grams more common than max_df say nothing."""
    from reconcile.link.candidates import BigramIndex, bigrams

    left_names = ["咸宁市公安局", "通山县教育局", "崇阳县民政局", "赤壁市财政局", "无关的名字"]
    right_names = ["咸宁市公安局交警", "咸宁公安", "通山教育", "通山县教育体育局", "崇阳民政", "崇阳县民政",
                   "赤壁财政", "赤壁市财政局办公室", "嘉鱼县公安局", "通城县教育局"]
    left = pd.DataFrame({"platform": ["微博"] * 4 + ["抖音"], "name_key": left_names})
    right = pd.DataFrame({"platform": ["微博"] * 9 + ["抖音"], "name_key": right_names})
    for top_k, max_df in ((2, 300), (3, 2), (10, 300)):
        got = BigramIndex(top_k=top_k, max_df=max_df).index(left, right)
        df = {}
        for j, name in enumerate(right_names):
            for g in bigrams(name):
                df[(right["platform"][j], g)] = df.get((right["platform"][j], g), 0) + 1
        expected = []
        for i, name in enumerate(left_names):
            scored = []
            for j, other in enumerate(right_names):
                if left["platform"][i] != right["platform"][j]:
                    continue
                shared = sum(1 for g in set(bigrams(name)) & set(bigrams(other))
                             if df[(right["platform"][j], g)] <= max_df)
                if shared:
                    scored.append((-shared, len(bigrams(other)), j))
            expected += [(i, j) for _, _, j in sorted(scored)[:top_k]]
        assert list(got) == expected, (top_k, max_df)
