"""Which accounts the crawl observed, and how much of each platform it reached.

Every rule that judges what the platform shows (stale, zombie, …) applies to every in-scope
account the crawl found: a filed account through an accepted link, and an unfiled account of a
government unit (the ``unfiled`` candidates). Accounts held only by a doubtful link are in
待人工核实 and judged by no rule until a person decides.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from reconcile.checks.context import CheckContext, alive_crawled, filed
from reconcile.schema import GONE_STATUSES

GOVERNMENT_KINDS = frozenset({"government", "institution"})
# when a crawl carries no verification at all, a unit's name must look like a government body
_GOV_OWNER_RE = re.compile(
    r"(人民政府|政府办公室|办公室|办公厅|委员会|局|厅|委|办|署|中心|大队|支队|中队|派出所|法院|检察院|"
    r"街道办事处|街道|镇|乡|村民委员会|居民委员会|管委会|管理处|站|所|馆|院|队)$"
)


def is_government(verified_kind: object, owner: object) -> bool:
    if isinstance(verified_kind, str) and verified_kind not in ("unknown",):
        return verified_kind in GOVERNMENT_KINDS
    return isinstance(owner, str) and bool(_GOV_OWNER_RE.search(owner))


def unfiled_accounts(ctx: CheckContext) -> np.ndarray:
    """Mask over the view: crawled accounts of government units in scope that no registry files
    (no registry record, and not held by a doubtful link to one), operating on the platform."""
    return ctx.memo("unfiled_accounts", lambda: _unfiled(ctx))


def _unfiled(ctx: CheckContext) -> np.ndarray:
    v = ctx.view
    only_crawled = ctx.present("c_row") & ~filed(v)
    alive = ~v["c_status"].isin(list(GONE_STATUSES))
    cand = (only_crawled & alive).to_numpy(dtype=bool) & v["in_scope"].to_numpy(dtype=bool)
    kinds, owners = ctx.column("c_verified_kind"), ctx.column("c_owner")
    pos = np.flatnonzero(cand)
    government = np.asarray([is_government(kinds[i], owners[i]) for i in pos.tolist()], dtype=bool)
    out = np.zeros(len(v), dtype=bool)
    out[pos[government]] = True
    return out


def observed(ctx: CheckContext) -> pd.Series:
    """Accounts the crawl found operating: filed ones through an accepted link, unfiled ones."""
    def make() -> pd.Series:
        v = ctx.view
        return (filed(v) & alive_crawled(v)) | pd.Series(unfiled_accounts(ctx), index=v.index)
    return ctx.memo("observed", make)


def still_active(status: object) -> bool:
    """A registry status that says the account operates (or says nothing)."""
    return not isinstance(status, str) or status in ("active", "unknown")


def registered_active(ctx: CheckContext) -> pd.Series:
    """Accounts some registry lists as operating (or with no status)."""
    def make() -> pd.Series:
        v = ctx.view
        active = pd.Series(False, index=v.index)
        for p in ("n", "p"):
            active |= ctx.present(f"{p}_row") & v[f"{p}_status"].map(still_active).astype(bool)
        return active
    return ctx.memo("registered_active", make)


def registered_platform(ctx: CheckContext) -> pd.Series:
    """The platform a registry files each account under (national first)."""
    v = ctx.view
    return v["n_platform"].where(ctx.present("n_platform"), v["p_platform"])


def crawl_coverage(ctx: CheckContext) -> dict[str, dict[str, object]]:
    """Per platform the registries file in-scope operating accounts on: how many of those the
    crawl found (an accepted link) — the crawl's coverage, which says how far "not found" can
    be trusted. ``{platform: {"registered", "found", "rate", "crawled", "complete"}}``."""
    return ctx.memo("coverage", lambda: _coverage(ctx))


def _coverage(ctx: CheckContext) -> dict[str, dict[str, object]]:
    v = ctx.view
    base = registered_active(ctx) & v["in_scope"].astype(bool)
    found = base & ctx.present("c_row") & (v["c_link"] == "match")
    table = pd.DataFrame({"platform": registered_platform(ctx)[base], "found": found[base]})
    complete = set(ctx.config.complete_platforms)
    out: dict[str, dict[str, object]] = {}
    for plat, grp in table.groupby("platform", sort=True):
        registered, hit = len(grp), int(grp["found"].sum())
        out[str(plat)] = {"registered": registered, "found": hit,
                          "rate": round(hit / registered, 4) if registered else None,
                          "crawled": plat in ctx.crawled_platforms, "complete": plat in complete}
    return out


def operating_accounts(ctx: CheckContext) -> pd.Series:
    """Accounts the one-unit rules judge (duplicate_on_platform, name_inconsistent): filed and
    operating in scope (``context.active_accounts``), and every unfiled account the crawl found."""
    from reconcile.checks.context import active_accounts

    return ctx.memo("operating", lambda: active_accounts(ctx.view) | pd.Series(unfiled_accounts(ctx), index=ctx.view.index))
