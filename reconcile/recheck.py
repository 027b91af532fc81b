"""复查: last quarter's failing findings against this run's, and what the history gives a run.

Statuses (the words of the 通报):
- 仍未整改: the same problem is found again on the same account;
- 已注销(需系统关停): the account is gone from the platform but still registered now (a
  ``deleted_still_registered`` finding on it), so the unit must close it in the registry;
- 已整改: the problem is no longer found;
- 新发现: a failing finding of this run that last quarter did not have.

Findings are matched on kind (and field) and the account: the stable account key — platform +
account id, else normalised name + owner (see ``reconcile.pipeline.account_keys``) — or, failing
that, platform + normalised name, or the most similar name of the same platform and owner, so a
renamed or re-keyed account is still recognised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reconcile.history import Decision, PreviousRun, load_decisions, previous_run
from reconcile.result import Finding, RecheckItem
from reconcile.review import LinkRule, link_rules

FIXED, OPEN, CLOSE_IN_SYSTEM, NEW = "已整改", "仍未整改", "已注销(需系统关停)", "新发现"
STATUS_ORDER = (OPEN, CLOSE_IN_SYSTEM, FIXED, NEW)
_DELETED = "deleted_still_registered"
NAME_SIMILARITY = 80   # rapidfuzz ratio (0-100) for a renamed account of the same platform and owner


@dataclass
class QuarterContext:
    """What the history gives one run (decisions, the previous quarter) and what the run gives back
    (the account key of each finding, filled in by the pipeline, for ``history.record_run``)."""

    decisions: tuple[Decision, ...] = ()
    previous: PreviousRun | None = None
    finding_keys: tuple[str | None, ...] = field(default=())

    @classmethod
    def load(cls, db_path: Path | None, quarter: str) -> QuarterContext:
        """Read (never write) the history; an absent database gives an empty context."""
        if db_path is None:
            return cls()
        return cls(decisions=load_decisions(db_path), previous=previous_run(db_path, quarter))

    def link_rules(self, prepared: dict[str, pd.DataFrame]) -> tuple[LinkRule | None, LinkRule | None]:
        return link_rules(self.decisions, prepared)

    def recheck(self, findings: Sequence[Finding], keys: Sequence[str | None]) -> tuple[RecheckItem, ...]:
        self.finding_keys = tuple(keys)
        if self.previous is None:
            return ()
        return compare(self.previous, findings, keys)


def _name_key(name: str | None) -> str:
    from reconcile.normalize import name_key

    return (name_key(name) or "") if name else ""


def _owner_key(owner: str | None) -> str:
    from reconcile.normalize import normalize_text

    return (normalize_text(owner) or "") if owner else ""


@dataclass(frozen=True)
class _Account:
    """What identifies the account a finding is about, across quarters."""

    key: str
    platform: str
    name: str
    owner: str

    @classmethod
    def of(cls, key: str | None, platform: str | None, name: str | None, owner: str | None) -> _Account:
        return cls(key or "", platform or "", _name_key(name), _owner_key(owner))


class _Index:
    """Current findings looked up by account: exact key, platform + name, or (same platform and
    owner) the most similar name — a renamed, name-keyed account is still recognised."""

    def __init__(self, accounts: Sequence[_Account]) -> None:
        self.accounts = accounts
        self.by_key: dict[str, list[int]] = {}
        self.by_name: dict[tuple[str, str], list[int]] = {}
        self.by_owner: dict[tuple[str, str], list[int]] = {}
        for i, a in enumerate(accounts):
            if a.key:
                self.by_key.setdefault(a.key, []).append(i)
            if a.name:
                self.by_name.setdefault((a.platform, a.name), []).append(i)
            if a.owner and a.name:
                self.by_owner.setdefault((a.platform, a.owner), []).append(i)

    def find(self, a: _Account, want: Callable[[int], bool]) -> list[int]:
        """Findings ``want`` accepts on the account ``a``, by the first identity that finds any."""
        hits = [i for i in self.by_key.get(a.key, []) if want(i)] if a.key else []
        if not hits and a.name:
            hits = [i for i in self.by_name.get((a.platform, a.name), []) if want(i)]
        if not hits and a.name and a.owner:
            from rapidfuzz import fuzz

            hits = [i for i in self.by_owner.get((a.platform, a.owner), [])
                    if want(i) and fuzz.ratio(a.name, self.accounts[i].name) >= NAME_SIMILARITY]
        return hits


def compare(previous: PreviousRun, findings: Sequence[Finding], keys: Sequence[str | None]
            ) -> tuple[RecheckItem, ...]:
    """The 复查 items: every failing finding of ``previous`` with its status, then the new ones."""
    accounts = [_Account.of(k, f.platform, f.name, f.owner) for f, k in zip(findings, keys, strict=True)]
    index = _Index(accounts)
    items: list[RecheckItem] = []
    seen: set[int] = set()      # current findings that continue a previous one
    for p in previous.findings:
        account = _Account.of(p.account_key, p.platform, p.name, p.owner)
        same = index.find(account, lambda i, p=p: findings[i].kind == p.kind
                          and (findings[i].field or "") == (p.field or ""))
        seen.update(same)
        if not p.fails:
            continue
        deleted = index.find(account, lambda i: findings[i].kind == _DELETED)
        if p.kind != _DELETED and deleted:
            status = CLOSE_IN_SYSTEM
            seen.update(deleted)
        elif same:
            status = OPEN
        else:
            status = FIXED
        items.append(RecheckItem(status=status, kind=p.kind, platform=p.platform, name=p.name, region=p.region,
                                 previous_quarter=previous.quarter, detail=p.detail or ""))
    for i, f in enumerate(findings):
        if f.fails and i not in seen:
            items.append(RecheckItem(status=NEW, kind=f.kind, platform=f.platform, name=f.name, region=f.region,
                                     previous_quarter=None, detail=f.detail))
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return tuple(sorted(items, key=lambda r: order[r.status]))


def counts(items: Sequence[RecheckItem]) -> dict[str, int]:
    out = {s: 0 for s in STATUS_ORDER}
    for r in items:
        out[r.status] = out.get(r.status, 0) + 1
    return out
