"""Each crawler's account record read into our canonical columns (see docs/input-formats.md):
weibo-crawler's users, searchbiz / wechat-article-exporter / we-mp-rss 公众号 records,
MediaCrawler creators, DouK-Downloader's UserData. ``CONVERTERS`` maps a format to its reader and
the fields it uses; ``LACKS`` says what a format cannot give. ``formats`` detects the format and
calls them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reconcile.sources.crawler_files import HASH_PREFIX, timestamp

_ENTERPRISE = ("公司", "企业", "有限", "集团", "商行", "工作室")
_INSTITUTION = ("医院", "学校", "大学", "学院", "中学", "小学", "幼儿园", "报社", "电视台", "广播", "融媒体",
                "协会", "学会", "基金会", "研究院", "研究所", "图书馆", "博物馆", "事业")

Record = dict[str, object]

_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def text_of(value: object) -> str | None:
    """A field's value as stripped text (None for nothing, objects and lists; 3.0 -> "3")."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


def first_of(record: Record, *keys: str) -> str | None:
    """The first of ``keys`` the record has a text value for."""
    for k in keys:
        if k in record:
            v = text_of(record[k])
            if v is not None:
                return v
    return None


def _int(value: object) -> int | None:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


def _truthy(value: object) -> bool | None:
    s = text_of(value)
    if s is None:
        return None
    return s.lower() in ("true", "1", "是", "yes", "y")


def kind_of_owner(owner: str | None) -> str:
    """Verification kind guessed from a verified owner's name (WeChat gives no code)."""
    if not owner:
        return "unknown"
    if "个人" in owner:
        return "personal"
    if any(w in owner for w in _ENTERPRISE):
        return "enterprise"
    if any(w in owner for w in _INSTITUTION):
        return "institution"
    return "government"


# --- converters: one record -> canonical values -----------------------------------------------

# Weibo's verified_type as its API documents it (weibo-crawler's README guesses 3 for government,
# which is wrong: 3 is media). 融媒体中心 and public institutions are often 3 or 7: institutional
# accounts, official for our purposes, not personal.
_WEIBO_KINDS = {-1: "none", 0: "personal", 1: "government", 2: "enterprise", 3: "institution",
                4: "institution", 5: "institution", 6: "institution", 7: "institution"}
_OWNER_SUFFIX = re.compile(r"(官方微博|官方账号|官方帐号|官微|官博)$")


def _weibo(r: Record) -> dict[str, object]:
    code = _int(r.get("认证类型"))
    verified = _truthy(r.get("是否认证"))
    kind = _WEIBO_KINDS.get(code, "unknown") if code is not None else None
    if verified is False:
        kind = "none"
    elif kind is None and verified:
        kind = "unknown"
    info = first_of(r, "认证信息")
    owner = None
    if info and kind in ("government", "institution", "enterprise"):
        owner = _OWNER_SUFFIX.sub("", info).strip() or None
    last = first_of(r, "上次记录微博信息")
    match = _DATE_RE.search(last or "")
    return {"platform": "微博", "name": first_of(r, "昵称", "用户昵称"), "account_id": first_of(r, "用户id", "用户ID"),
            "owner": owner, "verified_kind": kind, "verified_info": info,
            "last_post_at": "-".join(match.groups()) if match else None, "followers": first_of(r, "粉丝数")}


_WEIBO_USED = {"用户id": "account_id", "昵称": "name", "认证类型": "verified_kind", "是否认证": "verified_kind",
               "认证信息": "verified_info", "上次记录微博信息": "last_post_at", "粉丝数": "followers"}


def _wechat(r: Record) -> dict[str, object]:
    service = _int(r.get("service_type"))
    status = _int(r.get("verify_status"))
    owner = first_of(r, "identity_name", "认证主体")
    if status is None:
        kind = None
    elif status > 0:
        kind = kind_of_owner(owner)
    else:
        kind = "none"
    last = None   # account create/update times are the tool's own, not posts
    articles = r.get("articles")
    if isinstance(articles, list):
        stamps = sorted(t for t in (timestamp(a.get("create_time") or a.get("update_time"))
                                    for a in articles if isinstance(a, dict)) if t)
        last = stamps[-1] if stamps else last
    return {"platform": "微信公众号", "name": first_of(r, "nickname"), "account_id": first_of(r, "alias", "fakeid"),
            "account_type": {0: "订阅号", 1: "订阅号", 2: "服务号"}.get(service) if service is not None else None,
            "owner": owner if kind not in ("none", "personal") else None,
            "verified_kind": kind, "verified_info": owner, "last_post_at": last}


_WECHAT_USED = {"nickname": "name", "alias": "account_id", "fakeid": "account_id", "service_type": "account_type",
                "verify_status": "verified_kind", "identity_name": "owner", "articles": "last_post_at"}


def _we_mp_rss(r: Record) -> dict[str, object]:
    # update_time / sync_time are the tool's sync times, not posts: the posts are in its db.db
    return {"platform": "微信公众号", "name": first_of(r, "mp_name", "公众号名称"),
            "_ids": [x for x in (first_of(r, "id"), first_of(r, "mp_id")) if x]}   # faker_id is no registry id


_WE_MP_RSS_USED = {"mp_name": "name", "公众号名称": "name"}

_SEC_UID = "MS4wLjABAAAA"   # every douyin sec_uid begins so


def _exported_wechat(r: Record) -> dict[str, object]:
    """wechat-article-exporter's accounts: its fakeid is no id a registry files (微信号/gh_ id are
    not in the export), so it is not compared."""
    out = _wechat(r)
    out["account_id"] = first_of(r, "alias")
    out["account_type"] = None   # service_type is not in its accounts (said once, see LACKS)
    return out


# bilibili official_verify.type: -1 none, 0 personal (UP主认证), 1 institution (机构认证)
_BILI_KINDS = {-1: "none", 0: "personal", 1: "institution"}


def _mediacrawler(r: Record) -> dict[str, object]:
    official = _int(r.get("is_official"))
    digest = first_of(r, "creator_hash")
    ids = [x for x in (first_of(r, "user_id"), first_of(r, "sec_uid")) if x]
    uid = first_of(r, "user_id", "uid")
    if uid and uid.startswith(_SEC_UID):   # douyin's sec_uid is no id a registry files: compare names
        uid = None
    return {"name": first_of(r, "nickname", "user_name", "name"),
            "account_id": first_of(r, "user_unique_id", "_unique") or (HASH_PREFIX + digest if digest else None) or uid,
            "followers": first_of(r, "fans", "total_fans", "follower_count", "fans_count"),
            "verified_kind": _BILI_KINDS.get(official, "unknown") if official is not None else None,
            "last_post_at": r.get("_last_post"), "platform": r.get("_platform"),
            "region": None, "_ids": ids}


_MEDIACRAWLER_USED = {"nickname": "name", "user_id": "account_id", "fans": "followers", "total_fans": "followers",
                      "is_official": "verified_kind", "creator_hash": "account_id", "user_unique_id": "account_id",
                      "create_time": "last_post_at", "time": "last_post_at"}


def _douk(r: Record) -> dict[str, object]:
    info = first_of(r, "企业", "enterprise", "标签", "verify")
    owner = (_OWNER_SUFFIX.sub("", info).strip() or None) if info else None
    followers = _int(r.get("粉丝数量", r.get("follower_count")))
    return {"platform": "抖音", "name": first_of(r, "昵称昵称", "昵称", "nickname"),
            "account_id": first_of(r, "抖音号", "unique_id") or first_of(r, "UID", "uid"),
            "owner": owner, "verified_info": info, "verified_kind": kind_of_owner(owner) if owner else None,
            "followers": followers if followers is not None and followers >= 0 else None,   # -1: unknown
            "_ids": [x for x in (first_of(r, "UID", "uid"), first_of(r, "SEC_UID", "sec_uid"), first_of(r, "抖音号", "unique_id"))
                     if x]}


_DOUK_USED = {"昵称昵称": "name", "抖音号": "account_id", "企业": "verified_info", "粉丝数量": "followers",
              "nickname": "name", "unique_id": "account_id", "enterprise": "verified_info",
              "follower_count": "followers"}

CONVERTERS: dict[str, tuple[Callable[[Record], dict[str, object]], dict[str, str]]] = {
    "weibo-crawler": (_weibo, _WEIBO_USED),
    "searchbiz": (_wechat, _WECHAT_USED),
    "wechat-article-exporter": (_exported_wechat, {k: c for k, c in _WECHAT_USED.items() if k != "fakeid"}),
    "we-mp-rss": (_we_mp_rss, _WE_MP_RSS_USED),
    "mediacrawler": (_mediacrawler, _MEDIACRAWLER_USED),
    "douk": (_douk, _DOUK_USED),
}
# what a format cannot give, said once per file
LACKS = {
    "wechat-article-exporter": "账号类型（订阅号/服务号）、微信号/原始ID、认证主体",
    "we-mp-rss": "账号类型（订阅号/服务号）、微信号/原始ID、认证主体、认证状态",
    "mediacrawler": "认证类型、认证主体",
    "douk": "账号类型与运营状态",
}
