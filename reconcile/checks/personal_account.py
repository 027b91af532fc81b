"""personal_account (以个人名义开设): a registered government account the platform shows as
verified by an individual ("以个人名义开设并发布政务信息")."""

from __future__ import annotations

from reconcile.checks.context import CheckContext, alive_crawled, filed
from reconcile.result import Finding

CODE = "personal_account"


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    hit = filed(v) & alive_crawled(v) & (v["c_verified_kind"] == "personal").fillna(False)
    out: list[Finding] = []
    for row in ctx.rows(hit):
        platform = row.get("c_platform") if isinstance(row.get("c_platform"), str) else ""
        detail = f"在{platform}平台为个人认证，以个人名义开设并发布政务信息"
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row), correction="应以主办单位名义进行政府机构认证"))
    return out
