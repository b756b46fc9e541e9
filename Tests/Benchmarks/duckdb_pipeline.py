#!/usr/bin/env python3
"""The second reference: what a data engineer would reach for. DuckDB's read_json reads the same
pages into a table (every core DuckDB sees), then the ranking and trends are SQL and the page is
the reference pipeline's Jinja2 template.

    duckdb_pipeline.py load-dirs DB DIR...   add every page under the DIRs (dated folders)
    duckdb_pipeline.py report DB OUT.html    rank, compare the two newest snapshots per category

Needs the PyPI package `duckdb` (installed softly by .ci/bootstrap); bench.py says "not
installed" in its column when it is missing.
"""
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_pipeline import TEMPLATE  # noqa: E402  (the same page, so only the engine differs)

COLUMNS = {"total_num": "BIGINT", "data_list": "STRUCT(port INTEGER, type VARCHAR, num BIGINT, status VARCHAR)[]"}

LOAD = """
INSERT INTO record
SELECT CASE WHEN contains(filename, '/container/') THEN 'container' ELSE 'host' END,
       regexp_extract(filename, '\\d{4}-\\d{2}-\\d{2}') || 'T00:00:00Z',
       r.port, upper(r.type), r.num, r.status
FROM (SELECT filename, unnest(data_list) AS r FROM read_json(?, filename = true, columns = ?))
"""


def load(database, directories):
    db = duckdb.connect(database)
    db.execute("CREATE TABLE IF NOT EXISTS record (category VARCHAR, captured_at VARCHAR, port INTEGER, "
               "type VARCHAR, num BIGINT, status VARCHAR)")
    db.execute(LOAD, [[f"{d}/**/*.json" for d in directories], COLUMNS])
    print(f"{db.execute('SELECT count(*) FROM record').fetchone()[0]} records")
    db.close()


def report(database, output):
    db = duckdb.connect(database, read_only=True)
    captures = {}
    for category in ("host", "container"):
        rows = db.execute("SELECT DISTINCT captured_at FROM record WHERE category = ? ORDER BY captured_at DESC LIMIT 2",
                          [category]).fetchall()
        captures[category] = [r[0] for r in rows] + [None, None]
    ranking = db.execute("""
        SELECT port, type, SUM(CASE WHEN category = 'host' THEN num ELSE 0 END) AS host,
               SUM(CASE WHEN category = 'container' THEN num ELSE 0 END) AS container, SUM(num) AS total
        FROM record WHERE (category = 'host' AND captured_at = ?) OR (category = 'container' AND captured_at = ?)
        GROUP BY port, type ORDER BY total DESC, port, type""", [captures["host"][0], captures["container"][0]]).fetchall()
    names = ("port", "type", "host", "container", "total")
    ranking = [dict(zip(names, row)) for row in ranking]
    trends = {}
    for category in ("host", "container"):
        after, before = captures[category][0], captures[category][1]
        rows = db.execute("""
            SELECT port, type, SUM(CASE WHEN captured_at = ? THEN num ELSE 0 END) AS before,
                   SUM(CASE WHEN captured_at = ? THEN num ELSE 0 END) AS after
            FROM record WHERE category = ? AND captured_at IN (?, ?) GROUP BY port, type
            HAVING before != after ORDER BY abs(after - before) DESC, port, type""",
                          [before, after, category, before, after]).fetchall()
        trends[category] = [dict(zip(("port", "type", "before", "after"), row)) for row in rows]
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(TEMPLATE.render(ranking=ranking, trends=trends))
    print(f"{len(ranking)} ranking rows")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "load-dirs":
        load(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
