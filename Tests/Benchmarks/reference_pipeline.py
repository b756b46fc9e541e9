#!/usr/bin/env python3
"""The reference pipeline portreport is measured against: what a user would otherwise write.

json.load per file, executemany into SQLite, the analysis in SQL, and a Jinja2 HTML page. It
does the same work as portreport the simple way, with no error reporting worth the name.

    reference_pipeline.py load DIR DB          import every page under DIR (dated folders)
    reference_pipeline.py load-dirs DB DIR...  the same for several folders
    reference_pipeline.py report DB OUT.html rank, compare hosts with containers, trends
"""
import json
import os
import re
import sqlite3
import sys

import jinja2

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY, category TEXT, captured_at TEXT, total_num INTEGER,
                                     UNIQUE (category, captured_at));
CREATE TABLE IF NOT EXISTS record (snapshot_id INTEGER, port INTEGER, type TEXT, num INTEGER, status TEXT,
                                   PRIMARY KEY (snapshot_id, port, type)) WITHOUT ROWID;
"""


def load(directories, database):
    db = sqlite3.connect(database)
    db.executescript(SCHEMA)
    snapshots = {}
    files = 0
    records = 0
    walk = [entry for directory in directories for entry in sorted(os.walk(directory))]
    for root, _, names in walk:
        for name in sorted(names):
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            day = re.search(r"\d{4}-\d{2}-\d{2}", path).group(0)
            category = "container" if "/container/" in path else "host"
            with open(path, encoding="utf-8") as handle:
                body = json.load(handle)
            key = (category, day + "T00:00:00Z")
            if key not in snapshots:
                db.execute("INSERT OR IGNORE INTO snapshot (category, captured_at, total_num) VALUES (?, ?, ?)",
                                    (key[0], key[1], body["total_num"]))
                snapshots[key] = db.execute("SELECT id FROM snapshot WHERE category = ? AND captured_at = ?", key).fetchone()[0]
            rows = [(snapshots[key], r["port"], r["type"].upper(), r["num"], r.get("status")) for r in body["data_list"]]
            db.executemany("INSERT OR IGNORE INTO record VALUES (?, ?, ?, ?, ?)", rows)
            files += 1
            records += len(rows)
    db.commit()
    db.close()
    print(f"{files} files, {records} records")


TEMPLATE = jinja2.Template("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Open ports</title></head><body>
<h1>Open ports</h1>
<table><tr><th>#</th><th>Port</th><th>Hosts</th><th>Containers</th><th>Total</th></tr>
{% for row in ranking %}<tr><td>{{ loop.index }}</td><td>{{ row.port }}/{{ row.type }}</td><td>{{ row.host }}</td><td>{{ row.container }}</td><td>{{ row.total }}</td></tr>
{% endfor %}</table>
{% for category, trend in trends.items() %}<h2>{{ category }}</h2><table>
{% for change in trend %}<tr><td>{{ change.port }}/{{ change.type }}</td><td>{{ change.before }}</td><td>{{ change.after }}</td></tr>{% endfor %}
</table>{% endfor %}
</body></html>""", autoescape=True)


def report(database, output):
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    latest = {}
    previous = {}
    for category in ("host", "container"):
        ids = [r[0] for r in db.execute("SELECT id FROM snapshot WHERE category = ? ORDER BY captured_at DESC LIMIT 2", (category,))]
        latest[category] = ids[0] if ids else -1
        previous[category] = ids[1] if len(ids) > 1 else -1
    ranking = db.execute("""
        SELECT port, type, SUM(CASE WHEN snapshot_id = :host THEN num ELSE 0 END) AS host,
               SUM(CASE WHEN snapshot_id = :container THEN num ELSE 0 END) AS container, SUM(num) AS total
        FROM record WHERE snapshot_id IN (:host, :container)
        GROUP BY port, type ORDER BY total DESC, port, type""", {"host": latest["host"], "container": latest["container"]}).fetchall()
    trends = {}
    for category in ("host", "container"):
        trends[category] = db.execute("""
            SELECT port, type, SUM(CASE WHEN snapshot_id = :before THEN num ELSE 0 END) AS before,
                   SUM(CASE WHEN snapshot_id = :after THEN num ELSE 0 END) AS after
            FROM record WHERE snapshot_id IN (:before, :after) GROUP BY port, type
            HAVING before != after ORDER BY ABS(after - before) DESC, port, type""",
                                      {"before": previous[category], "after": latest[category]}).fetchall()
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(TEMPLATE.render(ranking=ranking, trends=trends))
    print(f"{len(ranking)} ranking rows")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "load":
        load([sys.argv[2]], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "load-dirs":
        load(sys.argv[3:], sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
