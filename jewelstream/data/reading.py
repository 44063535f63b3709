"""Read an import file into rows: CSV with a header row, or JSON lines.

Encoding: UTF-8 (with or without a byte-order mark) or Windows-1251, the encoding Russian
spreadsheet exports often use; `encoding` forces one. A file that is almost all valid
UTF-8 but has some broken bytes is read as UTF-8 and each broken line is reported (read as
Windows-1251 it would turn into mojibake without a word of warning). Separator: whichever
of `;`, `,` and tab the header line has most of. JSON lines: one object per line, chosen
by a `.jsonl`/`.json` name or a first character `{`.

Left out: Excel files (save as CSV), fixed-width text, a header row below the first line.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from jewelstream.data.problems import Problem

REPLACEMENT = "\ufffd"


@dataclass
class ImportFile:
    encoding: str
    headers: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)   # (line number, header -> value)
    count: int = 0                                               # data rows, readable or not
    problems: list[Problem] = field(default_factory=list)


def read_file(path: str, encoding: str | None = None) -> ImportFile:
    with open(path, "rb") as file:
        data = file.read()
    text, encoding = decode(data, encoding)
    lines_in_error = {n for n, line in enumerate(text.splitlines(), 1) if REPLACEMENT in line}
    is_json = path.lower().endswith((".jsonl", ".json")) or text.lstrip().startswith("{")
    parsed = _json_lines(text, encoding) if is_json else _csv(text, encoding)
    for line in sorted(lines_in_error):
        parsed.problems.append(Problem(
            line, None, f"байты не в кодировке {encoding} (файл повреждён или сохранён в другой кодировке)",
            f"bytes that are not {encoding} (a broken file, or saved in another encoding)"))
    return parsed


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read in; undecodable bytes become U+FFFD."""
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8"
    as_utf8 = data.decode("utf-8", errors="replace")
    broken = as_utf8.count(REPLACEMENT)
    if not broken:
        return as_utf8, "UTF-8"
    # Windows-1251 text is almost never valid UTF-8: its Cyrillic bytes do not pair up. If
    # most non-ASCII characters did decode as UTF-8, it is UTF-8 with a few broken bytes.
    decoded = sum(1 for char in as_utf8 if ord(char) > 127) - broken
    if decoded > broken:
        return as_utf8, "UTF-8"
    return data.decode("cp1251", errors="replace"), "Windows-1251"


def _csv(text: str, encoding: str) -> ImportFile:
    first = text.split("\n", 1)[0]
    separator = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    headers = [h.strip() for h in next(reader, [])]
    parsed = ImportFile(encoding, headers)
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue                                  # blank lines between rows
        line = reader.line_num
        parsed.count += 1
        if len(cells) > len(headers):
            parsed.problems.append(Problem(
                line, None, f"ячеек больше, чем столбцов в заголовке ({len(cells)} > {len(headers)})",
                f"more cells than header columns ({len(cells)} > {len(headers)})"))
            continue
        parsed.rows.append((line, dict(zip(headers, (c.strip() for c in cells)))))
    return parsed


def _json_lines(text: str, encoding: str) -> ImportFile:
    parsed = ImportFile(encoding, [])
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        parsed.count += 1
        try:
            row = json.loads(raw)
        except json.JSONDecodeError:
            row = None
        if not isinstance(row, dict):
            parsed.problems.append(Problem(line, None, "строка не является объектом JSON",
                                           "the line is not a JSON object"))
            continue
        parsed.headers += [key for key in row if key not in parsed.headers]
        parsed.rows.append((line, row))
    return parsed
