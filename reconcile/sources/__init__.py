"""Loaders: read the national registry, the provincial platform and the crawled list.

``load_source`` reads one export (xlsx/xlsm/xls via python-calamine, csv/txt in any common
Chinese encoding, json/jsonl), finds the header below any title rows, maps the headers to the
canonical columns of ``reconcile.schema`` and returns the RAW values (normalisation is
``reconcile.normalize``'s job) with the row numbers a clerk sees in the file.
"""

from reconcile.sources.aliases import ALIASES, COLUMN_LABELS, normalize_header
from reconcile.sources.discover import discover_inputs
from reconcile.sources.loader import LoadedSource, file_sha256, load_source

__all__ = [
    "ALIASES",
    "COLUMN_LABELS",
    "LoadedSource",
    "discover_inputs",
    "file_sha256",
    "load_source",
    "normalize_header",
]
