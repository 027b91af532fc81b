"""Shared fixtures: tiny hand-made sources, normalised and prepared the way the pipeline does."""

from __future__ import annotations

import pandas as pd
import pytest

from reconcile.schema import CANONICAL_COLUMNS


def raw_frame(source: str, rows: list[dict]) -> pd.DataFrame:
    """A loader-shaped frame: canonical columns, raw text, spreadsheet row numbers from 2."""
    recs = []
    for i, r in enumerate(rows):
        rec = {c: None for c in CANONICAL_COLUMNS}
        rec.update({"source": source, "row": r.get("row", i + 2)})
        rec.update({k: v for k, v in r.items() if k != "row"})
        recs.append(rec)
    return pd.DataFrame(recs, columns=list(CANONICAL_COLUMNS))


@pytest.fixture
def prepared():
    """prepared(source, rows, scope=()) -> a normalised, link-ready frame."""
    from reconcile.frame import normalize_frame
    from reconcile.link import prepare
    from reconcile.pipeline import _place_finder
    from reconcile.regions import RegionResolver

    def make(source: str, rows: list[dict], scope: tuple[str, ...] = ()) -> pd.DataFrame:
        resolver = RegionResolver(scope)
        frame = normalize_frame(raw_frame(source, rows), resolver)
        return prepare(frame, resolver.strip_region, _place_finder(resolver))

    return make
