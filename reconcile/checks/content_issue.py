"""content_issue (内容问题): a problem a person found by reading the account's posts —
严重表述错误, 安全/泄密, 互动回应差, the 单项否决 items of 国办秘函〔2019〕19号 — listed in the
人工检查问题表 (reconcile/sources/manual.py). Account lists cannot show these; the clerk's table
names the account by platform and name, and the finding carries the clerk's words.
"""

from __future__ import annotations

from reconcile.checks.context import CheckContext
from reconcile.normalize import name_key, normalize_platform
from reconcile.result import Finding, RecordRef

CODE = "content_issue"


def check(ctx: CheckContext) -> list[Finding]:
    if not ctx.manual:
        return []
    v = ctx.view
    # (platform, name key) -> account; registry names first, then the crawled name
    index: dict[tuple[str, str], int] = {}
    for p in ("n", "p", "c"):
        for acc, plat, key in zip(v.index, v[f"{p}_platform"], v[f"{p}_name_key"], strict=True):
            if isinstance(plat, str) and isinstance(key, str):
                index.setdefault((plat, key), int(acc))
    out: list[Finding] = []
    for issue in ctx.manual:
        platform, acc_type = normalize_platform(issue.platform) if issue.platform else (None, None)
        key = name_key(issue.name)
        acc = index.get((platform, key)) if platform else None
        if acc is None and platform is None:
            hits = {a for (plat, k), a in index.items() if k == key}
            acc = hits.pop() if len(hits) == 1 else None
        ref = RecordRef("manual", issue.row, ctx.files.get("manual", ""))
        if acc is None:
            ctx.note(f"人工检查问题表第 {issue.row} 行“{issue.name}”未在备案或采集名单中找到，仍列入问题清单")
            out.append(Finding(CODE, CODE in ctx.config.fail_kinds, platform, issue.name, issue.owner,
                               issue.region, issue.problem, (ref,), account_type=acc_type))
            continue
        row = ctx.row(acc)
        out.append(ctx.finding(CODE, row, issue.problem, (ref, *ctx.refs(row))))
    return out
