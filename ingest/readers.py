"""Read the tables users really have: CSV (``;`` or ``,``; UTF-8, BOM or Windows-1252)
and XLSX (first sheet or a named one). Rows keep their line number in the file."""

from __future__ import annotations

import csv
import io
import re
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


#: A valid UTF-8 multi-byte sequence: a file holding one is UTF-8, whatever else it holds.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: Windows-1252 and Latin-9 differ on eight bytes; between two letters, the Latin-9
#: reading (œ, Œ, š, ž…) is the one that makes a word (« S½ur » is « Sœur »).
_LATIN9_IN_WORD = re.compile(r"[^\W\d_][¤¦¨´¸¼½¾][^\W\d_]|^[¦¨´¸¼½¾][^\W\d_]", re.MULTILINE)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a file in one encoding for the whole file: UTF-8 (with or without BOM),
    else Windows-1252 or Latin-9; a UTF-8 file with a byte of another encoding is refused
    (decoding it either way would damage some of its text)."""
    head = data[:4096]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") > len(head) // 10:
        raise fail(name, "fichier binaire ou encodé en UTF-16 : enregistrez-le en CSV UTF-8 "
                         "ou en CSV (séparateur : point-virgule)")
    if sum(1 for b in head if b < 0x20 and b not in (9, 10, 13)) > 8:
        raise fail(name, "fichier binaire : ce n'est pas un tableau CSV")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data):
            line = data[:exc.start].count(b"\n") + 1
            raise fail(name, "encodages mélangés : le fichier est en UTF-8 mais contient "
                             f"l'octet 0x{data[exc.start]:02x} d'un autre encodage "
                             "(Windows-1252 ?) ; corrigez la ligne ou réenregistrez le "
                             "fichier en UTF-8", line=line) from None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise fail(name, f"encodage illisible (ni UTF-8 ni Windows-1252, octet 0x{byte:02x})",
                   line=line) from None
    if _LATIN9_IN_WORD.search(text):
        return data.decode("iso8859_15"), "iso-8859-15"
    return text, "windows-1252"


#: A cell that spans lines and holds this many separators swallowed the next rows: its
#: opening quote was never closed where it should have been.
_SWALLOWED = 4


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise fail(name, "fichier vide")
    if sum(1 for c in text[:4096] if not c.isprintable() and c not in "\r\n\t") > 8:
        raise fail(name, "fichier binaire : ce n'est pas un tableau CSV")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # ties: the comma
    # strict: an opening quote never closed, or text after a closing one, is an error,
    # not a cell that silently swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    physical: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = ("guillemet ouvert jamais fermé : la cellule court jusqu'à la fin du "
                      "fichier" if "end of data" in str(exc) else
                      f"guillemet mal placé (texte après un guillemet fermant : {exc})")
            raise fail(name, f"CSV mal formé, {reason}", line=start) from None
        records.append(record)
        physical.append(start)
    headers = [h.strip() for h in records[0]]
    table = Table(file=name, headers=headers, encoding=encoding, delimiter=delimiter)
    for record, lineno in zip(records[1:], physical[1:], strict=True):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(headers):
            raise fail(name, f"{len(record)} cellules pour {len(headers)} colonnes", line=lineno)
        for index, cell in enumerate(record):
            if "\n" in cell and cell.count(delimiter) >= _SWALLOWED:
                column = headers[index] if index < len(headers) else str(index + 1)
                raise fail(name, "guillemet non fermé à sa place : la cellule englobe les "
                                 "lignes suivantes ; fermez le guillemet ou retirez-le",
                           line=lineno, column=column)
        cells = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(headers)}
        table.rows.append((lineno, cells))
    return table


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
