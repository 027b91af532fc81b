"""run(config, inputs) -> Result: sources → normalize → link → checks → result.

Nothing here prints or exits; the CLI renders the result and maps errors to exit codes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reconcile import __version__
from reconcile.batch import in_halves, in_thread, together
from reconcile.checks import CheckContext, build_view, run_checks
from reconcile.checks.context import first_text
from reconcile.checks.duplicate_filing import (
    CrawledAccounts,
    DuplicateGroup,
    attach_duplicates,
    duplicate_warning,
    find_duplicates,
    first_filings,
    seen_as_two,
)
from reconcile.checks.observed import crawl_coverage, observed
from reconcile.config import Config
from reconcile.frame import normalize_frame
from reconcile.link import link_accounts, prepare
from reconcile.link.prune import CrawlFilter
from reconcile.recheck import QuarterContext
from reconcile.regions import COMMON_WORDS, RegionResolver, successors
from reconcile.result import LINK_COLUMNS, InputInfo, Result, RunInfo
from reconcile.review import pair_keys
from reconcile.schema import SOURCES
from reconcile.sources import load_source
from reconcile.sources.crawler_files import resolve_hashed_ids
from reconcile.sources.formats import load_crawled_files
from reconcile.sources.loader import LoadedSource
from reconcile.sources.manual import load_manual
from reconcile.sources.quality import (
    bad_values,
    column_warnings,
    joined_bad_values,
    platform_scope_warning,
    warning_lines,
)
from reconcile.summary import infer_scope, label_regions, summarise, summarise_platforms

ProgressHook = Callable[[str], None]
StepHook = Callable[[int, int], None]   # (steps done, steps in this stage), for a progress bar


@dataclass(frozen=True)
class Inputs:
    national: Path
    provincial: Path
    crawled: Path | tuple[Path, ...]   # several crawled files (one per platform) are concatenated
    sheet: str | None = None
    crawled_format: str | None = None  # force a crawler format (sources.formats.CRAWLER_FORMATS)
    manual: Path | None = None         # 人工检查问题表 (content problems found by a person), optional

    def path(self, source: str) -> Path:
        value = getattr(self, source)
        return value[0] if isinstance(value, tuple) else value


@dataclass
class Timings:
    """Wall time per stage, for ``--debug`` and bench/run.py."""

    stages: dict[str, float] = field(default_factory=dict)
    candidate_pairs: int = 0

    @contextmanager
    def stage(self, name: str, hook: ProgressHook | None = None) -> Iterator[None]:
        if hook:
            hook(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - t0


def run(config: Config, inputs: Inputs, timings: Timings | None = None,
        on_stage: ProgressHook | None = None, context: QuarterContext | None = None,
        on_step: StepHook | None = None) -> Result:
    """``context`` (history): stored review decisions to apply and the previous quarter to 复查.
    ``on_stage(name)`` is called as each stage starts, ``on_step(done, total)`` as it advances.

    The stages in the order the data flows; each is one call. Where a stage has independent
    pieces it says so with ``batch.together``, which decides where they run (a second core, or
    here in turn): the results are the same either way."""
    timings = timings or Timings()
    step = on_step or _no_step
    started = dt.datetime.now().astimezone()
    with timings.stage("read", on_stage):
        read = _read(inputs, config, step)
    with timings.stage("normalise", on_stage):
        sources = _normalise(read, config, step)
        read = read.without_frames()   # the raw values are done with (at national scale, ~600 MiB)
    with timings.stage("link", on_stage):
        forbid, confirm = context.link_rules(sources.prepared) if context is not None else (None, None)
        accounts = link_accounts(sources.prepared["national"], sources.prepared["provincial"],
                                 sources.prepared["crawled"], config.link, forbid=forbid, confirm=confirm,
                                 on_step=on_step)
        timings.candidate_pairs = accounts.candidate_pairs
    with timings.stage("checks", on_stage):
        result = _check(read, sources, accounts, config, context, on_step)
    return _result(read, sources, result, config, started)


@dataclass(frozen=True)
class _Read:
    """The three exports and the optional 人工检查问题表 as read."""

    national: LoadedSource
    provincial: LoadedSource
    crawled: LoadedSource
    crawled_parts: tuple[LoadedSource, ...]     # one per crawled file
    crawled_files: tuple[str, ...] | None       # per crawled record, its file (several files)
    manual: tuple[Any, ...]
    manual_info: InputInfo | None
    manual_warnings: tuple[str, ...]
    manual_file: str | None

    @property
    def files(self) -> dict[str, str]:
        return {s: Path(getattr(self, s).info.path).name for s in SOURCES}

    def without_frames(self) -> _Read:
        """The record of what was read (files, infos, warnings, the manual table) without the raw
        frames, which nothing needs once the sources are normalised."""
        def empty(loaded: LoadedSource) -> LoadedSource:
            return replace(loaded, frame=loaded.frame.iloc[:0].copy())   # a copy: a view keeps the values

        return replace(self, national=empty(self.national), provincial=empty(self.provincial),
                       crawled=empty(self.crawled), crawled_parts=tuple(empty(p) for p in self.crawled_parts))


def _read(inputs: Inputs, config: Config, step: StepHook) -> _Read:
    """Read: the provincial export beside the national one and the crawl (the crawl's parser and
    the national one's overlap in two threads). Errors come national, provincial, crawled,
    whichever piece fails first."""
    def here() -> tuple[LoadedSource, Callable[[], Any]]:
        crawl = in_thread(load_crawled_files, inputs.crawled, config, sheet=inputs.sheet, fmt=inputs.crawled_format)
        national = load_source(inputs.path("national"), "national", config, sheet=inputs.sheet)
        step(1, 3)
        return national, crawl

    (national, crawl), provincial = together(
        here, partial(load_source, inputs.path("provincial"), "provincial", config, sheet=inputs.sheet),
        crashed="读取省级平台导出的进程意外退出")
    step(2, 3)
    crawled, crawled_parts, crawled_files = crawl()
    step(3, 3)
    manual, manual_info, manual_warnings = load_manual(inputs.manual) if inputs.manual is not None else ([], None, [])
    return _Read(national=national, provincial=provincial, crawled=crawled, crawled_parts=tuple(crawled_parts),
                 crawled_files=crawled_files, manual=tuple(manual), manual_info=manual_info,
                 manual_warnings=tuple(manual_warnings),
                 manual_file=inputs.manual.name if inputs.manual is not None else None)


@dataclass(frozen=True)
class _Sources:
    """The three sources normalised and prepared for linking, with what was learnt doing so."""

    scope: tuple[str, ...]
    resolver: RegionResolver
    prepared: dict[str, pd.DataFrame]
    crawl_filter: CrawlFilter
    crawled_files: tuple[str, ...] | None   # per crawled record kept
    data_problems: list[str]
    duplicates: list[DuplicateGroup]         # 重复备案: only the first filing is linked


# Below this many crawled rows the crawl is normalised in one piece: a fork and the half sent back
# cost about what normalising a few thousand rows does. At 50k filed (54k crawled rows) the halves
# take the crawl's part of the stage from 1.40 s to 1.05 s (medians of 3, this machine, 2026-12-04).
_CRAWL_HALVES_FROM = 20_000


def _normalise(read: _Read, config: Config, step: StepHook) -> _Sources:
    """Normalise: the scope; each registry normalised, prepared and cleared of duplicate filings
    (the provincial one beside the national one); then the crawl, in two halves, of which a
    national sweep keeps only what can link or be a finding, prepared for linking, with its
    column checks."""
    # without --scope: the area the registries cover, known before places are resolved
    scope = tuple(config.scope) or _infer_scope([_scope_pairs(read.national.frame), _scope_pairs(read.provincial.frame)])
    resolver = RegionResolver(scope)
    # one memo across the sources: most names and owners appear in two or three of them
    strip = lru_cache(maxsize=None)(resolver.strip_normalized)   # prepare passes normalised texts
    find_places = lru_cache(maxsize=None)(_place_finder(resolver))
    national, provincial = together(
        partial(_registry, read.national, resolver, strip, find_places),
        partial(_registry, read.provincial, resolver, strip, find_places), crashed="处理省级平台导出的进程意外退出")
    registries = {"national": national, "provincial": provincial}
    step(2, 4)
    # most of a national crawl sweep cannot link to anything nor be a finding: dropped here
    registry_keys = {s: r.keys for s, r in registries.items()}
    crawl_filter = CrawlFilter(list(registry_keys.values()), resolver.in_scope)
    # MediaCrawler 2026-07 records carry only a hash of the user id: the registry id it hashes
    crawled_input = resolve_hashed_ids(
        read.crawled.frame, (i for k in registry_keys.values() for i in k["account_id"].dropna().tolist()))
    crawled, elsewhere, bad = in_halves(partial(_crawl_part, resolver=resolver, crawl_filter=crawl_filter, strip=strip,
                                                find_places=find_places),
                                        crawled_input, join=_joined_parts, at_least=_CRAWL_HALVES_FROM,
                                        crashed="处理平台采集数据的子进程意外退出")
    crawled = crawl_filter.kept(crawled_input, crawled, elsewhere)
    crawl_warnings = warning_lines(read.crawled.frame, bad)
    step(3, 4)
    crawled_files = read.crawled_files
    if crawled_files:   # per-record file names follow the records kept
        kept = read.crawled.frame.index.get_indexer(crawled.index)
        crawled_files = tuple(crawled_files[i] for i in kept.tolist())
    files = read.files
    data_problems = [f"{files[s]}：{w}" for s, r in registries.items() for w in r.column_warnings]
    data_problems += [f"{files['crawled']}：{w}" for w in crawl_warnings]
    data_problems += [f"{files['crawled']}：{w}"
                      for w in platform_scope_warning(registry_keys, crawled_platform=crawl_filter.platform)]
    prepared = {"crawled": crawled.reset_index(drop=True)}
    duplicates = []
    official = CrawledAccounts.of(prepared["crawled"])
    for s, r in registries.items():   # only the first filing of each account is linked
        two = seen_as_two(r.duplicates, r.filings, official)
        mine = [g for g, released in zip(r.duplicates, two, strict=True) if not released]
        prepared[s] = first_filings(r.filings, mine)
        duplicates += mine
    prepared = {s: prepared[s] for s in SOURCES}
    step(4, 4)
    return _Sources(scope=scope, resolver=resolver, prepared=prepared,
                    crawl_filter=crawl_filter, crawled_files=crawled_files, data_problems=data_problems,
                    duplicates=duplicates)


@dataclass(frozen=True)
class _Checked:
    findings: list
    summary: list
    totals: Any
    platforms: list
    links: pd.DataFrame
    recheck: Any
    ctx: CheckContext


def _check(read: _Read, sources: _Sources, accounts: Any, config: Config, context: QuarterContext | None,
           on_step: StepHook | None) -> _Checked:
    """Checks: the account view, every rule on it, the 合格率 tables and the links table."""
    prepared, resolver, scope = sources.prepared, sources.resolver, sources.scope
    view = build_view(accounts.frame, prepared)
    view = label_regions(view, resolver, scope, config)
    view = attach_duplicates(view, sources.duplicates)
    files = read.files | ({"manual": read.manual_file} if read.manual_file is not None else {})
    ctx = CheckContext(view=view, config=config, files=files, crawled_platforms=sources.crawl_filter.platforms,
                       crawled_files=sources.crawled_files, manual=read.manual)
    findings = _in_scope(view, run_checks(ctx, on_step=on_step))
    seen = observed(ctx).to_numpy(dtype=bool)
    summary, totals = summarise(view, findings, config, seen)
    keys = account_keys(view)
    recheck = context.recheck(findings, _finding_keys(findings, keys)) if context is not None else ()
    platforms = summarise_platforms(view, findings, config, seen)
    links = _links_table(view, keys)
    if len(accounts.np_reviews):
        links = pd.concat([links, _review_links(accounts.np_reviews, prepared, resolver, scope)], ignore_index=True)
    return _Checked(findings=findings, summary=summary, totals=totals, platforms=platforms, links=links,
                    recheck=recheck, ctx=ctx)


def _result(read: _Read, sources: _Sources, checked: _Checked, config: Config, started: dt.datetime) -> Result:
    """Result: the findings with the run's record (inputs, settings, warnings)."""
    files = read.files
    crawled_files = sources.crawled_files
    warnings: list[str] = []
    load_warnings = {"national": read.national.warnings, "provincial": read.provincial.warnings,
                     "crawled": read.crawled.warnings}
    for s in SOURCES:
        prefix = "" if crawled_files and s == "crawled" else f"{files[s]}："
        warnings.extend(f"{prefix}{w}" for w in load_warnings[s])
    warnings.extend(sources.data_problems + duplicate_warning(sources.duplicates, files) + list(read.manual_warnings))
    finished = dt.datetime.now().astimezone()
    scope = sources.scope
    info = RunInfo(
        checkpoint=config.checkpoint_date.isoformat(),
        quarter=config.quarter_label,
        scope=tuple(scope),
        inputs=(read.national.info, read.provincial.info) + tuple(p.info for p in read.crawled_parts)
        + ((read.manual_info,) if read.manual_info is not None else ()),
        settings=config.public_settings() | {"scope": list(scope)},
        version=__version__,
        started=started.isoformat(timespec="seconds"),
        finished=finished.isoformat(timespec="seconds"),
        crawled_skipped=sources.crawl_filter.skipped,
        coverage=crawl_coverage(checked.ctx),
    )
    return Result(run=info, findings=tuple(checked.findings), summary=tuple(checked.summary), links=checked.links,
                  warnings=tuple(warnings), totals=checked.totals, notes=tuple(checked.ctx.notes),
                  platforms=tuple(checked.platforms), recheck=checked.recheck)


def _no_step(done: int, total: int) -> None:
    return None


def _scope_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """A registry's distinct (region, owner) pairs, in order of first appearance."""
    pairs = frame[["region", "owner"]]
    return pairs.astype(object).where(pairs.notna(), None).drop_duplicates()


def _infer_scope(pairs: list[pd.DataFrame], sample: int = 5000) -> tuple[str, ...]:
    """The area the registries cover, from up to ``sample`` of their distinct (region, owner)
    pairs (``_scope_pairs`` of each), evenly spaced (resolving every record twice costs seconds
    at scale)."""
    probe = RegionResolver(())
    every = pd.concat(pairs).drop_duplicates()
    every = every.iloc[:: max(1, len(every) // sample)]
    places = [probe.resolve(None if r is None else str(r), None if o is None else str(o))
              for r, o in every.itertuples(index=False, name=None)]
    return infer_scope(pd.DataFrame([tuple(p) for p in places], columns=["province", "city", "county"]))


@dataclass(frozen=True)
class _Registry:
    """One registry after read and normalise: what the rest of the run needs of it."""

    info: InputInfo
    load_warnings: tuple[str, ...]
    column_warnings: list[str]         # 数据问题 lines about its raw values
    keys: pd.DataFrame                 # every filing's account_id, name_key, province, platform
    filings: pd.DataFrame              # every filing, prepared for linking
    duplicates: list[DuplicateGroup]   # 重复备案 as the registry reads: the crawl may show two accounts


def _registry(loaded: LoadedSource, resolver: RegionResolver, strip: Callable[[str], str],
              find_places: Callable[[str], frozenset[str]]) -> _Registry:
    """One registry normalised, prepared for linking, and its duplicate filings found."""
    frame = normalize_frame(loaded.frame, resolver)
    prepared = prepare(frame, strip, find_places)
    _, duplicates = find_duplicates(prepared, loaded.info.source)
    return _Registry(info=loaded.info, load_warnings=loaded.warnings, column_warnings=column_warnings(loaded.frame),
                     keys=_registry_keys(frame), filings=prepared, duplicates=duplicates)


def _crawl_part(rows: pd.DataFrame, *, resolver: RegionResolver, crawl_filter: CrawlFilter,
                strip: Callable[[str], str], find_places: Callable[[str], frozenset[str]]
                ) -> tuple[pd.DataFrame, int, dict[str, np.ndarray]]:
    """Crawled rows normalised (those the filter keeps), cleared of the records of other provinces
    and prepared for linking, indexed as in the crawl; how many were of other provinces; and the
    raw values the normalisers cannot read (``quality.bad_values``, for the 数据问题 lines). Each
    row is treated on its own: the crawl is done in halves (``batch.in_halves``)."""
    frame, elsewhere = crawl_filter.elsewhere(
        normalize_frame(rows, resolver, official_places_only=True, keep=crawl_filter))
    prepared = prepare(frame, strip, find_places)
    prepared.index = frame.index
    return prepared, elsewhere, bad_values(rows)


def _joined_parts(first: tuple[pd.DataFrame, int, dict[str, np.ndarray]],
                  second: tuple[pd.DataFrame, int, dict[str, np.ndarray]]
                  ) -> tuple[pd.DataFrame, int, dict[str, np.ndarray]]:
    return pd.concat([first[0], second[0]]), first[1] + second[1], joined_bad_values(first[2], second[2])


def _registry_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """What the crawl filter and the platform warning need of a normalised registry."""
    return frame[["account_id", "name_key", "province", "platform"]]


def _in_scope(view: pd.DataFrame, findings: list) -> list:
    """The findings about accounts in scope (and those about no account)."""
    outside = set(view.index[~view["in_scope"].astype(bool).to_numpy()].tolist())
    return [f for f in findings if f.account is None or f.account not in outside]


def _place_finder(resolver: RegionResolver) -> Callable[[str], frozenset[str]]:
    """Place names written inside an account name, as short forms ("平安通山" -> {"通山"}); a former
    name brings the names it became ("江干住建" -> {"江干", "上城", "钱塘"}), so an account named with
    its county's old name is no place conflict with the same account under the new one."""
    shorts = _short_forms(resolver.known_names())
    later = successors()
    starts = frozenset(k[:2] for k in shorts)   # every name is 2+ characters: most positions start none

    def find(name: str) -> frozenset[str]:
        if not name:
            return frozenset()
        found = set()
        n = len(name)
        for i in range(n - 1):
            if name[i:i + 2] not in starts:
                continue
            for j in range(i + 2, min(n, i + 8) + 1):
                short = shorts.get(name[i:j])
                if short:
                    found.add(short)
                    found.update(later.get(short, ()))
        # keep only the longest matches ("咸宁" inside "咸宁市" counts once)
        return frozenset(found)

    return find


_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "林区", "地区", "新区", "省", "市", "县", "区", "盟", "旗")
_NOT_PLACES = COMMON_WORDS | {"市直", "市中"}


def _short_forms(names: frozenset[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for full in names:
        short = full
        for suf in _SUFFIXES:
            if full.endswith(suf) and len(full) - len(suf) >= 2:
                short = full[: -len(suf)]
                break
        if short in _NOT_PLACES:
            continue
        out[full] = short
        out.setdefault(short, short)
    return out


def _review_links(np_reviews: pd.DataFrame, prepared: dict[str, pd.DataFrame], resolver: RegionResolver,
                  scope: tuple[str, ...]) -> pd.DataFrame:
    """Doubtful national ↔ provincial pairs (kept as separate accounts) as review rows."""
    n = len(np_reviews)
    pairs = pd.DataFrame({
        "n": np_reviews["n"].astype("Int64"), "p": np_reviews["p"].astype("Int64"),
        "c": pd.array([pd.NA] * n, dtype="Int64"), "np_score": np_reviews["score"].to_numpy(dtype=float),
        "np_link": "review", "c_score": np.nan, "c_link": None,
        "np_why": np_reviews["why"].to_numpy(), "c_why": None,
    })
    return _links_table(label_regions(build_view(pairs, prepared), resolver, scope))


_LINK_VIEW_COLUMNS = ("n_row", "p_row", "c_row", "np_score", "c_score", "np_link", "c_link", "np_why", "c_why",
                      "region_label",
                      *(f"{p}_{f}" for f in ("platform", "name", "owner", "account_id", "name_key", "owner_core")
                        for p in ("n", "p", "c")))


def _links_table(view: pd.DataFrame, keys: pd.Series | None = None) -> pd.DataFrame:
    """One row per account that links two or more records (``keys``: account_keys(view), if known)."""
    n_present = view["n_row"].notna().to_numpy()
    p_present = view["p_row"].notna().to_numpy()
    c_present = view["c_row"].notna().to_numpy()
    multi = (n_present.astype(int) + p_present + c_present) >= 2
    v = view.loc[multi, [c for c in _LINK_VIEW_COLUMNS if c in view.columns]]   # only what the table shows
    scores = np.fmin(v["np_score"].to_numpy(dtype=float), v["c_score"].to_numpy(dtype=float))
    review = (v["np_link"] == "review") | (v["c_link"] == "review")

    def first(field_name: str) -> pd.Series:
        return first_text(v, field_name)

    links = pd.DataFrame({
        "key": account_keys(v) if keys is None else keys[multi],
        "national_row": v["n_row"].astype("Int64"),
        "provincial_row": v["p_row"].astype("Int64"),
        "crawled_row": v["c_row"].astype("Int64"),
        "score": np.round(scores, 4),
        "status": np.where(review, "review", "match"),
        "platform": first("platform"),
        "name": first("name"),
        "owner": first("owner"),
        "region": v["region_label"],
        "national_name": v["n_name"],
        "provincial_name": v["p_name"],
        "crawled_name": v["c_name"],
        "why": _why(v, review.to_numpy()),
    })
    if review.any():  # a doubtful link is keyed by the records it proposes (see review.pair_keys)
        links.loc[review.to_numpy(), "key"] = pair_keys(view.iloc[np.flatnonzero(multi)[review.to_numpy()]]).to_numpy()
    return links[list(LINK_COLUMNS)].reset_index(drop=True)


def _why(v: pd.DataFrame, review: np.ndarray) -> np.ndarray:
    """For doubtful links, the evidence behind the doubtful score(s) (link.weights.explain)."""
    out = np.full(len(v), None, dtype=object)
    if not review.any():
        return out
    parts = [np.where(v[f"{s}_link"].to_numpy(dtype=object) == "review", v[f"{s}_why"].to_numpy(dtype=object), None)
             if f"{s}_why" in v.columns else np.full(len(v), None, dtype=object) for s in ("np", "c")]
    for i in np.flatnonzero(review).tolist():
        out[i] = "；".join(str(p[i]) for p in parts if isinstance(p[i], str)) or None
    return out


def _finding_keys(findings: list, keys: pd.Series) -> list[str | None]:
    """The stable account key of each finding (for 复查 and the history; ``keys``: account_keys(view))."""
    by_account = keys.to_dict()
    return [None if f.account is None or f.account not in by_account else str(by_account[f.account])
            for f in findings]


def account_keys(v: pd.DataFrame) -> pd.Series:
    """Stable identity of an account: platform + account id when present, else platform +
    normalised name + owner (registry values first). Row numbers never enter a key."""
    def first(field_name: str) -> list[str]:
        return first_text(v, field_name).fillna("").astype(str).tolist()

    keys = [f"{p}|id:{a.lower()}" if a else f"{p}|{n}|{o}"   # one pass instead of five column operations
            for p, a, n, o in zip(first("platform"), first("account_id"), first("name_key"), first("owner_core"),
                                  strict=True)]
    return pd.Series(keys, index=v.index, dtype=object)

