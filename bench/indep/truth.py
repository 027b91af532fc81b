"""What an exact audit reports for the simulated world: findings, 附件1 summary, phenomenon tags."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from .world import Account

FAIL_KINDS = {"stale", "deleted_still_registered", "wrong_type", "unfiled", "personal_account", "cert_mismatch"}
KINDS = ["unfiled", "registry_mismatch", "wrong_type", "deleted_still_registered", "stale", "zombie",
         "cert_mismatch", "personal_account", "duplicate_on_platform", "duplicate_filing"]
CLOSED_STATUS = {"已注销", "注销", "封禁"}


def in_scope(a: Account) -> bool:
    return a.unit.in_scope and a.role in ("registered", "unfiled")


def _recs(a: Account, sources=("national", "provincial", "crawled")) -> list[dict]:
    return [{"source": s, "row": a.rows[s]} for s in sources if a.rows.get(s) is not None]


def _finding(kind: str, a: Account, records: list[dict], what: str | None = None) -> dict:
    return {"kind": kind, "field": None, "name": a.name, "platform": a.platform, "region": a.unit.region,
            "account": a.aid, "what": what, "records": records}


def tag_hard_cases(accounts: list[Account], other_names: set[tuple[str, str]]) -> None:
    by_name: dict[str, list[Account]] = defaultdict(list)
    for a in accounts:
        if in_scope(a):
            by_name[a.name].append(a)
    for group in by_name.values():
        if len(group) > 1:
            areas = {a.unit.area for a in group}
            plats = {a.platform for a in group}
            for a in group:
                if len(areas) > 1:
                    a.phen.add("same_name_other_county")
                if len(plats) > 1:
                    a.phen.add("same_name_other_platform")
    for a in accounts:
        if in_scope(a):
            if a.unit.sub:
                a.phen.add("sub_unit_sibling")
            if (a.platform, a.name) in other_names:
                a.phen.add("same_name_other_province")


def findings_of(accounts: list[Account], complete: list[str], stale_days=14, zombie_days=90) -> list[dict]:
    out: list[dict] = []
    groups: dict[int, list[Account]] = defaultdict(list)
    for a in accounts:
        if not in_scope(a):
            continue
        c = a.crawl if a.crawled else None
        regs = a.reg
        if a.role == "unfiled" and c:
            out.append(_finding("unfiled", a, _recs(a, ("crawled",))))
        if c and not a.closed and c["days"] is not None:
            if c["days"] >= stale_days:
                out.append(_finding("stale", a, _recs(a), f"{c['days']} days"))
            if c["days"] >= zombie_days:
                out.append(_finding("zombie", a, _recs(a), f"{c['days']} days"))
        if c and not a.closed and regs:
            wrong = []
            if a.platform == "微信公众号" and c["type"]:
                wrong = [s for s, r in regs.items() if r["platform"] == "微信公众号" and r["type"] != c["type"]]
            elif a.platform == "微信小程序":
                wrong = [s for s, r in regs.items() if r["platform"] == "微信公众号"]
            if wrong:
                out.append(_finding("wrong_type", a, _recs(a, tuple(wrong) + ("crawled",)), a.wtype))
        if a.closed and regs:
            claim = [s for s, r in regs.items() if not r["closed"]]
            seen_closed = c is not None and c["status"] in CLOSED_STATUS
            if claim and (seen_closed or (c is None and a.platform in complete)):
                out.append(_finding("deleted_still_registered", a, _recs(a, tuple(claim) + ("crawled",)),
                                    "crawl shows closed" if seen_closed else "not found by a complete crawl"))
        if a.role == "registered":
            diff = []
            if len(regs) == 1:
                diff.append("missing_provincial" if "national" in regs else "missing_national")
            else:
                n, p = regs["national"], regs["provincial"]
                diff += [k for k, x, y in (("platform", n["platform"], p["platform"]),
                                           ("account_type", n["type"], p["type"]),
                                           ("owner", n["owner_other"], p["owner_other"]),
                                           ("status", n["closed"], p["closed"])) if x != y]
            if diff:
                out.append(_finding("registry_mismatch", a, _recs(a, ("national", "provincial")), ",".join(diff)))
        if c and a.role == "registered" and not a.closed:
            if c["vkind"] == "个人":
                out.append(_finding("personal_account", a, _recs(a)))
            elif c["vkind"] == "未认证":
                out.append(_finding("cert_mismatch", a, _recs(a), "unverified"))
            elif "cert_other_owner" in a.phen:
                out.append(_finding("cert_mismatch", a, _recs(a), "owner"))
        for s, rows in a.extra_rows.items():
            out.append(_finding("duplicate_filing", a, [{"source": s, "row": a.rows[s]}]
                                + [{"source": s, "row": r} for r in rows]))
        if a.dup_group is not None:
            groups[a.dup_group].append(a)
    for group in groups.values():
        live = [a for a in group if not a.closed]
        if len(live) > 1:
            recs = [r for a in live for r in _recs(a)]
            out.append(_finding("duplicate_on_platform", live[0], recs, " / ".join(a.name for a in live)))
    return out


def pass_rate(checked: int, failed: int):
    if not checked:
        return None
    q = (Decimal(checked - failed) / Decimal(checked) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(q)


def summary_of(accounts: list[Account], findings: list[dict], labels: list[str]) -> tuple[list[dict], dict]:
    failing = {f["account"] for f in findings if f["kind"] in FAIL_KINDS}
    stats = {lab: [0, 0, 0] for lab in labels}
    for a in accounts:
        if not in_scope(a) or (a.role == "unfiled" and not a.crawled):
            continue
        st = stats.setdefault(a.unit.region, [0, 0, 0])
        st[0] += 1
        if a.crawled:
            st[1] += 1
            if a.aid in failing:
                st[2] += 1
    rows = [{"region": k, "total": t, "checked": c, "failed": f, "pass_rate": pass_rate(c, f)}
            for k, (t, c, f) in stats.items() if t]
    tot = [sum(r[k] for r in rows) for k in ("total", "checked", "failed")]
    return rows, {"region": "总计", "total": tot[0], "checked": tot[1], "failed": tot[2],
                  "pass_rate": pass_rate(tot[1], tot[2])}
