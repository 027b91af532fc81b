"""Decide, per seed, every rate and the true state of every account: filing, closure, crawl."""

from __future__ import annotations

import datetime as dt
import random

from . import places, vocab, world
from .world import Account, Unit

CRAWL_ONLY_PLATFORMS = ["小红书"]


def draw_rates(rng: random.Random) -> dict[str, float]:
    u = rng.uniform
    return {
        "both": u(0.85, 0.95), "nat_only_share": u(0.4, 0.6),
        "platform_label": u(0.05, 0.15), "homophone_name": u(0.01, 0.03), "homophone_owner": u(0.01, 0.03),
        "fullwidth": u(0.3, 0.7), "spaces": u(0.02, 0.06), "dash": u(0.3, 0.6), "dash_insert": u(0.005, 0.02),
        "guanbo": u(0.2, 0.5), "traditional": u(0.005, 0.02), "full_place": u(0.03, 0.08),
        "region_prefix_dropped": u(0.05, 0.15), "owner_city_prefix": u(0.02, 0.06),
        "renamed_same_id": u(0.005, 0.015), "renamed_no_id": u(0.003, 0.01), "owners_differ": u(0.01, 0.03),
        "other_platform_filed": u(0.004, 0.012), "mini_as_gzh": u(0.3, 0.6), "type_disagree": u(0.02, 0.05),
        "wrong_type_both": u(0.015, 0.04), "status_disagree": u(0.01, 0.025), "id_rate": u(0.4, 0.6),
        "id_upper": u(0.1, 0.3), "id_number": u(0.6, 0.95), "id_padded": u(0.03, 0.08),
        "closed_platform": u(0.02, 0.05), "closed_replaced": u(0.01, 0.03), "dup_unit": u(0.005, 0.012),
        "dup_filing": u(0.003, 0.01), "unfiled_platform": u(0.03, 0.08), "unfiled_unit": u(0.01, 0.03),
        "stale": u(0.04, 0.1), "zombie": u(0.01, 0.04), "no_last_post": u(0.02, 0.05),
        "unverified": u(0.008, 0.02), "personal": u(0.004, 0.012), "cert_other": u(0.004, 0.012),
        "imposter": u(0.01, 0.025), "company": u(0.04, 0.08), "person": u(0.04, 0.08),
        "other_province": u(0.03, 0.06), "other_city": u(0.02, 0.05), "out_of_scope_filed": u(0.02, 0.04),
        "crawl_id": u(0.8, 0.95), "weibo_guanfang_cert": u(0.3, 0.7), "crawl_type_blank": u(0.0, 0.05),
    }


def draw_coverage(rng: random.Random) -> tuple[dict[str, float], list[str]]:
    cov = {p: round(rng.uniform(0.5, 0.96), 2) for p in world.PLATFORM_NAMES}
    k = 1 if rng.random() < 0.6 else 2
    complete = sorted(rng.sample(["微博", "抖音", "今日头条", "快手", "微信视频号", "微信公众号"], k))
    for p in complete:
        cov[p] = 1.0
    return cov, complete


def _opened(rng: random.Random, checkpoint: dt.date) -> dt.date:
    start = dt.date(2013, 1, 1)
    span = (checkpoint - start).days - 30
    return start + dt.timedelta(days=int(span * rng.random() ** 0.8))


def _new(rng, unit, plat, name, role, checkpoint) -> Account:
    a = Account(unit, plat, name, role)
    a.acc_id = world.make_id(rng, plat)
    a.opened = _opened(rng, checkpoint)
    if plat == "微信公众号":
        a.wtype = "订阅号" if rng.random() < 0.7 else "服务号"
    unit.platforms.add(plat)
    return a


def _accounts_of(rng, unit: Unit, rates, checkpoint, role="registered") -> list[Account]:
    out = []
    base = unit.names[0]
    for plat in world.pick_platforms(rng, unit):
        name = base if rng.random() < 0.8 else rng.choice(unit.names)
        out.append(_new(rng, unit, plat, name, role, checkpoint))
    if role != "registered":
        return out
    if rng.random() < rates["dup_unit"]:
        plat = rng.choice(sorted(unit.platforms))
        second = _new(rng, unit, plat, base + rng.choice(["服务", "微服务", "e家", "在线", "便民服务"]),
                      "unfiled" if rng.random() < 0.3 else "registered", checkpoint)
        first = next(a for a in out if a.platform == plat)
        first.dup_group = second.dup_group = id(first)
        first.phen.add("duplicate_on_platform")
        second.phen.add("duplicate_on_platform")
        out.append(second)
    elif rng.random() < rates["closed_replaced"]:
        cur = rng.choice(out)
        old_name = unit.owner if unit.owner != cur.name else cur.name + "网"
        old = _new(rng, unit, cur.platform, old_name, "registered", checkpoint)
        old.closed = old.replaced = True
        old.opened = min(old.opened, cur.opened) - dt.timedelta(days=200)
        old.phen.add("closed_replaced")
        cur.phen.add("closed_replaced")
        out.append(old)
    if rng.random() < rates["unfiled_platform"]:
        free = [p for p in ("抖音", "快手", "微信视频号", "今日头条", "微博") if p not in unit.platforms]
        if free:
            out.append(_new(rng, unit, rng.choice(free), base, "unfiled", checkpoint))
    return out


def _file(rng, a: Account, rates, cov) -> None:
    r = rng.random()
    if r < rates["both"]:
        a.nat = a.prov = True
    elif rng.random() < rates["nat_only_share"]:
        a.nat = True
    else:
        a.prov = True
    if a.replaced:
        a.nat = True
    if not a.replaced and a.dup_group is None and rng.random() < rates["closed_platform"]:
        a.closed = True
        a.phen.add("closed_on_platform")


def build_world(rng: random.Random, scope: str, n: int, checkpoint: dt.date, rates: dict[str, float],
                cov: dict[str, float]) -> list[Account]:
    accounts: list[Account] = []
    filed = 0
    for unit in world.unit_stream(rng, scope):
        role = "unfiled" if rng.random() < rates["unfiled_unit"] else "registered"
        accs = _accounts_of(rng, unit, rates, checkpoint, role)
        for a in accs:
            if a.role == "registered":
                _file(rng, a, rates, cov)
                filed += 1
        accounts += accs
        if filed >= n:
            break
    if scope != places.PROVINCE:
        others = [c for c in places.CITIES if c != scope]
        k = int(n * rates["out_of_scope_filed"]) + 1
        k_crawl = int(n * rates["other_city"]) + 1
        stream = world.unit_stream(rng, rng.choice(others), in_scope=False)
        made = 0
        for unit in stream:
            accs = _accounts_of(rng, unit, rates, checkpoint, "x")
            for a in accs:
                if made < k:
                    a.role = "registered_out_of_scope"
                    _file(rng, a, rates, cov)
                else:
                    a.role = "other_city"
                made += 1
            accounts += accs
            if made >= k + k_crawl:
                break
    for i, a in enumerate(accounts, 1):
        a.aid = f"I{i:07d}"
    return accounts


def post_days(rng: random.Random, rates) -> int | None:
    if rng.random() < rates["no_last_post"]:
        return None
    r = rng.random()
    if r < rates["zombie"]:
        return 90 if rng.random() < 0.1 else rng.randint(91, 500)
    if r < rates["zombie"] + rates["stale"]:
        return rng.choice([14, 89]) if rng.random() < 0.15 else rng.randint(15, 88)
    return 13 if rng.random() < 0.1 else rng.randint(0, 12)


def crawl_world(rng: random.Random, accounts: list[Account], rates, cov, complete, checkpoint) -> None:
    """Which accounts the crawl saw, and what the platform shows for them."""
    for a in accounts:
        plat = a.platform
        if a.role == "unfiled":
            seen = True
        elif a.closed:
            seen = rng.random() < (0.5 if plat in complete else cov[plat] * 0.6)
        else:
            seen = rng.random() < cov[plat]
        if not seen:
            continue
        a.crawled = True
        u = a.unit
        vkind, owner = u.kind, u.owner
        if a.role == "registered" and not a.closed and a.unit.in_scope:
            r = rng.random()
            if r < rates["unverified"]:
                vkind, owner = "未认证", ""
                a.phen.add("crawl_unverified")
            elif r < rates["unverified"] + rates["personal"]:
                vkind, owner = "个人", ""
                a.phen.add("crawl_personal")
            elif r < rates["unverified"] + rates["personal"] + rates["cert_other"]:
                owner = (u.county or u.city or "浙江省") + "融媒体中心"
                if owner == u.owner:
                    owner = (u.county or u.city or "浙江省") + "人民政府办公室"
                a.phen.add("cert_other_owner")
        if owner and plat == "微博" and rng.random() < rates["weibo_guanfang_cert"]:
            owner += "官方微博"
        days = None if a.closed else post_days(rng, rates)
        ctype = None
        if plat == "微信公众号" and not a.closed:
            ctype = a.wtype if rng.random() >= rates["crawl_type_blank"] else None
        status = rng.choice(vocab.CRAWL_CLOSED) if a.closed else rng.choice(["", "", "", "正常"])
        cid = a.acc_id if rng.random() < rates["crawl_id"] else ""
        a.crawl = {"vkind": vkind, "owner": owner, "days": days, "type": ctype, "status": status, "id": cid,
                   "fans": int(rng.lognormvariate(7, 1.6))}
