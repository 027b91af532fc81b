"""Registry and crawl rows: what each source writes for each account, with the phenomena of
DOMAIN.md's "How exports differ" applied and tagged on the account."""

from __future__ import annotations

import datetime as dt
import random

from . import noise, places, vocab
from .world import Account

REG = ("national", "provincial")


def decide_registries(rng: random.Random, accounts: list[Account], rates) -> None:
    """Per account, what each registry files (platform, type, status, owner) – the semantic layer."""
    for a in accounts:
        srcs = [s for s, f in (("national", a.nat), ("provincial", a.prov)) if f]
        if not srcs:
            continue
        u = a.unit
        a.reg = {s: {"platform": a.platform, "type": a.wtype, "closed": a.replaced, "owner_other": False,
                     "old": False, "id": rng.random() < rates["id_rate"]} for s in srcs}
        both = len(srcs) == 2
        if both and not a.replaced and rng.random() < rates["status_disagree"]:
            a.reg[rng.choice(srcs)]["closed"] = True  # the other registry still says operating
            a.phen.add("status_disagree")
        if a.platform == "微信公众号" and not a.closed:
            other = "服务号" if a.wtype == "订阅号" else "订阅号"
            if both and rng.random() < rates["type_disagree"]:
                a.reg[rng.choice(srcs)]["type"] = other
                a.phen.add("type_disagree")
            elif rng.random() < rates["wrong_type_both"]:
                for s in srcs:
                    a.reg[s]["type"] = other
                a.phen.add("wrong_type_registered")
            elif both and "微信视频号" not in u.platforms and rng.random() < rates["other_platform_filed"]:
                s = rng.choice(srcs)
                a.reg[s]["platform"], a.reg[s]["type"] = "微信视频号", None
                a.phen.add("other_platform_filed")
        if a.platform == "微信小程序" and not a.closed and "微信公众号" not in u.platforms \
                and rng.random() < rates["mini_as_gzh"]:
            for s in (srcs if rng.random() < 0.5 else [rng.choice(srcs)]):
                a.reg[s]["platform"], a.reg[s]["type"] = "微信公众号", rng.choice(["服务号", "订阅号"])
            a.phen.update(("other_platform_filed", "mini_as_gzh"))
        if both and (u.town or u.county) and "cert_other_owner" not in a.phen and "融媒体中心" not in u.owner \
                and rng.random() < rates["owners_differ"]:
            a.reg[rng.choice(srcs)]["owner_other"] = True
            a.phen.add("owners_differ")
        old = places.OLD_NAMES.get(u.county or "")
        if old and a.opened.year < old[1] and rng.random() < places.OLD_SHARE.get(u.county, 1.0) \
                and (u.town or u.county not in places.SPLIT_FROM):
            for s in srcs:
                if rng.random() < 0.8:
                    a.reg[s]["old"] = True
                    a.phen.add("old_division_name")
                    o = old[0]
                    if noise.old_account_name(a.name, u.county, o, u.p, places.short(o)) != a.name:
                        a.phen.add("renamed_division")
                        if rng.random() < 0.7:
                            a.reg[s]["id"] = True
        if a.crawled and a.crawl and not a.closed:
            r = rng.random()
            if r < rates["renamed_same_id"]:
                a.crawl_name = rng.choice([f"{u.p}{x}" for x in ("在线", "融媒", "之声", "微政务", "之窗")]
                                          + [f"幸福{u.p}", f"印象{u.p}"]) + (u.town or "")
                a.reg[rng.choice(srcs)]["id"] = True
                a.crawl["id"] = a.acc_id
                a.phen.add("renamed_same_id")
            elif r < rates["renamed_same_id"] + rates["renamed_no_id"]:
                a.crawl_name = a.name + rng.choice(["在线", "发布", "之窗", "微政务"])
                for s in srcs:
                    a.reg[s]["id"] = False
                a.phen.add("renamed_no_id")


def _date_text(rng: random.Random, d: dt.date, cell_ok: bool):
    r = rng.random()
    if cell_ok and r < 0.35:
        return dt.datetime(d.year, d.month, d.day, rng.randrange(8, 18), rng.randrange(60))
    fmt = rng.choice(["iso", "slash", "cn", "time", "compact", "iso"])
    if fmt == "iso":
        return d.isoformat()
    if fmt == "slash":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if fmt == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if fmt == "time":
        return f"{d.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    return f"{d.year}{d.month:02d}{d.day:02d}"


def _name(rng, a: Account, rates, plat: str, old: bool = False) -> str:
    s, u = a.name, a.unit
    if old:
        o = places.OLD_NAMES[u.county][0]
        s = noise.old_account_name(s, u.county, o, u.p, places.short(o))
    steps = (("full_place", lambda t: noise.full_place(rng, t, u.p, u.P)),
             ("guanbo", lambda t: noise.guanbo(rng, t) if plat == "微博" else None),
             ("homophone_name", lambda t: noise.homophone(rng, t)),
             ("traditional", lambda t: noise.traditional(rng, t)),
             ("fullwidth", lambda t: noise.fullwidth(rng, t)),
             ("dash", lambda t: noise.dash(rng, t, u.p)),
             ("platform_label", lambda t: noise.platform_label(rng, t, plat)),
             ("spaces", lambda t: noise.spaces(rng, t)))
    for code, fn in steps:
        rate = rates[code]
        if code == "dash" and "-" not in s:
            rate = rates["dash_insert"]
        if rng.random() < rate:
            t = fn(s)
            if t and t != s:
                s = t
                a.phen.add(code)
    return s


def _owner(rng, a: Account, rates, r: dict) -> str:
    u = a.unit
    owner, P = u.owner, u.P
    if r["owner_other"]:
        owner = (u.county or u.city) + "融媒体中心"
    if r["old"]:
        old = places.OLD_NAMES[u.county][0]
        owner, P = noise.to_old(owner, u.county, old), old
    if u.county and u.city and owner.startswith(u.county) and rng.random() < rates["owner_city_prefix"]:
        owner = u.city + owner
        a.phen.add("owner_city_prefix")
    elif rng.random() < rates["region_prefix_dropped"]:
        t = noise.region_prefix_dropped(rng, owner, P)
        if t:
            owner = t
            a.phen.add("region_prefix_dropped")
    if rng.random() < rates["homophone_owner"]:
        t = noise.homophone(rng, owner)
        if t:
            owner = t
            a.phen.add("homophone_owner")
    if rng.random() < rates["spaces"] / 2:
        t = noise.spaces(rng, owner)
        if t:
            owner = t
            a.phen.add("spaces")
    return owner


def _id(rng, a: Account, rates):
    v = a.acc_id
    if v.startswith("gh_") and rng.random() < rates["id_upper"]:
        v = v.upper() if rng.random() < 0.5 else "GH_" + v[3:]
        a.phen.add("id_upper")
    if v.isdigit() and rng.random() < rates["id_number"]:
        a.phen.add("id_number")
        return int(v)
    if rng.random() < rates["id_padded"]:
        v = rng.choice([" ", "  ", "\t"]) + v + rng.choice([" ", "", "  "])
        a.phen.add("id_padded")
    return v


def _region(rng, a: Account, src: str, province_scope: bool, old: bool) -> list[str]:
    u = a.unit
    county = places.OLD_NAMES[u.county][0] if old and u.county in places.OLD_NAMES else u.county
    if province_scope and src == "provincial":
        if u.city is None:
            return ["省本级", ""]
        return [u.city, county or "市本级"]
    if u.city is None:
        return [rng.choice(["省本级", "浙江省"])]
    if not u.in_scope:
        return [u.city + (county or "")]
    if county is None:
        if province_scope:
            return [rng.choice(["", "浙江省"]) + u.city]
        return [rng.choice(["市直", u.city]) if src == "national" else "市直"]
    if province_scope or rng.random() < 0.3:
        return [("浙江省" if province_scope and rng.random() < 0.5 else "") + u.city + county]
    return [county]


def registry_row(rng, a: Account, src: str, rates, province_scope: bool) -> list:
    r = a.reg[src]
    plat = r["platform"]
    label = rng.choice(vocab.PLATFORMS[plat][1])
    if plat == "微信公众号" and r["type"] and rng.random() < 0.1:
        label = "微信" + r["type"]
    status = rng.choice(vocab.CLOSED if r["closed"] else vocab.OPERATING)
    acc_id = _id(rng, a, rates) if r["id"] else ""
    row = [_name(rng, a, rates, plat, r["old"]), label, r["type"] or "", acc_id, _owner(rng, a, rates, r)]
    row += _region(rng, a, src, province_scope, r["old"])
    row += [status, _date_text(rng, a.opened, True)]
    return row


def crawl_row(rng, a: Account, checkpoint: dt.date) -> list:
    c = a.crawl
    plat = rng.choice(vocab.CRAWL_PLATFORM_VARIANTS.get(a.platform, [a.platform])) \
        if rng.random() < 0.1 else a.platform
    last = ""
    if c["days"] is not None:
        d = checkpoint - dt.timedelta(days=c["days"])
        last = _date_text(rng, d, False)
        if rng.random() < 0.1:
            last = f"{d.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00"
    return [plat, a.crawl_name, c["id"], c["owner"], c["vkind"], c["type"] or "", c["status"], last, c["fans"]]
