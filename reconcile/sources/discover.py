"""Find the three inputs in a folder by their file names."""

from __future__ import annotations

from pathlib import Path

from reconcile.errors import InputError
from reconcile.schema import SOURCE_LABELS, SOURCES

INPUT_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".jsonl", ".json")

# file-name stem prefixes (lower-cased) that name each source
STEM_PREFIXES: dict[str, tuple[str, ...]] = {
    "national": ("national", "全国"),
    "provincial": ("provincial", "省"),
    "crawled": ("crawled", "采集", "爬取"),
}
_OPTIONS = {"national": "--national", "provincial": "--provincial", "crawled": "--crawled"}
_MAX_LISTED = 30


def classify(path: Path) -> str | None:
    """The source a file name announces, or None (lock files, our reports, other files)."""
    name = path.name
    lower = name.lower()
    if name.startswith(("~$", ".")) or "report" in lower or "报告" in name:
        return None
    if path.suffix.lower() not in INPUT_EXTENSIONS:
        return None
    stem = path.stem.lower()
    for source, prefixes in STEM_PREFIXES.items():
        if stem.startswith(prefixes):
            return source
    return None


def discover_inputs(folder: Path) -> dict[str, Path | tuple[Path, ...]]:
    """{"national": Path, "provincial": Path, "crawled": Path} found in ``folder``.

    Every ``crawled*`` file is a crawled list (one per platform is usual): "crawled" is then a
    tuple of paths in name order. MediaCrawler content files (``*contents*``) beside a creators
    file are read with it (see sources.formats); alone, they are the list.

    Raises InputError naming the folder, what was looked for and the files present when a
    source is missing, or listing the candidates when a registry has several."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError("找不到输入文件夹", detail="folder not found", path=folder)
    if not folder.is_dir():
        raise InputError("输入路径不是文件夹", detail="not a directory", path=folder)
    try:
        files = sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.name)
    except OSError as exc:
        raise InputError("无法读取输入文件夹", detail=str(exc), path=folder) from exc

    found: dict[str, list[Path]] = {s: [] for s in SOURCES}
    # content files are read with their creators file; without one (MediaCrawler since 2026-07)
    # they are the crawled list themselves
    creators = any(classify(p) == "crawled" and "creator" in p.stem.lower() for p in files)
    for p in files:
        source = classify(p)
        if source == "crawled" and creators and "contents" in p.stem.lower():
            continue
        if source is not None:
            found[source].append(p)

    problems: list[str] = []
    missing = [s for s in SOURCES if not found[s]]
    for s in missing:
        prefixes = " 或 ".join(STEM_PREFIXES[s])
        problems.append(f"找不到{SOURCE_LABELS[s]}文件（文件名应以 {prefixes} 开头）")
    for s in ("national", "provincial"):
        if len(found[s]) > 1:
            names = "、".join(p.name for p in found[s])
            problems.append(f"有多个{SOURCE_LABELS[s]}文件：{names}，请用 {_OPTIONS[s]} 指定要使用的一个")
    if problems:
        msg = "；".join(problems)
        if missing:
            present = [p.name for p in files if not p.name.startswith(".")]
            shown = "、".join(present[:_MAX_LISTED]) + ("…" if len(present) > _MAX_LISTED else "")
            msg += f"。支持的扩展名：{' '.join(INPUT_EXTENSIONS)}。文件夹中的文件：{shown or '（无）'}"
        raise InputError(msg, detail=f"inputs not found unambiguously in {folder}", path=folder)
    out: dict[str, Path | tuple[Path, ...]] = {s: found[s][0] for s in SOURCES}
    if len(found["crawled"]) > 1:
        out["crawled"] = tuple(found["crawled"])
    return out
