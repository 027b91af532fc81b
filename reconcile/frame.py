"""``normalize_frame``: a loader frame normalised column by column, with the helper columns
of ``schema.HELPER_COLUMNS``.

Each scalar normaliser of ``reconcile.normalize`` is mapped over the *distinct* values of its
column (a dict-sized cost, not a row-sized one) and broadcast back to the rows; places are
resolved once per distinct (region, owner) pair and per distinct name where those say nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reconcile.normalize import (
    NOT_OFFICIAL,
    display_text,
    key_of_normalized,
    name_key,
    normalize_account_id,
    normalize_account_type,
    normalize_platform,
    normalize_status,
    normalize_text,
    normalize_verified,
    parse_count,
    parse_date,
)
from reconcile.schema import CANONICAL_COLUMNS, HELPER_COLUMNS

if TYPE_CHECKING:
    from reconcile.regions import RegionResolver


def _objects(items: list[Any]) -> np.ndarray:
    """A 1-d object array of items (tuples stay whole)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _factorize(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct values); NA cells get code -1."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return codes, list(uniques)
    except TypeError:  # unhashable cells: every row is its own value
        return np.arange(len(series)), list(series)


def _map_unique(series: pd.Series, func: Callable[[Any], Any]) -> np.ndarray:
    """func applied to each distinct value of series, broadcast back to the rows (object array)."""
    codes, uniques = _factorize(series)
    return _objects([func(v) for v in uniques] + [func(None)])[codes]  # code -1 (NA) -> last


def _map_unique_multi(series: pd.Series, func: Callable[[Any], tuple], n: int) -> list[np.ndarray]:
    """Like _map_unique for a func returning an n-tuple: n arrays."""
    codes, uniques = _factorize(series)
    results = [func(v) for v in uniques] + [func(None)]
    return [_objects([r[i] for r in results])[codes] for i in range(n)]


def _text_parts(value: Any) -> tuple[str | None, str | None]:
    return (display_text(value), normalize_text(value))


def _name_parts(value: Any) -> tuple[str | None, str | None, str | None]:
    norm = normalize_text(value)
    return (display_text(value), norm, key_of_normalized(norm))


def _platform_parts(value: Any) -> tuple[str | None, str, str | None]:
    return (display_text(value), *normalize_platform(value))


def _dates(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
        return series.astype("datetime64[ns]").to_numpy()
    codes, uniques = _factorize(series)
    parsed = pd.to_datetime(pd.Series([parse_date(v) for v in uniques] + [None], dtype=object))
    return parsed.astype("datetime64[ns]").to_numpy()[codes]


def _regions(region: np.ndarray, owner: np.ndarray, name: np.ndarray,
             resolver: RegionResolver) -> list[np.ndarray]:
    """province/city/county per row, from normalize_text forms of the three texts. Each distinct
    (region, owner) pair is resolved once, and each distinct name only where its pair says
    nothing (resolve's own priority rule)."""
    n = len(region)
    if n == 0:
        return [np.empty(0, dtype=object) for _ in range(3)]
    rc, _ = pd.factorize(pd.Series(region, dtype=object))
    oc, _ = pd.factorize(pd.Series(owner, dtype=object))
    pair_codes = rc.astype(np.int64) * (int(oc.max()) + 2) + (oc + 1)
    _, first, inverse = np.unique(pair_codes, return_index=True, return_inverse=True)
    places = [resolver.resolve_normalized(region[i], owner[i]) for i in first]
    out = [_objects([p[level] for p in places])[inverse] for level in range(3)]
    # the name is read only where region and owner say nothing, not where the owner names
    # divisions outside the scope (resolve's own rule)
    unknown = [not any(p) and not resolver.names_only_elsewhere(owner[i]) for i, p in zip(first, places, strict=True)]
    rows = np.flatnonzero(_objects(unknown)[inverse].astype(bool))
    if len(rows):
        codes, names = _factorize(pd.Series(name[rows], dtype=object))
        by_name = [resolver.resolve_normalized(None, None, v) for v in names] + [_NO_PLACE]
        for level in range(3):
            out[level][rows] = _objects([p[level] for p in by_name])[codes]
    return out


_DEFAULT_RESOLVER: RegionResolver | None = None
_NO_PLACE = (None, None, None)


def _info_owner_parts(value: Any) -> tuple[str | None, str | None]:
    """(display, comparison) form of the unit a verification text names: "咸宁市公安局官方微博"
    -> "咸宁市公安局" (the suffixes ``name_key`` drops)."""
    shown = display_text(value)
    if shown is None:
        return (None, None)
    key = name_key(shown)
    if key is None:
        return (None, None)
    norm = normalize_text(shown)
    if norm and norm != key and norm.startswith(key):
        shown = shown[: len(shown) - (len(norm) - len(key))].rstrip() or shown
    return (shown, key)


def normalize_frame(df: pd.DataFrame, resolver: RegionResolver | None = None, *,
                    official_places_only: bool = False,
                    keep: Callable[[pd.DataFrame], np.ndarray] | None = None) -> pd.DataFrame:
    """A new frame: canonical columns normalised + helper columns, in schema order.

    ``official_places_only`` (for crawls, which sweep up many enterprise and personal
    accounts): places are resolved only for records not verified as an enterprise, a person
    or not at all; the others never count as unfiled, and resolving a million of them costs
    most of a national run.

    ``keep`` (see link.prune.CrawlFilter): called with the rows' normalised platform,
    account_id, name_key and verified_kind before anything else is normalised; only the rows
    it marks True are normalised further and returned (their index is kept).

    ``df`` is a loader frame (raw values); it is never modified. Without a resolver an
    unscoped ``RegionResolver()`` derives province/city/county.
    """
    global _DEFAULT_RESOLVER
    if resolver is None:
        if _DEFAULT_RESOLVER is None:
            from reconcile.regions import RegionResolver
            _DEFAULT_RESOLVER = RegionResolver()
        resolver = _DEFAULT_RESOLVER

    def col(name: str) -> pd.Series:
        if name in df.columns:
            return df[name] if name == "last_post_at" else df[name].astype(object)
        return pd.Series([None] * len(df), index=df.index, dtype=object)

    platform_raw, platform, implied_type = _map_unique_multi(col("platform"), _platform_parts, 3)
    name, name_norm, key = _map_unique_multi(col("name"), _name_parts, 3)
    account_id = _map_unique(col("account_id"), normalize_account_id)
    verified_kind = _map_unique(col("verified_kind"), normalize_verified)
    if keep is not None:
        mask = np.asarray(keep(pd.DataFrame({"platform": platform, "account_id": account_id, "name_key": key,
                                             "verified_kind": verified_kind}, index=df.index)), dtype=bool)
        if not mask.all():
            df = df[mask]
            platform_raw, platform, implied_type, name, name_norm, key, account_id, verified_kind = (
                a[mask] for a in (platform_raw, platform, implied_type, name, name_norm, key, account_id,
                                  verified_kind))
    out: dict[str, Any] = {"source": col("source").to_numpy(copy=True), "row": col("row").to_numpy(copy=True)}
    explicit_type = _map_unique(col("account_type"), normalize_account_type)
    account_type = np.where(pd.isna(explicit_type), implied_type, explicit_type)  # explicit wins
    owner, owner_norm = _map_unique_multi(col("owner"), _text_parts, 2)
    region, region_norm = _map_unique_multi(col("region"), _text_parts, 2)

    out["platform"] = platform
    out["account_type"] = account_type
    out["name"] = name
    out["account_id"] = account_id
    out["owner"] = owner
    out["supervisor"] = _map_unique(col("supervisor"), display_text)
    out["region"] = region
    out["status"] = _map_unique(col("status"), normalize_status)
    out["verified_kind"] = verified_kind
    out["verified_info"] = _map_unique(col("verified_info"), display_text)
    if "verified_info" in df.columns:
        # a crawl naming the unit only in its verification text (认证信息 "咸宁市公安局官方微博"):
        # that unit is the owner the platform shows, for places and every comparison
        info_owner, info_norm = _map_unique_multi(col("verified_info"), _info_owner_parts, 2)
        missing = pd.isna(owner_norm)
        owner = np.where(missing, info_owner, owner)
        owner_norm = np.where(missing, info_norm, owner_norm)
        out["owner"] = owner
    out["last_post_at"] = _dates(col("last_post_at"))
    out["followers"] = pd.array(_map_unique(col("followers"), parse_count), dtype="Int64")
    out["platform_raw"] = platform_raw
    out["name_norm"] = name_norm
    out["name_key"] = key
    out["owner_norm"] = owner_norm
    if official_places_only:
        official = ~pd.Series(out["verified_kind"], dtype=object).isin(list(NOT_OFFICIAL)).to_numpy()
        places = [np.full(len(region), None, dtype=object) for _ in range(3)]
        if official.any():
            found = _regions(region_norm[official], owner_norm[official], name_norm[official], resolver)
            for level in range(3):
                places[level][official] = found[level]
        out["province"], out["city"], out["county"] = places
    else:
        out["province"], out["city"], out["county"] = _regions(region_norm, owner_norm, name_norm, resolver)

    result = pd.DataFrame(out, index=df.index.copy())
    return result[list(CANONICAL_COLUMNS) + list(HELPER_COLUMNS)]
