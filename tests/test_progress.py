"""Stage progress: every stage reports its steps to the end; bars appear only on a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from reconcile.checks import CHECKS
from reconcile.config import load_config
from reconcile.pipeline import Inputs, run

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def test_each_stage_steps_to_its_total() -> None:
    events: list[tuple] = []
    inputs = Inputs(SAMPLE / "national.xlsx", SAMPLE / "provincial.xlsx", SAMPLE / "crawled.csv")
    run(load_config(SAMPLE / "reconcile.toml"), inputs, on_stage=lambda name: events.append(("stage", name)),
        on_step=lambda done, total: events.append(("step", done, total)))
    stages = [e[1] for e in events if e[0] == "stage"]
    assert stages == ["read", "normalise", "link", "checks"]
    by_stage: dict[str, list[tuple[int, int]]] = {}
    current = None
    for e in events:
        if e[0] == "stage":
            current = e[1]
        else:
            by_stage.setdefault(current, []).append(e[1:])
    for name in stages:
        steps = by_stage[name]
        done = [d for d, _ in steps]
        assert done == sorted(done) and steps[-1][0] == steps[-1][1], (name, steps)
    assert by_stage["checks"][-1][1] == len(CHECKS)   # one step per finding kind


def test_bars_on_a_terminal_only(tmp_path: Path) -> None:
    """Under a pseudo-terminal the stage lines show their step counts; --quiet shows none."""
    def run_on_tty(*extra: str) -> str:
        leader, follower = pty.openpty()
        env = dict(os.environ, COLUMNS="100", TERM="xterm")
        proc = subprocess.Popen([sys.executable, "-m", "reconcile", "run", str(SAMPLE), "--out",
                                 str(tmp_path / "r.xlsx"), "--no-db", "--exit-zero", *extra],
                                stdout=subprocess.DEVNULL, stderr=follower, stdin=follower, env=env)
        os.close(follower)
        chunks = []
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                data = os.read(leader, 65536)
            except OSError:   # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
        os.close(leader)
        return b"".join(chunks).decode("utf-8", "replace")

    shown = run_on_tty()
    for label, steps in (("读取导出文件", "3/3"), ("关联同一账号", "3/3"), ("逐项核查", f"{len(CHECKS)}/{len(CHECKS)}")):
        line = [ln for ln in shown.replace("\r", "\n").splitlines() if label in ln]
        assert line and steps in line[-1], (label, line[-1:] if line else shown[-500:])
    assert "读取导出文件" not in run_on_tty("--quiet")
