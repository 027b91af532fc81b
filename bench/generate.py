"""Seeded noisy generator of the three inputs (national.xlsx, provincial.xlsx, crawled.csv) with the
truth (which rows are the same account, which findings an exact audit reports) in truth.json.

    python bench/generate.py OUT_DIR --accounts 50000 --seed 1 [--crawled-rows 1000000] [--registry-format csv]
    python bench/generate.py --sample          # rewrites sample_data/

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
    DEPARTMENTS,
    REAL_TOWNS,
    Division,
    Unit,
    UnitFactory,
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
MULTI_PLATFORMS = ("移动客户端",)   # a unit may run several (reconcile: MULTI_ACCOUNT_PLATFORMS)
_HEX_TO_ALPHA = str.maketrans("0123456789abcdef", "abcdeghjklmnpqrs")


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
    status_text: str | None = None
    row: int = 0


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


class Builder:
    """Builds the accounts (with their defects) of one generated data set."""

    def __init__(self, seed: int, scope: str, checkpoint: dt.date):
        self.seed, self.scope, self.checkpoint = seed, scope, checkpoint
        self.rng = random.Random(seed)
        self.inside, self.outside = resolve_scope(scope)
        self.city_scope = all(d.city == scope for d in self.inside)
        self.div_order = {d.name: i for i, d in enumerate(self.inside + self.outside)}
        self.factories: dict[str, UnitFactory] = {}
        self.reserved: dict[str, set[str]] = {}
        self.names: set[str] = set()
        self.owners: set[str] = set()
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
        # reconcile's name_inconsistent check reads registry names and takes a one-character typo in
        # a short name for another name; the shipped sample (an exact test) turns these typos off
        # for units with several accounts. Generated data keeps them.
        self.multi_platform_name_typos = True
        self.multi_units: frozenset[int] = frozenset()

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
            aid=f"A{len(self.accounts) + 1:06d}", platform=platform, name=name, account_id=self.new_id(platform),
            atype=atype if platform == "微信公众号" else None,
            verified=verified or (unit.kind if unit else "none"),
            owner=owner if owner is not None else (unit.owner if unit else ""),
            region=region if region is not None else (unit.region.name if unit else None),
            role=role, unit=unit,
        )
        if unit is not None:
            a.order = (self.div_order.get(unit.region.name, 999), int(unit.extra.get("seq", 0)),
                       PLATFORM_ORDER.index(platform))
        self.accounts.append(a)
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
        if crawl_live and a.account_id and len(regs) == 2 and rng.random() < 0.005:
            assert a.unit is not None
            a.crawl.name_text = self.rename(a.unit)                      # type: ignore[union-attr]
            a.cases.append("renamed")
            return
        if len(regs) == 2 and rng.random() < 0.2:
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
             crawled_rows: int | None = None, checkpoint: str = "2022-11-13") -> dict:
    """Write the national/provincial registries, crawled.csv and truth.json to ``out_dir``; return the truth.

    ``n_accounts`` in-scope government accounts are filed (most in both registries and crawled);
    about ``defect_rate * n_accounts`` findings of each kind are planted; ``crawl_extra *
    n_accounts`` crawl-only distractors (other regions' government, enterprises, individuals) are
    added, or as many as make ``crawled_rows`` crawled rows in all. ``registry_format="csv"``
    writes national.csv (UTF-8 with BOM) and provincial.csv (GB18030, no title row) instead of
    XLSX. The same arguments always give byte-identical files."""
    if registry_format not in ("xlsx", "csv"):
        raise ValueError("registry_format must be 'xlsx' or 'csv'")
    from bench.gen_render import write_all

    gc_was_on = gc.isenabled()
    gc.disable()   # millions of acyclic objects: the cyclic collector only costs time here
    try:
        b = Builder(seed, scope, dt.date.fromisoformat(checkpoint))
        b.fill_registered(n_accounts, defect_rate)
        populate_crawl(b, n_accounts, defect_rate, crawl_extra, crawled_rows)
        return write_all(b, Path(out_dir), registry_format)
    finally:
        if gc_was_on:
            gc.enable()


def populate_crawl(b: Builder, n_accounts: int, defect_rate: float, crawl_extra: float,
                   crawled_rows: int | None) -> None:
    b.crawl_only(round(defect_rate * n_accounts), "unfiled", b.inside)
    b.crawl_only(max(1, round(defect_rate * n_accounts / 4)) if defect_rate else 0, "unfiled_gone", b.inside,
                 gone=True)
    have = sum(1 for a in b.accounts if a.crawl is not None)
    extra = max(0, crawled_rows - have) if crawled_rows else round(crawl_extra * n_accounts)
    b.distractors(extra)


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
                         crawled_rows=args.crawled_rows, checkpoint=args.checkpoint)
    counts: dict[str, int] = {}
    for f in truth["findings"]:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    print(f"wrote {out}: {len(truth['accounts'])} accounts, findings {counts} "
          f"in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
