"""The finding kinds: one module per kind, each ``check(ctx) -> list[Finding]``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from reconcile.batch import together
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


# Checks that share no per-view work with the others (``CheckContext.memo``): ``run_checks`` may
# run them beside the rest (batch.together), about half the work each side. The result is the
# same wherever they run; only the time differs.
_BESIDE = frozenset({name_inconsistent.CODE, duplicate_on_platform.CODE, personal_account.CODE,
                     duplicate_filing.CODE})


def _run_some(ctx: CheckContext, codes: list[str], on_done: Callable[[], None] | None = None
              ) -> dict[str, tuple[list[Finding], list[str]]]:
    """Each check of ``codes``: its findings and the notes it added."""
    out = {}
    for code in codes:
        before = len(ctx.notes)
        found = CHECKS[code](ctx)
        out[code] = (found, ctx.notes[before:])
        if on_done is not None:
            on_done()
    return out


def run_checks(ctx: CheckContext, on_step: Callable[[int, int], None] | None = None) -> list[Finding]:
    """Every check, findings in report order (kind, then region, then name); their notes in
    ``ctx.notes`` in check order. ``on_step(done, total)`` as the checks finish (a progress bar)."""
    total = len(CHECKS)
    done = [0]

    def one_done() -> None:
        done[0] += 1
        if on_step is not None:
            on_step(done[0], total)

    here = [c for c in CHECKS if c not in _BESIDE]
    beside = [c for c in CHECKS if c in _BESIDE]
    mine, theirs = together(partial(_run_some, ctx, here, one_done), partial(_run_some, ctx, beside),
                            crashed="运行检查规则的子进程意外退出")
    by_code = mine | theirs
    findings: list[Finding] = []
    for code in CHECKS:
        found, notes = by_code[code]
        findings.extend(found)
        for text in notes:
            ctx.note(text)
    if on_step is not None:
        on_step(total, total)
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.region or "", f.platform or "", f.name or ""))
    return findings
