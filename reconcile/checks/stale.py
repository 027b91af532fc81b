"""stale (监测点前两周未更新): no post in the ``stale_days`` days before the checkpoint
(单项否决 "内容不更新": "在监测时间点前2周内无更新").

The window counts the checkpoint day itself: with a checkpoint of 2022-11-13 and 14 days, a
post on 2022-10-31 or later keeps the account current (the 咸宁 notice's "10 月 31 日至 11 月
13 日"). Every in-scope account the crawl found operating is judged, filed or not (an unfiled
account that has not posted is both ``unfiled`` and ``stale``: ``observed.observed``); when the crawl has
no last-post time at all, the check says so once (a note) instead of guessing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reconcile.checks.context import CheckContext, date_zh_short
from reconcile.checks.observed import observed
from reconcile.result import Finding

CODE = "stale"


def days_since_post(ctx: CheckContext) -> pd.Series:
    """Whole days from each judged account's last post to the checkpoint (NaN: not judged).

    Adds a note when the crawl carries no last-post time (or lacks it for some accounts)."""
    return ctx.memo("days_since_post", lambda: _days_since_post(ctx))


def _days_since_post(ctx: CheckContext) -> pd.Series:
    v = ctx.view
    judged = observed(ctx)
    last = v["c_last_post_at"]
    if not pd.api.types.is_datetime64_any_dtype(last):   # build_view gives dates already: no second parse
        last = pd.to_datetime(last, errors="coerce")
    if getattr(last.dt, "tz", None) is not None:
        last = last.dt.tz_localize(None)
    known = judged & last.notna()
    if judged.any() and not known.any():
        ctx.note("平台采集数据中没有最近发布时间，未判断“监测点前两周未更新”和“长期未更新”(no last-post time in the crawled data)")
    elif (judged & ~known).any():
        n = int((judged & ~known).sum())
        ctx.note(f"平台采集数据中 {n} 个账号没有最近发布时间，未判断其是否更新")
    checkpoint = pd.Timestamp(ctx.config.checkpoint_date)
    days = (checkpoint - last.dt.normalize()).dt.days
    return days.where(known)


def check(ctx: CheckContext) -> list[Finding]:
    n = ctx.config.stale_days
    days = days_since_post(ctx)
    out: list[Finding] = []
    start = ctx.config.checkpoint_date - dt.timedelta(days=n - 1)
    posted = ctx.view["c_last_post_at"].to_numpy()
    for row in ctx.rows((days >= n).fillna(False).to_numpy()):
        last = pd.Timestamp(posted[row.position])
        detail = (f"监测点前{n}天内（{date_zh_short(start)}至{date_zh_short(ctx.config.checkpoint_date)}）无更新，"
                  f"最近发布于{date_zh_short(last.date())}")
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row)))
    return out
