"""Accuracy on both generators, side by side in one run: the project's own (bench/generate.py)
and the independent one (bench/indep, written from DOMAIN.md alone by someone who had not read
the linker).

    python bench/accuracy.py                       # 5k on both, seeds 7 (own) and 1, 3 (independent)
    python bench/accuracy.py --accounts 50000      # and any size
    python bench/accuracy.py --out /tmp/acc --keep # keep the generated folders

For each data set it runs ``reconcile run`` exactly as a clerk would (the folder's reconcile.toml, no
history) and prints, from ``bench/score.py``: link precision/recall/F1 per pair of sources, per-kind
precision/recall/F1 of the findings, link recall per phenomenon, and how far 附件1's 合格率 is from the
truth per region. Nothing is tuned here: it only measures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.score import score  # noqa: E402

FAILING = ("unfiled", "wrong_type", "deleted_still_registered", "stale", "cert_mismatch", "personal_account")


def _generate(kind: str, folder: Path, accounts: int, seed: int) -> None:
    if kind == "own":
        cmd = [sys.executable, "bench/generate.py", str(folder), "--accounts", str(accounts), "--seed", str(seed)]
    else:
        cmd = [sys.executable, "-m", "bench.indep", str(folder), "--accounts", str(accounts), "--seed", str(seed)]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)


def _run(folder: Path) -> tuple[dict[str, Any] | None, float, str]:
    out = folder / "r.json"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "--json", str(out), "--no-db",
                           "--exit-zero", "--quiet", "--out", str(folder / "r.xlsx")],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return None, wall, (proc.stderr or proc.stdout).strip().splitlines()[-1][:300]
    return json.loads(out.read_text(encoding="utf-8")), wall, ""


def _fmt(m: dict[str, Any]) -> str:
    return f"{m['precision']:.4f} / {m['recall']:.4f} / {m['f1']:.4f}"


def report(name: str, scores: dict[str, Any], wall: float) -> list[str]:
    links, findings = scores["links"], scores["findings"]
    lines = [f"### {name} ({wall:.1f} s end to end)", "",
             "| links | P / R / F1 |", "| --- | --- |"]
    for k in ("national-provincial", "national-crawled", "provincial-crawled", "overall"):
        lines.append(f"| {k} | {_fmt(links[k])} |")
    rv = links["review"]
    lines += [f"| 待人工核实 | {rv['rows']} rows, {rv['pairs']} pairs, {rv['true_pairs']} true |", "",
              "| finding kind | fails | TP | FP | FN | P / R / F1 |", "| --- | --- | --- | --- | --- | --- |"]
    for k, m in findings.items():
        if k in ("overall", "unscored_kinds"):
            continue
        lines.append(f"| {k} | {'yes' if k in FAILING else ''} | {m['tp']} | {m['fp']} | {m['fn']} | {_fmt(m)} |")
    lines.append(f"| overall | | {findings['overall']['tp']} | {findings['overall']['fp']} | "
                 f"{findings['overall']['fn']} | {_fmt(findings['overall'])} |")
    ph = scores.get("phenomena") or {}
    if ph:
        worst = sorted(ph.items(), key=lambda kv: kv[1]["recall"])[:8]
        lines += ["", "lowest link recall by phenomenon: "
                  + ", ".join(f"{k} {v['recall']:.3f} ({v['pairs']} pairs)" for k, v in worst)]
    sm = scores.get("summary")
    if sm:
        lines += [f"附件1 合格率 against the truth: mean |Δ| {sm['mean_abs_diff']:.2f} points, max {sm['max_abs_diff']:.2f}"
                  + (f"; rows only in the truth {sm['missing_in_result']}" if sm.get("missing_in_result") else "")
                  + (f"; rows only in the result {sm['missing_in_truth']}" if sm.get("missing_in_truth") else "")]
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Accuracy on the project's own and the independent generator.")
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--own-seed", type=int, action="append", default=None)
    ap.add_argument("--indep-seed", type=int, action="append", default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    base = args.out or Path(tempfile.mkdtemp(prefix="accuracy-"))
    cases = [("own", s) for s in (args.own_seed or [7])] + [("indep", s) for s in (args.indep_seed or [1, 3])]
    lines = [f"## Accuracy at {args.accounts} filed accounts", ""]
    for kind, seed in cases:
        folder = base / f"{kind}{args.accounts}s{seed}"
        if folder.exists():
            shutil.rmtree(folder)
        _generate(kind, folder, args.accounts, seed)
        result, wall, error = _run(folder)
        name = f"{'own generator' if kind == 'own' else 'independent generator'}, seed {seed}"
        if result is None:
            lines += [f"### {name}", "", f"reconcile refused the data: {error}", ""]
            continue
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        lines += report(name, score(result, truth), wall)
    print("\n".join(lines))
    if not args.keep and args.out is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
