"""Read the tables users really have: CSV (``;`` or ``,``; UTF-8, BOM or Windows-1252)
and XLSX (first sheet or a named one). Rows keep their line number in the file."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import fail

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Table:
    file: str
    headers: list[str]
    # (line number in the file, header = 1; cells by header)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


def read_table(path: Path, sheet: str | None = None, display_name: str | None = None) -> Table:
    name = display_name or path.name
    if not path.exists():
        raise fail(name, "fichier introuvable")
    if not path.is_file():
        raise fail(name, "ce chemin est un dossier, pas un fichier CSV ou XLSX")
    if path.stat().st_size > MAX_BYTES:
        raise fail(name, f"fichier trop gros (plus de {MAX_BYTES // 1024 // 1024} Mo)")
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(data, name, sheet)
    if data.startswith(b"PK\x03\x04"):
        raise fail(name, "ce fichier est un classeur Excel (XLSX) : renommez-le en .xlsx")
    return _read_csv(data, name)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise fail(name, "fichier binaire ou encodé en UTF-16 : enregistrez-le en CSV UTF-8 "
                         "ou en CSV (séparateur : point-virgule)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise fail(name, f"encodage illisible (ni UTF-8 ni Windows-1252, octet 0x{byte:02x})",
                   line=line) from None


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise fail(name, "fichier vide")
    if sum(1 for c in text[:4096] if not c.isprintable() and c not in "\r\n\t") > 8:
        raise fail(name, "fichier binaire : ce n'est pas un tableau CSV")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise fail(name, f"CSV mal formé : {exc}", line=reader.line_num) from None
    headers = [h.strip() for h in records[0]]
    table = Table(file=name, headers=headers, encoding=encoding, delimiter=delimiter)
    # Records may span lines (quoted line breaks): report the line each one starts on.
    physical = _record_lines(text, delimiter)
    for index, record in enumerate(records[1:], start=1):
        lineno = physical[index]
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(headers):
            raise fail(name, f"{len(record)} cellules pour {len(headers)} colonnes", line=lineno)
        cells = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(headers)}
        table.rows.append((lineno, cells))
    return table


def _record_lines(text: str, delimiter: str) -> list[int]:
    """Line number where each CSV record starts (records may span lines)."""
    starts = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


#: A sheet's XML, once unzipped, beyond which a workbook is refused (a « zip bomb » of a
#: few hundred kilobytes can unzip into gigabytes).
MAX_UNZIPPED = 64 * 1024 * 1024
MAX_ROWS = 200_000


def _check_zip(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise fail(name, "classeur XLSX illisible ou tronqué (BadZipFile)") from None
    if unzipped > MAX_UNZIPPED:
        raise fail(name, f"classeur trop gros une fois décompressé ({unzipped // 1024 // 1024} "
                         f"Mo, au plus {MAX_UNZIPPED // 1024 // 1024} Mo) : découpez-le")


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    _check_zip(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise fail(name, f"classeur XLSX illisible ou tronqué ({type(exc).__name__})") from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise fail(name, f"feuille « {sheet} » absente ; feuilles : "
                                 + ", ".join(workbook.sheetnames))
            ws = workbook[sheet]
        else:
            # The help sheet Maillage writes beside a template is not data.
            filled = [ws for ws in workbook.worksheets if ws.max_row and ws.max_row > 1
                      and not _is_help(ws)]
            if len(filled) > 1:
                raise fail(name, "le classeur contient plusieurs feuilles remplies ("
                                 + ", ".join(ws.title for ws in filled)
                                 + ") : choisissez-en une avec --sheet")
            ws = filled[0] if filled else workbook.worksheets[0]
        rows = []
        for values in ws.iter_rows(values_only=True):
            rows.append(values)
            if len(rows) > MAX_ROWS + 1:
                raise fail(name, f"plus de {MAX_ROWS:,} lignes : découpez le classeur"
                           .replace(",", "\u202f"))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise fail(name, f"classeur XLSX illisible ou tronqué ({type(exc).__name__})") from None
    finally:
        workbook.close()
    if not rows or not any(rows[0]):
        raise fail(name, "feuille vide")
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    table = Table(file=f"{name}, feuille « {ws.title} »", headers=headers, encoding="xlsx",
                  delimiter="")
    for lineno, values in enumerate(rows[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(headers, values, strict=False)}
        if any(cells.values()):
            table.rows.append((lineno, cells))
    return table


#: Headers of the help sheet of a template (``maillage template``).
HELP_HEADERS = ("colonne", "obligatoire", "contenu", "exemple")


def _is_help(ws: Any) -> bool:
    first = next(ws.iter_rows(max_row=1, values_only=True), ())
    return tuple(str(v).strip().lower() for v in first if v is not None) == HELP_HEADERS


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
