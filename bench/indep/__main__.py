"""python -m bench.indep OUT_DIR --accounts N --seed S [--crawl-rows M]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generate import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.indep",
                                 description="Independent reconcile test data (national, provincial, crawled, truth).")
    ap.add_argument("out", type=Path)
    ap.add_argument("--accounts", type=int, default=1000, help="filed accounts in scope (about)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crawl-rows", type=int, default=None,
                    help="fill the crawl up to this many rows with out-of-scope sweep-ins")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    info = generate(args.out, args.accounts, args.seed, args.crawl_rows)
    print(f"{args.out}: {info} in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
