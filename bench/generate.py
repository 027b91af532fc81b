"""Seeded noisy generator of the three inputs (national.xlsx, provincial.xlsx, crawled.csv) with the
truth (which rows are the same account, which findings an exact audit reports) in truth.json.

    python bench/generate.py OUT_DIR --accounts 50000 --seed 1 [--crawled-rows 1000000] [--registry-format csv]
                             [--rates-seed N] [--no-phenomena]
    python bench/generate.py --sample          # rewrites sample_data/

Generated data carries every phenomenon of DOMAIN.md ("How exports differ", "Hard cases") at rates
drawn per run from RATE_RANGES (``--rates-seed``, default the seed; the truth's "rates"), partial
crawls (one or two platforms complete: reconcile.toml ``[checks] complete_platforms``, truth
"complete_platforms"/"coverage"), the 附件1 "summary" and per account its "phenomena" codes
(PHENOMENA). ``--no-phenomena`` writes the older data set byte for byte; the shipped sample
(gen_sample.py, a Builder without rates) is never touched by any of it.

Modules: gen_world.py (divisions, units, account names), generate.py (accounts and their
defects; API and CLI), gen_noise.py (cosmetic noise that is never a finding), gen_render.py (rows,
row numbers, the truth's findings), gen_write.py (byte-reproducible XLSX/CSV/JSON writers),
gen_sample.py (the shipped sample with its planted cases). Scoring is in score.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):   # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import gen_noise as noise  # noqa: E402
from bench.gen_noise import one, pick, rint  # noqa: E402
from bench.gen_world import (  # noqa: E402
    _PLACE_CHARS,
    DEPARTMENTS,
    REAL_TOWNS,
    RENAMED_DIVISIONS,
    Division,
    Unit,
    UnitFactory,
    current_divisions,
    resolve_scope,
    short_name,
)

COVERED = ("微信公众号", "微博", "抖音", "快手")          # platforms the crawl covers
PLATFORM_ORDER = ("微信公众号", "微博", "抖音", "快手", "今日头条", "移动客户端")
_MORE_PLATFORMS = ("微博", "抖音", "快手", "今日头条", "移动客户端")
_MORE_WEIGHTS = (30, 30, 8, 12, 3)
WECHAT_SHARE, COVERED_SHARE = 0.55, 0.85   # rough shares, to turn defect_rate into per-account odds
_TOP_DEPTS = frozenset(d[0] for d in DEPARTMENTS)
_RENAMES = ("乐游{s}", "{s}之声", "看{s}", "{s}在线", "{s}微视界", "{s}身边事", "i{s}", "{s}云直播", "悦享{s}")
MULTI_PLATFORMS = ("移动客户端", "微信小程序")   # a unit may run several (reconcile: MULTI_ACCOUNT_PLATFORMS)
_HEX_TO_ALPHA = str.maketrans("0123456789abcdef", "abcdeghjklmnpqrs")

# Per-run rate ranges of the DOMAIN.md phenomena ("rates you cannot rely on"): each run draws every
# rate uniformly from its range (draw_rates). Rates are per account (or per registry row / name
# written) unless noted; "coverage" is the share of a platform's accounts its crawl finds.
RATE_RANGES: dict[str, tuple[float, float]] = {
    "platform_label": (0.02, 0.12),        # （微信） (公众号) （微博） （抖音号） appended, per registry name
    "homophone_name": (0.01, 0.05),        # per registry name
    "homophone_owner": (0.01, 0.05),       # per registry owner
    "fullwidth": (0.1, 0.6),               # ASCII digits/letters written full-width, per name with any
    "spaces": (0.01, 0.06),                # a stray (or full-width) space, per name/owner written
    "dash": (0.01, 0.06),                  # a dash after the region prefix (absent elsewhere)
    "guanbo": (0.05, 0.4),                 # 官博/官方微博 added on one side, 微博 names
    "traditional": (0.005, 0.04),          # per name written
    "full_place": (0.02, 0.15),            # 咸宁民政 -> 咸宁市民政, per name written
    "region_prefix_dropped": (0.05, 0.3),  # 市公安局 for 咸宁市公安局, per owner written
    "renamed_same_id": (0.003, 0.02),      # renamed on the platform, the id filed
    "renamed_no_id": (0.002, 0.01),        # renamed on the platform, no id filed
    "owners_differ": (0.1, 0.5),           # of town accounts: the provincial registry names the 融媒体中心
    "other_platform_filed": (0.005, 0.03),  # a WeChat account filed as 视频号 in one registry
    "id_missing": (0.3, 0.6),              # per registry row: ids on about half the rows
    "id_upper": (0.1, 0.6),                # ids with letters written upper case, per id written
    "id_number": (0.3, 1.0),               # digit ids stored as Excel numbers (provincial; national always)
    "id_padded": (0.01, 0.08),             # spaces/tabs around the id
    "label_variant": (0.1, 0.5),           # 微信/在用/注销/关停 … instead of the usual labels
    "date_variant": (0.1, 0.4),            # 20221113, with seconds, Excel date cells
    "old_division_name": (0.5, 1.0),       # of accounts filed before their division was renamed
    "sub_unit_sibling": (0.002, 0.01),     # pairs of sub-units (中岭财政所/中堰财政所) per account
    "closed_replaced": (0.005, 0.02),      # a closed old account next to its replacement
    "imposter": (0.005, 0.03),             # personal/unverified copies of a filed name on 抖音/快手
    "coverage": (0.5, 0.96),               # per incomplete platform
}
PHENOMENA = ("platform_label", "homophone_name", "homophone_owner", "fullwidth", "spaces", "dash", "guanbo",
             "traditional", "full_place", "region_prefix_dropped", "renamed_same_id", "renamed_no_id",
             "owners_differ", "other_platform_filed", "type_disagree", "status_disagree", "id_upper", "id_number",
             "id_padded", "old_division_name", "sub_unit_sibling", "same_name_other_county",
             "same_name_other_platform", "imposter_nearby", "closed_replaced")


def draw_rates(rates_seed: int) -> dict[str, float]:
    """One run's rates: each drawn from RATE_RANGES; per covered platform a coverage, one or two of
    them complete (coverage 1.0). Deterministic for ``rates_seed``."""
    rng = random.Random(f"rates:{rates_seed}")
    out = {k: round(rng.uniform(lo, hi), 4) for k, (lo, hi) in RATE_RANGES.items() if k != "coverage"}
    complete = set(rng.sample(COVERED, 1 if rng.random() < 0.6 else 2))
    lo, hi = RATE_RANGES["coverage"]
    for p in COVERED:
        cov = round(rng.uniform(lo, hi), 4)
        out[f"coverage:{p}"] = 1.0 if p in complete else cov
    return out


@dataclass(slots=True)
class Reg:
    """One registry row of an account. ``type``/``status``/``owner_unit`` are what it means;
    the ``*_text`` fields, when set, are written verbatim (planted cases)."""

    type: str | None
    status: str | None            # active | closed | None (empty cell)
    owner_unit: Unit
    name_text: str | None = None
    owner_text: str | None = None
    platform_text: str | None = None
    id_text: str | None = None    # "" = id missing in this registry
    old_division: str | None = None   # owner/region written with this former division name
    status_text: str | None = None
    row: int = 0
    platform: str | None = None   # filed under another platform than the account's (other_platform_filed)


@dataclass(slots=True)
class Crawl:
    status: str = "正常"           # as shown: 正常 | "" | 已注销 | 不存在 | 封禁
    name_text: str | None = None
    verified: str | None = None   # overrides the account's verified kind
    row: int = 0
    days: int | None = None       # days from the last post to the checkpoint (None: drawn when written)
    owner_unit: Unit | None = None  # verified by another unit than the account's (cert_mismatch)

    @property
    def gone(self) -> bool:
        return self.status in noise.GONE_LABELS


@dataclass(slots=True)
class Account:
    aid: str
    platform: str
    name: str
    account_id: str
    atype: str | None             # 订阅号 | 服务号 (WeChat), what the platform shows
    verified: str                 # government | institution | enterprise | personal | none
    owner: str
    region: str | None
    role: str                     # registered | unfiled | unfiled_gone | out_of_scope | enterprise | personal
    unit: Unit | None = None
    nat: Reg | None = None
    prov: Reg | None = None
    crawl: Crawl | None = None
    order: tuple = ()
    opened: dt.date | None = None
    clean: bool = False           # planted case: no random noise
    cases: list[str] = field(default_factory=list)
    dup_src: str | None = None    # "national" | "provincial": filed a second time there (duplicate_filing)
    dup_row: int = 0
    phen: list[str] = field(default_factory=list)   # phenomena applied (truth "phenomena")


class Builder:
    """Builds the accounts (with their defects) of one generated data set."""

    def __init__(self, seed: int, scope: str, checkpoint: dt.date, rates: dict[str, float] | None = None):
        self.seed, self.scope, self.checkpoint = seed, scope, checkpoint
        self.rng = random.Random(seed)
        self.inside, self.outside = resolve_scope(scope)
        # rates of the DOMAIN.md phenomena (None: the shipped sample's fixed noise, nothing else)
        self.ph: dict[str, float] | None = rates
        self.complete: frozenset[str] = frozenset(COVERED)   # platforms whose crawl is complete
        self.coverage: dict[str, float] = {}
        if rates is not None:
            self.inside, self.outside = current_divisions(self.inside), current_divisions(self.outside)
            if all(d.province == self.inside[0].province for d in self.outside):   # a city scope:
                other = "河南省" if self.inside[0].province != "河南省" else "湖北省"   # other provinces' units too
                self.outside += current_divisions(resolve_scope(other)[0])
        self.city_scope = all(d.city == scope for d in self.inside)
        self.div_order = {d.name: i for i, d in enumerate(self.inside + self.outside)}
        self.factories: dict[str, UnitFactory] = {}
        self.reserved: dict[str, set[str]] = {}
        self.names: set[str] = set()
        self.owners: set[str] = set()
        self.unit_by_owner: dict[str, Unit] = {}
        self.ids: set[str] = set()
        self.accounts: list[Account] = []
        self.top_units: dict[str, list[Unit]] = {}
        self.filed_units: dict[str, list[Unit]] = {}
        self.typoed: set[tuple[str, str]] = set()   # (account, "name"|"owner") already given a typo
        # short names of towns in use (real 咸宁 towns first), plus every division's own short name
        self.towns_taken: set[str] = {d.short for d in self.inside + self.outside}
        for towns in REAL_TOWNS.values():
            self.towns_taken.update(short_name(t) for t in towns.split())
        self._unit_seq = 0
        self._aid_seq = 0
        # reconcile's name_inconsistent check reads registry names and takes a one-character typo in
        # a short name for another name; the shipped sample (an exact test) turns these typos off
        # for units with several accounts. Generated data keeps them.
        self.multi_platform_name_typos = True
        self.multi_units: frozenset[int] = frozenset()

    # ---- phenomena ---------------------------------------------------------------------------
    def rate(self, code: str, default: float = 0.0) -> float:
        return self.ph.get(code, default) if self.ph is not None else default

    def tag(self, a: Account, code: str) -> None:
        if self.ph is not None and code not in a.phen:
            a.phen.append(code)

    # ---- units, names, ids -------------------------------------------------------------------
    def div(self, name: str) -> Division:
        return next(d for d in self.inside + self.outside if d.name == name)

    def next_unit(self, div: Division) -> Unit:
        fac = self.factories.get(div.name)
        if fac is None:
            fac = UnitFactory(div, self.rng, frozenset(self.reserved.get(div.name, ())), self.towns_taken)
            self.factories[div.name] = fac
        while True:
            unit = next(fac)
            if unit.owner not in self.owners:
                return self.claim_unit(unit)

    def claim_unit(self, unit: Unit) -> Unit:
        self.owners.add(unit.owner)
        self.unit_by_owner[unit.owner] = unit
        self._unit_seq += 1
        unit.extra["seq"] = str(self._unit_seq)
        if unit.dept in _TOP_DEPTS:
            self.top_units.setdefault(unit.region.name, []).append(unit)
        return unit

    def claim_name(self, unit: Unit) -> str | None:
        cands = list(unit.names)
        if len(cands) > 1 and self.rng.random() < 0.3:
            cands[0], cands[1] = cands[1], cands[0]
        if unit.dept not in ("numbered", "village"):   # their owner differs from a name only by 区/市
            cands.append(unit.owner)
        for name in cands:
            if name not in self.names:
                self.names.add(name)
                return name
        return None

    def new_id(self, platform: str) -> str:
        rng = self.rng
        if platform == "移动客户端":
            return ""
        while True:
            if platform == "微信公众号":
                if rng.random() < 0.55:
                    k = rint(rng, 4, 9)
                    aid = f"{rng.getrandbits(4 * k):0{k}x}".translate(_HEX_TO_ALPHA)
                    if rng.random() < 0.2:
                        aid += str(rint(rng, 10, 999))
                else:
                    aid = f"gh_{rng.getrandbits(48):012x}"
            elif platform == "微博":
                aid = str(rint(rng, 1_000_000_000, 7_999_999_999))
            elif platform == "今日头条":
                aid = str(rint(rng, 10**10, 10**12))
            else:
                aid = str(rint(rng, 10**8, 10**11))
            if aid not in self.ids:
                self.ids.add(aid)
                return aid

    def account(self, unit: Unit | None, platform: str, name: str, role: str, *, owner: str | None = None,
                verified: str | None = None, atype: str | None = None, region: str | None = None) -> Account:
        rng = self.rng
        if platform == "微信公众号" and atype is None:
            atype = "服务号" if rng.random() < 0.25 and role not in ("personal",) else "订阅号"
        a = Account(
            aid=f"A{self._aid_seq + 1:06d}", platform=platform, name=name, account_id=self.new_id(platform),
            atype=atype if platform == "微信公众号" else None,
            verified=verified or (unit.kind if unit else "none"),
            owner=owner if owner is not None else (unit.owner if unit else ""),
            region=region if region is not None else (unit.region.name if unit else None),
            role=role, unit=unit,
        )
        if unit is not None:
            a.order = (self.div_order.get(unit.region.name, 999), int(unit.extra.get("seq", 0)),
                       PLATFORM_ORDER.index(platform) if platform in PLATFORM_ORDER else len(PLATFORM_ORDER))
        self.accounts.append(a)
        self._aid_seq += 1      # not len(accounts): partial crawls drop accounts
        return a

    def platforms_for(self, unit: Unit) -> list[str]:
        rng = self.rng
        k = 1 if unit.dept in ("village", "numbered") and rng.random() < 0.8 else \
            pick(rng, (1, 2, 3, 4), (45, 30, 17, 8))
        first = "微信公众号" if rng.random() < 0.85 else pick(rng, _MORE_PLATFORMS, _MORE_WEIGHTS)
        out = [first]
        while len(out) < k:
            p = pick(rng, PLATFORM_ORDER, (20, *_MORE_WEIGHTS))
            if p not in out:
                out.append(p)
        return out

    # ---- registered accounts and their defects --------------------------------------------------
    def register(self, a: Account) -> Account:
        """Filed in both registries as active; crawled (正常 or empty status) when covered."""
        assert a.unit is not None
        a.opened = self.checkpoint - dt.timedelta(days=rint(self.rng, 30, 3400))
        a.nat = Reg(a.atype, "active", a.unit)
        a.prov = Reg(a.atype, "active", a.unit)
        if a.platform in COVERED:
            a.crawl = Crawl("正常" if self.rng.random() < 0.9 else "", days=rint(self.rng, 0, 13))
        return a

    def fill_registered(self, n: int, defect_rate: float, quotas: dict[str, int] | None = None) -> None:
        rng = self.rng
        divs = self.inside
        weights = tuple(3 if d.level == "city" else 1 for d in divs)
        plan = list(quotas.items()) if quotas else [(None, n)]
        for div_name, target in plan:
            made = 0
            while made < target:
                div = self.div(div_name) if div_name else pick(rng, divs, weights)
                unit = self.next_unit(div)
                name = self.claim_name(unit)
                if name is None:
                    continue
                self.filed_units.setdefault(div.name, []).append(unit)
                platforms = self.platforms_for(unit)
                unit_defect = self.unit_defect(platforms, defect_rate)
                if unit_defect == "duplicate_on_platform":
                    platforms.append(platforms[0])
                odd = rint(rng, 1, len(platforms) - 1) if unit_defect == "name_inconsistent" else -1
                for j, platform in enumerate(platforms):
                    if made >= target:
                        break
                    own = name
                    if j == odd or (unit_defect == "duplicate_on_platform" and j == len(platforms) - 1):
                        own = self.rename(unit)          # another name: planted on purpose
                    a = self.register(self.account(unit, platform, own, "registered"))
                    if j == odd:
                        a.cases.append("name_inconsistent")
                    elif own != name:
                        a.cases.append("duplicate_on_platform")
                    self.plant_defect(a, defect_rate)
                    self.plant_new_defect(a, defect_rate)
                    self.benign(a)
                    made += 1

    def unit_defect(self, platforms: list[str], p: float) -> str | None:
        """A unit-level defect: a second account on its only platform, or another name on one
        of its platforms. Odds chosen so that each gives about ``p`` findings per account."""
        rng = self.rng
        if len(platforms) == 1 and platforms[0] not in MULTI_PLATFORMS:
            # two findings per planted unit; single-platform units hold about a third of the accounts
            if rng.random() < p * 1.5:
                return "duplicate_on_platform"
        elif len(platforms) > 1 and rng.random() < min(p * 4, 0.5):
            return "name_inconsistent"
        return None

    def plant_new_defect(self, a: Account, p: float) -> None:
        """Defects seen on the platform (stale, zombie, verification) and duplicate filings."""
        rng = self.rng
        c = a.crawl
        if rng.random() < p:
            regs = [s for s, r in (("national", a.nat), ("provincial", a.prov)) if r is not None]
            if regs:
                a.dup_src = one(rng, regs)
        if c is None or c.gone:
            return
        q = min(p / COVERED_SHARE, 0.2)
        what = pick(rng, ("none", "stale", "zombie", "cert", "personal"), (max(0.0, 1 - 4 * q), q, q, q, q))
        if what == "stale":
            c.days = rint(rng, 15, 89)
        elif what == "zombie":
            c.days = rint(rng, 90, 700)
        elif what == "personal":
            c.verified = "personal"
        elif what == "cert":
            other = self.other_unit(a.unit) if rng.random() < 0.4 else None
            if other is not None:
                c.owner_unit = other
            else:
                c.verified = "none"

    def plant_defect(self, a: Account, p: float) -> None:
        rng = self.rng
        wechat_ok = a.platform == "微信公众号" and a.crawl is not None
        covered = a.platform in COVERED
        w_type = min(p / WECHAT_SHARE, 0.5) if wechat_ok else 0.0
        w_del = min(p / COVERED_SHARE, 0.5) if covered else 0.0
        what = pick(rng, ("none", "closed", "wrong_type", "deleted", "mismatch"),
                    (max(0.0, 1 - 0.02 - w_type - w_del - p), 0.02, w_type, w_del, p))
        assert a.nat and a.prov
        if what == "closed":                 # properly closed everywhere: no finding
            a.nat.status = a.prov.status = "closed"
            if covered:
                a.crawl = Crawl(one(rng, noise.GONE_LABELS)) if rng.random() < 0.5 else None
        elif what == "wrong_type":
            wrong = "服务号" if a.atype == "订阅号" else "订阅号"
            where = pick(rng, ("nat", "prov", "both"), (4, 3, 3))
            if where in ("nat", "both"):
                a.nat.type = wrong
            if where in ("prov", "both"):
                a.prov.type = wrong
        elif what == "deleted":
            if rng.random() < 0.6:
                a.crawl = Crawl(one(rng, noise.GONE_LABELS))
            else:
                a.crawl = None
            if rng.random() < 0.25:
                one(rng, (a.nat, a.prov)).status = "closed"
        elif what == "mismatch":
            what = pick(rng, ("filed", "status", "owner"), (5, 2, 3))
            other = self.other_unit(a.unit) if what == "owner" else None
            if what == "status":
                one(rng, (a.nat, a.prov)).status = "closed"
            elif other is not None and rng.random() < 0.7:
                a.prov.owner_unit = other
            elif other is not None:
                # a unit with no account of its own: the national registry then names a unit that
                # runs nothing else (no accidental duplicate_on_platform / name_inconsistent)
                a.nat.owner_unit = self.spare_unit(a.unit) or other
            elif rng.random() < 0.5:
                a.nat = None
            else:
                a.prov = None

    def other_unit(self, unit: Unit | None) -> Unit | None:
        """A clearly different unit of the same region (咸宁市公安局 vs 咸宁市交通运输局)."""
        if unit is None:
            return None
        pool = [u for u in self.top_units.get(unit.region.name, ())
                if u.dept != unit.dept and u.owner not in unit.owner and unit.owner not in u.owner]
        return one(self.rng, pool) if pool else None

    def spare_unit(self, unit: Unit | None) -> Unit | None:
        """A fresh department of the same region that will never run an account, clearly not ``unit``
        (None once the region's departments are used up)."""
        if unit is None:
            return None
        for _ in range(3):
            u = self.next_unit(unit.region)
            if u.dept in _TOP_DEPTS and u.owner not in unit.owner and unit.owner not in u.owner:
                return u   # a department: clearly another unit (villages of one town differ by 2 chars)
        return None

    def benign(self, a: Account) -> None:
        """Noise in the registries that changes nothing: ids missing/cased, empty cells, renames."""
        if a.clean:
            return
        rng = self.rng
        regs = [r for r in (a.nat, a.prov) if r is not None]
        crawl_live = a.crawl is not None and not a.crawl.gone
        ph = self.ph is not None
        if crawl_live and a.account_id and len(regs) == 2 and \
                rng.random() < (self.rate("renamed_same_id") if ph else 0.005):
            assert a.unit is not None
            a.crawl.name_text = self.rename(a.unit)                      # type: ignore[union-attr]
            a.cases.append("renamed")
            self.tag(a, "renamed_same_id")
            return
        if ph and crawl_live and len(regs) == 2 and rng.random() < self.rate("renamed_no_id"):
            assert a.unit is not None                    # same owner and platform; no id filed
            a.crawl.name_text = self.rename(a.unit)                      # type: ignore[union-attr]
            for r in regs:
                r.id_text = ""
            a.cases.append("renamed")
            self.tag(a, "renamed_no_id")
            return
        if ph:
            for r in regs:
                if a.account_id and rng.random() < self.rate("id_missing"):
                    r.id_text = ""
        elif len(regs) == 2 and rng.random() < 0.2:
            one(rng, regs).id_text = ""
        if crawl_live and rng.random() < 0.03:
            r = one(rng, regs)
            if r.status == "active":
                r.status = None
        if a.prov is not None and a.prov.type == a.atype and a.atype and rng.random() < 0.05:
            a.prov.type = None

    def rename(self, unit: Unit) -> str:
        s = unit.region.short if unit.town is None else short_name(unit.town)
        for pattern in self.rng.sample(_RENAMES, len(_RENAMES)):
            name = pattern.format(s=s)
            if name not in self.names:
                self.names.add(name)
                return name
        name = f"{s}融媒{len(self.names)}"
        self.names.add(name)
        return name

    # ---- planted phenomena (generated data only) -----------------------------------------------
    def plant_phenomena(self, n: int) -> None:
        """The DOMAIN.md phenomena that are more than a changed text: owners differing between the
        registries, another platform filed, filed under an old division name, sub-units of one
        department, closed accounts next to their replacement, imposters copying a filed name."""
        rng = self.rng
        for _ in range(max(1, round(n * 0.005))):    # 街道 accounts (small runs reach no town units)
            self.street_account()
        regd = [a for a in self.accounts if a.role == "registered" and a.nat is not None and a.prov is not None]
        towns = [a for a in regd if a.unit is not None and a.unit.town and a.nat.owner_unit is a.unit  # type: ignore[union-attr]
                 and a.prov.owner_unit is a.unit]                                                     # type: ignore[union-attr]
        for a in self.at_least_one(towns, "owners_differ"):
            assert a.unit is not None and a.prov is not None
            a.prov.owner_unit = self.media_unit(a.unit.region)        # 融媒体中心 filing for a 街道
            self.tag(a, "owners_differ")
        wechat = [a for a in regd if a.platform == "微信公众号" and a.nat.type == a.atype   # type: ignore[union-attr]
                  and a.prov.type in (a.atype, None)]                                         # type: ignore[union-attr]
        for a in self.at_least_one(wechat, "other_platform_filed"):
            r = one(rng, (a.nat, a.prov))
            assert r is not None
            r.platform, r.platform_text, r.type = "微信视频号", one(rng, ("视频号", "微信视频号")), None
            self.tag(a, "other_platform_filed")
        # a unit's mini program filed as a 公众号 in one registry (the crawl does not cover 小程序)
        for a in rng.sample(wechat, min(len(wechat), max(1, round(self.rate("other_platform_filed") * n / 3)))):
            assert a.unit is not None
            mini = self.register(self.account(a.unit, "微信小程序", a.name, "registered"))
            r = one(rng, (mini.nat, mini.prov))
            assert r is not None
            r.platform, r.platform_text = "微信公众号", one(rng, ("公众号", "微信公众号"))
            self.tag(mini, "other_platform_filed")
        for a in regd:
            u = a.unit
            assert u is not None and a.nat is not None and a.prov is not None
            old = RENAMED_DIVISIONS.get(u.region.name)
            if old and a.opened is not None and a.opened < dt.date.fromisoformat(old[1]):
                for r in (a.nat, a.prov):
                    if rng.random() < self.rate("old_division_name"):
                        r.old_division = old[0]
                        self.tag(a, "old_division_name")
            if u.dept == "traffic_n":                     # 交警一大队 / 二大队: siblings by nature
                self.tag(a, "sub_unit_sibling")
        for _ in range(max(1, round(self.rate("sub_unit_sibling") * n))):
            self.sub_unit_pair()
        live = [a for a in regd if a.crawl is not None and not a.crawl.gone and a.nat.status == "active"
                and a.prov.status == "active" and a.platform in COVERED]
        for a in rng.sample(live, min(len(live), max(1, round(self.rate("closed_replaced") * n)))):
            self.closed_before(a)
        for a in rng.sample(regd, min(len(regd), max(1, round(self.rate("imposter") * n)))):
            platform = one(rng, ("抖音", "快手", "小红书"))
            imp = self.account(None, platform, a.name, "personal", owner="",
                               verified="personal" if rng.random() < 0.5 else "none")
            imp.crawl = Crawl("正常" if rng.random() < 0.9 else "")
            self.tag(a, "imposter_nearby")
            self.tag(imp, "imposter_nearby")

    def at_least_one(self, cands: list[Account], code: str) -> list[Account]:
        """Each candidate with the phenomenon's rate; one at least when there is any candidate."""
        rng = self.rng
        chosen = [a for a in cands if rng.random() < self.rate(code)]
        return chosen or ([one(rng, cands)] if cands else [])

    def street_account(self) -> None:
        """A registered account of a 街道 (办事处) of a county, on WeChat."""
        rng = self.rng
        counties = [d for d in self.inside if d.level == "county"] or self.inside
        div = one(rng, counties)
        for _ in range(50):
            base = one(rng, _PLACE_CHARS) + one(rng, _PLACE_CHARS)
            town = base + "街道"
            owner, names = f"{div.name}{town}办事处", [f"{base}街道", f"魅力{base}", f"{base}之窗"]
            if base[0] == base[1] or base in self.towns_taken or owner in self.owners:
                continue
            self.towns_taken.add(base)
            unit = self.claim_unit(Unit(f"{div.name}/street{len(self.owners)}", owner, div, "town_gov",
                                        "government", names, town=town, parent=f"{div.name}人民政府"))
            name = self.claim_name(unit)
            if name is None:
                continue
            self.filed_units.setdefault(div.name, []).append(unit)
            a = self.register(self.account(unit, "微信公众号", name, "registered"))
            self.benign(a)
            return

    def media_unit(self, div: Division) -> Unit:
        owner = f"{div.name}融媒体中心"
        unit = self.unit_by_owner.get(owner)
        if unit is None:
            unit = self.claim_unit(Unit(f"{div.name}/media", owner, div, "media", "institution",
                                        [f"{div.short}融媒"], parent=f"{div.name}人民政府"))
        return unit

    def sub_unit_pair(self) -> None:
        """Two sub-units of one department whose names differ in one character (三门县财政局中岭财政所 /
        中堰财政所): two units, two accounts."""
        rng = self.rng
        counties = [d for d in self.inside if d.level == "county"] or self.inside
        div = one(rng, counties)
        office, word = one(rng, (("财政局", "财政所"), ("公安局", "派出所"), ("司法局", "司法所"),
                                 ("自然资源和规划局", "自然资源所")))
        for _ in range(50):
            c1 = one(rng, _PLACE_CHARS)
            seconds = [c for c in rng.sample(_PLACE_CHARS, 6) if c != c1 and c1 + c not in self.towns_taken]
            if len(seconds) < 2:
                continue
            places = [c1 + c for c in seconds[:2]]
            owners = [f"{div.name}{office}{x}{word}" for x in places]
            names = [f"{div.short}{x}{word}" for x in places]
            if any(o in self.owners for o in owners) or any(nm in self.names for nm in names):
                continue
            for x, owner, name in zip(places, owners, names, strict=True):
                self.towns_taken.add(x)
                self.names.add(name)
                unit = self.claim_unit(Unit(f"{div.name}/sub{len(self.owners)}", owner, div, "sub_unit",
                                            "government", [name], parent=f"{div.name}{office}"))
                self.filed_units.setdefault(div.name, []).append(unit)
                a = self.register(self.account(unit, "微信公众号", name, "registered"))
                self.benign(a)
                self.tag(a, "sub_unit_sibling")
            return

    def closed_before(self, a: Account) -> None:
        """The account's predecessor: same unit, platform and name, another id, closed in both
        registries and gone (or not found) on the platform. Not a duplicate."""
        rng = self.rng
        assert a.unit is not None and a.opened is not None
        old = self.account(a.unit, a.platform, a.name, "registered", atype=a.atype)
        old.order = a.order
        old.opened = a.opened - dt.timedelta(days=rint(rng, 200, 1500))
        old.nat = Reg(old.atype, "closed", a.unit)
        old.prov = Reg(old.atype, "closed", a.unit)
        old.crawl = Crawl(one(rng, noise.GONE_LABELS)) if rng.random() < 0.5 else None
        self.tag(a, "closed_replaced")
        self.tag(old, "closed_replaced")

    def partial_crawl(self) -> None:
        """Drop crawled records of the platforms whose crawl is not complete (coverage < 1); accounts
        left with no row at all are gone from the data set."""
        rng = self.rng
        assert self.ph is not None
        cov = {p: self.ph[f"coverage:{p}"] for p in COVERED}
        self.complete = frozenset(p for p in COVERED if cov[p] >= 1.0)
        seen: dict[str, list[int]] = {p: [0, 0] for p in COVERED}
        keep = []
        for a in self.accounts:
            if a.crawl is not None and a.platform in cov:
                counts = seen[a.platform]
                counts[1] += 1
                if rng.random() < cov[a.platform]:
                    counts[0] += 1
                else:
                    a.crawl = None
            if a.crawl is not None or a.nat is not None or a.prov is not None:
                keep.append(a)
        self.accounts = keep
        self.coverage = {p: round(k / n, 4) if n else 1.0 for p, (k, n) in seen.items()}

    def structural_tags(self) -> None:
        """Tags that follow from the data as built: registries disagreeing, the same name on another
        platform or (with the region's short name swapped) in another county."""
        if self.ph is None:
            return
        by_unit_name: dict[tuple[int, str], set[str]] = {}
        by_pattern: dict[tuple[str, str], set[str]] = {}
        for a in self.accounts:
            if a.unit is None or (a.nat is None and a.prov is None):
                continue
            by_unit_name.setdefault((id(a.unit), a.name), set()).add(a.platform)
            s = a.unit.region.short
            if s in a.name:
                by_pattern.setdefault((a.name.replace(s, "{s}", 1), a.platform), set()).add(a.unit.region.name)
        for a in self.accounts:
            n, p = a.nat, a.prov
            if n is not None and p is not None:
                if n.type and p.type and n.type != p.type:
                    self.tag(a, "type_disagree")
                if {n.status, p.status} == {"active", "closed"}:
                    self.tag(a, "status_disagree")
            if a.unit is None or (n is None and p is None):
                continue
            if len(by_unit_name[(id(a.unit), a.name)]) > 1:
                self.tag(a, "same_name_other_platform")
            s = a.unit.region.short
            if s in a.name and len(by_pattern[(a.name.replace(s, "{s}", 1), a.platform)]) > 1:
                self.tag(a, "same_name_other_county")

    # ---- crawl-only accounts -----------------------------------------------------------------
    def crawl_only(self, count: int, role: str, divs: list[Division], gone: bool = False) -> None:
        rng = self.rng
        made = 0
        while made < count:
            div = one(rng, divs)
            filed = self.filed_units.get(div.name, []) if role == "unfiled" else []
            if filed and rng.random() < 0.3:
                unit = one(rng, filed)                      # a second, unfiled account of a filed unit
            else:
                unit = self.next_unit(div)
            assert unit is not None
            name = self.claim_name(unit)
            if name is None:
                continue
            platform = pick(rng, COVERED, (50, 20, 25, 5))
            a = self.account(unit, platform, name, role)
            status = one(rng, noise.GONE_LABELS) if gone else ("正常" if rng.random() < 0.85 else "")
            a.crawl = Crawl(status)
            made += 1

    def distractors(self, count: int) -> None:
        """Crawled accounts that are not ours: other regions' government, enterprises, people."""
        rng = self.rng
        outside = self.outside or self.inside
        all_divs = self.inside + self.outside
        roles = rng.choices(("out_of_scope", "enterprise", "personal"), weights=(30, 25, 45), k=count)
        n_out = roles.count("out_of_scope")
        self.crawl_only(n_out, "out_of_scope", outside)
        from bench.gen_world import ENTERPRISE_PATTERNS, NICK_CHARS, PERSONAL_PATTERNS
        for role in roles:
            if role == "out_of_scope":
                continue
            div = one(rng, all_divs)
            s = div.short
            status = pick(rng, ("正常", "", "已注销"), (88, 8, 4))
            platform = pick(rng, COVERED, (50, 20, 25, 5))
            if role == "enterprise":
                name_p, owner_p = one(rng, ENTERPRISE_PATTERNS)
                name, owner = name_p.format(s=s), owner_p.format(c=div.name)
                while name in self.names:
                    brand = "".join(rng.choices(NICK_CHARS, k=2))
                    name, owner = f"{brand}{s}{name_p[-2:]}", f"{div.name}{brand}科技有限公司"
                a = self.account(None, platform, name, role, owner=owner, verified="enterprise", region=div.name)
            else:
                name = one(rng, PERSONAL_PATTERNS).format(s=s) if rng.random() < 0.5 else ""
                while not name or name in self.names:
                    name = "".join(rng.choices(NICK_CHARS, k=rint(rng, 2, 4)))
                    if rng.random() < 0.5:
                        name += str(rint(rng, 1, 9999))
                verified = "personal" if rng.random() < 0.5 else "none"
                a = self.account(None, platform, name, role, owner="", verified=verified, atype="订阅号")
            self.names.add(name)
            a.crawl = Crawl(status)


def generate(out_dir: Path, n_accounts: int, seed: int = 0, scope: str = "湖北省", *,
             crawl_extra: float = 0.1, registry_format: str = "xlsx", defect_rate: float = 0.03,
             crawled_rows: int | None = None, checkpoint: str = "2022-11-13",
             rates_seed: int | None = None, phenomena: bool = True) -> dict:
    """Write the national/provincial registries, crawled.csv and truth.json to ``out_dir``; return the truth.

    ``n_accounts`` in-scope government accounts are filed (most in both registries and crawled);
    about ``defect_rate * n_accounts`` findings of each kind are planted; ``crawl_extra *
    n_accounts`` crawl-only distractors (other regions' government, enterprises, individuals) are
    added, or as many as make ``crawled_rows`` crawled rows in all. ``registry_format="csv"``
    writes national.csv (UTF-8 with BOM) and provincial.csv (GB18030, no title row) instead of
    XLSX. The same arguments always give byte-identical files.

    ``phenomena`` (default): every phenomenon of DOMAIN.md at rates drawn per run from
    RATE_RANGES with ``rates_seed`` (default: ``seed``), partial crawls (one or two platforms
    complete) and reconcile.toml (checkpoint, scope, ``[checks] complete_platforms``) in
    ``out_dir``; the truth then also holds "rates", "complete_platforms", "coverage", "summary"
    (附件1) and per account "phenomena"."""
    if registry_format not in ("xlsx", "csv"):
        raise ValueError("registry_format must be 'xlsx' or 'csv'")
    from bench.gen_render import write_all

    gc_was_on = gc.isenabled()
    gc.disable()   # millions of acyclic objects: the cyclic collector only costs time here
    try:
        rates = draw_rates(seed if rates_seed is None else rates_seed) if phenomena else None
        b = Builder(seed, scope, dt.date.fromisoformat(checkpoint), rates)
        b.fill_registered(n_accounts, defect_rate)
        if rates is not None:
            b.plant_phenomena(n_accounts)
        populate_crawl(b, n_accounts, defect_rate, crawl_extra, crawled_rows)
        truth = write_all(b, Path(out_dir), registry_format)
        if rates is not None:
            write_toml(Path(out_dir), truth)
        return truth
    finally:
        if gc_was_on:
            gc.enable()


def populate_crawl(b: Builder, n_accounts: int, defect_rate: float, crawl_extra: float,
                   crawled_rows: int | None) -> None:
    b.crawl_only(round(defect_rate * n_accounts), "unfiled", b.inside)
    b.crawl_only(max(1, round(defect_rate * n_accounts / 4)) if defect_rate else 0, "unfiled_gone", b.inside,
                 gone=True)
    if b.ph is not None:
        b.partial_crawl()
    have = sum(1 for a in b.accounts if a.crawl is not None)
    extra = max(0, crawled_rows - have) if crawled_rows else round(crawl_extra * n_accounts)
    b.distractors(extra)


def write_toml(out_dir: Path, truth: dict) -> None:
    """reconcile.toml for the generated folder: checkpoint, quarter, scope and the platforms whose
    crawl is complete (an account not found there was deleted; elsewhere it was not checked)."""
    lines = ["# written by bench/generate.py", f'checkpoint = "{truth["checkpoint"]}"',
             f'quarter = "{truth["quarter"]}"', "scope = [" + ", ".join(f'"{s}"' for s in truth["scope"]) + "]",
             "", "[checks]",
             "complete_platforms = [" + ", ".join(f'"{p}"' for p in truth["complete_platforms"]) + "]", ""]
    (out_dir / "reconcile.toml").write_text("\n".join(lines), encoding="utf-8")


def make_sample(out_dir: Path = Path("sample_data")) -> dict:
    """The shipped ~300-account 咸宁市 sample with every hard case and defect planted."""
    from bench.gen_sample import build_sample

    return build_sample(Path(out_dir))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate noisy registry/crawl inputs with their truth.")
    ap.add_argument("out_dir", nargs="?", type=Path)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scope", default="湖北省")
    ap.add_argument("--crawled-rows", type=int, default=None)
    ap.add_argument("--crawl-extra", type=float, default=0.1)
    ap.add_argument("--registry-format", choices=("xlsx", "csv"), default="xlsx")
    ap.add_argument("--defect-rate", type=float, default=0.03)
    ap.add_argument("--checkpoint", default="2022-11-13")
    ap.add_argument("--rates-seed", type=int, default=None,
                    help="seed of the per-run phenomenon rates (default: --seed)")
    ap.add_argument("--no-phenomena", action="store_true",
                    help="only the older fixed noise: no DOMAIN.md phenomena, complete crawls, no reconcile.toml")
    ap.add_argument("--sample", action="store_true", help="rewrite sample_data/ (the shipped sample)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.sample:
        out = args.out_dir or Path(__file__).resolve().parent.parent / "sample_data"
        truth = make_sample(out)
    else:
        if args.out_dir is None:
            ap.error("OUT_DIR is required (or --sample)")
        out = args.out_dir
        try:
            resolve_scope(args.scope)
        except ValueError as exc:
            ap.error(str(exc))
        truth = generate(out, args.accounts, args.seed, args.scope, crawl_extra=args.crawl_extra,
                         registry_format=args.registry_format, defect_rate=args.defect_rate,
                         crawled_rows=args.crawled_rows, checkpoint=args.checkpoint,
                         rates_seed=args.rates_seed, phenomena=not args.no_phenomena)
    counts: dict[str, int] = {}
    for f in truth["findings"]:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    print(f"wrote {out}: {len(truth['accounts'])} accounts, findings {counts} "
          f"in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
