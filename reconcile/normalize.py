"""Pure, idempotent normalisers: text, names, platform labels, types, statuses, dates, counts.

Every scalar function maps None/NaN to None, never raises on odd input, and satisfies
``f(f(x)) == f(x)``. ``reconcile.frame.normalize_frame`` applies them to a loader frame.

Nothing here does I/O except reading opencc's character table once at import.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reconcile.schema import PLATFORMS

if TYPE_CHECKING:
    pass

# --------------------------------------------------------------------------------------------
# character tables (built once at import)


def _removable_chars() -> str:
    """Whitespace, control, format (zero-width, BOM, bidi), surrogates, variation selectors."""
    cats = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}
    planes = (range(0x0000, 0x20000), range(0xE0000, 0xE1000))  # Cf/Z* live only in these
    chars = [chr(c) for r in planes for c in r if unicodedata.category(chr(c)) in cats]
    chars += [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0xE0100, 0xE01F0)]
    chars += [c for c in "\x1c\x1d\x1e\x1f\x85" if c not in chars]
    return "".join(sorted(set(chars)))


_REMOVABLE = _removable_chars()
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"  # not str.isspace(), yet blank on screen


def _load_ts_table() -> dict[int, str]:
    """Traditional -> simplified, first candidate of opencc's TSCharacters.txt, chains closed."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    raw: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        src, targets = parts[0], parts[1].split()
        if len(src) == 1 and targets and len(targets[0]) == 1:
            raw[src] = targets[0]
    table: dict[int, str] = {}
    for src, dst in raw.items():
        seen = {src}
        while dst in raw and dst not in seen and raw[dst] != dst:  # 薴 -> 苧 -> 苎
            seen.add(dst)
            dst = raw[dst]
        if dst != src and unicodedata.normalize("NFKC", dst) == dst:
            table[ord(src)] = dst
    return table


_DASHES = "—–―‐‑‒－﹣~〜～⁓−⸺⸻﹘"
_OPENERS = "（【〔［〈《「『〖〘〚[{<"
_CLOSERS = "）】〕］〉》」』〗〙〛]}>"
_DOTS = "•・･‧∙⋅"
_QUOTES = "“”‘’\"'„‟‚‛〝〞〟＂＇"

_ASCII_LOWER = {c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
_TS: dict[int, str] = _load_ts_table()
_TABLE: dict[int, str | None] = dict(_TS)
_TABLE.update({ord(c): "-" for c in _DASHES})
_TABLE.update({ord(c): "(" for c in _OPENERS})
_TABLE.update({ord(c): ")" for c in _CLOSERS})
_TABLE.update({ord(c): "·" for c in _DOTS})
_TABLE.update({ord(c): None for c in _QUOTES})
_TABLE.update(_ASCII_LOWER)
_TABLE.update({ord(c): None for c in _REMOVABLE})
_ID_TABLE: dict[int, str | None] = {ord(c): None for c in _REMOVABLE} | _ASCII_LOWER


def simplified(char: str) -> str:
    """The simplified form of one character per opencc's table (itself when it has none)."""
    return _TS.get(ord(char), char) if len(char) == 1 else char


# --------------------------------------------------------------------------------------------
# helpers


def is_missing(value: Any) -> bool:
    """None, pandas NA/NaT or a float NaN (what a pipeline may leave in an "empty" field); the
    common cases without the cost of pd.isna. Containers and unknown objects are not missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str | int):   # bool is an int
        return False
    if type(value) is float:
        return value != value
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return result is True or (isinstance(result, np.bool_) and bool(result))


def _to_text(value: Any) -> str | None:
    """Any scalar as text: None/NaN -> None; whole floats without '.0'."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isinf(f):
            return None
        return str(int(f)) if f.is_integer() and abs(f) < 1e18 else repr(f)
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value)


def display_text(value: Any) -> str | None:
    """Trimmed display text: original characters, outer whitespace stripped, inner kept."""
    text = _to_text(value)
    if text is None:
        return None
    text = text.strip()
    if text and (text[0] in _INVISIBLE or text[-1] in _INVISIBLE):
        text = _strip_blank(text)
    return text or None


def _strip_blank(text: str) -> str:
    while text and (text[0] in _INVISIBLE or text[0].isspace()):
        text = text[1:]
    while text and (text[-1] in _INVISIBLE or text[-1].isspace()):
        text = text[:-1]
    return text


# --------------------------------------------------------------------------------------------
# text and names


def _normalize_once(text: str) -> str:
    # translate() deletes whitespace/controls and maps characters; its outputs are never its
    # inputs, so the result is a fixed point as soon as it is NFKC-normal.
    return unicodedata.normalize("NFKC", text).translate(_TABLE)


def normalize_text(value: Any) -> str | None:
    """Comparison form of a text: NFKC, no whitespace/controls, simplified, unified punctuation.

    Never drops or alters a CJK ideograph except by the traditional -> simplified mapping.
    Empty results are None.
    """
    text = _to_text(value)
    if text is None:
        return None
    if text.isascii():  # NFKC is the identity on ASCII
        return text.translate(_TABLE) or None
    text = _normalize_once(text)
    for _ in range(4):  # deleting a char can let NFKC compose its neighbours: repeat until stable
        if unicodedata.is_normalized("NFKC", text):
            break
        text = _normalize_once(text)
    return text or None


_NAME_SUFFIXES = tuple(sorted(
    ("官方微博", "官博", "官微", "官方微信", "官方抖音", "官方快手", "官方账号", "官方号", "政务微博", "微博"),
    key=len, reverse=True))
_SUFFIX_FORMS = tuple(form for suffix in _NAME_SUFFIXES for form in (f"({suffix})", suffix))
_SUFFIX_LAST = frozenset(form[-1] for form in _SUFFIX_FORMS)
_EDGE_PUNCT = "-·_"


def name_key(value: Any) -> str | None:
    """normalize_text minus identity-neutral suffixes (官博, 官方微博 …) and edge punctuation."""
    return key_of_normalized(normalize_text(value))


def key_of_normalized(text: str | None) -> str | None:
    while text:
        before = text
        if text[0] in _EDGE_PUNCT or text[-1] in _EDGE_PUNCT:
            text = text.strip(_EDGE_PUNCT)
        if text and text[-1] in _SUFFIX_LAST:
            for suffix in _SUFFIX_FORMS:
                if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                    text = text[: -len(suffix)]
                    break
        if text and text[-1] == ")" and "(" in text:
            cut = text.rindex("(")
            if cut >= 2 and _is_platform_label(text[cut + 1:-1]):
                text = text[:cut]   # "咸宁民政(微信)", "平安睢县(公众号)": the platform, not the name
        if text and text[-1] in _LABEL_LAST:
            for label in _PLATFORM_WORDS:
                if text.endswith(label) and len(text) - len(label) >= 3:
                    text = text[: -len(label)]
                    break
        if text == before:
            break
    if text and "-" in text:
        # "商丘市-开发区派出所" = "商丘市开发区派出所" (normalised again: a dash may have kept two
        # characters from composing)
        text = normalize_text(text.replace("-", "")) or text
    return text or None


# platform words a name may carry at its end ("通山文旅抖音号"); with brackets any platform label
_PLATFORM_WORDS = tuple(sorted(("微信公众号", "公众号", "抖音号", "快手号", "头条号", "视频号", "微信号",
                                "百家号", "企鹅号", "小红书号"), key=len, reverse=True))
_LABEL_LAST = frozenset(w[-1] for w in _PLATFORM_WORDS)


def _is_platform_label(text: str) -> bool:
    """A bracketed word naming a platform or an account type: 微信, 公众号, 微博, 抖音号, 订阅号 …"""
    if not text or len(text) > 8:
        return False
    if text in _SUFFIX_FORMS or text in _PLATFORM_EXACT or text in PLATFORMS:
        return True
    return any(text.endswith(w) for w in ("号", "微博", "微信", "抖音", "快手", "头条")) and (
        normalize_platform(text)[0] != "其他" or text.endswith(_PLATFORM_WORDS))


# --------------------------------------------------------------------------------------------
# platform, account type, status, verification

_PLATFORM_EXACT: dict[str, tuple[str, str | None]] = {
    "微信": ("微信公众号", None), "公众号": ("微信公众号", None), "微信公众号": ("微信公众号", None),
    "微信订阅号": ("微信公众号", "订阅号"), "订阅号": ("微信公众号", "订阅号"),
    "微信服务号": ("微信公众号", "服务号"), "服务号": ("微信公众号", "服务号"),
    "头条": ("今日头条", None), "app": ("移动客户端", None), "客户端": ("移动客户端", None),
}
# (substring, platform, account type), first hit wins; order matters.
_PLATFORM_RULES: tuple[tuple[str, str, str | None], ...] = (
    ("视频号", "微信视频号", None), ("订阅号", "微信公众号", "订阅号"), ("服务号", "微信公众号", "服务号"),
    ("公众号", "微信公众号", None), ("公众平台", "微信公众号", None),
    ("微博", "微博", None), ("抖音", "抖音", None), ("快手", "快手", None), ("头条", "今日头条", None),
    ("人民号", "人民号", None), ("人民日报", "人民号", None), ("百家号", "百家号", None),
    ("企鹅号", "企鹅号", None), ("企鹅", "企鹅号", None), ("一点号", "一点号", None), ("一点资讯", "一点号", None),
    ("搜狐", "搜狐号", None), ("网易", "网易号", None), ("美篇", "美篇", None), ("喜马拉雅", "喜马拉雅", None),
    ("小红书", "小红书", None), ("哔哩哔哩", "哔哩哔哩", None), ("b站", "哔哩哔哩", None),
    ("bilibili", "哔哩哔哩", None), ("微信", "微信公众号", None), ("客户端", "移动客户端", None),
    ("移动端", "移动客户端", None),
)
_MINI_OTHER_BRANDS = ("支付宝", "百度", "抖音", "头条", "qq", "快手")
# English / pinyin crawler labels, checked token by token, specific before generic.
_PLATFORM_TOKENS: tuple[tuple[frozenset[str], str], ...] = tuple((frozenset(words.split()), platform) for words, platform in (
    ("miniprogram miniapp xcx applet weapp", "微信小程序"), ("channels sph wxvideo finder shipinhao", "微信视频号"),
    ("weibo wb sina", "微博"), ("douyin dy tiktok", "抖音"), ("kuaishou ks", "快手"), ("toutiao tt", "今日头条"),
    ("xhs xiaohongshu redbook rednote", "小红书"), ("bilibili bili", "哔哩哔哩"), ("baijiahao bjh", "百家号"),
    ("renminhao rmh", "人民号"), ("qiehao qie", "企鹅号"), ("yidianhao yidian", "一点号"), ("sohu", "搜狐号"),
    ("netease wangyihao 163", "网易号"), ("meipian", "美篇"), ("ximalaya", "喜马拉雅"),
    ("wechat weixin wx mp gzh officialaccount", "微信公众号"), ("app ios android client", "移动客户端"),
))
_TYPE_TOKENS = {"subscription": "订阅号", "subscribe": "订阅号", "service": "服务号"}


def normalize_platform(label: Any) -> tuple[str, str | None]:
    """(canonical platform from schema.PLATFORMS, account type implied by the label or None)."""
    text = normalize_text(label)
    if text is None:
        return ("其他", None)
    if text in _PLATFORM_EXACT:
        return _PLATFORM_EXACT[text]
    if text in PLATFORMS:
        return (text, None)
    if "小程序" in text:
        if any(b in text for b in _MINI_OTHER_BRANDS):
            return ("其他", None)
        return ("微信小程序", None)
    for needle, platform, account_type in _PLATFORM_RULES:
        if needle in text:
            return (platform, account_type)
    tokens = set(re.split(r"[^a-z0-9]+", text)) - {""}
    if tokens:
        account_type = next((_TYPE_TOKENS[t] for t in tokens if t in _TYPE_TOKENS), None)
        for names, platform in _PLATFORM_TOKENS:
            if tokens & names:
                return (platform, account_type if platform == "微信公众号" else None)
    return ("其他", None)


def _integral(value: Any) -> int | None:
    """An int for int/float values and purely numeric strings ("2", "2.0"); else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return int(f) if math.isfinite(f) and f.is_integer() else None
    text = normalize_text(value)
    if text and re.fullmatch(r"[+-]?\d{1,18}(\.0+)?", text, re.ASCII):
        return int(float(text)) if "." in text else int(text)
    return None


def normalize_account_type(label: Any) -> str | None:
    """订阅号 | 服务号 | None. WeChat tools' service_type numbers: 0/1 -> 订阅号, 2 -> 服务号."""
    number = _integral(label)
    if number is not None:
        return {0: "订阅号", 1: "订阅号", 2: "服务号"}.get(number)
    text = normalize_text(label)
    if text is None:
        return None
    sub = "订阅" in text or "subscri" in text
    svc = "服务" in text or "service" in text
    if sub != svc:
        return "订阅号" if sub else "服务号"
    return None


# (needles, status), first hit wins: negations and "停止运营" before the plain words.
_STATUS_RULES: tuple[tuple[tuple[str, ...], str], ...] = tuple((tuple(words.split()), status) for words, status in (
    ("未注销 未关停 未停用 未关闭 未停运", "active"),
    ("不正常 异常 inactive abnormal 未开通", "unknown"),
    ("不存在 未找到 查无 删除 找不到 搜索不到 无此 notfound not_found missing deleted 404", "not_found"),
    ("封禁 被封 封号 封停 违规 违反 冻结 屏蔽 banned blocked suspended frozen", "banned"),
    ("注销 关停 停用 关闭 停止运营 停止运行 停运 撤销 已关 closed cancel terminated", "closed"),
    ("正常 运营 运行 在用 开通 启用 使用中 在线 active normal running", "active"),
))


def normalize_status(label: Any) -> str | None:
    """active | closed | not_found | banned | unknown (unrecognised text); None when empty."""
    text = normalize_text(label)
    if text is None:
        return None
    if text in ("active", "closed", "not_found", "banned", "unknown"):
        return text
    if text == "ok":
        return "active"
    for needles, status in _STATUS_RULES:
        if any(n in text for n in needles):
            return status
    return "unknown"


_WEIBO_VERIFIED_TYPES = {-1: "none", 0: "personal", 1: "government", 2: "enterprise", 3: "government",
                         4: "institution", 5: "institution", 6: "institution", 7: "institution"}
_VERIFIED_RULES: tuple[tuple[tuple[str, ...], str], ...] = tuple((tuple(words.split()), kind) for words, kind in (
    ("未认证 无认证 没有认证 非认证 unverified none false", "none"),
    ("government 政府 政务 机关 党委 党政", "government"),
    ("institution 事业单位 媒体 学校 医院 社会组织 团体 高校", "institution"),
    ("enterprise 企业 公司 company", "enterprise"),
    ("personal 个人 person", "personal"),
))


# verification kinds that never make an account official (never unfiled, no places resolved)
NOT_OFFICIAL = frozenset({"enterprise", "personal", "none"})


def normalize_verified(label: Any) -> str | None:
    """government | institution | enterprise | personal | none | unknown; None when empty.

    Numbers are Weibo's verified_type (-1 none, 0 personal, 1 and 3 government, 2 enterprise,
    4-7 institution); other numbers and 蓝V-style words are "unknown".
    """
    number = _integral(label)
    if number is not None:
        return _WEIBO_VERIFIED_TYPES.get(number, "unknown")
    text = normalize_text(label)
    if text is None:
        return None
    if text in ("unknown", "none"):
        return text
    if text in ("无", "否", "no", "n", "没有", "未"):
        return "none"
    for needles, kind in _VERIFIED_RULES:
        if any(n in text for n in needles):
            return kind
    return "unknown"


# --------------------------------------------------------------------------------------------
# dates and counts

_CST = dt.timezone(dt.timedelta(hours=8))
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_TIME = (r"(?:[\sT]*(\d{1,2})\s*(?::|时|点)\s*(?:(\d{1,2})\s*分?\s*(?::?\s*(\d{1,2})(?:[.,]\d+)?\s*秒?)?)?)?"
         r"\s*(z|Z|[+-]\d{2}:?\d{2})?")
_YMD_RE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?" + _TIME, re.ASCII)
_MDY_RE = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})" + _TIME, re.ASCII)
_WEIBO_RE = re.compile(r"\d{6,}\s+(\S.*)", re.ASCII)
_NUMBER_RE = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)


def _naive_cst(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(_CST)
    return value.replace(tzinfo=None)


def _checked(value: dt.datetime) -> dt.datetime | None:
    return value if 1900 <= value.year <= 2100 else None


def _date_from_number(number: float) -> dt.datetime | None:
    if not math.isfinite(number):
        return None
    if 20000 <= number <= 80000:  # Excel serial (1954 .. 2119)
        return _checked(_EXCEL_EPOCH + dt.timedelta(seconds=round(number * 86400)))
    if number.is_integer():
        digits = str(int(number))
        if len(digits) == 8:
            return _checked(dt.datetime.strptime(digits, "%Y%m%d"))
        if len(digits) == 14:
            return _checked(dt.datetime.strptime(digits, "%Y%m%d%H%M%S"))
    if 946_684_800 <= number < 4_102_444_800:  # unix seconds (2000 .. 2100), as crawlers store them
        return _checked(dt.datetime.fromtimestamp(number, _CST).replace(tzinfo=None))
    if 946_684_800_000 <= number < 4_102_444_800_000:  # unix milliseconds
        return _checked(dt.datetime.fromtimestamp(number / 1000, _CST).replace(tzinfo=None))
    return None


def _build(year: str, month: str, day: str, groups: tuple[str | None, ...]) -> dt.datetime | None:
    hour, minute, second, tz = groups
    value = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    if tz:
        tz = tz.upper()
        offset = dt.timedelta(0) if tz == "Z" else dt.timedelta(
            hours=int(tz[1:3]), minutes=int(tz[-2:])) * (1 if tz[0] == "+" else -1)
        value = _naive_cst(value.replace(tzinfo=dt.timezone(offset)))
    return _checked(value)


def _date_from_text(text: str) -> dt.datetime | None:
    text = _strip_blank(unicodedata.normalize("NFKC", text))
    if not text:
        return None
    if _NUMBER_RE.fullmatch(text):
        return _date_from_number(float(text))
    m = _YMD_RE.fullmatch(text)
    if m:
        return _build(m[1], m[2], m[3], m.groups()[3:])
    m = _MDY_RE.fullmatch(text)
    if m:
        a, b = int(m[1]), int(m[2])
        if a > 12 >= b or a == b:
            month, day = b, a
        elif b > 12 >= a:
            month, day = a, b
        else:
            return None  # 11/12/2022: month/day or day/month? refuse to guess
        return _build(m[3], str(month), str(day), m.groups()[3:])
    m = _WEIBO_RE.fullmatch(text)  # weibo-crawler: "<weibo_id> <YYYY-MM-DD>"
    if m and not _NUMBER_RE.fullmatch(m[1]):
        return _date_from_text(m[1])
    return None


def parse_date(value: Any) -> dt.datetime | None:
    """A naive datetime (China time) from any date form our inputs use, else None. Never raises."""
    try:
        if is_missing(value) or isinstance(value, bool | np.bool_):
            return None
        if isinstance(value, pd.Timestamp):
            return _checked(_naive_cst(value.to_pydatetime(warn=False)))
        if isinstance(value, dt.datetime):
            return _checked(_naive_cst(value))
        if isinstance(value, dt.date):
            return _checked(dt.datetime(value.year, value.month, value.day))
        if isinstance(value, np.datetime64):
            return parse_date(pd.Timestamp(value))
        if isinstance(value, int | float | np.integer | np.floating):
            return _date_from_number(float(value))
        if isinstance(value, str):
            return _date_from_text(value)
    except Exception:  # the contract: parse_date never raises
        return None
    return None


_COUNT_RE = re.compile(r"(\d+(?:\.\d+)?)(万|w|亿|千|k|百万|m)?\+?(?:粉丝|人|个)?", re.ASCII)
_COUNT_UNITS = {None: 1, "万": 10_000, "w": 10_000, "亿": 100_000_000, "千": 1_000, "k": 1_000,
                "百万": 1_000_000, "m": 1_000_000}


def parse_count(value: Any) -> int | None:
    """Follower counts: 12345, "12,345", "1.2万", "3.4w", "10万+", "1.5亿" -> int; else None."""
    try:
        if is_missing(value) or isinstance(value, bool | np.bool_):
            return None
        if isinstance(value, int | np.integer):
            number = Decimal(int(value))
        elif isinstance(value, float | np.floating):
            if not math.isfinite(float(value)):
                return None
            number = Decimal(repr(float(value)))
        else:
            text = normalize_text(value)
            if text is None:
                return None
            m = _COUNT_RE.fullmatch(text.replace(",", "").replace("，", ""))
            if not m:
                return None
            number = Decimal(m[1]) * _COUNT_UNITS[m[2]]
        result = int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    return result if 0 <= result < 2**63 else None


def normalize_account_id(value: Any) -> str | None:
    """Account id as compared: no whitespace, lower-case ASCII, no leading "@"."""
    text = _to_text(value)
    if text is None:
        return None
    if text.isascii() and text.isprintable() and " " not in text:
        return text.lower().lstrip("@") or None
    for _ in range(4):
        text = unicodedata.normalize("NFKC", text).translate(_ID_TABLE).lstrip("@")
        if unicodedata.is_normalized("NFKC", text):
            break
    return text or None
