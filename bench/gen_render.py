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

PLATFORM_ORDER = ("微信公众号", "微博", "抖音", "快手", "今日头条", "移动客户端")

FINDING_KINDS = ("unfiled", "wrong_type", "deleted_still_registered", "registry_mismatch", "stale", "zombie",
                 "cert_mismatch", "personal_account", "duplicate_on_platform", "duplicate_filing",
                 "name_inconsistent", "not_crawled")
STALE_DAYS, ZOMBIE_DAYS = 14, 90          # reconcile's defaults (config.stale_days / zombie_days)
NOT_ONE_PLATFORM = frozenset({"移动客户端", "其他"})   # not judged for one-per-platform
MULTI_ACCOUNT_PLATFORMS = NOT_ONE_PLATFORM | {"微信小程序"}   # not judged for naming either
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


# Generated data only: more header wordings (DOMAIN.md "How exports differ": any wording, line breaks
# and spaces inside a header cell), 所属地市/所属区县 split in two columns, a second title row.
MORE_HEADERS = {
    "name": ("新媒体账号名称", "账号\n名称", "政务新媒体 名称"),
    "platform": ("平台", "类别", "新媒体\n类型"),
    "account_id": ("账号标识", "微信号/账号", "原始ID"),
    "owner": ("主办单位名称", "开办\n主体"),
    "status": ("运行状态", "运营 状态"),
    "opened": ("开设\n时间", "备案 时间"),
}


def _more_headers(headers: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, v + MORE_HEADERS.get(k, ())) for k, v in headers)


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


def _full_place(b: Builder, a: Account, name: str) -> str:
    """咸宁民政 -> 咸宁市民政: the region's full name written out (generated data only)."""
    if b.ph is None or a.unit is None or b.rng.random() >= b.rate("full_place"):
        return name
    short, full = a.unit.region.short, a.unit.region.name
    if short != full and name.startswith(short) and not name.startswith(full):
        b.tag(a, "full_place")
        return full + name[len(short):]
    return name


def _space(b: Builder, a: Account, text: str) -> str:
    ph = b.ph is not None
    out = noise.inner_space(text, b.rng, "\u3000" if ph and b.rng.random() < 0.4 else " ")
    if out != text:
        b.tag(a, "spaces")
    return out


def _wide(b: Builder, a: Account, text: str) -> str:
    out = noise.fullwidth(text)
    if out != text:
        b.tag(a, "fullwidth")
    return out


def reg_name(b: Builder, a: Account, reg: Reg) -> str:
    if reg.name_text is not None:
        return reg.name_text
    name = a.name
    if a.clean:
        return name
    rng = b.rng
    ph = b.ph is not None
    if a.platform == "微博" and rng.random() < (b.rate("guanbo") if ph else 0.05) and not name.endswith("微博"):
        name += one(rng, noise.WEIBO_SUFFIXES)
        b.tag(a, "guanbo")
    name = _full_place(b, a, name)
    if (len(name) >= 5 and rng.random() < (b.rate("homophone_name") if ph else 0.02) and (a.aid, "name") not in b.typoed
            and (b.multi_platform_name_typos or id(a.unit) not in b.multi_units)):
        t = noise.typo(name, rng, _protect(a) + (noise.WEIBO_SUFFIXES if ph else ()))
        if t and t not in b.names:        # one typo per account: the other registry stays exact
            name = t
            b.typoed.add((a.aid, "name"))
            b.tag(a, "homophone_name")
    if a.unit is not None and name.startswith(a.unit.region.name):
        if rng.random() < (0.3 if "派出所" in name else b.rate("dash") if ph else 0.03):
            dashed = noise.dash_after(name, a.unit.region.name, rng) or name
            if dashed != name:
                b.tag(a, "dash")
            name = dashed
    if rng.random() < (b.rate("spaces") if ph else 0.02):
        name = _space(b, a, name)
    if rng.random() < (b.rate("fullwidth") if ph else 0.4) and noise.has_ascii_alnum(name):
        name = _wide(b, a, name)
    if ph:
        if rng.random() < b.rate("traditional") / 2:
            trad = noise.traditional(name)
            if trad:
                name = trad
                b.tag(a, "traditional")
        labels = noise.NAME_LABELS.get(reg.platform or a.platform)
        if labels and rng.random() < b.rate("platform_label"):
            name += one(rng, labels)
            b.tag(a, "platform_label")
    return name


def reg_owner(b: Builder, a: Account, reg: Reg) -> str:
    if reg.owner_text is not None:
        return reg.owner_text
    owner = reg.owner_unit.owner
    if a.clean:
        return owner
    rng = b.rng
    ph = b.ph is not None
    if rng.random() < (b.rate("region_prefix_dropped") if ph else 0.12):
        owner = reg.owner_unit.owner_short
        if owner != reg.owner_unit.owner:
            b.tag(a, "region_prefix_dropped")
    if reg.old_division:                 # filed before the division was renamed
        owner = owner.replace(reg.owner_unit.region.name, reg.old_division, 1)
    if len(owner) >= 6 and rng.random() < (b.rate("homophone_owner") if ph else 0.02) \
            and (a.aid, "owner") not in b.typoed:
        t = noise.typo(owner, rng, _protect(a))
        if t and t not in b.owners:
            owner = t
            b.typoed.add((a.aid, "owner"))
            b.tag(a, "homophone_owner")
    if rng.random() < (b.rate("spaces") / 2 if ph else 0.01):
        owner = _space(b, a, owner)
    return owner


def reg_id(b: Builder, a: Account, reg: Reg, numeric_cells: bool, xlsx: bool = False) -> str | int:
    if reg.id_text is not None:
        return reg.id_text
    aid = a.account_id
    if b.ph is not None and not a.clean and aid:
        return _id_phenomena(b, a, aid, numeric_cells or (xlsx and b.rng.random() < b.rate("id_number")))
    if not a.clean and aid and b.rng.random() < 0.05:
        return noise.id_noise(aid, b.rng)
    if numeric_cells and aid.isdigit():
        return int(aid)
    return aid


def _id_phenomena(b: Builder, a: Account, aid: str, numeric: bool, share: float = 1.0) -> str | int:
    """gh_ ids upper case, ids padded with spaces, digit ids as Excel numbers (generated data only)."""
    rng = b.rng
    if any(c.isalpha() for c in aid) and rng.random() < b.rate("id_upper") * share:
        aid = aid.upper()
        b.tag(a, "id_upper")
    if rng.random() < b.rate("id_padded") * share:
        b.tag(a, "id_padded")
        return one(rng, (" ", "", "\u3000")) + aid + one(rng, (" ", "  ", "\t"))
    if numeric and aid.isdigit():
        b.tag(a, "id_number")
        return int(aid)
    return aid


def region_text(b: Builder, a: Account, source: str, style: str, reg: Reg | None = None) -> str:
    text = _region_text(b, a, source, style)
    if reg is not None and reg.old_division and a.unit is not None:
        text = text.replace(a.unit.region.name, reg.old_division, 1)
    return text


def _region_text(b: Builder, a: Account, source: str, style: str) -> str:
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
    ph = b.ph is not None
    opened: Any
    if ph and rng.random() < b.rate("date_variant"):
        opened = noise.date_variant(a.opened, rng)
        if not as_xlsx and isinstance(opened, dt.datetime):
            opened = opened.isoformat(sep=" ")
    else:
        opened = a.opened if (as_xlsx and source == "national") else noise.date_text(a.opened, rng)
        if isinstance(opened, str) and " " in opened:
            opened = opened.split(" ")[0]
    region = region_text(b, a, source, style, reg)
    more: dict[str, Any] = {}
    if ph:                                   # 所属地市 | 所属区县 when the national region is split
        d = u.region
        city, county = d.city, d.name if d.level == "county" else ""
        if reg.old_division:
            county = county.replace(d.name, reg.old_division)
        more = {"region_city": city, "region_county": county,
                "supervisor": (u.parent or u.owner).replace(d.name, reg.old_division or d.name, 1)}
    return {   # the order of the draws is the shipped sample's: keep it
        "name": reg_name(b, a, reg),
        "platform": _reg_platform(b, a, reg),
        "account_type": reg.type or "",
        "account_id": reg_id(b, a, reg, as_xlsx and source == "national", as_xlsx),
        "owner": reg_owner(b, a, reg),
        "supervisor": u.parent or u.owner,
        "region": region,
        "status": _reg_status(b, reg),
        "opened": opened,
        **more,
    }


def _reg_platform(b: Builder, a: Account, reg: Reg) -> str:
    if reg.platform_text:
        return reg.platform_text
    if b.ph is not None and b.rng.random() < b.rate("label_variant"):
        return one(b.rng, noise.PLATFORM_LABELS_MORE.get(a.platform, (a.platform,)))
    return noise.platform_label(a.platform, reg.type, b.rng)


def _reg_status(b: Builder, reg: Reg) -> str:
    if reg.status_text is not None:
        return reg.status_text
    if b.ph is not None and reg.status is not None and b.rng.random() < b.rate("label_variant"):
        return one(b.rng, noise.ACTIVE_LABELS_MORE if reg.status == "active" else noise.CLOSED_LABELS_MORE)
    return noise.status_label(reg.status, b.rng)


def crawl_cells(b: Builder, a: Account) -> dict[str, Any]:
    rng, c = b.rng, a.crawl
    assert c is not None
    name = c.name_text if c.name_text is not None else a.name
    ph = b.ph is not None
    if not a.clean and c.name_text is None:
        if a.platform == "微博" and rng.random() < (b.rate("guanbo") if ph else 0.25) and not name.endswith("微博"):
            name += one(rng, noise.WEIBO_SUFFIXES)
            b.tag(a, "guanbo")
        if ph:
            name = _full_place(b, a, name)
            if a.unit is not None and name.startswith(a.unit.region.name) and rng.random() < b.rate("dash"):
                name = noise.dash_after(name, a.unit.region.name, rng) or name
                b.tag(a, "dash")
        if rng.random() < (b.rate("traditional") if ph else 0.015):
            trad = noise.traditional(name)
            if trad:
                b.tag(a, "traditional")
            name = trad or name
        if rng.random() < (b.rate("fullwidth") / 2 if ph else 0.2) and noise.has_ascii_alnum(name):
            name = _wide(b, a, name)
        if rng.random() < (b.rate("spaces") / 2 if ph else 0.01):
            name = _space(b, a, name)
    verified = c.verified or a.verified
    aid = a.account_id
    if ph and not a.clean and aid:
        aid = _id_phenomena(b, a, aid, False, 0.5)
    elif not a.clean and aid and rng.random() < 0.03:
        aid = noise.id_noise(aid, rng)
    if c.days is not None:
        days = c.days
    elif c.gone:
        days = rint(rng, 60, 700)
    else:                      # crawl-only accounts (judged for updates only when unfiled): any age
        r = rng.random()
        days = rint(rng, 0, 13) if r < 0.85 else rint(rng, 14, 89) if r < 0.95 else rint(rng, 90, 500)
        c.days = days          # kept: every rule applies to unfiled accounts too (generated data)
    last_day = b.checkpoint - dt.timedelta(days=days)
    if ph and rng.random() < b.rate("date_variant"):
        last = noise.date_variant(last_day, rng)
        if isinstance(last, dt.datetime):
            last = last.isoformat(sep=" ")
    else:
        last = noise.date_text(last_day, rng, True)
    owner = ""
    if verified in ("government", "institution", "enterprise"):
        owner = c.owner_unit.owner if c.owner_unit is not None else a.owner
        if a.role == "registered" and a.unit is not None and not a.clean and verified != "enterprise":
            if rng.random() < (b.rate("region_prefix_dropped") if ph else 0.1):   # 认证主体 without the region prefix
                owner = (c.owner_unit or a.unit).owner_short
                b.tag(a, "region_prefix_dropped")
            if rng.random() < (b.rate("spaces") / 2 if ph else 0.01):
                owner = _space(b, a, owner)
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
    b.structural_tags()
    as_xlsx = registry_format == "xlsx"
    ph = b.ph is not None
    nat_headers, prov_headers = (_more_headers(NATIONAL_HEADERS), _more_headers(PROVINCIAL_HEADERS)) if ph else \
        (NATIONAL_HEADERS, PROVINCIAL_HEADERS)
    nat_layout = _pick(b, nat_headers)
    # the provincial platform words its columns differently from the national system where it can
    prov_layout = _pick(b, prov_headers, frozenset(h for k, h in nat_layout if k not in ("seq", "status")))
    if not b.city_scope:
        prov_layout = [(k, "所属地区" if k == "region" else h) for k, h in prov_layout]
        nat_layout = [(k, "所属区县" if k == "region" else h) for k, h in nat_layout]
    if ph and rng.random() < 0.4:      # the national region in two columns: 所属地市 | 所属区县
        i = next(i for i, (k, _) in enumerate(nat_layout) if k == "region")
        nat_layout[i:i + 1] = [("region_city", "所属地市"), ("region_county", "所属区县")]
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

    title = subtitle = nat_title = None
    first_prov = first_nat = 2
    if as_xlsx:
        cp = b.checkpoint
        quarter = "一二三四"[(cp.month - 1) // 3]
        title = (f"附件2 {cp.year}年第{quarter}季度全{'市' if b.city_scope else '省'}"
                 f"政务新媒体备案情况表")
        first_prov = 3
        if ph and rng.random() < 0.5:        # a title row or two above the header
            subtitle = f"填报单位：{b.scope}政务服务和大数据管理局    导出时间：{cp.isoformat()}"
            first_prov = 4
        if ph and rng.random() < 0.4:
            nat_title = f"全国政务新媒体信息报送系统 导出数据（{b.scope}）"
            first_nat = 3
    for i, (a, cells) in enumerate(nat):
        if "_dup" in cells:
            a.dup_row = i + first_nat
        else:
            a.nat.row = i + first_nat                       # type: ignore[union-attr]
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
        write_xlsx(out_dir / nat_file, nat_header, rows(nat, nat_layout), sheet="政务新媒体", title=nat_title)
        write_xlsx(out_dir / prov_file, prov_header, rows(prov, prov_layout), title=title, sheet="备案情况",
                   subtitle=subtitle)
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
    if b.ph is not None:
        truth["rates"] = dict(b.ph)
        truth["complete_platforms"] = [p for p in PLATFORM_ORDER if p in b.complete]
        truth["coverage"] = dict(b.coverage)
        truth["summary"] = summary(b, truth["findings"])
        from bench.generate import PHENOMENA

        truth["phenomena"] = {code: sum(1 for a in b.accounts if code in a.phen) for code in PHENOMENA}
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
    if a.phen:
        out["phenomena"] = list(a.phen)
    return out


def _ref(source: str, row: int) -> dict[str, Any]:
    return {"source": source, "row": row}


FAIL_KINDS = frozenset({"stale", "deleted_still_registered", "wrong_type", "unfiled", "personal_account",
                        "cert_mismatch"})   # reconcile's default fail_kinds


def region_label(b: Builder, a: Account) -> str | None:
    """The 附件1 row an account counts under: a city scope lists 市直 and its counties, a province
    scope its cities."""
    if a.unit is None:
        return None
    d = a.unit.region
    if b.city_scope:
        return "市直" if d.level == "city" else d.name
    return d.city


def summary(b: Builder, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """附件1: per region, total = filed in either registry + unfiled found; checked = in-scope
    accounts the crawl reached (a crawled record, or a not-found on a complete platform that makes
    deleted_still_registered); failed = checked accounts with a failing finding; pass_rate =
    (checked - failed) / checked, half-up, 2 decimals (100.0 when none checked)."""
    from decimal import ROUND_HALF_UP, Decimal

    inside = frozenset(d.name for d in b.inside)
    kinds: dict[str, set[str]] = {}
    for f in found:
        kinds.setdefault(f["account"], set()).add(f["kind"])
    rows: dict[str, list[int]] = {}
    order: dict[str, int] = {}
    for a in b.accounts:
        if a.region not in inside or a.unit is None:
            continue
        own = kinds.get(a.aid, set())
        filed = a.nat is not None or a.prov is not None
        if not filed and "unfiled" not in own:
            continue
        label = region_label(b, a)
        assert label is not None
        order.setdefault(label, b.div_order.get(a.unit.region.name, 999) if label != "市直" else -1)
        row = rows.setdefault(label, [0, 0, 0])
        row[0] += 1
        if a.crawl is not None or "deleted_still_registered" in own:
            row[1] += 1
            row[2] += bool(own & FAIL_KINDS)
    out = []
    for label in sorted(rows, key=lambda k: (order[k], k)):
        total, checked, failed = rows[label]
        rate = 100.0 if checked == 0 else float((Decimal(checked - failed) * 100 / Decimal(checked)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP))
        out.append({"region": label, "total": total, "checked": checked, "failed": failed, "pass_rate": rate})
    return out


def findings(b: Builder, covered: frozenset[str]) -> list[dict[str, Any]]:
    """The exact rules of the brief, applied to each account's meaning."""
    out: list[dict[str, Any]] = []
    # generated data: an account not found is deleted only where the platform's crawl is complete
    complete = covered if b.ph is None else b.complete & covered
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
        # a 视频号 filed for its unit's 公众号 is one WeChat presence filed loosely: no wrong_type
        wrong_platform = [(s, r) for s, r in regs if r.platform and r.platform != a.platform
                          and {r.platform, a.platform} != {"微信公众号", "微信视频号"}]
        if c is not None and wrong_platform:          # filed under another platform (视频号 for 公众号)
            add("wrong_type", a, [_ref(s, r.row) for s, r in wrong_platform] + [_ref("crawled", c.row)],
                correction=f"应为{a.platform}")
        elif a.platform == "微信公众号" and c is not None and a.atype:
            wrong = [(s, r) for s, r in regs if r.type and r.type != a.atype]
            if wrong:
                add("wrong_type", a, [_ref(s, r.row) for s, r in wrong] + [_ref("crawled", c.row)],
                    correction=f"应为{a.atype}")
        if c is not None and c.gone:
            live = [(s, r) for s, r in regs if r.status in ("active", None)]
            if live:
                add("deleted_still_registered", a, [_ref(s, r.row) for s, r in live] + [_ref("crawled", c.row)])
        elif c is None and a.platform in complete:
            live = [(s, r) for s, r in regs if r.status == "active"]
            if live:
                add("deleted_still_registered", a, [_ref(s, r.row) for s, r in live])
        elif c is None and a.platform in covered:     # a partial crawl missed it: for the clerk to check
            live = [(s, r) for s, r in regs if r.status == "active"]
            if live:
                add("not_crawled", a, [_ref(s, r.row) for s, r in live])
        if len(regs) == 1:
            add("registry_mismatch", a, [_ref(regs[0][0], regs[0][1].row)], "filed")
        elif len(regs) == 2:
            n, p = a.nat, a.prov
            assert n is not None and p is not None
            both = [_ref("national", n.row), _ref("provincial", p.row)]
            if (n.platform or a.platform) != (p.platform or a.platform):
                add("registry_mismatch", a, both, "platform")
            if n.type and p.type and n.type != p.type:
                add("registry_mismatch", a, both, "account_type")
            if {n.status, p.status} == {"active", "closed"}:
                add("registry_mismatch", a, both, "status")
            if n.owner_unit is not p.owner_unit:
                add("registry_mismatch", a, both, "owner")
    unfiled = frozenset(f["account"] for f in out if f["kind"] == "unfiled") if b.ph is not None else frozenset()
    platform_findings(b, add, covered, unfiled)
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


def platform_findings(b: Builder, add: Any, covered: frozenset[str], unfiled: frozenset[str] = frozenset()) -> None:
    """stale, zombie, cert_mismatch, personal_account, duplicate_filing, duplicate_on_platform,
    name_inconsistent: the rules of DOMAIN.md as reconcile/checks state them. ``unfiled``: accounts
    found unfiled, to which every rule applies too (generated data; the shipped sample predates it)."""
    inside = frozenset(d.name for d in b.inside)
    groups: dict[tuple[str, str], list[Account]] = {}
    for a in b.accounts:
        regs = [r for r in (a.nat, a.prov) if r is not None]
        c = a.crawl
        is_unfiled = a.aid in unfiled
        if (regs or is_unfiled) and c is not None and not c.gone:   # found operating on the platform
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
            elif regs and all((c.owner_unit or a.unit) is not r.owner_unit for r in regs):
                # the verification agreeing with either registry is no cert_mismatch (the
                # registries disagreeing is registry_mismatch)
                add("cert_mismatch", a, _all_refs(a), "owner")
        if a.dup_src is not None:
            reg = a.nat if a.dup_src == "national" else a.prov
            assert reg is not None
            add("duplicate_filing", a, [_ref(a.dup_src, reg.row), _ref(a.dup_src, a.dup_row)])
        if a.platform in NOT_ONE_PLATFORM:
            continue
        if regs and _active(a, inside):
            unit = regs[0].owner_unit                      # the unit as filed (national first)
            groups.setdefault((unit.owner, a.platform), []).append(a)
        elif is_unfiled and a.unit is not None:
            groups.setdefault((a.unit.owner, a.platform), []).append(a)
    by_unit: dict[str, list[Account]] = {}
    for (unit, plat), accs in groups.items():
        if plat not in MULTI_ACCOUNT_PLATFORMS:
            by_unit.setdefault(unit, []).extend(accs)
        if len(accs) > 1:   # one finding per unit and platform, holding every account's records
            add("duplicate_on_platform", accs[0], [r for a in accs for r in _all_refs(a)],
                names=[a.name for a in accs])
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
