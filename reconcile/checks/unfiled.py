"""unfiled (瞒报漏报): an account of a government unit in scope exists on a platform but is
filed in neither registry ("未进行填报登记"; "应统尽统、应报尽报").

Not reported: enterprises and persons (even with government-sounding names), units outside
the scope, accounts the platform shows as closed. A crawled record held only by a doubtful
(review) link is not linked: it is reported, and the review sheet shows the candidate; its
scope and region are its own (summary.label_regions' c_in_scope / c_region_label), not the
candidate registry account's.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from reconcile.checks.context import CheckContext
from reconcile.result import Finding
from reconcile.schema import GONE_STATUSES, VERIFIED_LABELS

CODE = "unfiled"
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


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    filed = ctx.present("n_row") | ctx.present("p_row")
    held = (filed & (v["c_link"] == "review")).to_numpy(dtype=bool)   # by a doubtful link only
    only_crawled = ctx.present("c_row") & (~filed | (v["c_link"] == "review"))
    alive = ~v["c_status"].isin(list(GONE_STATUSES))
    # a record held by a doubtful link is its own account: in scope by its own place
    own_scope = v["c_in_scope"].to_numpy(dtype=bool) if "c_in_scope" in v.columns else v["in_scope"].to_numpy(dtype=bool)
    in_scope = np.where(held, own_scope, v["in_scope"].to_numpy(dtype=bool))
    cand = (only_crawled & alive).to_numpy(dtype=bool) & in_scope
    kinds, owners = ctx.column("c_verified_kind"), ctx.column("c_owner")
    pos = np.flatnonzero(cand)
    government = [is_government(kinds[i], owners[i]) for i in pos.tolist()]
    out: list[Finding] = []
    for row in ctx.rows_at(pos[np.asarray(government, dtype=bool)]):
        kind = row.get("c_verified_kind")
        who = row.get("c_owner") if isinstance(row.get("c_owner"), str) else None
        cert = VERIFIED_LABELS.get(kind, "") if isinstance(kind, str) else ""
        basis = "，".join(x for x in (cert, f"认证主体：{who}" if who else "") if x)
        detail = "平台上存在该账号" + (f"（{basis}）" if basis else "") + "，全国系统和省级平台均未备案"
        finding = ctx.finding(CODE, row, detail, ctx.refs(row, ("crawled",)), prefer=("c",))
        if held[row.position] and isinstance(row.get("c_region_label"), str):
            finding = replace(finding, region=row.get("c_region_label"))
        out.append(finding)
    return out


