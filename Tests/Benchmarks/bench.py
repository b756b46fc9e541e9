#!/usr/bin/env python3
"""portreport's benchmark: portreport beside a plain Python pipeline and SQLite's own floor,
measured in the same invocation on the same machine, so that the results are ratios.

    python3 Tests/Benchmarks/bench.py [--size small|month|year|all] [--runs N] [--write BENCHMARKS.md]

portreport and the reference run in turn (one, the other, one, ...) for each step, so that
drifting conditions on a shared machine affect both alike.

Workloads are daily host and container exports made by samples/generate_exports.py
(deterministic; 2,000 records per snapshot, paged at 200; `small` is 5 days of 200 records,
for CI). They are generated once into .build/bench/ and reused. Measured, each as the median
of --runs runs (wall time; peak memory of the process, from wait4):

  cold import     the whole history into a new store       vs reference load, vs floor
  daily job       import one more day and render every format: one `report DAY -o ...` run
  render          every format from the store alone (year vs month)

The reference pipeline (reference_pipeline.py) is json.load + executemany + SQL + Jinja2.
The floors (floor.c) store the same pre-parsed records in one transaction: one row per record
through one prepared statement, into a table shaped like schema v1's `record` (the issue's
floor), and one packed blob per snapshot as schema v2 stores them. Nothing here asserts a timing.
"""
import argparse
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / ".build" / "bench"
SIZES = {
    "small": dict(days=5, host=200, container=200),
    "month": dict(days=30, host=2000, container=2000),
    "year": dict(days=365, host=2000, container=2000),
}
TYPES = {"TCP": 0, "TCP6": 1, "UDP": 2, "UDP6": 3}
STATUSES = {None: 0, "danger": 1, "normal": 2, "unknown": 3, "unknow": 3}


def run(command, **kwargs):
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    stdout = process.stdout.read()
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(map(str, command))} failed ({code}):\n{stderr.decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024, stdout.decode()


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "portreport"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    WORK.mkdir(parents=True, exist_ok=True)
    floor = WORK / "floor"
    subprocess.run(["cc", "-O2", "-o", str(floor), str(HERE / "floor.c"), "-lsqlite3"], check=True)
    return Path(bin_path) / "portreport", floor


def workload(size):
    """The history's day folders, the extra day, the records and bytes of the history, rows.bin."""
    spec = SIZES[size]
    base = WORK / size
    exports = base / "exports"
    if not (base / "done").exists():
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run([sys.executable, str(ROOT / "samples" / "generate_exports.py"), "--out", str(base),
                        "--days", str(spec["days"] + 1), "--host-records", str(spec["host"]),
                        "--container-records", str(spec["container"])], check=True, stdout=subprocess.DEVNULL)
        days = sorted(p.name for p in exports.iterdir())
        # The floor's rows: the history pre-parsed, one snapshot id per day and category.
        with open(base / "rows.bin", "wb") as out:
            snapshot = 0
            for day in days[:-1]:
                for category in ("host", "container"):
                    snapshot += 1
                    for page in sorted((exports / day / category).iterdir()):
                        for r in json.loads(page.read_text())["data_list"]:
                            out.write(struct.pack("<iiiqi", snapshot, r["port"], TYPES[r["type"].upper()], r["num"],
                                                  STATUSES[r.get("status")]))
        (base / "done").write_text("ok\n")
    days = sorted(p.name for p in exports.iterdir())
    history = [str(exports / d) for d in days[:-1]]
    extra = [str(exports / days[-1])]
    records = (base / "rows.bin").stat().st_size // struct.calcsize("<iiiqi")
    size_bytes = sum(f.stat().st_size for d in history for f in Path(d).rglob("*.json"))
    return history, extra, records, size_bytes, base / "rows.bin"


def median_of(runs, action):
    results = [action() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def medians_interleaved(runs, *actions):
    """Runs the actions in turn (a, b, a, b, ...), so that each sees the machine as the other
    does: on a shared virtual machine, conditions drift over a benchmark's minutes."""
    results = [[] for _ in actions]
    for _ in range(runs):
        for index, action in enumerate(actions):
            results[index].append(action())
    return [(statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for rs in results]


def clean(*paths):
    """Removes stores from an earlier run, and lets the disk settle: without the sync, the
    write-back of the previous run's 26 MB landed in the next run's fsyncs (for every
    pipeline alike), which was most of the run-to-run noise."""
    for path in paths:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    os.sync()


def render_all(portreport, store, out, paths=()):
    """Every format in one run (importing `paths` first, as the daily job does)."""
    out.mkdir(exist_ok=True)
    return run([portreport, "report", "--top", "20", "--store", store, "--to", "audit@example.com", "--attach-full",
                "-o", out / "r.html", "-o", out / "r.xhtml", "-o", out / "r.md", "-o", out / "r.json", "-o", out / "r.csv",
                "-o", out / "r.email.html", "-o", out / "r.eml", *paths])


def measure(size, runs, portreport, floor):
    history, extra, records, size_bytes, rows = workload(size)
    scratch = WORK / f"{size}-run"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    store, ref_db, floor_db = scratch / "store.sqlite", scratch / "reference.sqlite", scratch / "floor.sqlite"
    results = {"size": size, "records": records, "megabytes": size_bytes / 1e6, "files": sum(len(list(Path(d).rglob("*.json"))) for d in history)}

    def cold():
        clean(store)
        return run([portreport, "import", "-q", "--store", store, *history])

    def reference_load():
        clean(ref_db)
        return run([sys.executable, HERE / "reference_pipeline.py", "load-dirs", ref_db, *history])
    results["cold"], results["reference_load"] = medians_interleaved(runs, cold, reference_load)

    def floor_run():
        clean(floor_db)
        _, peak, out = run([floor, rows, floor_db])
        return float(out.split()[1]), peak
    results["floor"] = median_of(runs, floor_run)

    def blob_floor_run():
        clean(floor_db)
        _, peak, out = run([floor, rows, floor_db, "blobs"])
        return float(out.split()[1]), peak
    results["blob_floor"] = median_of(runs, blob_floor_run)

    # The stores above hold the history: copy them for the daily job, so every run starts alike.
    daily_store, daily_ref = scratch / "daily.sqlite", scratch / "daily-ref.sqlite"

    def daily():
        clean(daily_store)
        shutil.copy(store, daily_store)
        # The copy is set-up: written back now, so that the job's own fsyncs do not pay for it.
        os.sync()
        wall, peak, _ = render_all(portreport, daily_store, scratch / "out", extra)
        return wall, peak

    def reference_daily():
        clean(daily_ref)
        shutil.copy(ref_db, daily_ref)
        os.sync()
        a = run([sys.executable, HERE / "reference_pipeline.py", "load-dirs", daily_ref, *extra])
        b = run([sys.executable, HERE / "reference_pipeline.py", "report", daily_ref, scratch / "ref.html"])
        return a[0] + b[0], max(a[1], b[1])
    results["daily"], results["reference_daily"] = medians_interleaved(runs, daily, reference_daily)

    results["render"], results["reference_render"] = medians_interleaved(
        runs, lambda: render_all(portreport, store, scratch / "out"),
        lambda: run([sys.executable, HERE / "reference_pipeline.py", "report", ref_db, scratch / "ref.html"]))
    return results


def table(all_results, runs):
    lines = [f"Median of {runs} run(s) each; peak memory is the largest of the runs.", "",
             "| workload | step | portreport | reference (Python) | ratio (reference / portreport) | floor: rows | portreport / floor | floor: blobs | portreport / blob floor | portreport records/s | portreport MB/s | peak memory |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in all_results:
        name = f"{r['size']} ({r['files']} files, {r['records']:,} records, {r['megabytes']:.0f} MB)"
        cold, ref, floor, blob_floor = r["cold"], r["reference_load"], r["floor"], r["blob_floor"]
        lines.append(f"| {name} | cold import | {cold[0]:.2f} s | {ref[0]:.2f} s | {ref[0] / cold[0]:.1f}× | {floor[0]:.2f} s | {cold[0] / floor[0]:.2f}× | "
                     f"{blob_floor[0]:.2f} s | {cold[0] / blob_floor[0]:.2f}× | {r['records'] / cold[0]:,.0f} | {r['megabytes'] / cold[0]:.0f} | {cold[1]:.0f} MB |")
        daily, ref_daily = r["daily"], r["reference_daily"]
        lines.append(f"| | daily job (import 1 day + every format) | {daily[0] * 1000:.0f} ms | {ref_daily[0] * 1000:.0f} ms | {ref_daily[0] / daily[0]:.1f}× | | | | | | | {daily[1]:.0f} MB |")
        render, ref_render = r["render"], r["reference_render"]
        lines.append(f"| | render every format | {render[0] * 1000:.0f} ms | {ref_render[0] * 1000:.0f} ms (HTML only) | {ref_render[0] / render[0]:.1f}× | | | | | | | {render[1]:.0f} MB |")
    by = {r["size"]: r for r in all_results}
    if "month" in by and "year" in by:
        lines += ["", f"Rendering on the year store takes {by['year']['render'][0] / by['month']['render'][0]:.2f}× the month store's time."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["small", "month", "year", "all"], default="all")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", help="update the results section of this Markdown file")
    args = parser.parse_args()
    portreport, floor = build()
    sizes = ["month", "year"] if args.size == "all" else [args.size]
    results = []
    for size in sizes:
        print(f"bench: {size} …", file=sys.stderr)
        results.append(measure(size, args.runs, portreport, floor))
    text = table(results, args.runs)
    print(text)
    if args.write:
        path = Path(args.write)
        content = path.read_text() if path.exists() else ""
        begin, end = "<!-- results -->", "<!-- /results -->"
        block = f"{begin}\n{text}\n{end}"
        content = content[:content.index(begin)] + block + content[content.index(end) + len(end):] if begin in content else content + "\n" + block + "\n"
        path.write_text(content)


if __name__ == "__main__":
    main()
