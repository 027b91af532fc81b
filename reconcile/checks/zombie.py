"""zombie (长期未更新(僵尸账号)): no post for ``zombie_days`` days before the checkpoint
(3 months in 贵州, 6 months or a year elsewhere: a setting). Judged like ``stale``: only
accounts the crawl found operating, with a known last-post time."""

from __future__ import annotations

import pandas as pd

from reconcile.checks.context import CheckContext, date_zh_short
from reconcile.checks.stale import days_since_post
from reconcile.result import Finding

CODE = "zombie"


def check(ctx: CheckContext) -> list[Finding]:
    m = ctx.config.zombie_days
    days = days_since_post(ctx)
    out: list[Finding] = []
    day_counts = days.to_numpy()
    posted = ctx.view["c_last_post_at"].to_numpy()
    for row in ctx.rows((days >= m).fillna(False).to_numpy()):
        last = pd.Timestamp(posted[row.position])
        detail = f"已{int(day_counts[row.position])}天未更新（最近发布于{date_zh_short(last.date())}），超过{m}天，疑似僵尸账号"
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row)))
    return out
