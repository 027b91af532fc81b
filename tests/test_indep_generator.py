"""The independent generator (bench/indep) writes consistent files and a truth that points at them."""

from __future__ import annotations

import csv
import json
import re

import openpyxl

from bench.indep import vocab
from bench.indep.generate import generate

_STRIP = re.compile(r"[\s\u3000（）()—－–\-]|官方微博|官博|微信公众号|公众号|微信|微博|抖音号|抖音|快手|头条号|视频号|小程序|百家号")


_BACK = {ord(v): k for k, v in vocab.TRADITIONAL.items()}
_BACK.update({c + 0xFEE0: c for c in range(0x21, 0x7F)})


def _norm(s) -> str:
    s = "" if s is None else str(s)
    s = s.translate(_BACK)
    return _STRIP.sub("", s)


def _related(cell, acc) -> bool:
    """The name cell shares at least half of the account's (or its crawl name's) characters."""
    got = set(_norm(cell))
    for want in (acc["name"], acc.get("crawl_name") or acc["name"]):
        w = set(_norm(want))
        if w and len(got & w) >= len(w) / 2:
            return True
    return False


def _sheet(path, name_headers):
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    hdr_i = next(i for i, r in enumerate(rows) if any(c in name_headers for c in r if c))
    col = next(j for j, c in enumerate(rows[hdr_i]) if c in name_headers)
    return {i + 1: r[col] for i, r in enumerate(rows) if i > hdr_i}


def test_generator_files_and_truth(tmp_path):
    for seed in (1, 2):
        out = tmp_path / str(seed)
        generate(out, 300, seed)
        for f in ("national.xlsx", "provincial.xlsx", "crawled.csv", "reconcile.toml", "truth.json"):
            assert (out / f).exists(), f
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
        assert "complete_platforms" in (out / "reconcile.toml").read_text(encoding="utf-8")
        names = {}
        names["national"] = _sheet(out / "national.xlsx", set(vocab.NAT_HEADERS["name"]))
        names["provincial"] = _sheet(out / "provincial.xlsx", set(vocab.PROV_HEADERS["name"]))
        with (out / "crawled.csv").open(encoding="utf-8-sig", newline="") as fh:
            crows = list(csv.reader(fh))
        col = crows[0].index("账号名称")
        names["crawled"] = {i + 1: r[col] for i, r in enumerate(crows) if i}
        existing = {(s, r) for s, d in names.items() for r in d}
        for acc in truth["accounts"]:
            for src in ("national", "provincial", "crawled"):
                row = acc.get(f"{src}_row")
                if row is not None:
                    assert row in names[src], (src, row)
                    assert _related(names[src][row], acc), (src, row, names[src][row], acc["name"])
        for f in truth["findings"]:
            assert f["records"], f
            for r in f["records"]:
                assert (r["source"], r["row"]) in existing, f
        assert truth["summary"]
        for s in truth["summary"]:
            assert s["failed"] <= s["checked"] <= s["total"]


def test_generator_is_deterministic(tmp_path):
    generate(tmp_path / "a", 200, 7)
    generate(tmp_path / "b", 200, 7)
    for f in ("truth.json", "crawled.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
