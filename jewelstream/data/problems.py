"""A problem found in an import file, and the Russian + English report of them all.

Errors stop the import (nothing changes); warnings only say what was kept as it was
(a stone the vocabulary does not know stays as its text).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    row: int                    # line number in the file (the header is line 1); 0: the whole file
    column: str | None          # the header as written in the file
    russian: str
    english: str
    error: bool = True

    def lines(self) -> tuple[str, str]:
        where_ru = f"строка {self.row}" if self.row else "файл"
        where_en = f"row {self.row}" if self.row else "file"
        if self.column:
            where_ru += f", столбец «{self.column}»"
            where_en += f", column \"{self.column}\""
        kind_ru, kind_en = ("ошибка", "error") if self.error else ("предупреждение", "warning")
        return f"  {where_ru}: {kind_ru}: {self.russian}", f"  {where_en}: {kind_en}: {self.english}"


def report(title_ru: str, title_en: str, rows: int, problems: list[Problem],
           outcome_ru: str, outcome_en: str) -> str:
    """The whole report: a summary in both languages, every problem (Russian line, English
    line) in file order, then what happened."""
    errors = sum(p.error for p in problems)
    warnings = len(problems) - errors
    lines = [f"{title_ru}: строк {rows}, ошибок {errors}, предупреждений {warnings}.",
             f"{title_en}: {rows} rows, {errors} errors, {warnings} warnings."]
    for problem in sorted(problems, key=lambda p: (p.row, not p.error)):
        lines.extend(problem.lines())
    lines += [outcome_ru, outcome_en]
    return "\n".join(lines)
