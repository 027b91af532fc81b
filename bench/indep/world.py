"""The true world: units in the scope (and a few outside it) and their accounts, with the true state
of each account on its platform. Nothing here is noisy yet; noise.py and render.py do that."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from . import places, vocab

PLATFORM_NAMES = list(vocab.PLATFORMS)


class Unit:
    __slots__ = ("owner", "kind", "area", "region", "city", "county", "p", "P", "names", "sub", "town",
                 "platforms", "in_scope", "old_owner")

    def __init__(self, owner, kind, area, region, city, county, p, P, names, sub=False, town=None,
                 in_scope=True):
        self.owner, self.kind, self.area, self.region = owner, kind, area, region
        self.city, self.county, self.p, self.P = city, county, p, P
        self.names, self.sub, self.town, self.in_scope = names, sub, town, in_scope
        self.platforms: set[str] = set()
        self.old_owner = None  # owner as written before a division change, when the county changed


class Account:
    __slots__ = ("aid", "unit", "platform", "name", "acc_id", "wtype", "opened", "closed", "role",
                 "nat", "prov", "crawled", "crawl", "phen", "rows", "extra_rows", "reg", "crawl_name",
                 "dup_group", "replaced")

    def __init__(self, unit: Unit, platform: str, name: str, role: str):
        self.unit, self.platform, self.name, self.role = unit, platform, name, role
        self.aid = ""
        self.acc_id = ""
        self.wtype = None
        self.opened = None
        self.closed = False          # closed on the platform
        self.nat = self.prov = False  # filed in the registry
        self.crawled = False
        self.crawl: dict | None = None
        self.phen: set[str] = set()
        self.rows: dict[str, int | None] = {"national": None, "provincial": None, "crawled": None}
        self.extra_rows: dict[str, list[int]] = {}
        self.reg: dict[str, dict] = {}   # per registry: platform, type, status, owner as filed
        self.crawl_name = name
        self.dup_group = None
        self.replaced = False


def _fill(pattern: str, **kw: str) -> str:
    for k, v in kw.items():
        pattern = pattern.replace("{" + k + "}", v)
    return pattern


def _dept_units(rng, city, county, region, in_scope, extra=()) -> list[Unit]:
    place = county or city
    p, P = places.short(place), place
    out = []
    for suffix, names, kind in list(vocab.DEPTS) + list(extra):
        owner = place + suffix
        if suffix == "教育局" and rng.random() < 0.4:
            owner = place + "教育体育局"
        nm = [_fill(n, p=p, P=P) for n in names]
        out.append(Unit(owner, kind, place, region, city, county, p, P, nm, sub="大队" in suffix or
                        "指挥中心" in suffix, in_scope=in_scope))
    rng.shuffle(out)
    return out


def _town_units(rng, city, county, region, town, tkind, in_scope) -> list[Unit]:
    P, p = county, places.short(county)
    out = []
    for owner_pat, names, kind, sub in vocab.TOWN_UNITS:
        k = tkind
        if "卫生院" in owner_pat and tkind == "街道":
            owner = f"{P}{town}街道社区卫生服务中心"
            nm = [f"{town}社区卫生服务中心"]
        else:
            if tkind == "街道" and "人民政府" in owner_pat:
                owner = f"{P}{town}街道办事处"
            else:
                owner = _fill(owner_pat, P=P, T=town, K=k)
            nm = [_fill(n, P=P, p=p, T=town, K=k) for n in names]
        out.append(Unit(owner, kind, county, region, city, county, p, P, nm, sub=sub, town=town,
                        in_scope=in_scope))
    return out


def _county_stream(rng, city, county, region, in_scope) -> Iterator[Unit]:
    depts = _dept_units(rng, city, county, region, in_scope)
    tlist = places.towns(rng, 1000)
    yield from depts[:12]
    for town, tk in tlist[:2]:
        yield from _town_units(rng, city, county, region, town, tk, in_scope)
    yield from depts[12:]
    for i, (town, tk) in enumerate(tlist[2:] if len(tlist) > 2 else []):
        yield from _town_units(rng, city, county, region, town, tk, in_scope)
        if i >= 4:
            for v in places.villages(rng, rng.randint(5, 30)):
                if tk == "街道":
                    owner, name = f"{county}{town}街道{v}社区居民委员会", f"{town}{v}社区"
                else:
                    owner, name = f"{county}{town}{tk}{v}村民委员会", f"{town}{v}村"
                yield Unit(owner, vocab.GOV, county, region, city, county, places.short(county), county,
                           [name], town=town, in_scope=in_scope)


def areas_of(scope: str) -> list[tuple[str | None, str | None, str]]:
    """(city, county, row label) for every area of the scope: the level rows of 附件1."""
    if scope == places.PROVINCE:
        out: list[tuple[str | None, str | None, str]] = [(None, None, "省本级")]
        for city, counties in places.CITIES.items():
            out.append((city, None, city))
            out += [(city, c, city) for c in counties]
        return out
    return [(scope, None, "市直")] + [(scope, c, c) for c in places.CITIES[scope]]


def unit_stream(rng: random.Random, scope: str, in_scope: bool = True) -> Iterator[Unit]:
    """Units of the scope, round-robin over its areas, so every area grows as N grows."""
    streams: list[Iterator[Unit]] = []
    for city, county, label in areas_of(scope):
        region = label
        if city is None:
            streams.append(iter([Unit(o, k, "浙江省", region, None, None, "浙江", "浙江省", n, in_scope=in_scope)
                                 for o, n, k in vocab.PROVINCE_DEPTS]))
        elif county is None:
            streams.append(iter(_dept_units(rng, city, None, region, in_scope, vocab.CITY_EXTRA)))
        else:
            streams.append(_county_stream(rng, city, county, region, in_scope))
    while streams:
        alive = []
        for s in streams:
            u = next(s, None)
            if u is not None:
                yield u
                alive.append(s)
        streams = alive


def pick_platforms(rng: random.Random, unit: Unit) -> list[str]:
    village = unit.owner.endswith("委员会") and unit.town
    out = []
    for plat, (w, _) in vocab.PLATFORMS.items():
        if village:
            w = {"微信公众号": 0.95, "抖音": 0.08, "微信视频号": 0.05}.get(plat, 0.0)
        if plat == "微信小程序" and ("12345" in unit.names[0] or "医院" in unit.owner):
            w = 0.5
        if rng.random() < w:
            out.append(plat)
    if "微信小程序" in out and "微信公众号" in out and rng.random() < 0.5:
        out.remove("微信公众号")
    return out or ["微信公众号"]


_ids = itertools.count(1)


def make_id(rng: random.Random, platform: str) -> str:
    n = next(_ids)
    if platform == "微信公众号":
        return "gh_" + f"{rng.getrandbits(48):012x}"
    if platform == "微博":
        return str(5000000000 + rng.randrange(10 ** 9))
    if platform in ("抖音", "快手"):
        if rng.random() < 0.5:
            return str(rng.randrange(10 ** 8, 10 ** 10))
        return ("dy" if platform == "抖音" else "ks") + f"{rng.getrandbits(32):08x}" + str(n % 97)
    if platform == "今日头条":
        return str(rng.randrange(10 ** 10, 10 ** 11))
    if platform == "百家号":
        return str(rng.randrange(10 ** 12, 10 ** 13))
    if platform == "微信视频号":
        return "sph" + f"{rng.getrandbits(36):09x}"
    return "wx" + f"{rng.getrandbits(64):016x}"
