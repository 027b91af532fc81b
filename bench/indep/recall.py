"""Per-phenomenon link recall: python -m bench.indep.recall RESULT.json TRUTH.json

For every phenomenon code, of the truth's pairs (national–provincial, national–crawled, provincial–crawled)
of accounts carrying it, the share the tool linked with status "match" (and "review")."""

from __future__ import annotations

import json
import sys
from collections import defaultdict

PAIRS = (("national", "provincial"), ("national", "crawled"), ("provincial", "crawled"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    result = json.load(open(argv[0], encoding="utf-8-sig"))
    truth = json.load(open(argv[1], encoding="utf-8-sig"))
    linked: dict[str, set] = {"match": set(), "review": set()}
    for link in result.get("links", []):
        for a, b in PAIRS:
            ra, rb = link.get(f"{a}_row"), link.get(f"{b}_row")
            if ra is not None and rb is not None:
                linked.setdefault(link.get("status"), set()).add((a, ra, b, rb))
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for acc in truth["accounts"]:
        pairs = [(a, acc[f"{a}_row"], b, acc[f"{b}_row"]) for a, b in PAIRS
                 if acc.get(f"{a}_row") is not None and acc.get(f"{b}_row") is not None]
        for code in acc.get("phenomena") or ["(none)"]:
            st = stats[code]
            for p in pairs:
                st[0] += 1
                st[1] += p in linked["match"]
                st[2] += p in linked["review"]
    print(f"{'phenomenon':<28}{'pairs':>8}{'match':>9}{'review':>9}")
    for code, (n, m, r) in sorted(stats.items(), key=lambda kv: kv[1][1] / max(kv[1][0], 1)):
        if n:
            print(f"{code:<28}{n:>8}{m / n:>9.3f}{r / n:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
