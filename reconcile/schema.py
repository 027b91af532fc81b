"""The canonical record and the vocabulary every stage shares.

After ``sources`` + ``normalize`` every input becomes one pandas frame with the columns of
``CANONICAL_COLUMNS`` (missing values are null/NA), plus the helper columns of
``HELPER_COLUMNS`` that normalisation adds for linking and display.
"""

from __future__ import annotations

from typing import Final

SOURCES: Final = ("national", "provincial", "crawled")
SOURCE_LABELS: Final = {"national": "全国系统", "provincial": "省级平台", "crawled": "平台采集"}

# Columns a loader produces (raw text, not yet normalised). ``source`` and ``row`` are set by
# the loader: ``row`` is the row number the user sees (Excel row number, title and header rows
# counted; CSV: 1-based line number with the header on line 1).
CANONICAL_COLUMNS: Final = (
    "source",
    "row",
    "platform",       # canonical platform label, see PLATFORMS
    "account_type",   # 订阅号 | 服务号 | <NA>
    "name",           # display name as filed/crawled (trimmed)
    "account_id",     # 微信号 / 原始ID / 用户id ... (as text)
    "owner",          # 主办单位 / 认证主体
    "supervisor",     # 主管单位
    "region",         # region as written in the input (may be empty)
    "status",         # active | closed | not_found | banned | unknown
    "verified_kind",  # government | institution | enterprise | personal | none | unknown
    "verified_info",  # the platform's verification text (认证信息), crawled only
    "last_post_at",   # datetime64 (NaT when unknown)
    "followers",      # Int64
)

# Columns that normalisation adds.
HELPER_COLUMNS: Final = (
    "platform_raw",   # the platform label as written
    "name_norm",      # normalize.normalize_text(name)
    "name_key",       # normalize.name_key(name): name_norm minus "官博/官方微博" style suffixes
    "owner_norm",     # normalize.normalize_text(owner)
    "province",       # derived region path (民政部 divisions); <NA> where unknown
    "city",
    "county",
)

# Columns the loaders must find; everything else is optional.
REQUIRED_COLUMNS: Final = {
    "national": ("name", "platform"),
    "provincial": ("name", "platform"),
    "crawled": ("name", "platform"),
}

PLATFORMS: Final = (
    "微信公众号", "微信小程序", "微信视频号", "微博", "抖音", "快手", "今日头条", "人民号",
    "百家号", "企鹅号", "一点号", "搜狐号", "网易号", "美篇", "喜马拉雅", "小红书", "哔哩哔哩",
    "移动客户端", "其他",
)
ACCOUNT_TYPES: Final = ("订阅号", "服务号")
STATUSES: Final = ("active", "closed", "not_found", "banned", "unknown")
STATUS_LABELS: Final = {
    "active": "正常运营", "closed": "已注销", "not_found": "不存在", "banned": "已封禁", "unknown": "未知",
}
# DOMAIN.md: registries file a 公众号 as 视频号, and a 小程序 as 公众号: an account filed on the first
# platform may really be on the second (never the other way round)
FILED_FOR: Final = {"微信视频号": "微信公众号", "微信公众号": "微信小程序"}
GONE_STATUSES: Final = frozenset({"closed", "not_found", "banned"})
VERIFIED_KINDS: Final = ("government", "institution", "enterprise", "personal", "none", "unknown")
VERIFIED_LABELS: Final = {
    "government": "政府机构认证", "institution": "事业单位认证", "enterprise": "企业认证",
    "personal": "个人认证", "none": "未认证", "unknown": "未知",
}

# Finding kinds: code -> (label, fails by default). Order is the report order.
FINDING_KINDS: Final = {
    "unfiled": "瞒报漏报",
    "wrong_type": "备案类型错误",
    "deleted_still_registered": "已注销未在系统注销",
    "registry_mismatch": "备案数据不一致",
    "stale": "监测点前两周未更新",
    "zombie": "长期未更新(僵尸账号)",
    "cert_mismatch": "认证信息不规范",
    "personal_account": "以个人名义开设",
    "duplicate_on_platform": "同一平台开设多个账号",
    "duplicate_filing": "重复备案",
    "name_inconsistent": "名称不规范",
    "not_crawled": "未采集到(需核实)",
    "content_issue": "内容问题(人工检查)",
}
DEFAULT_FAIL_KINDS: Final = (
    "stale", "deleted_still_registered", "wrong_type", "unfiled", "personal_account", "cert_mismatch",
    "content_issue",
)
