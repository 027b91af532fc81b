"""Cosmetic noise: changes a clerk or a platform makes to the text of an account that do NOT
change what it means. The linker must see through every one of them; none may create a finding.

Every function is pure given its ``random.Random``.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from bisect import bisect
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any, TypeVar

T = TypeVar("T")

# One-character typos a clerk makes with a pinyin IME (homophones / near-homophones).
_TYPO_PAIRS = (
    "理里 管馆 局居 政正 务物 委未 员园 会汇 康慷 健建 交郊 旅侣 游油 警境 应映 急及 卫为 生声 民明 布步 "
    "安按 全权 教较 育玉 财材 保宝 障章 规归 划化 设社 农浓 商尚 文闻 审沈 计记 场厂 督都 统桶 林琳 执直 "
    "司思 改该 革格 济际 信心 科课 技记 族足 宗综 访仿 档挡 融容 媒煤 医衣 院远 疾即 病并 防房 控空 制治 "
    "妇负 幼优 税说 气汽 象像 供共 销消 青清 团图 联连 协谐 残惨 红洪 字自 检捡 察查 纪记 律率 组阻 织只 "
    "宣喧 传船 战站 事是 机基 资姿 源元 易义 积基 金今 动洞 产铲 登灯 烟淹 草早 专砖 广光 播波 电点 视是 "
    "图涂 书输 博搏 监坚 粮量 食实 储楚 备被 招召 服福 振阵 兴星 经京 路露 业叶 展站 就旧 险显 学雪 验严 "
    "职只 园圆 热惹 线先 便变 派排 出初 府付 办半 室事 美每 魅妹 印因 窗创 丽立 法发 治质 城成"
)
TYPOS: dict[str, str] = {p[0]: p[1] for p in _TYPO_PAIRS.split()}
_ASCII_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in _ASCII_ALNUM})
has_ascii_alnum = re.compile("[0-9A-Za-z]").search
DASHES = ("—", "-", "－", "–")
WEIBO_SUFFIXES = ("官博", "官方微博")

# Label variants that keep their meaning. The WeChat type-bearing labels (微信订阅号 / 微信服务号)
# are chosen only when they agree with the registered type.
PLATFORM_LABELS = {
    "微信公众号": ("微信公众号", "公众号"),
    "微博": ("微博", "新浪微博"),
    "抖音": ("抖音", "抖音短视频"),
    "快手": ("快手",),
    "今日头条": ("今日头条",),
    "移动客户端": ("移动客户端",),
}
CRAWLED_PLATFORM_LABELS = {
    "微信公众号": ("微信公众号", "公众号"),
    "微博": ("微博", "新浪微博"),
    "抖音": ("抖音",),
    "快手": ("快手",),
}
ACTIVE_LABELS = ("正常", "正常运营", "运营中")
CLOSED_LABELS = ("已注销", "已关停")
GONE_LABELS = ("已注销", "不存在", "封禁")   # crawled: what the platform shows for a gone account
VERIFIED_LABELS = {
    "government": "政府机构认证", "institution": "事业单位认证", "enterprise": "企业认证",
    "personal": "个人认证", "none": "未认证",
}


# Phenomena of generated data (not in the shipped sample): more label variants, platform labels
# appended to a name, more date spellings.
PLATFORM_LABELS_MORE = {
    "微信公众号": ("微信公众号", "公众号", "微信"),
    "微博": ("微博", "新浪微博"),
    "抖音": ("抖音", "抖音短视频", "抖音号"),
    "快手": ("快手", "快手号"),
    "今日头条": ("今日头条", "头条号"),
    "移动客户端": ("移动客户端", "客户端"),
}
ACTIVE_LABELS_MORE = ("正常", "正常运营", "运营中", "在用")
CLOSED_LABELS_MORE = ("已注销", "已关停", "注销", "关停")
NAME_LABELS = {   # appended to a name: 咸宁发布（微信）
    "微信公众号": ("（微信）", "(公众号)", "（公众号）", "（微信公众号）"),
    "微博": ("（微博）", "(微博)"),
    "抖音": ("（抖音号）", "（抖音）"),
    "快手": ("（快手）", "（快手号）"),
    "今日头条": ("（头条号）",),
}


def date_variant(day: dt.date, rng: random.Random) -> str | dt.datetime:
    """The rarer spellings: 20221113, 2022-11-13 10:15:00, 2022/11/13, an Excel date cell."""
    r = rng.random()
    if r < 0.3:
        return f"{day.year}{day.month:02d}{day.day:02d}"
    if r < 0.6:
        return f"{day.isoformat()} {rint(rng, 7, 22):02d}:{rint(rng, 0, 59):02d}:{rint(rng, 0, 59):02d}"
    if r < 0.75:
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    return dt.datetime(day.year, day.month, day.day, rint(rng, 7, 22), rint(rng, 0, 59))


@lru_cache(maxsize=256)
def _cum(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(accumulate(weights))


def pick(rng: random.Random, items: Sequence[T], weights: tuple[float, ...]) -> T:
    """``rng.choices(items, weights)[0]``, several times faster (cumulative weights are cached)."""
    cum = _cum(weights)
    return items[bisect(cum, rng.random() * cum[-1])]


def one(rng: random.Random, items: Sequence[T]) -> T:
    """``one(rng, items)`` without its rejection sampling (about 3x faster)."""
    return items[int(rng.random() * len(items))]


def rint(rng: random.Random, low: int, high: int) -> int:
    """``rint(rng, low, high)``, faster (a float draw; uniform enough for test data)."""
    return low + int(rng.random() * (high - low + 1))


def fullwidth(text: str) -> str:
    """ASCII digits and letters -> full-width (１２３４５, ＡＰＰ)."""
    return text.translate(_FULLWIDTH)


def inner_space(text: str, rng: random.Random, space: str = " ") -> str:
    """A stray space inside the name, as PDF/Excel copies leave it (咸宁指尖上的城 管)."""
    if len(text) < 3:
        return text
    cuts = [i for i in range(1, len(text)) if not (text[i - 1].isascii() and text[i].isascii())]
    if not cuts:
        return text
    i = one(rng, cuts)
    return text[:i] + space + text[i:]


def _protected_positions(text: str, protect: tuple[str, ...]) -> set[int]:
    out: set[int] = set()
    for word in protect:
        if not word:
            continue
        start = text.find(word)
        while start >= 0:
            out.update(range(start, start + len(word)))
            start = text.find(word, start + 1)
    return out


def typo(text: str, rng: random.Random, protect: tuple[str, ...] = (), min_core: int = 4) -> str | None:
    """Replace one character by a homophone, never inside a protected word (region/town names).
    None when the text outside the protected words is shorter than ``min_core`` (a typo in 商务局
    leaves too little to recognise) or has no character we know a typo for."""
    locked = _protected_positions(text, protect)
    if len(text) - len(locked) < min_core:
        return None
    spots = [i for i, c in enumerate(text) if c in TYPOS and i not in locked]
    if not spots:
        return None
    i = one(rng, spots)
    return text[:i] + TYPOS[text[i]] + text[i + 1:]


def dash_after(text: str, prefix: str, rng: random.Random) -> str | None:
    """商丘市开发区派出所 -> 商丘市—开发区派出所 (a dash after the region prefix)."""
    if not prefix or not text.startswith(prefix) or len(text) <= len(prefix) + 1:
        return None
    return prefix + one(rng, DASHES) + text[len(prefix):]


@lru_cache(maxsize=1)
def _converters() -> tuple[Any, Any]:
    import opencc  # a project dependency; loaded only when traditional names are made

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


def traditional(text: str) -> str | None:
    """The name in traditional characters, when that differs and converts back exactly."""
    s2t, t2s = _converters()
    trad = s2t.convert(text)
    if trad == text or t2s.convert(trad) != text:
        return None
    return trad


def id_noise(account_id: str, rng: random.Random) -> str:
    """Different case or surrounding whitespace; the id stays the same id."""
    if any(c.isalpha() for c in account_id) and rng.random() < 0.6:
        return account_id.upper() if rng.random() < 0.7 else account_id.capitalize()
    return one(rng, (" ", "", "\u3000")) + account_id + one(rng, (" ", "  ", "\t"))


def platform_label(platform: str, account_type: str | None, rng: random.Random, crawled: bool = False) -> str:
    table = CRAWLED_PLATFORM_LABELS if crawled else PLATFORM_LABELS
    labels = table.get(platform, (platform,))
    if not crawled and platform == "微信公众号" and account_type and rng.random() < 0.25:
        return "微信" + account_type
    return one(rng, labels)


def status_label(status: str | None, rng: random.Random) -> str:
    if status is None:
        return ""
    if status == "active":
        return pick(rng, ACTIVE_LABELS, (5, 3, 1))
    return pick(rng, CLOSED_LABELS, (4, 1))


def date_text(day: dt.date, rng: random.Random, with_excel: bool = False) -> str | dt.datetime | int:
    """A date as the exports write it: 2022年11月13日, 2022-11-13, 2022/11/13 10:00, an Excel serial."""
    r = rng.random()
    if r < 0.35:
        return f"{day.year}年{day.month}月{day.day}日"
    if r < 0.7:
        return day.isoformat()
    if r < 0.97 or not with_excel:
        return f"{day.year}/{day.month}/{day.day} {rint(rng, 7, 22):02d}:{one(rng, (0, 15, 30, 45)):02d}"
    return (day - dt.date(1899, 12, 30)).days


def followers_text(n: int) -> str:
    """粉丝数 as platforms show it: 856, 1.2万, 3.4亿."""
    if n >= 100_000_000:
        return f"{n / 100_000_000:.1f}亿"
    if n >= 10_000:
        return f"{n / 10_000:.1f}万"
    return str(n)
