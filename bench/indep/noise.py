"""Text variants of one name or owner: each returns the new text, or None when it does not apply."""

from __future__ import annotations

import random

from . import vocab

_FW = {c: chr(ord(c) + 0xFEE0) for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def platform_label(rng: random.Random, s: str, platform: str) -> str | None:
    labels = vocab.NAME_LABELS.get(platform)
    return s + rng.choice(labels) if labels else None


def homophone(rng: random.Random, s: str) -> str | None:
    pos = [i for i, c in enumerate(s) if c in vocab.HOMOPHONES]
    if not pos:
        return None
    i = rng.choice(pos)
    return s[:i] + vocab.HOMOPHONES[s[i]] + s[i + 1:]


def fullwidth(rng: random.Random, s: str) -> str | None:
    if not any(c in _FW for c in s):
        return None
    return "".join(_FW.get(c, c) for c in s)


def spaces(rng: random.Random, s: str) -> str | None:
    if len(s) < 3:
        return None
    r = rng.random()
    if r < 0.2:
        return s + " "
    if r < 0.3:
        return "\u3000" + s
    i = rng.randrange(1, len(s))
    return s[:i] + rng.choice([" ", " ", "\u3000", "  "]) + s[i:]


def dash(rng: random.Random, s: str, p: str) -> str | None:
    if "-" in s:
        return s.replace("-", rng.choice(vocab.DASHES[:-1] + [""]))
    if p and s.startswith(p) and len(s) > len(p) + 1:
        return s[:len(p)] + rng.choice(vocab.DASHES) + s[len(p):]
    return None


def guanbo(rng: random.Random, s: str) -> str | None:
    for suf in ("官方微博", "官博"):
        if s.endswith(suf) and len(s) > len(suf) + 1:
            return s[:-len(suf)]
    return s + rng.choice(["官博", "官方微博"])


def traditional(rng: random.Random, s: str) -> str | None:
    t = "".join(vocab.TRADITIONAL.get(c, c) for c in s)
    return t if t != s else None


def full_place(rng: random.Random, s: str, p: str, P: str) -> str | None:
    if not p or p == P or P in s or p not in s:
        return None
    return s.replace(p, P, 1)


def region_prefix_dropped(rng: random.Random, owner: str, P: str) -> str | None:
    """三门县公安局 -> 县公安局; 台州市公安局 -> 市公安局; 浙江省公安厅 -> 省公安厅."""
    if not P or not owner.startswith(P) or P[-1] not in "省市县区" or len(owner) <= len(P) + 1:
        return None
    return P[-1] + owner[len(P):]


def to_old(owner: str, county: str, old: str) -> str:
    return owner.replace(county, old, 1) if owner.startswith(county) else owner


def old_account_name(s: str, county: str, old: str, short_county: str, short_old: str) -> str:
    """The name as filed before the division change: 上城区第一中学 -> 江干区第一中学, 拱墅发布 -> 下城发布."""
    if county in s:
        return s.replace(county, old, 1)
    if short_county != short_old and short_county in s:
        return s.replace(short_county, short_old, 1)
    return s
