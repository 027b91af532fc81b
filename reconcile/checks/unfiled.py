"""unfiled (瞒报漏报): an account of a government unit in scope exists on a platform but is
filed in neither registry ("未进行填报登记"; "应统尽统、应报尽报").

Not reported: enterprises and persons (even with government-sounding names), units outside
the scope, accounts the platform shows as closed, and crawled records held by a doubtful
(review) link to a registry account: a false 瞒报漏报 fails the account, so the pair goes to
待人工核实 and the clerk's decision settles it on the next run.
"""

from __future__ import annotations

from reconcile.checks.context import CheckContext
from reconcile.checks.observed import unfiled_accounts
from reconcile.result import Finding
from reconcile.schema import VERIFIED_LABELS

CODE = "unfiled"


def check(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for row in ctx.rows(unfiled_accounts(ctx)):
        kind = row.get("c_verified_kind")
        who = row.get("c_owner") if isinstance(row.get("c_owner"), str) else None
        cert = VERIFIED_LABELS.get(kind, "") if isinstance(kind, str) else ""
        basis = "，".join(x for x in (cert, f"认证主体：{who}" if who else "") if x)
        detail = "平台上存在该账号" + (f"（{basis}）" if basis else "") + "，全国系统和省级平台均未备案"
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row, ("crawled",)), prefer=("c",)))
    return out
