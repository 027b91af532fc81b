"""deleted_still_registered (已注销未在系统注销): the platform shows the account closed,
banned or gone while a registry still lists it as operating ("账号已注销，未在全国政务新媒体
信息报送系统注销").

No crawler gives a clean "deleted" flag, so two kinds of evidence count:
- the crawled record says 已注销 / 不存在 / 封禁;
- the account is registered as operating on a platform the crawl covered, and the crawl did
  not find it (no accepted link; confidence 0.8: a clerk should glance at it).
"""

from __future__ import annotations

import pandas as pd

from reconcile.checks.context import CheckContext
from reconcile.result import Finding
from reconcile.schema import GONE_STATUSES, SOURCE_LABELS, STATUS_LABELS

CODE = "deleted_still_registered"


def _still_active(status: object) -> bool:
    return not isinstance(status, str) or status in ("active", "unknown")


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    out: list[Finding] = []
    active = pd.Series(False, index=v.index)
    for p in ("n", "p"):
        active |= ctx.present(f"{p}_row") & v[f"{p}_status"].map(_still_active).astype(bool)
    matched = ctx.present("c_row") & (v["c_link"] == "match")
    gone = matched & v["c_status"].isin(list(GONE_STATUSES))
    platform = v["n_platform"].where(ctx.present("n_platform"), v["p_platform"])
    missing = ~matched & platform.isin(list(ctx.crawled_platforms))
    for row in ctx.rows(active & (gone | missing)):
        active = [s for s, p in (("national", "n"), ("provincial", "p"))
                  if not pd.isna(row.get(f"{p}_row")) and _still_active(row.get(f"{p}_status"))]
        if not active:
            continue
        regs = "、".join(SOURCE_LABELS[s] for s in active)
        if not pd.isna(row.get("c_row")) and row.get("c_link") == "match":
            c_status = row.get("c_status")
            if isinstance(c_status, str) and c_status in GONE_STATUSES:
                detail = f"平台显示{STATUS_LABELS[c_status]}，{regs}仍为正常运营，未在系统中注销"
                out.append(ctx.finding(CODE, row, detail, ctx.refs(row, (*active, "crawled"))))
            continue
        platform = row.get("n_platform") if isinstance(row.get("n_platform"), str) else row.get("p_platform")
        if platform in ctx.crawled_platforms:
            detail = f"平台采集中未找到该账号，{regs}仍为正常运营（请核实是否已注销）"
            out.append(ctx.finding(CODE, row, detail, ctx.refs(row, tuple(active)), confidence=0.8))
    return out
