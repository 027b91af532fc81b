"""One error base, caught once by the CLI.

Every message a user sees is Chinese first; ``detail`` carries an English (or technical)
explanation. ``location`` names the file, row and column where that is known.
"""

from __future__ import annotations

from pathlib import Path


class ReconcileError(Exception):
    """Base class: an error the user can fix. The CLI prints ``str(err)`` and exits."""

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        detail: str | None = None,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column

    @property
    def location(self) -> str:
        parts = []
        if self.path:
            parts.append(f"文件 {self.path}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列“{self.column}”")
        return "，".join(parts)

    def __str__(self) -> str:
        loc = self.location
        text = f"{loc}：{self.message}" if loc else self.message
        if self.detail:
            text += f" ({self.detail})"
        return text


class InputError(ReconcileError):
    """An input file cannot be read or lacks what we need (exit 2)."""


class ConfigError(ReconcileError):
    """reconcile.toml or a command-line option is wrong (exit 2)."""


class OutputError(ReconcileError):
    """A report cannot be written (exit 2)."""
