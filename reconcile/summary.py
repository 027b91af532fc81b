"""Regions and 合格率: which region each account counts under, and the per-region table.

The scope (``--scope`` or inferred from the registries) sets the level of the table: a city
scope lists 市直 and its counties; a province scope lists 省本级 and its cities; a county
scope lists the county. 合格率 = (checked − failed) / checked, rounded half-up.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from reconcile.checks.context import PLACE_PARTS, account_places
from reconcile.config import Config
from reconcile.regions import RegionResolver
from reconcile.result import Finding, RegionSummary
from reconcile.schema import PLATFORMS

CITY_LEVEL_LABEL = "市直"
PROVINCE_LEVEL_LABEL = "省本级"
UNKNOWN_LABEL = "未知"


def pass_rate(checked: int, failed: int, decimals: int) -> float:
    """Percent of accounts that passed, rounded half-up (99.505 -> 99.51), 100.0 when none checked."""
    if checked <= 0:
        return 100.0
    exact = Decimal(checked - failed) * 100 / Decimal(checked)
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=1)
def _division_order() -> dict[str, int]:
    order: dict[str, int] = {}
    try:
        text = resources.files("reconcile").joinpath("data/divisions.csv").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return order
    for rec in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        try:
            order.setdefault(rec["name"], int(rec["code"]))
        except (KeyError, ValueError):
            continue
    return order


def _level(place: tuple) -> str | None:
    province, city, county = place
    return "county" if county else "city" if city else "province" if province else None


def _place_of(view: pd.DataFrame) -> pd.DataFrame:
    """Per account, its province/city/county (``account_places``), None where unknown."""
    places = account_places(view).astype(object)
    return places.where(places.notna(), None)


def infer_scope(places: pd.DataFrame) -> tuple[str, ...]:
    """The area the registries cover (``places``: their province/city columns): their one city,
    else their provinces."""
    provinces = places["province"].dropna()
    if provinces.empty:
        return ()
    cities = places["city"].dropna()
    city_less = (places["city"].isna() & places["province"].notna()).sum()
    if cities.nunique() == 1 and city_less == 0:
        return (str(cities.iloc[0]),)
    return tuple(sorted(provinces.unique().tolist(), key=lambda n: _division_order().get(n, 0)))


def label_regions(view: pd.DataFrame, resolver: RegionResolver, scope: tuple[str, ...],
                  config: Config | None = None) -> pd.DataFrame:
    """Add ``region_label``, ``in_scope`` and the account's place (``place_province`` …, see
    ``account_places``) to the account view (a copy).

    ``config.region_level`` forces the level of the rows (county: counties + 市直; city: cities +
    省本级); ``config.region_names`` renames a label, or gives accounts whose region column
    reads a listed text (e.g. "示范区") a row of their own."""
    out = view.copy(deep=False)   # only columns are added: no need to copy the data
    places = _place_of(out)
    for part in PLACE_PARTS:   # the unit keys of the checks read the same places
        out[f"place_{part}"] = places[part]
    scope_places = [tuple(resolver.resolve(name, None)) for name in scope]
    scope_places = [sp for sp in scope_places if _level(sp)]
    levels = {_level(sp) for sp in scope_places}
    multi_city = len({sp[1] for sp in scope_places if _level(sp) == "city"}) > 1
    level = config.region_level if config else "auto"
    if level == "city" and scope_places:
        levels = {"province"}
    elif level == "county" and scope_places:
        multi_city = multi_city or "province" in levels   # several cities: "杭州市市直", "宁波市市直"
        levels = {"city"}

    judge = _RegionJudge(scope_places, levels, multi_city)
    filed = (out["n_row"].notna() | out["p_row"].notna()).tolist()
    labels, inside = [], []
    for place, is_filed in zip(places.itertuples(index=False, name=None), filed, strict=True):
        # without a scope every account is ours; with one, a registry record with no derivable place still is
        label, hit = judge(place, unknown_ours=not scope_places or is_filed)
        labels.append(label)
        inside.append(hit)
    out["region_label"] = labels
    out["in_scope"] = inside
    if config and config.region_names:
        out["region_label"] = _renamed(out, config.region_names)
    return out


class _RegionJudge:
    """(row label, in scope) of a place, computed once per distinct place. ``unknown_ours``: the
    answer for a place with no province, city or county."""

    def __init__(self, scope_places: list, levels: set, multi_city: bool) -> None:
        self.scope_places, self.levels, self.multi_city = scope_places, levels, multi_city
        self._seen: dict[tuple, tuple[str, bool]] = {}

    def __call__(self, place: tuple, unknown_ours: bool) -> tuple[str, bool]:
        known = bool(place[0] or place[1] or place[2])
        key = (place, None if known else unknown_ours)
        got = self._seen.get(key)
        if got is None:
            if not known:
                hit = bool(unknown_ours)
            else:
                hit = not self.scope_places or any(_matches(place, sp) for sp in self.scope_places)
            got = self._seen[key] = (_label(place, self.levels, self.multi_city, hit), hit)
        return got


def _renamed(view: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """Labels after ``region_names``: the region column's text first (registries first), then the label."""
    from reconcile.normalize import normalize_text

    table = {normalize_text(k) or k: v for k, v in names.items()}
    label = view["region_label"].map(lambda x: names.get(x, x))
    for p in ("c", "p", "n"):   # national wins: applied last
        col = f"{p}_region"
        if col not in view.columns:
            continue
        raw = view[col].map(lambda x: table.get(normalize_text(x) or "") if isinstance(x, str) else None)
        label = raw.where(raw.notna(), label)
    return label


def _matches(place: tuple, scope_place: tuple) -> bool:
    level = _level(scope_place)
    idx = {"province": 0, "city": 1, "county": 2}[level]
    return place[idx] == scope_place[idx]


def _label(place: tuple, levels: set, multi_city: bool, in_scope: bool) -> str:
    province, city, county = place
    if not in_scope or not levels:
        return county or city or province or UNKNOWN_LABEL
    if "province" in levels:
        return city or (PROVINCE_LEVEL_LABEL if province else UNKNOWN_LABEL)
    if "city" in levels:
        if county:
            return county
        if city:
            return f"{city}{CITY_LEVEL_LABEL}" if multi_city else CITY_LEVEL_LABEL
        return UNKNOWN_LABEL
    return county or city or province or UNKNOWN_LABEL


def region_sort_key(label: str, order: tuple[str, ...] = ()) -> tuple[int, int, str]:
    """市直/省本级 first, then the configured order, then by division code; 未知 last."""
    if label in order:
        return (0, order.index(label) - len(order), label)
    if label in (CITY_LEVEL_LABEL, PROVINCE_LEVEL_LABEL) or label.endswith(CITY_LEVEL_LABEL):
        return (0, _division_order().get(label.removesuffix(CITY_LEVEL_LABEL), 0), label)
    if label == UNKNOWN_LABEL:
        return (2, 0, label)
    return (1, _division_order().get(label, 10**12), label)


def _counted(view: pd.DataFrame, findings: list[Finding], columns: list[str], observed: np.ndarray | None
             ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The accounts in scope that 附件1 counts (filed ones plus unfiled ones; only ``columns``),
    which of them were checked and which failed.

    Checked (抽查数): observed on the platform by the crawl (``observed``, a mask over the view;
    None: every counted account), or failing on other evidence (a complete crawl that did not
    find it, a manual check). An account the crawl did not reach was not checked."""
    filed = view["n_row"].notna() | view["p_row"].notna()
    unfiled = {f.account for f in findings if f.kind == "unfiled" and f.account is not None}
    mask = ((filed | view.index.isin(list(unfiled))) & view["in_scope"].astype(bool)).to_numpy()
    counted = pd.DataFrame({c: view[c].to_numpy()[mask] for c in columns}, index=view.index[mask])
    failed_accounts = {f.account for f in findings if f.fails and f.account is not None}
    failed = counted.index.isin(list(failed_accounts))
    checked = failed | (np.ones(len(counted), dtype=bool) if observed is None else np.asarray(observed)[mask])
    return counted, checked, failed


def _row(label: str, checked: np.ndarray, failed: np.ndarray, decimals: int) -> RegionSummary:
    n_checked, bad = int(checked.sum()), int(failed.sum())
    return RegionSummary(label, len(checked), n_checked, bad, pass_rate(n_checked, bad, decimals))


def summarise_platforms(view: pd.DataFrame, findings: list[Finding], config: Config,
                        observed: np.ndarray | None = None) -> list[RegionSummary]:
    """The per-platform 合格率 table (``region`` holds the platform label), in PLATFORMS order."""
    counted, checked, failed = _counted(view, findings, ["n_platform", "p_platform", "c_platform"], observed)
    platform = counted["n_platform"].astype(object)
    for p in ("p", "c"):
        platform = platform.where(platform.notna(), counted[f"{p}_platform"])
    groups = pd.Series(platform.fillna("其他").astype(str).to_numpy()).groupby(
        platform.fillna("其他").astype(str).to_numpy(), sort=False).indices
    rows = [_row(str(plat), checked[idx], failed[idx], config.decimals) for plat, idx in groups.items()]
    order = {p: i for i, p in enumerate(PLATFORMS)}
    rows.sort(key=lambda r: (order.get(r.region, len(order)), r.region))
    return rows


def summarise(view: pd.DataFrame, findings: list[Finding], config: Config, observed: np.ndarray | None = None
              ) -> tuple[list[RegionSummary], RegionSummary]:
    """Per-region totals (see ``_counted``); failed = any failing finding."""
    counted, checked, failed = _counted(view, findings, ["region_label"], observed)
    labels = counted["region_label"].astype(str).to_numpy()
    groups = pd.Series(labels).groupby(labels, sort=False).indices
    rows = [_row(str(region), checked[idx], failed[idx], config.decimals) for region, idx in groups.items()]
    rows.sort(key=lambda r: region_sort_key(r.region, config.region_order))
    return rows, _row("总计", checked, failed, config.decimals)
