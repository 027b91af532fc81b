"""Crawler outputs without a platform column: which platform a crawled file covers.

dataabc/weibo-crawler's users.csv, WeChat searchbiz exports and MediaCrawler's
``{platform}_creators_*`` files list accounts of one platform and do not say which; the file
name or the crawler's own columns tell us.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from reconcile.sources.aliases import normalize_header

# file-name tokens used by crawlers (MediaCrawler platform codes, English names)
_TOKENS = {
    "xhs": "小红书", "xiaohongshu": "小红书",
    "dy": "抖音", "douyin": "抖音",
    "ks": "快手", "kuaishou": "快手",
    "bili": "哔哩哔哩", "bilibili": "哔哩哔哩",
    "wb": "微博", "weibo": "微博",
    "toutiao": "今日头条",
    "wechat": "微信公众号", "weixin": "微信公众号",
}
# Chinese words in a file name, most specific first
_WORDS = (
    ("视频号", "微信视频号"), ("小程序", "微信小程序"), ("公众号", "微信公众号"), ("微信", "微信公众号"),
    ("微博", "微博"), ("抖音", "抖音"), ("快手", "快手"), ("头条", "今日头条"), ("小红书", "小红书"),
    ("哔哩哔哩", "哔哩哔哩"), ("b站", "哔哩哔哩"),
)
# columns only one crawler writes
_SIGNATURES = (
    ("上次记录微博信息", "微博", "weibo-crawler"),
    ("微博数", "微博", "weibo-crawler"),
    ("fakeid", "微信公众号", "searchbiz"),
    ("service_type", "微信公众号", "searchbiz"),
)


def infer_platform(path: Path, headers: Iterable[str]) -> tuple[str, str] | None:
    """(platform label, Chinese reason) or None when nothing says which platform this is."""
    norms = {normalize_header(h) for h in headers if h}
    for column, platform, crawler in _SIGNATURES:
        if column in norms:
            return platform, f"表头含“{column}”({crawler} 的输出格式)"
    stem = path.stem.lower()
    for token in re.split(r"[_\-\s.]+", stem):
        if token in _TOKENS:
            return _TOKENS[token], f"文件名“{path.name}”"
    for word, platform in _WORDS:
        if word in stem:
            return platform, f"文件名“{path.name}”"
    parent = path.parent.name.lower()
    if parent in _TOKENS:
        return _TOKENS[parent], f"所在文件夹“{path.parent.name}”"
    return None
