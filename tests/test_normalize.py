"""Normalisers: the hard cases of DOMAIN.md, every date and count form, and properties
(idempotence, CJK preservation, parse_date never raising) checked with hypothesis."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.frame import normalize_frame
from reconcile.normalize import (
    display_text,
    name_key,
    normalize_account_id,
    normalize_account_type,
    normalize_platform,
    normalize_status,
    normalize_text,
    normalize_verified,
    parse_count,
    parse_date,
    simplified,
)
from reconcile.regions import RegionResolver
from reconcile.schema import (
    ACCOUNT_TYPES,
    CANONICAL_COLUMNS,
    HELPER_COLUMNS,
    PLATFORMS,
    STATUSES,
    VERIFIED_KINDS,
)

# ---------------------------------------------------------------------------- text and names


@pytest.mark.parametrize(("a", "b"), [
    ("咸宁指尖上的城 管", "咸宁指尖上的城管"),             # a space from PDF/Excel
    ("咸宁指尖上的\n城管\t", "咸宁指尖上的城管"),
    ("咸宁\u3000指尖\u200b上的城管\ufeff", "咸宁指尖上的城管"),  # ideographic space, zero-width, BOM
    ("商丘市—开发区派出所", "商丘市-开发区派出所"),          # em dash
    ("商丘市－开发区派出所", "商丘市–开发区派出所"),          # full-width hyphen, en dash
    ("商丘市~开发区派出所", "商丘市〜开发区派出所"),
    ("商丘市衛生健康委員會", "商丘市卫生健康委员会"),        # traditional characters
    ("國務院辦公廳", "国务院办公厅"),
    ("商丘交警一大隊", "商丘交警一大队"),
    ("１２３４５", "12345"),                                # full-width digits
    ("１２３（ＡＢＣ）", "123(abc)"),
    ("【咸宁发布】", "(咸宁发布)"),
    ("《咸宁日报》", "〈咸宁日报〉"),
    ("“平安”睢县", "平安睢县"),                             # quotes removed
    ("阿卜杜·热合曼", "阿卜杜・热合曼"),                     # middle dots unified
    ("WeChat公众号", "wechat公众号"),
])
def test_normalize_text_equates_variants(a: str, b: str) -> None:
    assert normalize_text(a) == normalize_text(b)


def test_normalize_text_exact_forms() -> None:
    assert normalize_text("１２３（ＡＢＣ）") == "123(abc)"
    assert normalize_text("商丘市—开发区派出所") == "商丘市-开发区派出所"
    assert normalize_text("商丘市衛生健康委員會") == "商丘市卫生健康委员会"
    assert normalize_text("张三 · 李四") == "张三·李四"
    assert normalize_text("a\x00b\x07c") == "abc"


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, np.nan, "", "   ", "\u200b"])
def test_missing_is_none(value: object) -> None:
    assert normalize_text(value) is None
    assert name_key(value) is None
    assert normalize_status(value) is None
    assert normalize_verified(value) is None
    assert normalize_account_type(value) is None
    assert parse_date(value) is None
    assert parse_count(value) is None
    assert normalize_platform(value) == ("其他", None)


def test_normalize_text_numbers_are_text() -> None:
    assert normalize_text(123456789.0) == "123456789"
    assert normalize_text(42) == "42"


@pytest.mark.parametrize(("a", "b"), [
    ("商丘市民政局官博", "商丘市民政局"),
    ("商丘市民政局官方微博", "商丘市民政局"),
    ("商丘市民政局 微博", "商丘市民政局"),
    ("商丘市民政局(官博)", "商丘市民政局"),
    ("-商丘市民政局-", "商丘市民政局"),
    ("·平安睢县_", "平安睢县"),
    ("咸宁公安官微", "咸宁公安"),
    ("咸宁市政务微博", "咸宁市"),
])
def test_name_key_strips_neutral_suffixes(a: str, b: str) -> None:
    assert name_key(a) == name_key(b) == normalize_text(b)


def test_name_key_keeps_short_names() -> None:
    assert name_key("微博") == "微博"           # nothing would remain
    assert name_key("a微博") == "a微博"         # fewer than 2 characters would remain
    assert name_key("平安睢县") != name_key("平安杞县")
    assert name_key("商丘交警一大队") != name_key("商丘交警二大队")


def test_display_text_keeps_inner_spaces() -> None:
    assert display_text("  咸宁指尖上的城 管 \u200b") == "咸宁指尖上的城 管"
    assert display_text("\u3000") is None
    assert display_text(123456789.0) == "123456789"


def test_account_id() -> None:
    assert normalize_account_id(" @GH_AbC123 ") == "gh_abc123"
    assert normalize_account_id("ｇｈ＿１２３") == "gh_123"
    assert normalize_account_id(1234567890.0) == "1234567890"
    assert normalize_account_id("@") is None


# ---------------------------------------------------------------------------- labels


@pytest.mark.parametrize(("label", "expected"), [
    ("微信公众号", ("微信公众号", None)), ("公众号", ("微信公众号", None)), ("微信", ("微信公众号", None)),
    ("微信订阅号", ("微信公众号", "订阅号")), ("微信服务号", ("微信公众号", "服务号")),
    ("订阅号", ("微信公众号", "订阅号")), ("服务号", ("微信公众号", "服务号")),
    ("微信订 阅号", ("微信公众号", "订阅号")), ("微信公\n众号", ("微信公众号", None)),
    ("微信公众号(服务号)", ("微信公众号", "服务号")),
    ("微信小程序", ("微信小程序", None)), ("小程序", ("微信小程序", None)), ("支付宝小程序", ("其他", None)),
    ("视频号", ("微信视频号", None)), ("微信视频号", ("微信视频号", None)),
    ("新浪微博", ("微博", None)), ("微博", ("微博", None)), ("腾讯微博", ("微博", None)),
    ("抖音", ("抖音", None)), ("抖音号", ("抖音", None)), ("抖音短视频", ("抖音", None)),
    ("抖音短 视频", ("抖音", None)), ("快手", ("快手", None)), ("快手短视频", ("快手", None)),
    ("今日头条", ("今日头条", None)), ("头条号", ("今日头条", None)), ("头条", ("今日头条", None)),
    ("人民号", ("人民号", None)), ("百家号", ("百家号", None)), ("企鹅号", ("企鹅号", None)),
    ("一点号", ("一点号", None)), ("一点资讯", ("一点号", None)), ("搜狐号", ("搜狐号", None)),
    ("网易号", ("网易号", None)), ("美篇", ("美篇", None)), ("喜马拉雅", ("喜马拉雅", None)),
    ("小红书", ("小红书", None)), ("哔哩哔哩", ("哔哩哔哩", None)), ("B站", ("哔哩哔哩", None)),
    ("bilibili", ("哔哩哔哩", None)), ("移动客户端", ("移动客户端", None)), ("APP", ("移动客户端", None)),
    ("客户端", ("移动客户端", None)), ("ＡＰＰ", ("移动客户端", None)),
    ("wechat", ("微信公众号", None)), ("weixin", ("微信公众号", None)), ("mp", ("微信公众号", None)),
    ("WeChat", ("微信公众号", None)), ("weibo", ("微博", None)), ("douyin", ("抖音", None)),
    ("dy", ("抖音", None)), ("kuaishou", ("快手", None)), ("ks", ("快手", None)),
    ("toutiao", ("今日头条", None)), ("xhs", ("小红书", None)), ("bili", ("哔哩哔哩", None)),
    ("wechat_miniprogram", ("微信小程序", None)),
    ("网站", ("其他", None)), ("知乎", ("其他", None)), ("", ("其他", None)),
])
def test_normalize_platform(label: str, expected: tuple[str, str | None]) -> None:
    assert normalize_platform(label) == expected


def test_canonical_platforms_are_fixed_points() -> None:
    for platform in PLATFORMS:
        assert normalize_platform(platform)[0] == platform


@pytest.mark.parametrize(("label", "expected"), [
    ("订阅号", "订阅号"), ("订阅", "订阅号"), ("服务号", "服务号"), ("服务", "服务号"), ("微信订阅号", "订阅号"),
    ("0", "订阅号"), ("1", "订阅号"), ("2", "服务号"), (2, "服务号"), (1.0, "订阅号"), ("2.0", "服务号"),
    ("3", None), ("订阅号/服务号", None), ("公众号", None), ("", None), (True, None),
])
def test_normalize_account_type(label: object, expected: str | None) -> None:
    assert normalize_account_type(label) == expected


@pytest.mark.parametrize(("label", "expected"), [
    ("正常", "active"), ("运营中", "active"), ("正常运营", "active"), ("运行", "active"), ("在用", "active"),
    ("开通", "active"), ("启用", "active"), ("active", "active"), ("Active", "active"),
    ("已注销", "closed"), ("注销", "closed"), ("关停", "closed"), ("已关停", "closed"), ("停用", "closed"),
    ("已停用", "closed"), ("关闭", "closed"), ("closed", "closed"), ("停止运营", "closed"),
    ("不存在", "not_found"), ("未找到", "not_found"), ("查无此号", "not_found"), ("已删除", "not_found"),
    ("not found", "not_found"), ("封禁", "banned"), ("被封", "banned"), ("封号", "banned"),
    ("违规", "banned"), ("banned", "banned"), ("未注销", "active"),
    ("待审核", "unknown"), ("abnormal", "unknown"), ("", None), (None, None),
])
def test_normalize_status(label: object, expected: str | None) -> None:
    assert normalize_status(label) == expected


@pytest.mark.parametrize(("label", "expected"), [
    ("政府", "government"), ("政务", "government"), ("机关", "government"), ("政府机构", "government"),
    ("机构认证(政府)", "government"), ("政府机构认证", "government"), ("事业单位", "institution"),
    ("媒体", "institution"), ("企业", "enterprise"), ("公司", "enterprise"), ("个人", "personal"),
    ("个人认证", "personal"), ("未认证", "none"), ("无", "none"), ("否", "none"),
    ("3", "government"), (3, "government"), ("0", "personal"), ("2", "enterprise"), ("-1", "none"),
    ("1", "government"), ("4", "institution"), ("7", "institution"), (5.0, "institution"),
    ("220", "unknown"), ("蓝V", "unknown"), ("是", "unknown"), ("", None),
])
def test_normalize_verified(label: object, expected: str | None) -> None:
    assert normalize_verified(label) == expected


# ---------------------------------------------------------------------------- dates and counts

D = dt.datetime(2022, 11, 13)
DT = dt.datetime(2022, 11, 13, 10, 5)


@pytest.mark.parametrize(("value", "expected"), [
    (dt.datetime(2022, 11, 13, 10, 5), DT),
    (dt.date(2022, 11, 13), D),
    (pd.Timestamp("2022-11-13 10:05"), DT),
    (np.datetime64("2022-11-13T10:05"), DT),
    (pd.Timestamp("2022-11-13 02:05", tz="UTC"), DT),            # aware -> China time
    ("2022年11月13日", D), ("2022 年 11 月 13 日", D), ("２０２２年１１月１３日", D),
    ("2022年11月13日 10:05", DT), ("2022年11月13日10时05分", DT), ("2022年11月13日 10时5分0秒", DT),
    ("2022-11-13", D), ("2022/11/13", D), ("2022.11.13", D), ("2022-1-3", dt.datetime(2022, 1, 3)),
    ("2022-11-13 10:05:00", DT), ("2022-11-13T10:05:00", DT), ("2022-11-13 10:05", DT),
    ("2022-11-13T10:05:00.123", DT), ("2022-11-13T02:05:00Z", DT), ("2022-11-13T10:05:00+08:00", DT),
    ("20221113", D), (20221113, D),
    (44878, D), (44878.0, D), ("44878", D), (44878.4201388889, DT),   # Excel serials
    ("11/13/2022", D), ("13/11/2022", D), ("11/12/2022", None),      # ambiguous: refuse
    ("4851234567890123 2022-11-13", D),                             # weibo-crawler 上次记录微博信息
    (1668305100, DT), (1668305100000, DT),                          # unix seconds / ms
    ("2022-02-30", None), ("2022-13-01", None), ("2022-11", None), ("昨天", None), ("", None),
    (True, None), (12, None), (float("inf"), None), ("1800-01-01", None), ("໗໔000", None),  # Lao digits
])
def test_parse_date(value: object, expected: dt.datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (12345, 12345), ("12345", 12345), ("12,345", 12345), ("1.2万", 12000), ("3.4w", 34000),
    ("10万+", 100000), ("1.5亿", 150000000), ("1.2k", 1200), ("１２３", 123), ("12345.0", 12345),
    (12345.0, 12345), ("1.2 万", 12000), ("2.5万粉丝", 25000), ("abc", None), ("-", None),
    ("-5", None), (float("nan"), None), ("", None), (True, None),
])
def test_parse_count(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected


# ---------------------------------------------------------------------------- properties

_SPECIAL = (
    "咸宁商丘衛東門國乾薴苧 \u3000\t\n\r\u200b\u200c\u200d\ufeff\u2060\u00ad—–―‐‑‒－﹣~〜（）【】〔〕［］〈〉《》「」『』"
    "·•・“”‘’\"'ＡＢＣ１２３ａｂｃAZaz\u0301\u0308e\u00e9\U0001F600\U0001F468\u200d\U0001F469⼀⼆㈠🈚丽ｶﾞ"
    "\x00\x07\x1f\x7f\x85\ud800\udfff\U00020000\uf900"
)
TEXT = st.text(alphabet=st.one_of(st.characters(exclude_categories=()), st.sampled_from(_SPECIAL)),
               max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_scalar_normalisers_are_idempotent(text: str) -> None:
    for f in (normalize_text, name_key, normalize_status, normalize_verified, normalize_account_type,
              normalize_account_id, display_text):
        once = f(text)
        assert f(once) == once, f.__name__
    platform, account_type = normalize_platform(text)
    assert platform in PLATFORMS and account_type in (*ACCOUNT_TYPES, None)
    assert normalize_platform(platform)[0] == platform
    assert normalize_status(text) in (*STATUSES, None)
    assert normalize_verified(text) in (*VERIFIED_KINDS, None)


def _is_ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_normalize_text_never_drops_a_cjk_ideograph(text: str) -> None:
    out = normalize_text(text) or ""
    expected: list[str] = []
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            expected.append(simplified(ch))  # exactly one ideograph: the char or its simplified form
        else:  # other chars may turn into ideographs under NFKC (⼀ -> 一, 🈚 -> 无)
            expected.extend(c for c in (normalize_text(ch) or "") if _is_ideograph(c))
    assert [c for c in out if _is_ideograph(c)] == expected


def test_simplified_form_is_a_single_ideograph() -> None:
    for code in range(0x4E00, 0xA000):
        s = simplified(chr(code))
        assert len(s) == 1 and _is_ideograph(s)
        assert normalize_text(chr(code)) == s


DATE_INPUTS = st.one_of(
    TEXT, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=-5))])),
    st.from_regex(r"\d{1,5}[-/.年]\d{1,3}[-/.月]\d{1,3}日?( ?\d{1,2}[:时]\d{1,2}(:\d{1,2})?)?", fullmatch=True),
    st.from_regex(r"\d{6,18}( \d{4}-\d{2}-\d{2})?", fullmatch=True),
)


@settings(max_examples=500, deadline=None)
@given(DATE_INPUTS)
def test_parse_date_never_raises(value: object) -> None:
    result = parse_date(value)
    assert result is None or (isinstance(result, dt.datetime) and result.tzinfo is None)
    assert parse_date(result) == result


# ---------------------------------------------------------------------------- the frame


def _loader_frame() -> pd.DataFrame:
    rows = [
        # source, row, platform, account_type, name, account_id, owner, supervisor, region, status,
        # verified_kind, verified_info, last_post_at, followers
        ("national", 3, "微信订阅号", None, " 咸宁指尖上的城 管 ", "@XN_cg", "咸宁市城市管理执法委员会", None,
         "市直", "正常", None, None, "2022年11月13日", None),
        ("national", 4, "微信公众号", "服务号", "平安通山", "gh_123", "通山县公安局", "通山县人民政府",
         "通山县", "运营中", None, None, dt.datetime(2022, 11, 1, 9, 30), "1.2万"),
        ("national", 5, "公众号", "2", "通山发布", None, None, None, None, "已注销", None, None, 44878, "12,345"),
        ("national", 6, "新浪微博", None, "商丘市民政局官博", 123456789, "商丘市民政局", None, None, None,
         "3", "商丘市民政局官方微博", "4851234567890123 2022-11-13", "10万+"),
        ("national", 7, "抖音短 视频", None, "商丘市衛生健康委員會", None, None, None, None, "查无此号",
         "蓝V", None, None, "abc"),
        ("national", 8, None, None, None, None, None, None, None, None, None, None, None, None),
    ]
    return pd.DataFrame(rows, columns=list(CANONICAL_COLUMNS), index=[10, 11, 12, 13, 14, 15])


def test_normalize_frame() -> None:
    raw = _loader_frame()
    before = raw.copy(deep=True)
    out = normalize_frame(raw, RegionResolver(("咸宁市",)))
    pd.testing.assert_frame_equal(raw, before)                       # the caller's frame is untouched
    assert list(out.columns) == list(CANONICAL_COLUMNS) + list(HELPER_COLUMNS)
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    assert out["row"].tolist() == [3, 4, 5, 6, 7, 8]
    assert out["platform"].tolist() == ["微信公众号", "微信公众号", "微信公众号", "微博", "抖音", "其他"]
    assert out["platform_raw"].tolist()[:2] == ["微信订阅号", "微信公众号"]
    # explicit type wins; else the type the platform label implies
    assert out["account_type"].tolist() == ["订阅号", "服务号", "服务号", None, None, None]
    assert out["name"].tolist()[0] == "咸宁指尖上的城 管"                 # display text: trimmed only
    assert out["name_norm"].tolist()[0] == "咸宁指尖上的城管"
    assert out.loc[13, "name_key"] == "商丘市民政局"
    assert out.loc[14, "name_norm"] == "商丘市卫生健康委员会"
    assert out["account_id"].tolist()[:4] == ["xn_cg", "gh_123", None, "123456789"]
    assert out["status"].tolist() == ["active", "active", "closed", None, "not_found", None]
    assert out["verified_kind"].tolist() == [None, None, None, "government", "unknown", None]
    assert str(out["last_post_at"].dtype) == "datetime64[ns]"
    assert out["last_post_at"].tolist()[:4] == [pd.Timestamp("2022-11-13"), pd.Timestamp("2022-11-01 09:30"),
                                                pd.Timestamp("2022-11-13"), pd.Timestamp("2022-11-13")]
    assert out["last_post_at"].isna().tolist()[4:] == [True, True]
    assert str(out["followers"].dtype) == "Int64"
    assert out["followers"].tolist() == [pd.NA, 12000, 12345, 100000, pd.NA, pd.NA]
    assert out["owner_norm"].tolist()[1] == "通山县公安局"
    # regions: 市直 -> the scope city; region column; name when region and owner are empty
    assert out.loc[10, ["province", "city", "county"]].tolist() == ["湖北省", "咸宁市", None]
    assert out.loc[11, ["province", "city", "county"]].tolist() == ["湖北省", "咸宁市", "通山县"]
    assert out.loc[12, ["province", "city", "county"]].tolist() == ["湖北省", "咸宁市", "通山县"]
    assert out.loc[13, ["province", "city", "county"]].tolist() == ["河南省", "商丘市", None]
    assert out.loc[15, ["province", "city", "county"]].isna().all()


def test_normalize_frame_empty_and_default_resolver() -> None:
    empty = pd.DataFrame({c: [] for c in CANONICAL_COLUMNS})
    out = normalize_frame(empty)
    assert list(out.columns) == list(CANONICAL_COLUMNS) + list(HELPER_COLUMNS) and len(out) == 0
    one = _loader_frame().iloc[[1]]
    assert normalize_frame(one).iloc[0]["county"] == "通山县"


def test_normalize_frame_datetime_column() -> None:
    raw = _loader_frame().iloc[:2].copy()
    raw["last_post_at"] = pd.to_datetime(["2022-11-13 02:05", None]).tz_localize("UTC")
    out = normalize_frame(raw)
    assert out["last_post_at"].tolist()[0] == pd.Timestamp("2022-11-13 10:05")
    assert str(out["last_post_at"].dtype) == "datetime64[ns]"
