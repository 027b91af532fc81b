"""The history of quarterly runs and review decisions: one SQLite file (stdlib sqlite3).

Tables: ``runs`` (quarter, checkpoint, settings, version, started/finished, which later run
superseded it), ``run_inputs`` (files with sha256), ``findings`` (with the stable account key
each rests on), ``summaries`` (附件1 rows), ``links``, ``recheck`` (复查 items) and ``decisions``
(review decisions keyed on the pair of records, see ``reconcile.review``).

Schema changes are numbered migrations (``MIGRATIONS``), each recorded in ``schema_migrations``
when applied. Every write happens in one transaction: a run interrupted by Ctrl-C or ``kill -9``
leaves the database as it was (SQLite rolls the hot journal back on the next open).
Reading never creates or changes the file (it is opened read-only), so a run that fails on bad
input leaves the database byte-for-byte untouched.

Test hook: when the environment variable ``RECONCILE_TEST_TX_SLEEP`` holds a number of seconds,
``record_run`` prints ``RECONCILE_TEST_IN_TX`` to stderr and sleeps that long inside its open
transaction, so a test can kill the process at a known point. Never set it in production.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconcile.errors import ConfigError, OutputError
from reconcile.result import Result

DB_FILENAME = "reconcile.db"
TEST_SLEEP_ENV = "RECONCILE_TEST_TX_SLEEP"
TEST_MARKER = "RECONCILE_TEST_IN_TX"

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "runs, findings, links, summaries, recheck and review decisions", """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    quarter TEXT NOT NULL,
    checkpoint TEXT NOT NULL,
    scope TEXT NOT NULL,            -- JSON list
    settings TEXT NOT NULL,         -- JSON object
    version TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    report_path TEXT,
    superseded_by INTEGER REFERENCES runs(id)
);
CREATE INDEX runs_quarter ON runs(quarter, superseded_by);
CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, rows INTEGER NOT NULL
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL, fails INTEGER NOT NULL,
    platform TEXT, name TEXT, owner TEXT, region TEXT, detail TEXT, field TEXT,
    account_key TEXT,               -- stable identity of the account (see pipeline.account_keys)
    records TEXT NOT NULL,          -- JSON [{"source":…, "row":…}]
    confidence REAL
);
CREATE INDEX findings_run ON findings(run_id);
CREATE TABLE summaries (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL, region TEXT NOT NULL,
    total INTEGER, checked INTEGER, failed INTEGER, pass_rate REAL, is_total INTEGER NOT NULL
);
CREATE TABLE links (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    key TEXT, national_row INTEGER, provincial_row INTEGER, crawled_row INTEGER,
    score REAL, status TEXT, platform TEXT, name TEXT
);
CREATE INDEX links_run ON links(run_id);
CREATE TABLE recheck (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    status TEXT NOT NULL, kind TEXT NOT NULL, platform TEXT, name TEXT, region TEXT,
    previous_quarter TEXT, detail TEXT
);
CREATE TABLE decisions (
    pair_key TEXT PRIMARY KEY,      -- the 核实键 of the 待人工核实 sheet
    decision TEXT NOT NULL CHECK (decision IN ('same', 'different')),
    decided_at TEXT NOT NULL,
    report TEXT,                    -- the report file the decision was read from
    sheet_row INTEGER
);
"""),
)
LATEST = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class StoredFinding:
    kind: str
    fails: bool
    platform: str | None
    name: str | None
    owner: str | None
    region: str | None
    detail: str | None
    field: str | None
    account_key: str | None


@dataclass(frozen=True)
class PreviousRun:
    run_id: int
    quarter: str
    findings: tuple[StoredFinding, ...]


@dataclass(frozen=True)
class Decision:
    pair_key: str
    decision: str        # same | different
    report: str | None = None
    sheet_row: int | None = None


@dataclass(frozen=True)
class RunRow:
    id: int
    quarter: str
    checkpoint: str
    finished: str
    findings: int
    failing: int
    superseded_by: int | None
    report_path: str | None


def default_db_path(quarter_folder: Path) -> Path:
    """``reconcile.db`` in the quarter folder's parent, so the quarters share one history."""
    return Path(quarter_folder).resolve().parent / DB_FILENAME


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _db_error(path: Path, exc: BaseException) -> OutputError:
    return OutputError(f"历史库 {path} 无法读写（文件损坏、被占用或不是 reconcile 历史库？）",
                       detail=f"{type(exc).__name__}: {exc}")


def _applied(con: sqlite3.Connection) -> set[int]:
    has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if not has:
        return set()
    return {r[0] for r in con.execute("SELECT version FROM schema_migrations")}


def migrate(con: sqlite3.Connection) -> list[int]:
    """Apply the migrations not yet recorded (inside the caller's transaction); return them."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    done = _applied(con)
    if done and max(done) > LATEST:
        raise ConfigError("历史库由更新版本的 reconcile 创建，请升级后再用",
                          detail="database schema is newer than this program")
    applied = []
    for number, name, sql in MIGRATIONS:
        if number in done:
            continue
        for statement in sql.split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, _now()))
        applied.append(number)
    return applied


@contextmanager
def _reader(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection, or None when the database does not exist yet."""
    path = Path(path)
    if not path.exists():
        yield None
        return
    try:
        if Path(f"{path}-journal").exists():
            # a run was killed mid-write: let SQLite roll its hot journal back (restores the last
            # committed state) before reading, as some builds refuse that on a read-only connection
            with closing(sqlite3.connect(path, timeout=30)) as fix:
                fix.execute("SELECT count(*) FROM sqlite_master").fetchone()
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _db_error(path, exc) from exc
    with closing(con):
        try:
            if _applied(con) and max(_applied(con)) > LATEST:
                raise ConfigError(f"历史库 {path} 由更新版本的 reconcile 创建，请升级后再用",
                                  detail="database schema is newer than this program")
            if not _applied(con):
                yield None
                return
            yield con
        except sqlite3.DatabaseError as exc:
            raise _db_error(path, exc) from exc


@contextmanager
def _writer(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE … COMMIT), migrations first; rolled back on any error,
    and a database file this transaction created is removed again."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"无法创建历史库 {path}：所在文件夹不存在")
    existed = path.exists()
    try:
        with _transaction(path) as con:
            yield con
    except BaseException:
        if not existed:
            for leftover in (path, path.with_name(path.name + "-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        raise


@contextmanager
def _transaction(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        con = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise _db_error(path, exc) from exc
    with closing(con):
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("BEGIN IMMEDIATE")
            try:
                migrate(con)
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise _db_error(path, exc) from exc


def _test_hook() -> None:
    seconds = os.environ.get(TEST_SLEEP_ENV)
    if seconds:
        print(TEST_MARKER, file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def record_run(path: Path, result: Result, finding_keys: Sequence[str | None] = (),
               report_path: Path | None = None, before_commit: Callable[[], None] | None = None) -> int:
    """Store a finished run in one transaction; earlier runs of the same quarter become superseded.

    ``finding_keys`` are the stable account keys of ``result.findings`` (same order).
    ``before_commit`` runs last inside the transaction: an error there (the report could not be
    written) rolls the run back. Returns the run id.
    """
    run = result.run
    keys = list(finding_keys) + [None] * (len(result.findings) - len(finding_keys))
    with _writer(path) as con:
        cur = con.execute(
            "INSERT INTO runs(quarter, checkpoint, scope, settings, version, started, finished, recorded_at,"
            " report_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run.quarter, run.checkpoint, json.dumps(list(run.scope), ensure_ascii=False),
             json.dumps(run.settings, ensure_ascii=False, default=str), run.version, run.started, run.finished,
             _now(), str(report_path) if report_path else None))
        run_id = int(cur.lastrowid)
        con.executemany("INSERT INTO run_inputs VALUES (?, ?, ?, ?, ?)",
                        [(run_id, i.source, str(i.path), i.sha256, int(i.rows)) for i in run.inputs])
        con.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, seq, f.kind, int(f.fails), f.platform, f.name, f.owner, f.region, f.detail, f.field, key,
              json.dumps([r.to_json() for r in f.records]), float(f.confidence))
             for seq, (f, key) in enumerate(zip(result.findings, keys, strict=True), 1)])
        rows = [(s, 0) for s in result.summary] + ([(result.totals, 1)] if result.totals is not None else [])
        con.executemany("INSERT INTO summaries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(run_id, seq, s.region, s.total, s.checked, s.failed, s.pass_rate, tot)
                         for seq, (s, tot) in enumerate(rows, 1)])
        con.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _link_rows(run_id, result))
        con.executemany("INSERT INTO recheck VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(run_id, r.status, r.kind, r.platform, r.name, r.region, r.previous_quarter, r.detail)
                         for r in result.recheck])
        con.execute("UPDATE runs SET superseded_by = ? WHERE quarter = ? AND id != ? AND superseded_by IS NULL",
                    (run_id, run.quarter, run_id))
        _test_hook()
        if before_commit is not None:
            before_commit()
    return run_id


def _link_rows(run_id: int, result: Result) -> Iterable[tuple[Any, ...]]:
    links = result.links
    if not len(links):
        return []
    cols = [_plain(links[c]) if c in links.columns else [None] * len(links)
            for c in ("key", "national_row", "provincial_row", "crawled_row", "score", "status", "platform", "name")]
    return [(run_id, *row) for row in zip(*cols, strict=True)]


def _plain(column: Any) -> list[Any]:
    """A pandas column as plain Python values for sqlite (NA/NaN -> None, numpy scalars -> Python)."""
    values = column.astype(object).where(column.notna(), None).tolist()
    return [v.item() if hasattr(v, "item") else v for v in values]


def previous_run(path: Path, quarter: str) -> PreviousRun | None:
    """The current (not superseded) run of the most recent quarter before ``quarter``."""
    with _reader(path) as con:
        if con is None:
            return None
        row = con.execute("SELECT id, quarter FROM runs WHERE superseded_by IS NULL AND quarter < ? "
                          "ORDER BY quarter DESC, id DESC LIMIT 1", (quarter,)).fetchone()
        if row is None:
            return None
        found = con.execute("SELECT kind, fails, platform, name, owner, region, detail, field, account_key "
                            "FROM findings WHERE run_id = ? ORDER BY seq", (row[0],)).fetchall()
    return PreviousRun(run_id=row[0], quarter=row[1],
                       findings=tuple(StoredFinding(r[0], bool(r[1]), *r[2:]) for r in found))


def load_decisions(path: Path) -> tuple[Decision, ...]:
    with _reader(path) as con:
        if con is None:
            return ()
        rows = con.execute("SELECT pair_key, decision, report, sheet_row FROM decisions ORDER BY pair_key")
        return tuple(Decision(*r) for r in rows)


def store_decisions(path: Path, decisions: Sequence[Decision]) -> tuple[int, int]:
    """Insert or replace decisions in one transaction; returns (new, changed)."""
    new = changed = 0
    with _writer(path) as con:
        for d in decisions:
            old = con.execute("SELECT decision FROM decisions WHERE pair_key = ?", (d.pair_key,)).fetchone()
            if old is None:
                new += 1
            elif old[0] != d.decision:
                changed += 1
            con.execute("INSERT INTO decisions(pair_key, decision, decided_at, report, sheet_row) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(pair_key) DO UPDATE SET decision = excluded.decision,"
                        " decided_at = excluded.decided_at, report = excluded.report, sheet_row = excluded.sheet_row",
                        (d.pair_key, d.decision, _now(), d.report, d.sheet_row))
    return new, changed


def list_runs(path: Path) -> tuple[RunRow, ...]:
    with _reader(path) as con:
        if con is None:
            return ()
        rows = con.execute(
            "SELECT r.id, r.quarter, r.checkpoint, r.finished, "
            " (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id),"
            " (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id AND f.fails = 1),"
            " r.superseded_by, r.report_path FROM runs r ORDER BY r.quarter, r.id").fetchall()
    return tuple(RunRow(*r) for r in rows)


def pass_rates(path: Path) -> tuple[list[str], dict[str, dict[str, float | None]]]:
    """Quarters (ascending) and, per region (总计 last), the 合格率 of each quarter's current run."""
    with _reader(path) as con:
        if con is None:
            return [], {}
        rows = con.execute(
            "SELECT r.quarter, s.region, s.pass_rate, s.is_total FROM summaries s JOIN runs r ON r.id = s.run_id "
            "WHERE r.superseded_by IS NULL ORDER BY r.quarter, s.is_total, s.seq").fetchall()
    quarters = sorted({r[0] for r in rows})
    table: dict[str, dict[str, float | None]] = {}
    totals: dict[str, float | None] = {}
    for quarter, region, rate, is_total in rows:
        if is_total:
            totals[quarter] = rate
        else:
            table.setdefault(region, {})[quarter] = rate
    if totals:
        table["总计"] = totals
    return quarters, table
