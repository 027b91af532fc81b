"""Benchmark: the real CLI end to end, a per-stage profile, and plain recordlinkage side by side.

    python bench/run.py                         # 1k and 50k accounts, 3 runs each, baseline on
    python bench/run.py --sizes 50000 --repeat 5
    python bench/run.py --national-scale        # 200k national + 200k provincial + 1M crawled rows
    python bench/run.py --sample                # the shipped sample_data/ only
    python bench/run.py --folder DIR            # a folder written by bench/generate.py
    python bench/run.py --sizes 50000 --serial  # also in one process (no fork, as on Windows), alternated

Prints, per size: the median wall time and peak RSS of `reconcile run` (a fresh process, Python
start-up included), the wall time and peak RSS of each stage measured in-process (read,
normalise, candidate pairs, compare, classify, checks, write XLSX, write JSON), the candidate-pair
count, link precision/recall/F1 against the generator's truth, and the same national ↔ crawled
link done with recordlinkage as its documentation teaches, with the ratio. Figures go to stdout;
docs/performance.md keeps the latest table and the commands.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from bench.score import score  # noqa: E402

OUT = ROOT / "bench" / "out"


# ── memory ─────────────────────────────────────────────────────────────────────
def _rss_bytes() -> int:
    """This process's resident memory (cheap to read: the in-process stage profile samples it
    every 20 ms, with RECONCILE_SERIAL=1 so that no work happens in another process)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _tree_pss(pid: int) -> int:
    """Memory of ``pid`` and every process below it (reconcile forks helpers for the provincial
    registry, the national ↔ crawled pairs and the XLSX report): the proportional set size, so
    pages a forked child still shares with its parent count once."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            total = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("Pss:"))
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(_tree_pss(int(child)) for child in fh.read().split())
    except (OSError, ValueError, StopIteration):   # it ended while we looked
        pass
    return total


class PeakSampler:
    """The peak of ``measure()`` since the last reset, sampled every ``interval`` seconds in a thread."""

    def __init__(self, measure: Callable[[], int] = _rss_bytes, interval: float = 0.02) -> None:
        self.measure = measure
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.measure())

    def reset(self) -> None:
        self.peak = self.measure()

    def stop(self) -> None:
        self._stop.set()


# ── data ───────────────────────────────────────────────────────────────────────
def dataset(n_accounts: int, seed: int, crawled_rows: int | None = None) -> Path:
    fmt = "csv" if n_accounts > 60_000 else "xlsx"
    folder = OUT / f"gen-{n_accounts}-{crawled_rows or 'auto'}-s{seed}"
    if not (folder / "truth.json").exists():
        t0 = time.perf_counter()
        truth = generate(folder, n_accounts, seed=seed, registry_format=fmt, crawled_rows=crawled_rows)
        if not (folder / "reconcile.toml").exists():   # generate() writes one (checkpoint, scope, complete crawls)
            (folder / "reconcile.toml").write_text(f'checkpoint = "{truth["checkpoint"]}"\n', encoding="utf-8")
        print(f"  generated {folder.name} in {time.perf_counter() - t0:.1f} s", flush=True)
    return folder


def inputs_of(folder: Path) -> dict[str, Path]:
    from reconcile.sources import discover_inputs

    return discover_inputs(folder)


# ── end to end: the real CLI in a fresh process ──────────────────────────────────
def cli_run(folder: Path, out: Path, serial: bool = False) -> tuple[float, int]:
    """(wall seconds, peak RSS of the process tree) of one `reconcile run`; ``serial``: with
    RECONCILE_SERIAL=1, everything in one process as where there is no fork (Windows)."""
    db = out / "history.db"   # a fresh history each run: the bench's runs would otherwise pile up in one
    db.unlink(missing_ok=True)
    args = [sys.executable, "-m", "reconcile", "run", str(folder), "--out", str(out / "r.xlsx"),
            "--json", str(out / "r.json"), "--db", str(db), "--quiet", "--exit-zero"]
    env = {k: v for k, v in os.environ.items() if k != "RECONCILE_SERIAL"} | ({"RECONCILE_SERIAL": "1"} if serial else {})
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env)
    # reading PSS walks the page tables and stalls the process meanwhile: every 20 ms slowed a
    # 50k run by 0.8 s, every 0.25 s not measurably. ru_maxrss catches the main process's own peak.
    sampler = PeakSampler(lambda: _tree_pss(proc.pid), interval=0.25)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"reconcile run failed on {folder} (exit {proc.returncode})")
    return wall, max(usage.ru_maxrss * 1024, sampler.peak)


# ── per-stage profile, in process ─────────────────────────────────────────────
def stage_profile(folder: Path, out: Path) -> tuple[list[tuple[str, float, int]], int, dict]:
    import reconcile.link as link_pkg
    from reconcile.batch import few_collections
    from reconcile.cli import _find_manual
    from reconcile.config import load_config
    from reconcile.pipeline import Inputs, Timings, run
    from reconcile.report.jsonout import write_json
    from reconcile.report.xlsx import write_xlsx

    sampler = PeakSampler()
    stages: dict[str, list[float]] = {}
    peaks: dict[str, int] = {}

    @contextmanager
    def measure(name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            stages.setdefault(name, []).append(time.perf_counter() - t0)
            peaks[name] = max(peaks.get(name, 0), sampler.peak)

    def timed(name: str, fn):
        def wrapper(*a, **kw):
            with measure(name):
                return fn(*a, **kw)
        return wrapper

    patches = {
        (link_pkg, "candidate_pairs"): "candidate pairs",
        (link_pkg, "compare"): "compare",
        (link_pkg, "score"): "classify",
        (link_pkg, "assign_one_to_one"): "classify",
    }
    saved = {k: getattr(*k) for k in patches}
    for (mod, attr), name in patches.items():
        setattr(mod, attr, timed(name, getattr(mod, attr)))
    # every stage's work in this process (what a forked helper does would not be timed here)
    serial_before = os.environ.get("RECONCILE_SERIAL")
    os.environ["RECONCILE_SERIAL"] = "1"
    try:
        files = inputs_of(folder)
        config = load_config(folder / "reconcile.toml")
        timings = Timings()
        last = {"stage": None}

        def on_stage(name: str) -> None:
            if last["stage"]:
                peaks[last["stage"]] = max(peaks.get(last["stage"], 0), sampler.peak)
            sampler.reset()
            last["stage"] = name

        sampler.reset()
        with few_collections():   # as `reconcile run` does
            manual = _find_manual(folder)   # as `reconcile run FOLDER` finds it
            result = run(config, Inputs(files["national"], files["provincial"], files["crawled"], manual=manual),
                         timings, on_stage)
            peaks[last["stage"]] = max(peaks.get(last["stage"], 0), sampler.peak)
            sampler.reset()
            with measure("write XLSX"):
                write_xlsx(result, out / "p.xlsx")
            sampler.reset()
            with measure("write JSON"):
                write_json(result, out / "p.json")
    finally:
        for (mod, attr), fn in saved.items():
            setattr(mod, attr, fn)
        sampler.stop()
        if serial_before is None:
            os.environ.pop("RECONCILE_SERIAL")
        else:
            os.environ["RECONCILE_SERIAL"] = serial_before
    link_parts = sum(sum(stages.get(k, [0])) for k in ("candidate pairs", "compare", "classify"))
    rows = [("read", timings.stages.get("read", 0.0), peaks.get("read", 0)),
            ("normalise", timings.stages.get("normalise", 0.0), peaks.get("normalise", 0))]
    for name in ("candidate pairs", "compare", "classify"):
        rows.append((name, sum(stages.get(name, [0.0])), peaks.get("link", 0)))
    rows.append(("link (other)", max(0.0, timings.stages.get("link", 0.0) - link_parts), peaks.get("link", 0)))
    rows.append(("checks", timings.stages.get("checks", 0.0), peaks.get("checks", 0)))
    for name in ("write XLSX", "write JSON"):
        rows.append((name, sum(stages.get(name, [0.0])), peaks.get(name, 0)))
    result_json = json.loads((out / "p.json").read_text(encoding="utf-8"))
    return rows, timings.candidate_pairs, result_json


# ── baseline: recordlinkage as its documentation teaches ───────────────────────────
def _careful(s):
    """A careful user's normalisation with pandas string methods (NFKC, no spaces)."""
    return (s.fillna("").astype(str).map(lambda t: unicodedata.normalize("NFKC", t))
            .str.replace(r"\s+", "", regex=True).str.lower())


def baseline(folder: Path, max_pairs: int = 30_000_000) -> dict:
    """national ↔ crawled with recordlinkage: block on platform (the tutorial's way); when that
    would exceed ``max_pairs``, sorted neighbourhood on the name within platform instead."""
    import recordlinkage

    from reconcile.sources import load_source

    files = inputs_of(folder)
    t0 = time.perf_counter()
    n = load_source(files["national"], "national").frame
    c = load_source(files["crawled"], "crawled").frame
    for df in (n, c):
        df["platform"] = _careful(df["platform"]).replace({"公众号": "微信公众号", "微信订阅号": "微信公众号",
                                                           "微信服务号": "微信公众号", "新浪微博": "微博",
                                                           "抖音短视频": "抖音", "快手短视频": "快手"})
        df["name"] = _careful(df["name"])
        df["owner"] = _careful(df["owner"])
        df["account_id"] = _careful(df["account_id"])
    sizes = n.groupby("platform").size().mul(c.groupby("platform").size(), fill_value=0)
    block_pairs = int(sizes.sum())
    indexer = recordlinkage.Index()
    if block_pairs <= max_pairs:
        method = "block(platform)"
        indexer.block("platform")
    else:
        method = f"sortedneighbourhood(name, block_on=platform, window=9) [block(platform) needs {block_pairs:,} pairs]"
        indexer.sortedneighbourhood("name", block_on="platform", window=9)
    pairs = indexer.index(n, c)
    cmp = recordlinkage.Compare()
    cmp.string("name", "name", method="jarowinkler", threshold=0.85, label="name")
    cmp.string("owner", "owner", method="jarowinkler", threshold=0.85, label="owner")
    cmp.exact("account_id", "account_id", label="id")
    feats = cmp.compute(pairs, n, c)
    matches = feats[feats.sum(axis=1) >= 2].index
    wall = time.perf_counter() - t0
    got = {(int(n["row"].iloc[i]), int(c["row"].iloc[j])) for i, j in matches}
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    true = {(a["national_row"], a["crawled_row"]) for a in truth["accounts"]
            if a.get("national_row") and a.get("crawled_row")}
    tp = len(got & true)
    p = tp / len(got) if got else 0.0
    r = tp / len(true) if true else 0.0
    return {"method": method, "pairs": len(pairs), "seconds": wall,
            "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def ours_nc(result_json: dict, truth: dict) -> dict:
    s = score(result_json, truth)["links"]["national-crawled"]
    return {"precision": s["precision"], "recall": s["recall"], "f1": s["f1"]}


# ── report ────────────────────────────────────────────────────────────────────
def mib(b: int) -> str:
    return f"{b / 2**20:,.0f} MiB"


def machine_speed() -> float:
    """Seconds this machine takes for ``sum(range(10**8))`` now (about 1.0 s when quiet): the
    factor to scale a wall time by, measured in the same sitting."""
    t0 = time.perf_counter()
    sum(range(10**8))
    return time.perf_counter() - t0


def bench_folder(label: str, folder: Path, repeat: int, with_baseline: bool, with_serial: bool = False,
                 walls_only: bool = False) -> None:
    speeds = [machine_speed()]   # before every run and after the last: the machine's speed drifts within minutes
    print(f"\n== {label}: {folder} == (sum(range(10**8)) {speeds[0]:.2f} s)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        runs, serial = [], []
        for _ in range(repeat):   # alternated, so both see the same machine
            runs.append(cli_run(folder, out))
            if with_serial:
                serial.append(cli_run(folder, out, serial=True))
            speeds.append(machine_speed())
        walls = [w for w, _ in runs]
        # each run scaled by the mean of the speeds measured just before and just after it
        scaled = [w / ((speeds[i] + speeds[i + 1]) / 2) for i, w in enumerate(walls)]
        print(f"reconcile run (fresh process, {repeat} runs): median {statistics.median(walls):.2f} s "
              f"(min {min(walls):.2f}, max {max(walls):.2f}); peak RSS {mib(max(m for _, m in runs))} (all processes)")
        if serial:
            s_walls = [w for w, _ in serial]
            print(f"  in one process (RECONCILE_SERIAL=1, as without fork), alternated with the above: median "
                  f"{statistics.median(s_walls):.2f} s (min {min(s_walls):.2f}, max {max(s_walls):.2f}); peak RSS "
                  f"{mib(max(m for _, m in serial))}; one process / forked = "
                  f"{statistics.median(s_walls) / statistics.median(walls):.2f}x")
        print(f"  scaled to a 1.0 s machine: median {statistics.median(scaled):.2f} s (each run by the speed measured "
              f"around it; speeds {', '.join(f'{v:.2f}' for v in speeds)} s)", flush=True)
        if walls_only:
            return
        rows, pairs, result_json = stage_profile(folder, out)
        print("stages, measured in one process (RECONCILE_SERIAL=1): the work each does")
        print(f"{'stage':<18}{'seconds':>10}{'peak RSS':>14}")
        for name, sec, peak in rows:
            print(f"{name:<18}{sec:>10.2f}{mib(peak):>14}")
        print(f"candidate pairs: {pairs:,}")
        truth_path = folder / "truth.json"
        if truth_path.exists():
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            s = score(result_json, truth)
            o = s["links"]["overall"]
            print(f"links: precision {o['precision']:.4f} recall {o['recall']:.4f} F1 {o['f1']:.4f}; "
                  f"findings F1 {s['findings']['overall']['f1']:.4f}")
            if with_baseline:
                mine_t0 = time.perf_counter()
                b = baseline(folder)
                ours = ours_nc(result_json, truth)
                pipeline = sum(sec for name, sec, _ in rows if not name.startswith("write"))
                print(f"baseline recordlinkage national↔crawled only: {b['method']}: {b['pairs']:,} pairs, "
                      f"{b['seconds']:.2f} s (read+normalise+index+compare), F1 {b['f1']:.4f} "
                      f"(P {b['precision']:.4f} R {b['recall']:.4f})")
                print(f"reconcile national↔crawled F1 {ours['f1']:.4f}; whole pipeline (3 inputs, 3 pairings, "
                      f"checks) {pipeline:.2f} s; baseline/reconcile time ratio {b['seconds'] / max(pipeline, 1e-9):.1f}x"
                      f" [baseline took {time.perf_counter() - mine_t0:.0f} s]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,50000", help="comma-separated account counts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--sample", action="store_true", help="only the shipped sample_data/")
    ap.add_argument("--folder", type=Path, action="append", help="benchmark these generated folders instead")
    ap.add_argument("--national-scale", action="store_true",
                    help="200k national + 200k provincial + 1M crawled rows")
    ap.add_argument("--serial", action="store_true",
                    help="also time every run in one process (RECONCILE_SERIAL=1, as where there is no fork), alternated")
    ap.add_argument("--walls-only", action="store_true",
                    help="only the end-to-end runs (no stage profile, no scoring: scoring national scale is slow)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.folder:
        for folder in args.folder:
            bench_folder(folder.name, folder, args.repeat, not args.no_baseline, args.serial, args.walls_only)
        return
    if args.sample:
        bench_folder("sample_data", ROOT / "sample_data", args.repeat, with_baseline=False, with_serial=args.serial,
                     walls_only=args.walls_only)
        return
    if args.national_scale:
        folder = dataset(200_000, args.seed, crawled_rows=1_000_000)
        bench_folder("national scale", folder, args.repeat, not args.no_baseline, args.serial)
        return
    bench_folder("sample_data", ROOT / "sample_data", args.repeat, with_baseline=False, with_serial=args.serial)
    for size in (int(s) for s in args.sizes.split(",")):
        bench_folder(f"{size:,} accounts", dataset(size, args.seed), args.repeat, not args.no_baseline, args.serial)


if __name__ == "__main__":
    main()
