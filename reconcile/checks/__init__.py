"""The finding kinds: one module per kind, each ``check(ctx) -> list[Finding]``."""

from __future__ import annotations

from collections.abc import Callable

from reconcile.checks import (
    cert_mismatch,
    content_issue,
    deleted,
    duplicate_filing,
    duplicate_on_platform,
    name_inconsistent,
    personal_account,
    registry_mismatch,
    stale,
    unfiled,
    wrong_type,
    zombie,
)
from reconcile.checks.context import CheckContext, build_view
from reconcile.result import Finding
from reconcile.schema import FINDING_KINDS

CHECKS: dict[str, Callable[[CheckContext], list[Finding]]] = {
    unfiled.CODE: unfiled.check,
    wrong_type.CODE: wrong_type.check,
    deleted.CODE: deleted.check,
    registry_mismatch.CODE: registry_mismatch.check,
    stale.CODE: stale.check,
    zombie.CODE: zombie.check,
    cert_mismatch.CODE: cert_mismatch.check,
    personal_account.CODE: personal_account.check,
    duplicate_on_platform.CODE: duplicate_on_platform.check,
    duplicate_filing.CODE: duplicate_filing.check,
    name_inconsistent.CODE: name_inconsistent.check,
    deleted.NOT_CRAWLED: deleted.check_not_crawled,
    content_issue.CODE: content_issue.check,
}

__all__ = ["CHECKS", "CheckContext", "build_view", "run_checks"]


def run_checks(ctx: CheckContext, on_step: Callable[[int, int], None] | None = None) -> list[Finding]:
    """Every check, findings in report order (kind, then region, then name).
    ``on_step(done, total)`` after each check (a progress bar)."""
    findings: list[Finding] = []
    for i, check in enumerate(CHECKS.values(), 1):
        findings.extend(check(ctx))
        if on_step is not None:
            on_step(i, len(CHECKS))
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.region or "", f.platform or "", f.name or ""))
    return findings
