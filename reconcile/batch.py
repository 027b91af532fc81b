"""Process settings for one big batch job (a run of the pipeline and its reports)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# CPython's default collects the youngest generation every 700 allocations and, now and then,
# walks every live container object. A run allocates millions of short-lived tuples and lists
# (per-value normalisation, candidate pairs, findings) and keeps millions alive, so those walks
# cost ~0.7 s of a 10 s 50k run; collecting a hundred times less often frees the same memory.
BATCH_THRESHOLDS = (100_000, 50, 100)


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Cyclic garbage collection a hundred times less often inside (restores the thresholds;
    reference counting frees most objects anyway). Safe to nest."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(b, t) for b, t in zip(before, BATCH_THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*before)
