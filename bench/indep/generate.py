"""Assemble one dataset: the world, its three files with row numbers, and the truth."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path

from . import build, places, render, sweep, truth, vocab, world, write

CHECKPOINTS = ["2022-11-13", "2023-03-20", "2023-06-15", "2023-09-18", "2024-12-10", "2025-06-16"]
NAT_TITLE = ["全国政务新媒体信息报送系统 账号信息导出", "附件2 政务新媒体账号清单（全国系统导出）"]
PROV_TITLE = ["浙江省政务新媒体管理平台 备案账号", "导出时间：{d}"]


def _headers(rng: random.Random, table: dict[str, list[str]]) -> dict[str, str]:
    return {k: rng.choice(v) for k, v in table.items()}


def _registry(rng, accounts, src: str, rates, province_scope: bool):
    rows: list[tuple[world.Account, list]] = []
    for a in accounts:
        if src in a.reg:
            rows.append((a, render.registry_row(rng, a, src, rates, province_scope)))
            if rng.random() < rates["dup_filing"]:
                rows.append((a, render.registry_row(rng, a, src, rates, province_scope)))
                a.phen.add("duplicate_filing")
    rng.shuffle(rows)
    if src == "national":
        rows.sort(key=lambda t: str(t[1][5]))
    return rows


def _sweep_row(rng, s, checkpoint: dt.date) -> list:
    role, plat, name, acc_id, owner, vkind, fans, days = s
    last = render._date_text(rng, checkpoint - dt.timedelta(days=days), False) if days is not None else ""
    return [plat, name, acc_id if rng.random() < 0.9 else "", owner, vkind, "", "", last, fans]


def generate(out: Path, n: int, seed: int, crawl_rows: int | None = None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    world._ids = itertools.count(1)
    rng = random.Random(seed)
    scope = places.SCOPES[seed % len(places.SCOPES)]
    checkpoint = dt.date.fromisoformat(rng.choice(CHECKPOINTS))
    rates = build.draw_rates(rng)
    cov, complete = build.draw_coverage(rng)
    province_scope = scope == places.PROVINCE
    accounts = build.build_world(rng, scope, n, checkpoint, rates, cov)
    build.crawl_world(rng, accounts, rates, cov, complete, checkpoint)
    render.decide_registries(rng, accounts, rates)

    # registries
    layouts = {}
    for src, table, titles in (("national", vocab.NAT_HEADERS, NAT_TITLE), ("provincial", vocab.PROV_HEADERS,
                                                                             PROV_TITLE)):
        h = _headers(rng, table)
        cols = [h["name"], h["platform"], h["type"], h["id"], h["owner"]]
        if province_scope and src == "provincial":
            cols += ["所属地市", "所属区县"]
        else:
            cols += [h["region"]]
        cols += [h["status"], h["date"]]
        rows = _registry(rng, accounts, src, rates, province_scope)
        order = list(range(len(cols)))
        seq = src == "national" and rng.random() < 0.6
        if src == "provincial":
            rng.shuffle(order)
        n_titles = 1 if src == "national" else rng.randint(0, 2)
        title_rows = [t.replace("{d}", checkpoint.isoformat()) for t in titles[:n_titles]]
        first = len(title_rows) + 2
        header = (["序号"] if seq else []) + [cols[i] for i in order]
        data = []
        for i, (a, row) in enumerate(rows):
            data.append(([i + 1] if seq else []) + [row[j] for j in order])
            rno = first + i
            if a.rows[src] is None:
                a.rows[src] = rno
            else:
                a.extra_rows.setdefault(src, []).append(rno)
        write.write_xlsx(out / f"{src}.xlsx", title_rows, header, data, "Sheet1")
        layouts[src] = {"title_rows": len(title_rows), "header": header}
        del data, rows

    # crawl
    scope_places = [c for _, c, _ in world.areas_of(scope) if c] or [scope]
    crawled = [a for a in accounts if a.crawled]
    natural = len(crawled)
    sweeps = sweep.sweep_ins(rng, accounts, rates, n, scope_places, (crawl_rows or 0) - natural)
    items: list = crawled + sweeps
    rng.shuffle(items)
    ch = _headers(rng, vocab.CRAWL_HEADERS)
    header = [ch[k] for k in ("platform", "name", "id", "owner", "vkind", "type", "status", "last", "fans")]
    crows = []
    sweep_rows: list[tuple[tuple, int]] = []
    for i, it in enumerate(items):
        if isinstance(it, world.Account):
            crows.append(render.crawl_row(rng, it, checkpoint))
            it.rows["crawled"] = i + 2
        else:
            crows.append(_sweep_row(rng, it, checkpoint))
            sweep_rows.append((it, i + 2))
    write.write_csv(out / "crawled.csv", header, crows)
    del crows, items
    write.write_toml(out / "reconcile.toml", checkpoint.isoformat(), [scope], complete)

    # truth
    other_names = {(s[1], s[2]) for s, _ in sweep_rows if s[0] == "other_province"}
    truth.tag_hard_cases(accounts, other_names)
    findings = truth.findings_of(accounts, complete)
    labels = [lab for _, _, lab in world.areas_of(scope)]
    summary, totals = truth.summary_of(accounts, findings, list(dict.fromkeys(labels)))
    head = {"seed": seed, "generator": "indep", "scope": [scope], "checkpoint": checkpoint.isoformat(),
            "files": {"national": "national.xlsx", "provincial": "provincial.xlsx", "crawled": "crawled.csv"},
            "kinds": truth.KINDS, "complete_platforms": complete, "coverage": cov,
            "rates": {k: round(v, 4) for k, v in rates.items()}, "layouts": layouts,
            "stale_days": 14, "zombie_days": 90}

    def acc_dicts():
        for a in accounts:
            d = {"id": a.aid, "platform": a.platform, "name": a.name, "owner": a.unit.owner,
                 "region": a.unit.region if truth.in_scope(a) else None,
                 "national_row": a.rows["national"], "provincial_row": a.rows["provincial"],
                 "crawled_row": a.rows["crawled"], "phenomena": sorted(a.phen), "role": a.role}
            if a.crawl_name != a.name:
                d["crawl_name"] = a.crawl_name
            if a.extra_rows:
                d["extra_rows"] = a.extra_rows
            if a.closed:
                d["closed_on_platform"] = True
            yield d
        for k, (s, row) in enumerate(sweep_rows, 1):
            yield {"id": f"S{k:07d}", "platform": s[1], "name": s[2], "owner": s[4] or None, "region": None,
                   "national_row": None, "provincial_row": None, "crawled_row": row, "phenomena": [],
                   "role": s[0]}

    write.write_truth(out / "truth.json", head, acc_dicts(), findings, summary, totals)
    return {"scope": scope, "accounts": len(accounts), "crawled_rows": natural + len(sweeps),
            "findings": len(findings), "complete": complete}
