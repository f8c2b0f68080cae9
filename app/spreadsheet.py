"""CSV for spreadsheets: cells that cannot run as formulas, rows written as they are read."""
import csv
import io
from collections.abc import Iterable, Iterator


def safe_cell(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_rows(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text, one row at a time, so a long export never sits in memory whole.

    Text cells are made safe; numbers, dates and amounts are written as they are.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) if isinstance(cell, str) else cell for cell in row])
        if out.tell() > 8192:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
