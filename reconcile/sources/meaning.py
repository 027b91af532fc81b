"""Recognise header cells by meaning when no alias names them (issue 13).

Thirty-odd provincial systems word their columns as they like ("新媒体账号名称", "账号标识",
"主办单位名称"); no list keeps up. Every canonical column is scored against every header the
alias tables did not settle, from two kinds of evidence:

- the header text (``normalize_header`` form): key words per column ("名称", "平台", "标识",
  "主办" …) and words that rule a column out ("单位" in "主办单位名称" is not a name);
- the column's values, a sample of at most ``SAMPLE_CELLS`` cells: the share that are dates,
  ids (gh_…, digits), platform labels, 订阅号/服务号, status words, unit names, place names,
  counts.

``assign`` takes the best one-to-one assignment above ``MIN_SCORE`` (greedy, best score first;
ties left-most), and reports a required column whose two best candidates are within
``MARGIN`` as ambiguous. Text alone never maps a column below ``MIN_SCORE``: a header without
any key word is not taken for a column because its values happen to be dates.

Pure and deterministic: header texts and sample values in, an ``Assignment`` out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reconcile.normalize import parse_date
from reconcile.sources.aliases import normalize_header

SAMPLE_CELLS: Final = 200   # value cells looked at per column
MIN_SCORE: Final = 0.5      # below this a header is not taken for a column
HEADER_TEXT_MIN: Final = 0.6  # text alone counts toward finding the header row
MARGIN: Final = 0.08        # a required column's two best candidates closer than this: ambiguous
NEAR_SCORE: Final = 0.3     # candidates worth naming when a required column is missing
_TEXT_WEIGHT: Final = 0.6   # score = 0.6 * text + 0.4 * values
_NEUTRAL: Final = 0.5       # value evidence of a column without values (header-only file)
_MIN_TEXT: Final = 0.4      # weaker text (a blocked key word) is never taken, whatever the values
_MAX_HEADER_CHARS: Final = 24  # a longer cell is a title or a note, not a header


@dataclass(frozen=True)
class _Rule:
    words: tuple[tuple[str, float], ...]   # (key word, weight): the best contained word counts
    blockers: tuple[str, ...] = ()         # any of these in the header: weight x 0.3
    values: str = ""                       # the value profile that fits the column


def _words(spec: str) -> tuple[tuple[str, float], ...]:
    """ "名称 .8 账号名 .85" -> (("名称", 0.8), ("账号名", 0.85))."""
    parts = spec.split()
    return tuple((parts[i], float(parts[i + 1])) for i in range(0, len(parts), 2))


# Key words are matched in normalize_header form (NFKC, no spaces, ASCII lower case).
RULES: Final[dict[str, _Rule]] = {
    "name": _Rule(_words("名称 .8 账号名 .85 公众号名 .85 号名 .75 昵称 .85 用户名 .8 名字 .7 全称 .65 "
                         "简称 .6 名 .45 name .6 title .4"),
                  ("单位", "主体", "机构", "部门", "主管", "主办", "开办", "平台", "类型", "类别", "地区",
                   "地市", "区县", "认证", "文件", "栏目", "作者", "区划", "省", "县", "id", "状态"),
                  "text"),
    "platform": _Rule(_words("新媒体类型 .95 媒体类型 .9 媒体类别 .9 新媒体种类 .9 平台 .85 渠道 .7 载体 .6 "
                             "终端 .5 类别 .6 种类 .55 类型 .45 platform .8"),
                      ("账号类型", "号类型", "号类别", "号性质", "认证", "主体", "单位", "状态", "性质", "id", "时间", "数"),
                      "platform"),
    "account_type": _Rule(_words("账号类型 .9 公众号类型 .9 号类型 .85 号类别 .85 号性质 .8 账号性质 .8 服务类型 .5 "
                                 "订阅号 .7 服务号 .7 类型 .4"),
                          ("新媒体", "媒体", "平台", "认证", "单位", "主体"),
                          "type"),
    "account_id": _Rule(_words("原始id .95 账号id .9 微信号 .9 抖音号 .9 快手号 .9 微博号 .85 头条号 .85 "
                               "uid .85 标识 .8 id .75 号码 .6 账号 .55 编码 .5 编号 .45 号 .4"),
                        ("名称", "名", "类型", "状态", "主体", "单位", "认证", "粉丝", "时间", "日期", "数",
                         "备案编号", "身份证"),
                        "id"),
    "owner": _Rule(_words("主办 .9 开办 .9 责任单位 .9 认证主体 .9 账号主体 .9 主体 .85 运营单位 .85 "
                          "运维单位 .85 管理单位 .8 所属单位 .8 单位 .7 机构 .6 部门 .6"),
                   ("账号名", "号名", "昵称", "主管", "监管", "上级", "类型", "状态", "联系", "电话", "负责人", "地址", "性质", "级别", "层级", "时间",
                    "代码", "编码"),
                   "unit"),
    "supervisor": _Rule(_words("主管 .9 监管 .8 上级单位 .8 上级部门 .8 上级机关 .8"),
                        ("联系", "电话", "负责人", "类型"),
                        "unit"),
    "region": _Rule(_words("地区 .85 区县 .85 县区 .85 地市 .85 县市区 .85 市县 .8 区域 .8 行政区 .85 区划 .8 "
                           "所在地 .8 属地 .8 市直 .8 乡镇 .7 街道 .7 城市 .7 省份 .7 所属 .5"),
                    ("平台", "单位", "主体", "类型", "状态", "时间", "日期", "部门", "机构", "ip"),
                    "place"),
    "status": _Rule(_words("状态 .85 运营情况 .8 运行情况 .8 是否注销 .75 是否关停 .75 注销 .55 "
                           "在用 .6 运营 .55 运行 .55 status .8"),
                    ("认证", "单位", "主体", "时间", "日期"),
                    "status"),
    "verified_kind": _Rule(_words("认证类型 .95 认证状态 .9 是否认证 .9 认证级别 .8 认证方式 .75 认证种类 .8 "
                                  "认证 .5"),
                           ("主体", "信息", "说明", "详情", "内容", "时间", "日期", "名称"),
                           "verified"),
    "verified_info": _Rule(_words("认证信息 .95 认证说明 .9 认证详情 .9 认证内容 .9 认证描述 .85 认证 .5"),
                           ("主体", "类型", "状态", "时间", "日期"),
                           "text"),
    "last_post_at": _Rule(_words("最近更新 .95 最后更新 .95 最新更新 .95 最近发布 .95 最后发布 .95 最新发布 .95 "
                                 "最近发文 .95 最后发文 .95 上次更新 .9 末次更新 .9 更新时间 .8 更新日期 .8 "
                                 "发布时间 .8 发布日期 .8 发文时间 .8 推送时间 .75 更新 .6 发布 .5 发文 .55 "
                                 "最近 .5 最后 .5 最新 .5"),
                          ("开设", "备案", "注册", "创建", "开通", "注销", "关停", "变更", "认证", "入库", "填报",
                           "采集", "导出", "审核", "数", "量", "频率", "次数", "条数", "内容", "标题", "链接"),
                          "date"),
    "followers": _Rule(_words("粉丝 .9 关注人数 .85 订阅人数 .85 订阅数 .85 关注数 .8 订阅用户 .8 用户数 .6 "
                              "关注量 .8 订阅量 .8"),
                       ("id", "名", "时间", "日期"),
                       "count"),
}

# Headers of columns nobody reads: never taken for a column by meaning (an alias still maps them).
_NEVER: Final = ("序号", "备注", "联系", "电话", "手机", "邮箱", "网址", "链接", "url", "二维码", "头像", "简介",
                 "介绍", "负责人", "管理员", "审核", "填报", "录入", "导出", "操作", "附件", "截图", "统一社会信用代码", "信用代码")


def header_key(text: object) -> str:
    return normalize_header(text)


def text_score(key: str, column: str) -> float:
    """Evidence from a normalised header text alone that it means ``column`` (0..1)."""
    rule = RULES.get(column)
    if rule is None or not key or len(key) > _MAX_HEADER_CHARS or any(w in key for w in _NEVER):
        return 0.0
    best = max((weight for word, weight in rule.words if word in key), default=0.0)
    if best and any(b in key for b in rule.blockers):
        best *= 0.3
    return best


def header_columns(text: object, columns: Sequence[str]) -> set[str]:
    """The columns a header cell plainly names by its text (for finding the header row)."""
    key = header_key(text)
    return {c for c in columns if text_score(key, c) >= HEADER_TEXT_MIN}


# --- value evidence ---------------------------------------------------------------------------

_PLATFORM_WORDS: Final = frozenset(
    "微信 公众号 微信公众号 微信公众平台 微信订阅号 微信服务号 订阅号 服务号 小程序 微信小程序 视频号 微信视频号 微博 "
    "新浪微博 腾讯微博 抖音 抖音号 快手 快手号 今日头条 头条 头条号 人民号 百家号 企鹅号 一点号 搜狐号 网易号 美篇 "
    "喜马拉雅 小红书 哔哩哔哩 b站 bilibili 客户端 移动客户端 app 西瓜视频 澎湃号 学习强国 强国号 其他 "
    "wechat weibo douyin kuaishou toutiao".split())
_TYPE_WORDS: Final = frozenset("订阅号 服务号 企业号 微信订阅号 微信服务号 订阅 服务".split())
_STATUS_WORDS: Final = frozenset(
    "正常 运营 运营中 正常运营 正常运行 运行中 在用 使用中 启用 开通 已开通 注销 已注销 关停 已关停 停用 已停用 "
    "停运 关闭 已关闭 冻结 封禁 被封 异常 不存在 未找到 已删除 暂停 暂停更新 休眠".split())
_VERIFIED_RE: Final = re.compile(r"(政府|机构|企业|个人|媒体|事业单位|组织|官方|蓝v|黄v|未|已)?认证|^(true|false|是|否|-1|[0-7])$")
_ID_RE: Final = re.compile(r"(gh_[0-9a-f]{6,}|[0-9a-z][0-9a-z_\-.@]{2,63})", re.ASCII)
_COUNT_RE: Final = re.compile(r"\d+(\.\d+)?(万|w|亿|千|k)?\+?", re.ASCII)
_UNIT_RE: Final = re.compile(r"(局|委|办|办公室|政府|中心|院|所|队|站|委员会|部|厅|处|科|会|馆|社|公司|街道|镇|乡|村|"
                             r"社区|支队|大队|中队|派出所|法院|检察院|学校|中学|小学|大学|学院|医院|集团|协会|团委|"
                             r"妇联|总工会|党委|党组|管委会|组织部|宣传部|报社|电视台)$")
_PLACE_RE: Final = re.compile(r"^(.{1,12}(省|市|县|区|旗|州|盟|镇|乡|街道|自治区|自治州|自治县|新区|开发区)|"
                              r"市直|县直|区直|省直|本级|市本级|县本级)$")
_CJK_RE: Final = re.compile(r"[\u3400-\u9fff]")


def _text(value: object) -> str:
    return re.sub(r"\s+", "", str(value)).lower()


def value_profile(values: Sequence[object]) -> dict[str, float] | None:
    """Share of the non-empty cells in ``values`` (at most SAMPLE_CELLS of them) that look like
    each kind of value; None when the column is empty."""
    cells = [v for v in values if v is not None and (not isinstance(v, str) or v.strip())][:SAMPLE_CELLS]
    if not cells:
        return None
    counts = dict.fromkeys(("date", "platform", "type", "status", "verified", "id", "unit", "place", "count",
                            "text"), 0)
    for v in cells:
        if isinstance(v, bool):
            counts["verified"] += 1
            continue
        if isinstance(v, dt.date):
            counts["date"] += 1
            continue
        s = _text(v)
        is_date = isinstance(v, str) and not s.isdigit() and parse_date(v) is not None
        if is_date or (isinstance(v, str) and len(s) == 8 and s.isdigit() and s[:2] in ("19", "20")
                       and parse_date(v) is not None):
            counts["date"] += 1
            continue
        if s in _PLATFORM_WORDS or (len(s) <= 10 and s.strip("()（）") in _PLATFORM_WORDS):
            counts["platform"] += 1
        if s in _TYPE_WORDS:
            counts["type"] += 1
        if s in _STATUS_WORDS:
            counts["status"] += 1
        if _VERIFIED_RE.search(s) and len(s) <= 10:
            counts["verified"] += 1
        if _COUNT_RE.fullmatch(s) and not (s.isdigit() and len(s) >= 10):
            counts["count"] += 1
        if _ID_RE.fullmatch(s) and not _CJK_RE.search(s):
            counts["id"] += 1
        if _CJK_RE.search(s):
            if _UNIT_RE.search(s) and len(s) >= 3:
                counts["unit"] += 1
            if _PLACE_RE.match(s):
                counts["place"] += 1
            if 2 <= len(s) <= 40 and s not in _PLATFORM_WORDS and s not in _STATUS_WORDS and s not in _TYPE_WORDS:
                counts["text"] += 1
    n = len(cells)
    return {k: c / n for k, c in counts.items()}


_FIT_LABELS: Final = {"date": "日期", "platform": "平台名称", "type": "订阅号/服务号", "status": "运营状态",
                      "verified": "认证类型", "id": "账号ID", "unit": "单位名称", "place": "地名", "count": "数量",
                      "text": "名称文字"}


def value_score(profile: dict[str, float] | None, column: str) -> float:
    """How well a column's values fit ``column`` (0..1); neutral without values."""
    if profile is None:
        return _NEUTRAL
    fit = RULES[column].values
    share = profile.get(fit, 0.0)
    if column == "platform":
        share = max(0.0, share - profile["type"])   # 订阅号/服务号 alone: the account type
    elif column == "name":
        # names are text that is not a platform, date, id or place label
        share = max(0.0, share - profile["place"] - profile["date"])
    elif column in ("owner", "supervisor"):
        share = max(share, profile["text"] * 0.5) if profile["place"] < 0.5 else share * 0.5
    elif column == "account_id":
        share = max(0.0, share - 0.5 * profile["count"] * (profile["id"] < 1.0))
    elif column == "followers":
        share = max(0.0, share - profile["date"])
    return min(1.0, share)


# --- assignment -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Guess:
    index: int       # header cell index
    column: str      # canonical column
    score: float
    reason: str      # Chinese: the evidence, for the mapping display


@dataclass(frozen=True)
class Assignment:
    chosen: tuple[Guess, ...]                  # one-to-one (region may take a second, finer cell)
    ambiguous: dict[str, tuple[Guess, ...]]    # required column -> its close candidates, best first
    near: dict[str, tuple[Guess, ...]]         # required column left without a header -> weak candidates


def _reason(key: str, column: str, profile: dict[str, float] | None) -> str:
    word = max(((w, x) for w, x in RULES[column].words if w in key), key=lambda t: (t[1], len(t[0])),
               default=("", 0.0))[0]
    out = f"列名含“{word}”" if word else "列名"
    fit = RULES[column].values
    if profile is not None and profile.get(fit, 0.0) >= 0.5:
        out += f"，取值多为{_FIT_LABELS[fit]}"
    return out


def assign(texts: Sequence[str], samples: Sequence[Sequence[object]], free: Sequence[int],
           columns: Sequence[str], required: Sequence[str]) -> Assignment:
    """Assign header cells ``free`` (indices into ``texts``/``samples``) to ``columns`` (those no
    alias settled). ``required`` columns among them are checked for ambiguity."""
    scored: list[Guess] = []
    profiles: dict[int, dict[str, float] | None] = {}
    for i in free:
        key = header_key(texts[i])
        if not key:
            continue
        wanted = [(c, t) for c in columns if (t := text_score(key, c)) > 0]
        if not wanted:
            continue
        if i not in profiles:
            profiles[i] = value_profile(samples[i] if i < len(samples) else ())
        for column, t in wanted:
            score = round(_TEXT_WEIGHT * t + (1 - _TEXT_WEIGHT) * value_score(profiles[i], column), 4)
            if t < _MIN_TEXT:
                score = min(score, NEAR_SCORE)
            scored.append(Guess(i, column, score, _reason(key, column, profiles[i])))
    order = {c: k for k, c in enumerate(columns)}
    scored.sort(key=lambda g: (-g.score, g.index, order[g.column]))

    best_of = {}   # header index -> its best score over every column
    for g in scored:
        best_of.setdefault(g.index, g.score)
    ambiguous: dict[str, tuple[Guess, ...]] = {}
    for column in required:
        if column not in order:
            continue
        # candidates for which this column is (nearly) the best reading
        cands = [g for g in scored if g.column == column and g.score >= MIN_SCORE
                 and g.score >= best_of[g.index] - MARGIN]
        if len(cands) >= 2 and cands[0].score - cands[1].score < MARGIN:
            ambiguous[column] = tuple(g for g in cands if cands[0].score - g.score < MARGIN)

    chosen: list[Guess] = []
    used_cells: set[int] = set()
    used_columns: set[str] = set()
    for g in scored:
        if g.score < MIN_SCORE:
            break
        if g.index in used_cells or g.column in ambiguous:
            continue
        if g.column in used_columns:
            continue
        chosen.append(g)
        used_cells.add(g.index)
        used_columns.add(g.column)
    # a region split over two columns (所属地市 + 所属区县): the second is read too
    for g in scored:
        if (g.column == "region" and g.score >= MIN_SCORE and g.index not in used_cells
                and best_of[g.index] == g.score):
            chosen.append(g)
            used_cells.add(g.index)
    near = {}
    for column in required:
        if column in order and column not in used_columns and column not in ambiguous:
            weak = [g for g in scored if g.column == column and g.score >= NEAR_SCORE][:3]
            if weak:
                near[column] = tuple(weak)
    return Assignment(chosen=tuple(sorted(chosen, key=lambda g: g.index)), ambiguous=ambiguous, near=near)
