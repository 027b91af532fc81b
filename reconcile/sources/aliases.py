"""Header aliases: which spreadsheet header means which canonical column, per source.

Exports differ between systems (see DOMAIN.md, "Column names differ"). Every header cell is
normalised with :func:`normalize_header` and looked up in a table built from ``ALIASES`` (and
the user's ``[columns.<source>]`` in reconcile.toml, which takes priority).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, NamedTuple

from reconcile.config import Config
from reconcile.schema import CANONICAL_COLUMNS

# canonical column -> Chinese label used in messages and reports
COLUMN_LABELS: Final[dict[str, str]] = {
    "source": "数据来源",
    "row": "行号",
    "platform": "新媒体类型",
    "account_type": "账号类型",
    "name": "政务新媒体名称",
    "account_id": "账号ID",
    "owner": "主办单位",
    "supervisor": "主管单位",
    "region": "所属地区",
    "status": "运营状态",
    "verified_kind": "认证类型",
    "verified_info": "认证信息",
    "last_post_at": "最近发布时间",
    "followers": "粉丝数",
}

# What the two registries (national, provincial) call their columns, in priority order.
_REGISTRY: Final[dict[str, tuple[str, ...]]] = {
    "name": ("政务新媒体名称", "新媒体名称", "账号名称", "名称", "公众号名称", "微博名称", "昵称", "用户名",
             "账号昵称", "政务新媒体账号名称", "媒体名称", "小程序名称", "客户端名称", "应用名称"),
    "platform": ("新媒体类型", "平台类型", "所属平台", "平台", "类别", "平台名称", "新媒体平台",
                 "政务新媒体类型", "账号平台", "媒体类型", "开设平台"),
    "account_type": ("账号类型", "公众号类型", "微信公众号类型", "账号性质"),
    "account_id": ("账号ID", "微信号", "原始ID", "账号", "用户ID", "公众号ID", "微信ID", "微博ID",
                   "抖音号", "快手号", "头条号ID", "账号编号"),
    "owner": ("主办单位", "开办主体", "责任单位", "认证主体", "开办单位", "运营主体", "运营单位",
              "主办机构", "账号主体", "主体单位", "认证信息"),
    "supervisor": ("主管单位", "主管部门", "主管机构"),
    "region": ("所属地区", "所属区县", "市直/县市区", "地区", "行政区划", "区域", "所属区域", "所在地区",
               "县市区", "所属县市区", "所属地市", "地市", "区划", "所属行政区划"),
    "status": ("运营状态", "状态", "账号状态", "运行状态", "当前状态"),
    "verified_kind": ("认证类型", "是否认证", "认证状态"),
    "last_post_at": ("最近发布时间", "最后更新时间", "检查时更新日期", "最新发布时间", "最后发文时间",
                     "最近更新时间", "最新更新时间", "最后发布时间", "最近发文时间"),
    "followers": ("粉丝数", "关注数", "订阅数", "粉丝量", "粉丝数量"),
}

# What crawlers call them: our own crawled.csv wording, dataabc/weibo-crawler users.csv,
# WeChat searchbiz tools (nickname, alias, fakeid, service_type, identity_name) and
# MediaCrawler creators (user_id, nickname, fans). 认证信息 is the platform's verification text
# here (verified_info), not an owner.
_CRAWLED: Final[dict[str, tuple[str, ...]]] = {
    "name": ("账号名称", "政务新媒体名称", "新媒体名称", "名称", "公众号名称", "微博名称", "昵称", "用户名",
             "账号昵称", "用户昵称", "nickname", "screen_name", "mp_name", "nick_name"),
    "platform": ("平台", "新媒体类型", "平台类型", "所属平台", "平台名称", "类别", "platform"),
    "account_type": ("账号类型", "公众号类型", "service_type"),
    "account_id": ("账号ID", "微信号", "原始ID", "账号", "用户ID", "微博ID", "抖音号", "快手号", "alias",
                   "sec_uid", "user_id", "uid", "fakeid", "mp_id", "id"),
    "owner": ("认证主体", "账号主体", "主体名称", "运营主体", "主办单位", "开办主体", "开办单位",
              "identity_name"),
    "supervisor": ("主管单位",),
    "region": ("所属地区", "所属区县", "市直/县市区", "地区", "行政区划", "区域", "所在地"),
    "status": ("账号状态", "状态", "运营状态", "status"),
    "verified_kind": ("认证类型", "是否认证", "认证状态", "verified_type"),
    "verified_info": ("认证信息", "认证说明", "认证详情", "verified_reason"),
    "last_post_at": ("最近发布时间", "最后更新时间", "最新发布时间", "最后发文时间", "最近更新时间",
                     "最后发布时间", "最近发文时间", "检查时更新日期", "上次记录微博信息"),
    "followers": ("粉丝数", "关注数", "订阅数", "粉丝量", "粉丝数量", "fans", "followers_count",
                  "total_fans"),
}

# source -> canonical column -> header variants, in priority order
ALIASES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "national": _REGISTRY,
    "provincial": _REGISTRY,
    "crawled": _CRAWLED,
}

_SPACE_RE = re.compile(r"[\s\u200b-\u200d\ufeff\u3000]+")
# terminal escapes a crawler's log output left in a cell ("\x1b[31m名称\x1b[0m", OSC titles),
# then any other control character
_ESCAPE_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")
# bracketed notes such as "（必填）", "(订阅号/服务号)", "【选填】" (after NFKC: ASCII parens)
_NOTE_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SPLIT_RE = re.compile(r"[/、|]")


def normalize_header(text: object) -> str:
    """Header text as matched against aliases.

    Terminal escapes ("\\x1b[31m") and control characters dropped, NFKC (full width -> half
    width), all whitespace removed (line breaks, U+3000, zero-width),
    ``*`` and ``:``/``：`` removed, bracketed notes such as "（必填）" removed, ASCII lower-cased:
    "运营\\n状态" -> "运营状态", "*账号ID（必填）：" -> "账号id".
    """
    if text is None:
        return ""
    s = str(text)
    for _ in range(4):  # removing a character can let NFKC compose its neighbours: until stable
        key = _header_key(s)
        if key == s:
            break
        s = key
    return s


def strip_escapes(text: str) -> str:
    """``text`` without terminal escape sequences ("\\x1b[31m", "\\x1b[0m"); other control
    characters are left to the caller."""
    return _ESCAPE_RE.sub("", text) if ("\x1b" in text or "\x9b" in text) else text


def _header_key(text: str) -> str:
    s = _CONTROL_RE.sub("", strip_escapes(text))
    s = unicodedata.normalize("NFKC", s)
    s = _SPACE_RE.sub("", s)
    if not s.isascii():
        s = _simplified(s)  # Big5 exports from Taiwan/HK tools: "政務新媒體名稱"
    s = s.replace("*", "").strip(":")
    stripped = _NOTE_RE.sub("", s)
    if stripped:
        s = stripped.strip(":")
    return s.translate(_ASCII_UPPER)


def _simplified(text: str) -> str:
    from reconcile.normalize import simplified

    return "".join(simplified(ch) for ch in text)


class AliasHit(NamedTuple):
    column: str     # canonical column
    priority: int   # lower is preferred: config aliases first, then built-in order


Lookup = dict[str, AliasHit]

_CONFIG_BASE = 0
BUILTIN_BASE = 1000
_CANONICAL_BASE = 2000


def build_lookup(source: str, config: Config | None = None) -> Lookup:
    """normalised header text -> (canonical column, priority) for one source.

    Aliases from ``config.columns[source]`` come first and override a built-in alias of the same
    text; the canonical column names themselves ("name", "platform" …) are accepted last.
    """
    lookup: Lookup = {}
    for column, aliases in ALIASES[source].items():
        for i, alias in enumerate(aliases):
            lookup.setdefault(normalize_header(alias), AliasHit(column, BUILTIN_BASE + i))
    for column in CANONICAL_COLUMNS:
        if column not in ("source", "row"):
            lookup.setdefault(normalize_header(column), AliasHit(column, _CANONICAL_BASE))
    if config is not None:
        for column, aliases in (config.columns.get(source) or {}).items():
            for i, alias in enumerate(aliases):
                key = normalize_header(alias)
                if key:
                    lookup[key] = AliasHit(column, _CONFIG_BASE + i)
    return lookup


def match_header(text: object, lookup: Lookup) -> AliasHit | None:
    """The canonical column a header cell means, or None.

    Exact match of the normalised text first; failing that, a header written as alternatives
    ("账号名称/昵称", "微信号、原始ID") matches through its first part that is an alias.
    """
    key = normalize_header(text)
    if not key:
        return None
    hit = lookup.get(key)
    if hit is not None:
        return hit
    for part in _SPLIT_RE.split(key):
        if part and part in lookup:
            return lookup[part]
    return None


def aliases_for(source: str, column: str, config: Config | None = None) -> tuple[str, ...]:
    """Header names accepted for ``column`` in ``source`` (config first), for error messages."""
    out: list[str] = []
    if config is not None:
        out.extend((config.columns.get(source) or {}).get(column, ()))
    out.extend(ALIASES[source].get(column, ()))
    return tuple(dict.fromkeys(out))

