"""Crawl sweep-ins: companies, persons, imposters copying a filed name, other provinces' units.
Kept as light tuples, since a big crawl holds a million of them."""

from __future__ import annotations

import random

from . import places, vocab
from .world import Account

# (role, platform, name, id, owner, verification kind, fans, days since last post or None)
Sweep = tuple


def _person(rng: random.Random) -> str:
    return rng.choice(vocab.SURNAMES) + "".join(rng.choice(vocab.GIVEN) for _ in range(rng.randint(1, 2)))


def imposters(rng: random.Random, accounts: list[Account], rates, n: int) -> list[Sweep]:
    filed = [a for a in accounts if a.role == "registered" and a.unit.in_scope]
    out: list[Sweep] = []
    if not filed:
        return out
    for _ in range(int(n * rates["imposter"])):
        a = rng.choice(filed)
        free = [p for p in ("抖音", "快手", "小红书") if p not in a.unit.platforms]
        if not free:
            continue
        name = a.name if rng.random() < 0.7 else a.name + rng.choice(["粉丝团", "资讯", "同城", "吧"])
        vkind = rng.choice(["个人", "未认证"])
        owner = _person(rng) if vkind == "个人" and rng.random() < 0.5 else ""
        a.phen.add("imposter_nearby")
        out.append(("imposter", rng.choice(free), name, str(rng.randrange(10 ** 8, 10 ** 10)), owner, vkind,
                    int(rng.lognormvariate(5, 1.5)), rng.randint(0, 60)))
    return out


def _company(rng, scope_places: list[str]) -> Sweep:
    place = rng.choice(scope_places)
    core = rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN)
    word = rng.choice(vocab.COMPANY_WORDS)
    owner = f"{place}{core}{word}有限公司"
    name = rng.choice([f"{places.short(place)}{core}{word}", f"{core}{word}", owner])
    plat = rng.choice(["微信公众号", "抖音", "微博", "快手", "今日头条", "小红书"])
    return ("company", plat, name, str(rng.randrange(10 ** 8, 10 ** 10)), owner, "企业",
            int(rng.lognormvariate(6, 1.5)), rng.randint(0, 200))


def _person_row(rng, scope_places: list[str]) -> Sweep:
    p = places.short(rng.choice(scope_places))
    name = rng.choice([p + _person(rng), _person(rng) + rng.choice(vocab.PERSON_SUFFIX), p + rng.choice(
        vocab.PERSON_SUFFIX)])
    vkind = rng.choice(["个人", "未认证", "未认证"])
    plat = rng.choice(["抖音", "快手", "小红书", "微博", "微信视频号"])
    return ("person", plat, name, str(rng.randrange(10 ** 8, 10 ** 10)), "", vkind,
            int(rng.lognormvariate(5, 1.8)), rng.randint(0, 300))


def _other_province(rng) -> Sweep:
    prov, city, county = rng.choice(places.OTHER_PLACES)
    suffix, names, kind = rng.choice(vocab.DEPTS)
    p = places.short(county)
    name = rng.choice(names).replace("{p}", p).replace("{P}", county)
    owner = (city if city != prov else prov) + county + suffix if city else county + suffix
    if city == prov:
        owner = city + county + suffix
    plat = rng.choice(["微信公众号", "微博", "抖音", "今日头条", "快手"])
    return ("other_province", plat, name, str(rng.randrange(10 ** 8, 10 ** 10)), owner, kind,
            int(rng.lognormvariate(7, 1.5)), rng.randint(0, 40))


def sweep_ins(rng: random.Random, accounts: list[Account], rates, n: int, scope_places: list[str],
              fill_to: int) -> list[Sweep]:
    out = imposters(rng, accounts, rates, n)
    out += [_company(rng, scope_places) for _ in range(int(n * rates["company"]))]
    out += [_person_row(rng, scope_places) for _ in range(int(n * rates["person"]))]
    out += [_other_province(rng) for _ in range(int(n * rates["other_province"]))]
    gen = (_company, _person_row)
    while len(out) < fill_to:
        r = rng.random()
        out.append(_other_province(rng) if r < 0.25 else gen[r < 0.6](rng, scope_places))
    return out
