"""Ingest errors: French, and always naming file, line and column."""

from __future__ import annotations

from pydantic import BaseModel


class RowError(BaseModel):
    file: str
    line: int | None = None
    column: str | None = None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.reason}"


class IngestError(Exception):
    """The file cannot be imported; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def fail(file: str, reason: str, line: int | None = None, column: str | None = None) -> IngestError:
    return IngestError([RowError(file=file, line=line, column=column, reason=reason)])
