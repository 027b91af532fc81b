"""Independent test-data generator (the "judge") for reconcile.

Written from /work/shared/DOMAIN.md alone, without reading the linker: see README.md.
Run as ``python -m bench.indep OUT_DIR --accounts N --seed S [--crawl-rows M]``.
"""
