"""Turn built accounts into rows (with cosmetic noise), write the three files, and derive the
truth: row numbers per account and the findings an exact audit must report.

The finding rules here are the ones stated in the generator brief (and implemented by
reconcile/checks); they are applied to what each row *means* (types, statuses, owner units),
never to the noisy text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import gen_noise as noise
from bench.gen_noise import one, rint
from bench.gen_world import short_name
from bench.gen_write import write_csv, write_truth, write_xlsx

if TYPE_CHECKING:
    from bench.generate import Account, Builder, Reg

FINDING_KINDS = ("unfiled", "wrong_type", "deleted_still_registered", "registry_mismatch", "stale", "zombie",
                 "cert_mismatch", "personal_account", "duplicate_on_platform", "duplicate_filing",
                 "name_inconsistent")
STALE_DAYS, ZOMBIE_DAYS = 14, 90          # reconcile's defaults (config.stale_days / zombie_days)
MULTI_ACCOUNT_PLATFORMS = frozenset({"微信小程序", "移动客户端", "其他"})   # not judged for one-per-platform
# Header wordings: each generated file picks one variant per column (DOMAIN.md lists them).
NATIONAL_HEADERS = (
    ("seq", ("序号",)),
    ("name", ("政务新媒体名称", "账号名称", "新媒体名称")),
    ("platform", ("新媒体类型", "平台类型")),
    ("account_type", ("账号类型",)),
    ("account_id", ("账号ID", "微信号")),
    ("owner", ("主办单位", "开办主体")),
    ("supervisor", ("主管单位",)),
    ("region", ("所属地区", "所属区县")),
    ("status", ("运营状态", "状态")),
    ("opened", ("开设时间", "备案时间")),
)
PROVINCIAL_HEADERS = (
    ("seq", ("序号",)),
    ("region", ("市直/县市区",)),       # province scope: 所属地区 (set in _layout)
    ("name", ("名称", "新媒体\n名称")),
    ("platform", ("所属平台", "新媒体 类型")),
    ("account_type", ("账号\n类型", "账号类型 ")),
    ("account_id", ("账号", "账号 ID")),
    ("owner", ("责任单位", " 主办单位")),
    ("status", ("运营\n状态", "状态")),
    ("opened", ("备案时间", "开设\n时间")),
)
CRAWLED_HEADERS = (
    ("name", ("账号名称", "昵称")),
    ("platform", ("平台",)),
    ("account_type", ("账号类型",)),
    ("account_id", ("账号ID",)),
    ("owner", ("认证主体",)),
    ("verified", ("认证类型",)),
    ("status", ("账号状态",)),
    ("last_post", ("最近发布时间", "最后更新时间")),
    ("followers", ("粉丝数",)),
)


FILES = {"xlsx": ("national.xlsx", "provincial.xlsx"), "csv": ("national.csv", "provincial.csv")}


def _pick(b: Builder, headers: tuple[tuple[str, tuple[str, ...]], ...],
          avoid: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """One wording per column, other than the ones in ``avoid`` where the column has another."""
    out = []
    for key, variants in headers:
        choice = one(b.rng, variants)
        if choice in avoid:
            choice = next((v for v in variants if v not in avoid), choice)
        out.append((key, choice))
    return out


def _protect(a: Account) -> tuple[str, ...]:
    u = a.unit
    if u is None:
        return ()
    words = [u.region.name, u.region.short, u.region.city, short_name(u.region.city)]
    if u.town:
        words += [u.town, short_name(u.town)]
    return tuple(words)


def reg_name(b: Builder, a: Account, reg: Reg) -> str:
    if reg.name_text is not None:
        return reg.name_text
    name = a.name
    if a.clean:
        return name
    rng = b.rng
    if a.platform == "微博" and rng.random() < 0.05 and not name.endswith("微博"):
        name += one(rng, noise.WEIBO_SUFFIXES)
    if (len(name) >= 5 and rng.random() < 0.02 and (a.aid, "name") not in b.typoed
            and (b.multi_platform_name_typos or id(a.unit) not in b.multi_units)):
        t = noise.typo(name, rng, _protect(a))
        if t and t not in b.names:        # one typo per account: the other registry stays exact
            name = t
            b.typoed.add((a.aid, "name"))
    if a.unit is not None and name.startswith(a.unit.region.name):
        if rng.random() < (0.3 if "派出所" in name else 0.03):
            name = noise.dash_after(name, a.unit.region.name, rng) or name
    if rng.random() < 0.02:
        name = noise.inner_space(name, rng)
    if rng.random() < 0.4 and noise.has_ascii_alnum(name):
        name = noise.fullwidth(name)
    return name


def reg_owner(b: Builder, a: Account, reg: Reg) -> str:
    if reg.owner_text is not None:
        return reg.owner_text
    owner = reg.owner_unit.owner
    if a.clean:
        return owner
    rng = b.rng
    if rng.random() < 0.12:
        owner = reg.owner_unit.owner_short
    if len(owner) >= 6 and rng.random() < 0.02 and (a.aid, "owner") not in b.typoed:
        t = noise.typo(owner, rng, _protect(a))
        if t and t not in b.owners:
            owner = t
            b.typoed.add((a.aid, "owner"))
    if rng.random() < 0.01:
        owner = noise.inner_space(owner, rng)
    return owner


def reg_id(b: Builder, a: Account, reg: Reg, numeric_cells: bool) -> str | int:
    if reg.id_text is not None:
        return reg.id_text
    aid = a.account_id
    if not a.clean and aid and b.rng.random() < 0.05:
        return noise.id_noise(aid, b.rng)
    if numeric_cells and aid.isdigit():
        return int(aid)
    return aid


def region_text(b: Builder, a: Account, source: str, style: str) -> str:
    d = a.unit.region if a.unit else None
    if d is None:
        return ""
    if source == "national":
        base = d.city + (d.name if d.level == "county" else "")
        return (d.province + base) if style == "full" else base
    if b.city_scope:
        return "市直" if d.level == "city" else d.name
    return d.city + (d.name if d.level == "county" else "")


def reg_cells(b: Builder, a: Account, reg: Reg, source: str, style: str, as_xlsx: bool) -> dict[str, Any]:
    rng = b.rng
    u = a.unit
    assert u is not None and a.opened is not None
    opened: Any = a.opened if (as_xlsx and source == "national") else noise.date_text(a.opened, rng)
    if isinstance(opened, str) and " " in opened:
        opened = opened.split(" ")[0]
    return {
        "name": reg_name(b, a, reg),
        "platform": reg.platform_text or noise.platform_label(a.platform, reg.type, rng),
        "account_type": reg.type or "",
        "account_id": reg_id(b, a, reg, as_xlsx and source == "national"),
        "owner": reg_owner(b, a, reg),
        "supervisor": u.parent or u.owner,
        "region": region_text(b, a, source, style),
        "status": reg.status_text if reg.status_text is not None else noise.status_label(reg.status, rng),
        "opened": opened,
    }


def crawl_cells(b: Builder, a: Account) -> dict[str, Any]:
    rng, c = b.rng, a.crawl
    assert c is not None
    name = c.name_text if c.name_text is not None else a.name
    if not a.clean and c.name_text is None:
        if a.platform == "微博" and rng.random() < 0.25 and not name.endswith("微博"):
            name += one(rng, noise.WEIBO_SUFFIXES)
        if rng.random() < 0.015:
            name = noise.traditional(name) or name
        if rng.random() < 0.2 and noise.has_ascii_alnum(name):
            name = noise.fullwidth(name)
        if rng.random() < 0.01:
            name = noise.inner_space(name, rng)
    verified = c.verified or a.verified
    aid = a.account_id
    if not a.clean and aid and rng.random() < 0.03:
        aid = noise.id_noise(aid, rng)
    if c.days is not None:
        days = c.days
    elif c.gone:
        days = rint(rng, 60, 700)
    else:                      # crawl-only accounts (never judged for updates): any age
        r = rng.random()
        days = rint(rng, 0, 13) if r < 0.85 else rint(rng, 14, 89) if r < 0.95 else rint(rng, 90, 500)
    last = noise.date_text(b.checkpoint - dt.timedelta(days=days), rng, True)
    owner = ""
    if verified in ("government", "institution", "enterprise"):
        owner = c.owner_unit.owner if c.owner_unit is not None else a.owner
        if a.role == "registered" and a.unit is not None and not a.clean and verified != "enterprise":
            if rng.random() < 0.1:                       # 认证主体 without the region prefix
                owner = (c.owner_unit or a.unit).owner_short
            if rng.random() < 0.01:
                owner = noise.inner_space(owner, rng)
    return {
        "name": name,
        "platform": noise.platform_label(a.platform, a.atype, rng, crawled=True),
        "account_type": a.atype or "",
        "account_id": aid,
        "owner": owner,
        "verified": noise.VERIFIED_LABELS[verified],
        "status": c.status,
        "last_post": last,
        "followers": noise.followers_text(min(int(rng.lognormvariate(7.5, 2.0)), 300_000_000)),
    }


def write_all(b: Builder, out_dir: Path, registry_format: str) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = b.rng
    as_xlsx = registry_format == "xlsx"
    nat_layout = _pick(b, NATIONAL_HEADERS)
    # the provincial platform words its columns differently from the national system where it can
    prov_layout = _pick(b, PROVINCIAL_HEADERS, frozenset(h for k, h in nat_layout if k not in ("seq", "status")))
    if not b.city_scope:
        prov_layout = [(k, "所属地区" if k == "region" else h) for k, h in prov_layout]
        nat_layout = [(k, "所属区县" if k == "region" else h) for k, h in nat_layout]
    crawl_layout = _pick(b, CRAWLED_HEADERS)
    nat_style = one(rng, ("full", "short"))

    per_unit: dict[int, int] = {}
    for a in b.accounts:
        if a.role == "registered":
            per_unit[id(a.unit)] = per_unit.get(id(a.unit), 0) + 1
    b.multi_units = frozenset(u for u, n in per_unit.items() if n > 1)
    nat, prov, crawl = [], [], []
    for a in b.accounts:
        if a.nat is not None:
            nat.append((a, reg_cells(b, a, a.nat, "national", nat_style, as_xlsx)))
            if a.dup_src == "national":                  # filed twice: the same row again, just below
                nat.append((a, {**nat[-1][1], "_dup": True}))
        if a.prov is not None:
            prov.append((a, reg_cells(b, a, a.prov, "provincial", "", as_xlsx)))
            if a.dup_src == "provincial":
                prov.append((a, {**prov[-1][1], "_dup": True}))
        if a.crawl is not None:
            crawl.append((a, crawl_cells(b, a)))
    nat.sort(key=lambda t: (t[0].order, t[0].aid))
    prov.sort(key=lambda t: (t[0].order[:1], t[0].order[2:], t[0].name, t[0].aid))
    rng.shuffle(crawl)

    title = None
    first_prov = 2
    if as_xlsx:
        cp = b.checkpoint
        quarter = "一二三四"[(cp.month - 1) // 3]
        title = (f"附件2 {cp.year}年第{quarter}季度全{'市' if b.city_scope else '省'}"
                 f"政务新媒体备案情况表")
        first_prov = 3
    for i, (a, cells) in enumerate(nat):
        if "_dup" in cells:
            a.dup_row = i + 2
        else:
            a.nat.row = i + 2                               # type: ignore[union-attr]
    for i, (a, cells) in enumerate(prov):
        if "_dup" in cells:
            a.dup_row = i + first_prov
        else:
            a.prov.row = i + first_prov                     # type: ignore[union-attr]
    for i, (a, _) in enumerate(crawl):
        a.crawl.row = i + 2                                 # type: ignore[union-attr]

    def rows(items: list, layout: list[tuple[str, str]]) -> Any:
        keys = [k for k, _ in layout]
        for i, (_, cells) in enumerate(items):
            yield [i + 1 if k == "seq" else cells.get(k, "") for k in keys]

    nat_file, prov_file = FILES[registry_format]
    nat_header = [h for _, h in nat_layout]
    prov_header = [h for _, h in prov_layout]
    if as_xlsx:
        write_xlsx(out_dir / nat_file, nat_header, rows(nat, nat_layout), sheet="政务新媒体")
        write_xlsx(out_dir / prov_file, prov_header, rows(prov, prov_layout), title=title, sheet="备案情况")
    else:   # a line break inside a CSV header would shift every line number: none in CSV
        nat_header = [h.replace("\n", "") for h in nat_header]
        prov_header = [h.replace("\n", "") for h in prov_header]
        write_csv(out_dir / nat_file, nat_header, rows(nat, nat_layout), "utf-8-sig")
        write_csv(out_dir / prov_file, prov_header, rows(prov, prov_layout), "gb18030")
    write_csv(out_dir / "crawled.csv", [h for _, h in crawl_layout], rows(crawl, crawl_layout), "gb18030")

    covered = sorted({a.platform for a, _ in crawl})
    truth: dict[str, Any] = {
        "seed": b.seed,
        "scope": [b.scope],
        "checkpoint": b.checkpoint.isoformat(),
        "quarter": f"{b.checkpoint.year}Q{(b.checkpoint.month - 1) // 3 + 1}",
        "files": {"national": nat_file, "provincial": prov_file, "crawled": "crawled.csv"},
        "kinds": list(FINDING_KINDS),
        "covered_platforms": covered,
        "accounts": [account_json(a) for a in b.accounts],
        "findings": findings(b, frozenset(covered)),
    }
    write_truth(out_dir / "truth.json", truth)
    return truth


def account_json(a: Account) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.aid, "platform": a.platform, "name": a.name, "owner": a.owner, "region": a.region,
        "national_row": a.nat.row if a.nat else None,
        "provincial_row": a.prov.row if a.prov else None,
        "crawled_row": a.crawl.row if a.crawl else None,
        "account_id": a.account_id or None, "role": a.role,
    }
    if a.crawl is not None and a.crawl.name_text is not None and a.crawl.name_text != a.name:
        out["crawled_name"] = a.crawl.name_text
    if a.dup_src is not None:
        out[f"{a.dup_src}_dup_row"] = a.dup_row
    if a.cases:
        out["cases"] = list(a.cases)
    return out


def _ref(source: str, row: int) -> dict[str, Any]:
    return {"source": source, "row": row}


def findings(b: Builder, covered: frozenset[str]) -> list[dict[str, Any]]:
    """The exact rules of the brief, applied to each account's meaning."""
    out: list[dict[str, Any]] = []
    inside = frozenset(d.name for d in b.inside)

    def add(kind: str, a: Account, records: list[dict[str, Any]], field: str | None = None,
            **extra: Any) -> None:
        out.append({"kind": kind, "field": field, "name": a.name, "platform": a.platform, "owner": a.owner,
                    "region": a.region, "account": a.aid, "records": records, **extra})

    for a in b.accounts:
        regs = [(s, r) for s, r in (("national", a.nat), ("provincial", a.prov)) if r is not None]
        c = a.crawl
        if (not regs and c is not None and not c.gone and a.region in inside
                and (c.verified or a.verified) in ("government", "institution")):
            add("unfiled", a, [_ref("crawled", c.row)])
        if a.platform == "微信公众号" and c is not None and a.atype:
            wrong = [(s, r) for s, r in regs if r.type and r.type != a.atype]
            if wrong:
                add("wrong_type", a, [_ref(s, r.row) for s, r in wrong] + [_ref("crawled", c.row)],
                    correction=f"应为{a.atype}")
        if c is not None and c.gone:
            live = [(s, r) for s, r in regs if r.status in ("active", None)]
            if live:
                add("deleted_still_registered", a, [_ref(s, r.row) for s, r in live] + [_ref("crawled", c.row)])
        elif c is None and a.platform in covered:
            live = [(s, r) for s, r in regs if r.status == "active"]
            if live:
                add("deleted_still_registered", a, [_ref(s, r.row) for s, r in live])
        if len(regs) == 1:
            add("registry_mismatch", a, [_ref(regs[0][0], regs[0][1].row)], "filed")
        elif len(regs) == 2:
            n, p = a.nat, a.prov
            assert n is not None and p is not None
            both = [_ref("national", n.row), _ref("provincial", p.row)]
            if n.type and p.type and n.type != p.type:
                add("registry_mismatch", a, both, "account_type")
            if {n.status, p.status} == {"active", "closed"}:
                add("registry_mismatch", a, both, "status")
            if n.owner_unit is not p.owner_unit:
                add("registry_mismatch", a, both, "owner")
    platform_findings(b, add, covered)
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    out.sort(key=lambda f: order[f["kind"]])
    return out


def _all_refs(a: Account) -> list[dict[str, Any]]:
    return [_ref(s, r.row) for s, r in (("national", a.nat), ("provincial", a.prov), ("crawled", a.crawl))
            if r is not None]


def _active(a: Account, inside: frozenset[str]) -> bool:
    """In scope, filed as operating (or with an empty status) somewhere, not shown gone by the crawl."""
    if a.region not in inside or a.unit is None:
        return False
    if a.crawl is not None and a.crawl.gone:
        return False
    return any(r is not None and r.status != "closed" for r in (a.nat, a.prov))


def platform_findings(b: Builder, add: Any, covered: frozenset[str]) -> None:
    """stale, zombie, cert_mismatch, personal_account, duplicate_filing, duplicate_on_platform,
    name_inconsistent: the rules of DOMAIN.md as reconcile/checks state them."""
    inside = frozenset(d.name for d in b.inside)
    groups: dict[tuple[str, str], list[Account]] = {}
    for a in b.accounts:
        regs = [r for r in (a.nat, a.prov) if r is not None]
        c = a.crawl
        if regs and c is not None and not c.gone:         # filed and found operating on the platform
            days = c.days if c.days is not None else 0
            if days >= STALE_DAYS:                       # a zombie is also stale (no post in 14 days)
                add("stale", a, _all_refs(a))
            if days >= ZOMBIE_DAYS:
                add("zombie", a, _all_refs(a))
            verified = c.verified or a.verified
            if verified in ("none", "enterprise"):
                add("cert_mismatch", a, _all_refs(a))
            elif verified == "personal":
                add("personal_account", a, _all_refs(a))
            elif all((c.owner_unit or a.unit) is not r.owner_unit for r in regs):
                # the verification agreeing with either registry is no cert_mismatch (the
                # registries disagreeing is registry_mismatch)
                add("cert_mismatch", a, _all_refs(a), "owner")
        if a.dup_src is not None:
            reg = a.nat if a.dup_src == "national" else a.prov
            assert reg is not None
            add("duplicate_filing", a, [_ref(a.dup_src, reg.row), _ref(a.dup_src, a.dup_row)])
        if regs and _active(a, inside) and a.platform not in MULTI_ACCOUNT_PLATFORMS:
            unit = regs[0].owner_unit                      # the unit as filed (national first)
            groups.setdefault((unit.owner, a.platform), []).append(a)
    by_unit: dict[str, list[Account]] = {}
    for (unit, _), accs in groups.items():
        by_unit.setdefault(unit, []).extend(accs)
        if len(accs) > 1:
            for a in accs:
                add("duplicate_on_platform", a, _all_refs(a))
    for accs in by_unit.values():
        names = {a.name for a in accs}
        if len(names) < 2 or len({a.platform for a in accs}) < 2:
            continue
        counts = {n: sum(1 for a in accs if a.name == n) for n in names}
        wechat = {a.name for a in accs if a.platform == "微信公众号"}
        ordered = sorted(accs, key=lambda a: a.platform)
        main = max((a.name for a in ordered), key=lambda n: (counts[n], n in wechat))
        for a in ordered:
            if a.name != main:
                add("name_inconsistent", a, _all_refs(a))
