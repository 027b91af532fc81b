"""deleted_still_registered (已注销未在系统注销): the platform shows the account closed,
banned or gone while a registry still lists it as operating ("账号已注销，未在全国政务新媒体
信息报送系统注销"); and not_crawled (未采集到(需核实)), the accounts a partial crawl did not reach.

No crawler gives a clean "deleted" flag, and real crawls find 50–96 % of a platform's accounts,
so not being found is evidence of deletion only where the crawl of that platform is declared
complete (``[checks] complete_platforms``):
- the crawled record (an accepted link) says 已注销 / 不存在 / 封禁: deleted_still_registered;
- registered as operating on a complete platform and not found (no link at all, and no crawled
  record resembling it: ``c_lookalike``), unless the account may really be on another platform
  crawled only in part (registries file a 公众号 as 视频号, a 小程序 as 公众号: ``schema.FILED_FOR``):
  deleted_still_registered, marked as inferred (confidence 0.8);
- registered as operating on a platform crawled only in part and not found, or on a complete one
  where a crawled record resembles it: not_crawled, a non-failing list for the clerk to check
  (未采集到，需核实);
- a doubtful (review) link is neither: the pair is in 待人工核实.
"""

from __future__ import annotations

from reconcile.checks.context import CheckContext
from reconcile.checks.observed import crawl_coverage, registered_active, registered_platform, still_active
from reconcile.result import Finding
from reconcile.schema import FILED_FOR, GONE_STATUSES, SOURCE_LABELS, STATUS_LABELS

CODE = "deleted_still_registered"
NOT_CRAWLED = "not_crawled"


def _findings(ctx: CheckContext) -> dict[str, list[Finding]]:
    v = ctx.view
    out: dict[str, list[Finding]] = {CODE: [], NOT_CRAWLED: []}
    matched = ctx.present("c_row") & (v["c_link"] == "match")
    unlinked = ~ctx.present("c_row")
    gone = matched & v["c_status"].isin(list(GONE_STATUSES))
    platform = registered_platform(ctx)
    missing = unlinked & platform.isin(list(ctx.crawled_platforms))
    complete = set(ctx.config.complete_platforms)
    coverage = crawl_coverage(ctx)
    # per registry: a record there that says the account operates
    filed_active = [(s, (v[f"{p}_row"].notna() & v[f"{p}_status"].map(still_active).astype(bool)).to_numpy())
                    for s, p in (("national", "n"), ("provincial", "p"))]
    for row in ctx.rows(registered_active(ctx) & (gone | missing)):
        active = [s for s, here in filed_active if here[row.position]]
        regs = "、".join(SOURCE_LABELS[s] for s in active)
        if row.get("c_link") == "match":
            detail = f"平台显示{STATUS_LABELS[row.get('c_status')]}，{regs}仍为正常运营，未在系统中注销"
            out[CODE].append(ctx.finding(CODE, row, detail, ctx.refs(row, (*active, "crawled"))))
            continue
        plat = row.get("n_platform") if isinstance(row.get("n_platform"), str) else row.get("p_platform")
        elsewhere = _elsewhere(plat, ctx, complete)
        if plat in complete and not row.get("c_lookalike") and elsewhere is None:
            detail = f"{plat}已完整采集，未找到该账号，{regs}仍为正常运营（推断已注销，请核实）"
            out[CODE].append(ctx.finding(CODE, row, detail, ctx.refs(row, tuple(active)), confidence=0.8))
        else:
            share = coverage.get(plat, {}).get("rate")
            reach = f"（本次采集覆盖该平台约{share:.0%}的备案账号）" if share is not None else ""
            like = "；另有可能是同一账号的记录（见待人工核实或采集名单）" if row.get("c_lookalike") else ""
            if plat in complete and not like and elsewhere:
                like = f"；可能备案平台有误，账号实为{elsewhere}（该平台未完整采集）"
            detail = f"平台采集中未找到该账号{reach}{like}，{regs}仍为正常运营，需核实是否仍在运营"
            out[NOT_CRAWLED].append(ctx.finding(NOT_CRAWLED, row, detail, ctx.refs(row, tuple(active)),
                                                confidence=0.5))
    return out


def _elsewhere(platform: str, ctx: CheckContext, complete: set[str]) -> str | None:
    """The platform an account filed on ``platform`` may really be on, where the crawl reached that
    platform only in part: not being on a complete 视频号 crawl is no deletion when the account
    may be the 公众号 a partial crawl missed. None when there is no such doubt."""
    other = FILED_FOR.get(platform)
    return other if other in ctx.crawled_platforms and other not in complete else None


def check(ctx: CheckContext) -> list[Finding]:
    return ctx.memo("deleted_findings", lambda: _findings(ctx))[CODE]


def check_not_crawled(ctx: CheckContext) -> list[Finding]:
    return ctx.memo("deleted_findings", lambda: _findings(ctx))[NOT_CRAWLED]
