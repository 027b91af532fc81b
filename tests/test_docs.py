"""The docs keep up with the code, and the CLI has the manners of issue 7 item 5.

Commands and options are read from the typer app itself, settings from reconcile.config and
finding kinds from reconcile.schema, so a new command, option, setting or kind that is not
documented fails here.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from reconcile import __version__
from reconcile.cli import app
from reconcile.config import Config
from reconcile.schema import FINDING_KINDS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CJK = re.compile(r"[\u4e00-\u9fff]")
ANSI_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|38;[0-9;]+)m")


def _all_docs() -> str:
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))]
    return "\n".join(texts)


def _commands() -> dict[str, Any]:
    # typer >= 0.22 vendors click: duck-type the group and its options instead of isinstance.
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def _options(command: Any) -> list[str]:
    """The long form of every option (the short form when it has none), without --help."""
    out = []
    for param in command.params:
        if param.param_type_name != "option":
            continue
        names = [n for n in param.opts + param.secondary_opts if n not in ("--help", "-h")]
        longs = [n for n in names if n.startswith("--")]
        out.extend(longs or names)
    return out


def _global_options() -> list[str]:
    return _options(typer.main.get_command(app))


COMMANDS = sorted(_commands())


def test_the_app_has_the_core_commands() -> None:
    assert {"run", "review", "history", "init"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented(name: str) -> None:
    docs = _all_docs()
    assert re.search(rf"reconcile(?: --?[a-z-]+)* {re.escape(name)}\b", docs), \
        f"`reconcile {name}` is not shown in README.md or docs/*.md"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented(name: str) -> None:
    docs = _all_docs()
    missing = [opt for opt in _options(_commands()[name]) if not re.search(rf"{re.escape(opt)}(?![\w-])", docs)]
    assert not missing, f"options of `reconcile {name}` missing from the docs: {missing}"


def test_global_options_are_documented() -> None:
    docs = _all_docs()
    missing = [opt for opt in _global_options() if not re.search(rf"{re.escape(opt)}(?![\w-])", docs)]
    assert not missing, f"global options missing from the docs: {missing}"


def _setting_keys() -> list[str]:
    """Every reconcile.toml key, dotted as written in the file, from the Config dataclasses."""
    keys = []
    for f in dataclasses.fields(Config):
        if f.name == "source_path":
            continue
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            keys += [f"{f.name}.{sub.name}" for sub in dataclasses.fields(default)]
        else:
            keys.append(f.name)
    return keys


def _toplevel_keys() -> set[str]:
    """The ``known = {...}`` set of top-level keys in config_from_dict."""
    tree = ast.parse((ROOT / "reconcile" / "config.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "known" for t in node.targets):
            return {elt.value for elt in node.value.elts}  # type: ignore[attr-defined]
    raise AssertionError("config.py has no `known` set of top-level keys")


def test_every_setting_is_in_settings_md() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    keys = _setting_keys()
    assert {"checkpoint", "stale_days", "link.match_threshold"} <= set(keys)
    # A key is documented when the table names it with its section (`report.decimals`) or,
    # for top-level keys and sections, on its own (`checkpoint`, `columns.<source>...`).
    missing = [k for k in keys if not re.search(rf"`(?:[a-z_]+\.)?{re.escape(k)}[`.]", text)]
    missing += [k for k in _toplevel_keys() if not re.search(rf"`{re.escape(k)}[`.]", text)
                and not re.search(rf"^\[{re.escape(k)}[\].]", text, re.M)]
    assert not missing, f"settings missing from docs/settings.md: {missing}"


@pytest.mark.parametrize("doc", ["findings.md", "json-contract.md"])
def test_every_finding_kind_is_documented(doc: str) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    missing = [code for code in FINDING_KINDS if f"`{code}`" not in text]
    assert not missing, f"finding kinds missing from docs/{doc}: {missing}"
    if doc == "findings.md":
        labels = [label for label in FINDING_KINDS.values() if label not in text]
        assert not labels, f"finding labels missing from docs/findings.md: {labels}"


def test_json_contract_names_every_top_level_key(tmp_path: Path) -> None:
    import json

    out = tmp_path / "r.json"
    result = subprocess.run(
        [sys.executable, "-m", "reconcile", "run", str(ROOT / "sample_data"), "--out", str(tmp_path / "r.xlsx"),
         "--json", str(out), "--no-db", "--quiet"], capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    text = (DOCS / "json-contract.md").read_text(encoding="utf-8")
    keys = set(doc) | {f"run.{k}" for k in doc["run"]}
    keys |= {f"findings[].{k}" for f in doc["findings"] for k in f}
    keys |= {f"recheck[].{k}" for r in doc["recheck"] for k in r}
    def documented(key: str) -> bool:
        last = key.split(".")[-1]
        return any(form in text for form in (f"`{key}`", f"`{last}`", f'"{last}"'))

    missing = sorted(k for k in keys if not documented(k))
    assert not missing, f"JSON keys missing from docs/json-contract.md: {missing}"


def test_guide_images_exist_and_are_small() -> None:
    guide = (DOCS / "使用指南.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", guide)
    assert 1 <= len(images) <= 6
    for rel in images:
        path = DOCS / rel
        assert path.exists(), rel
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", rel
        assert path.stat().st_size <= 150_000, rel


# ---- CLI manners -------------------------------------------------------------------------

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"reconcile {__version__}"


@pytest.mark.parametrize("name", COMMANDS)
def test_help_is_chinese_with_english_option_names(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = _commands()[name]
    assert CJK.search(command.help or ""), f"`reconcile {name}` has no Chinese help"
    for param in command.params:
        if param.name == "help":
            continue
        helptext = getattr(param, "help", None) or ""  # arguments and options alike
        assert CJK.search(helptext), f"`reconcile {name}` {param.name}: help not in Chinese"
        assert re.search(r"\([A-Za-z][^)]*\)", helptext), f"`reconcile {name}` {param.name}: no (English) part"


def _run_sample(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "reconcile", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=120, cwd=tmp_path)


def test_no_colour_when_not_a_terminal_or_no_color(tmp_path: Path) -> None:
    base = ["run", str(ROOT / "sample_data"), "--out", str(tmp_path / "r.xlsx"), "--no-db"]
    plain = _run_sample(tmp_path, *base)
    assert plain.returncode in (0, 1), plain.stderr
    assert "\x1b[" not in plain.stdout + plain.stderr  # not a terminal: no escapes at all
    forced = _run_sample(tmp_path, *base, env={"FORCE_COLOR": "1"})
    assert ANSI_COLOUR.search(forced.stdout + forced.stderr)  # a terminal gets colours (the spinner) ...
    no_color = _run_sample(tmp_path, *base, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert no_color.returncode == forced.returncode
    assert not ANSI_COLOUR.search(no_color.stdout + no_color.stderr)  # ... unless NO_COLOR is set


@pytest.mark.parametrize("where", ["command", "global"])
def test_quiet_prints_nothing_but_still_writes(tmp_path: Path, where: str) -> None:
    out = tmp_path / "r.xlsx"
    args = ["run", str(ROOT / "sample_data"), "--out", str(out), "--no-db"]
    args = [*args, "--quiet"] if where == "command" else ["--quiet", *args]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # the sample has findings
    assert result.output == ""
    assert out.exists()
    loud = runner.invoke(app, ["init", str(tmp_path / "q1")])
    quiet = runner.invoke(app, ["-q", "init", str(tmp_path / "q2")])
    assert loud.output.count("已创建") == 2 and quiet.output == ""
    assert (tmp_path / "q2" / "reconcile.toml").exists()
    again = runner.invoke(app, ["init", str(tmp_path / "q3")])  # --quiet does not stick to later commands
    assert again.output.count("已创建") == 2


def test_quiet_still_shows_errors(tmp_path: Path) -> None:
    result = _run_sample(tmp_path, "--quiet", "run", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "找不到输入文件夹" in result.stderr


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    for args in (["run", "missing"], ["run", "--no-such-option"]):
        plain = _run_sample(tmp_path, *args)
        assert plain.returncode == 2, args
        assert "Traceback" not in plain.stderr and "程序内部错误" not in plain.stderr, plain.stderr
    assert len(_run_sample(tmp_path, "run", "missing").stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["run", "missing", "--debug"], ["--debug", "run", "missing"]])
def test_debug_shows_the_traceback(tmp_path: Path, args: list[str]) -> None:
    debug = _run_sample(tmp_path, *args)
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr and "ConfigError" in debug.stderr


def test_piped_output_does_not_break_paths(tmp_path: Path) -> None:
    folder = tmp_path / ("很长的季度文件夹名称" * 6) / "2023Q1"
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"已创建：{folder / 'reconcile.toml'}\n" in result.output
