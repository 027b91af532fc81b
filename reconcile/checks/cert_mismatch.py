"""cert_mismatch (认证信息不规范): a registered account the platform does not show as verified
by a government body ("未进行第三方平台官方认证", "在微信公众平台未进行政府机构认证"), or
verified by another unit than the registered 主办单位 ("账号主体与开办单位不一致").

Owners are compared the way registry_mismatch compares them: a region prefix, spaces and typos
do not count ("市公安局" vs "咸宁市公安局" is one owner), and a verified owner that agrees with
either registry's 主办单位 is none (the registries disagreeing is ``registry_mismatch``); nor is
a county 融媒体中心 registered for a unit of its county that the platform verified. Accounts verified as individuals are
``personal_account``, not this. 事业单位 verification counts as a government body. When the
crawl carries no verification at all, the check says so once instead of guessing.
"""

from __future__ import annotations

import pandas as pd

from reconcile.checks.context import CheckContext, Row, alive_crawled, filed, files_for_others
from reconcile.checks.observed import GOVERNMENT_KINDS
from reconcile.checks.registry_mismatch import owner_freq, same_unit
from reconcile.normalize import normalize_text
from reconcile.regions import lineage_related
from reconcile.result import Finding
from reconcile.schema import VERIFIED_LABELS

CODE = "cert_mismatch"


def _text(v: object) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def check(ctx: CheckContext) -> list[Finding]:
    v = ctx.view
    judged = filed(v) & alive_crawled(v)
    kind = v["c_verified_kind"]
    known_kind = kind.notna() & (kind != "unknown")
    has_owner = ctx.present("c_owner")
    if judged.any() and not (judged & (known_kind | has_owner)).any():
        ctx.note("平台采集数据中没有认证信息，未判断“认证信息不规范”和“以个人名义开设”(no verification in the crawled data)")
        return []
    freq = owner_freq(ctx)
    out: list[Finding] = []
    reg_core = v["n_owner_core"].where(ctx.present("n_owner_core"), v["p_owner_core"])
    differs = ctx.present("c_owner_core") & reg_core.notna() & (reg_core.astype(str) != v["c_owner_core"].astype(str))
    reg_county = v["n_county"].where(ctx.present("n_county"), v["p_county"])
    elsewhere = ctx.present("c_county") & reg_county.notna() & (reg_county.astype(str) != v["c_county"].astype(str))
    suspect = judged & (kind.isin(["none", "enterprise"]).fillna(False) | differs | (elsewhere & has_owner))
    for row in ctx.rows(suspect):
        vk = row.get("c_verified_kind")
        vk = vk if isinstance(vk, str) and vk != "unknown" else None
        c_owner = _text(row.get("c_owner"))
        platform = _text(row.get("c_platform")) or ""
        if vk in ("none", "enterprise"):
            where = f"在{platform}平台" if platform else "在平台"
            detail = (f"{where}未进行政府机构认证" if vk == "none"
                      else f"{where}认证为{VERIFIED_LABELS[vk]}，未进行政府机构认证")
            if c_owner and vk == "enterprise":
                detail += f"（认证主体：{c_owner}）"
            out.append(ctx.finding(CODE, row, detail, ctx.refs(row), correction="应进行政府机构认证"))
            continue
        if vk not in (None, *GOVERNMENT_KINDS) or not c_owner:
            continue
        reg_owner = _text(row.get("n_owner")) or _text(row.get("p_owner"))
        c_core = _text(row.get("c_owner_core"))
        cores = [c for c in (_text(row.get("n_owner_core")), _text(row.get("p_owner_core"))) if c]
        if not reg_owner or not cores or not c_core:
            continue
        # the registries may name different units for one account (a 融媒体中心 filing for a 街道):
        # the verification agreeing with either registry is no 认证信息不规范 (registry_mismatch says
        # the registries disagree)
        if _same_owner_text(row):   # written alike: one unit, wherever either record was placed
            continue
        if _same_place(row) and any(same_unit(core, c_core, freq) or files_for_others(core) for core in cores):
            continue
        detail = f"认证主体为{c_owner}，与备案的主办单位{reg_owner}不一致"
        out.append(ctx.finding(CODE, row, detail, ctx.refs(row), correction=f"认证主体应为{reg_owner}",
                               field="owner"))
    return out


def _same_owner_text(row: pd.Series | Row) -> bool:
    """The verified owner written exactly as either registry's 主办单位 (after normalisation)."""
    c = _text(row.get("c_owner"))
    if not c:
        return False
    c_norm = normalize_text(c)
    return any(normalize_text(o) == c_norm for o in (_text(row.get("n_owner")), _text(row.get("p_owner"))) if o)



def _same_place(row: pd.Series | Row) -> bool:
    """False when the verified owner and the registered owner name different counties (not one
    the other became)."""
    reg_county = row.get("n_county") if isinstance(row.get("n_county"), str) else row.get("p_county")
    c_county = row.get("c_county")
    if isinstance(reg_county, str) and isinstance(c_county, str):
        # an owner filed under a county's former name (余杭区 before 临平区 was split off) is
        # the same unit as the one the platform verified under the new name
        return lineage_related(reg_county, c_county)
    return True
