"""Headers recognised by meaning (issue 13): wordings no alias list holds, stray escapes,
ambiguous headers. Every test writes its own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.sources import load_source
from reconcile.sources.aliases import normalize_header
from reconcile.sources.header import display
from tests.test_sources import write_csv


@pytest.mark.parametrize("raw, expected", [
    ("\x1b[31m账号名称\x1b[0m", "账号名称"),
    ("平\x00台", "平台"),
    ("\x1b]0;title\x07粉丝数", "粉丝数"),
    ("账号\n名称", "账号名称"),
])
def test_control_characters_and_terminal_escapes_are_ignored(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected
    assert "\x1b" not in display(raw) and "[31m" not in display(raw)


def test_crawl_header_with_a_terminal_escape_loads(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crawled.csv", [["\x1b[32m账号名称\x1b[0m", "平台", "账号ID"],
                                                ["平安咸宁", "微博", "123"]])
    rec = load_source(path, "crawled").frame.to_dict("records")[0]
    assert (rec["name"], rec["platform"], rec["account_id"]) == ("平安咸宁", "微博", "123")
