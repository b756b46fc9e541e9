#!/usr/bin/env python3
"""portreport's benchmark: portreport beside a plain Python pipeline, DuckDB and SQLite's own
floor, measured in the same invocation on the same machine, so that the results are ratios.

    python3 Tests/Benchmarks/bench.py [--size small|month|year|org|all] [--runs N] [--write BENCHMARKS.md]

portreport and the reference run in turn (one, the other, one, ...) for each step, so that
drifting conditions on a shared machine affect both alike.

Workloads are daily host and container exports made by samples/generate_exports.py
(deterministic; 2,000 records per snapshot, paged at 200; `small` is 5 days of 200 records,
for CI). They are generated once into .build/bench/ and reused. Measured, each as the median
of --runs runs (wall time; peak memory of the process, from wait4):

  cold import     the whole history into a new store       vs reference load, vs floor
  daily job       import one more day and render every format: one `report DAY -o ...` run
  render          every format from the store alone (year vs month)
  org             N projects x D days in one store (100 x 90 for `org`, 3 x 5 in `small`): the
                  import, the all-projects report and a one-project report, every format, and
                  the sizes of the Markdown, email and HTML reports

The reference pipeline (reference_pipeline.py) is json.load + executemany + SQL + Jinja2; the
second reference (duckdb_pipeline.py) is DuckDB's read_json into a table, the same queries and
page. Without the PyPI package `duckdb` its column says "not installed" and the rest still runs.
The targets of issue 15 are computed from the same run's ratios, each met or not met with the
distance. Peak memory is each process's largest resident size (wait4).
The floors (floor.c) store the same pre-parsed records in one transaction: one row per record
through one prepared statement, into a table shaped like schema v1's `record` (the issue's
floor), and one packed blob per snapshot as schema v2 stores them. Nothing here asserts a timing.
"""
import argparse
import importlib.util
import json
import os
import resource
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
# Org-scale stores: projects x days, each project its own fleet (its own seed), about 1,000
# records per snapshot (the 100 x 90 store: 18,000 snapshots, about 17 M records).
ORG_SIZES = {
    "org-small": dict(projects=3, days=5, host=100, container=100),
    "org": dict(projects=100, days=90, host=1000, container=1000),
}
# Targets of issue 15, as ratios measured in the same run.
TARGETS = dict(import_vs_python=10.0, import_vs_duckdb=4.0, import_vs_blob_floor=2.0, daily_vs_python=10.0,
               year_vs_month_render=1.1, org_all_vs_one=3.0, peak_mb=64.0, human_report_kb=100.0)
# Whether the DuckDB reference can run, found without importing it: a child process starts as a
# copy of this one, so its peak memory (wait4) is never below this process's size at the time.
HAVE_DUCKDB = importlib.util.find_spec("duckdb") is not None
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


def render_all(portreport, store, out, paths=(), attach=True):
    """Every format in one run (importing `paths` first, as the daily job does; or other
    arguments, such as a scope). `attach`: the email carries the full HTML report."""
    out.mkdir(exist_ok=True)
    return run([portreport, "report", "--top", "20", "--store", store, "--to", "audit@example.com",
                *(["--attach-full"] if attach else []),
                "-o", out / "r.html", "-o", out / "r.xhtml", "-o", out / "r.md", "-o", out / "r.json", "-o", out / "r.csv",
                "-o", out / "r.email.html", "-o", out / "r.eml", *paths])


def measure(size, runs, portreport, floor):
    history, extra, records, size_bytes, rows = workload(size)
    scratch = WORK / f"{size}-run"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    store, ref_db, floor_db = scratch / "store.sqlite", scratch / "reference.sqlite", scratch / "floor.sqlite"
    duck_db = scratch / "reference.duckdb"
    results = {"size": size, "records": records, "megabytes": size_bytes / 1e6, "files": sum(len(list(Path(d).rglob("*.json"))) for d in history)}

    def cold():
        clean(store)
        return run([portreport, "import", "-q", "--store", store, *history])

    def reference_load():
        clean(ref_db)
        return run([sys.executable, HERE / "reference_pipeline.py", "load-dirs", ref_db, *history])
    def duckdb_load():
        clean(duck_db)
        return run([sys.executable, HERE / "duckdb_pipeline.py", "load-dirs", duck_db, *history])
    if HAVE_DUCKDB:
        results["cold"], results["reference_load"], results["duckdb_load"] = medians_interleaved(
            runs, cold, reference_load, duckdb_load)
    else:
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
    daily_duck = scratch / "daily.duckdb"

    def duckdb_daily():
        clean(daily_duck)
        shutil.copy(duck_db, daily_duck)
        os.sync()
        a = run([sys.executable, HERE / "duckdb_pipeline.py", "load-dirs", daily_duck, *extra])
        b = run([sys.executable, HERE / "duckdb_pipeline.py", "report", daily_duck, scratch / "duck.html"])
        return a[0] + b[0], max(a[1], b[1])

    def render():
        return render_all(portreport, store, scratch / "out")

    def reference_render():
        return run([sys.executable, HERE / "reference_pipeline.py", "report", ref_db, scratch / "ref.html"])

    def duckdb_render():
        return run([sys.executable, HERE / "duckdb_pipeline.py", "report", duck_db, scratch / "duck.html"])
    if HAVE_DUCKDB:
        results["daily"], results["reference_daily"], results["duckdb_daily"] = medians_interleaved(
            runs, daily, reference_daily, duckdb_daily)
        results["render"], results["reference_render"], results["duckdb_render"] = medians_interleaved(
            runs, render, reference_render, duckdb_render)
    else:
        results["daily"], results["reference_daily"] = medians_interleaved(runs, daily, reference_daily)
        results["render"], results["reference_render"] = medians_interleaved(runs, render, reference_render)
    return results


def org_workload(size):
    """One folder per project (`project-pNNN/exports/DAY/...`, so the import takes the project from
    the path), each its own fleet; returns the folder, the project ids, files, records and bytes."""
    spec = ORG_SIZES[size]
    base = WORK / size
    projects = [f"p{index:03d}" for index in range(1, spec["projects"] + 1)]
    if not (base / "done").exists():
        shutil.rmtree(base, ignore_errors=True)
        for index, project in enumerate(projects):
            subprocess.run([sys.executable, str(ROOT / "samples" / "generate_exports.py"),
                            "--out", str(base / "projects" / f"project-{project}"), "--days", str(spec["days"]),
                            "--seed", str(1000 + index), "--host-records", str(spec["host"]),
                            "--container-records", str(spec["container"])], check=True, stdout=subprocess.DEVNULL)
        pages = sorted((base / "projects").rglob("*.json"))
        records = sum(len(json.loads(p.read_text())["data_list"]) for p in pages)
        (base / "done").write_text(f"{len(pages)} {records} {sum(p.stat().st_size for p in pages)}\n")
    files, records, size_bytes = map(int, (base / "done").read_text().split())
    return base / "projects", projects, files, records, size_bytes


def measure_org(size, runs, portreport):
    folder, projects, files, records, size_bytes = org_workload(size)
    spec = ORG_SIZES[size]
    scratch = WORK / f"{size}-run"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    store = scratch / "store.sqlite"
    results = {"size": size, "org": True, "projects": spec["projects"], "days": spec["days"], "files": files,
               "records": records, "megabytes": size_bytes / 1e6}

    def org_import():
        clean(store)
        return run([portreport, "import", "-q", "--store", store, folder])
    results["cold"] = median_of(runs, org_import)
    results["store_megabytes"] = store.stat().st_size / 1e6
    one = projects[len(projects) // 2]
    all_out, one_out = scratch / "all", scratch / "one"
    results["all"], results["one"] = medians_interleaved(
        runs, lambda: render_all(portreport, store, all_out, attach=False),
        lambda: render_all(portreport, store, one_out, ("--project", one), attach=False))
    results["one_project"] = one
    results["sizes"] = {name: (all_out / name).stat().st_size / 1000
                        for name in ("r.md", "r.eml", "r.email.html", "r.html", "r.json")}
    return results


def seconds(value):
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def duck_cells(r, key, ours):
    """The DuckDB time and the ratio DuckDB / portreport, or "not installed"."""
    if key not in r:
        return "not installed", ""
    return f"{seconds(r[key][0])} ({r[key][1]:.0f} MB)", f"{r[key][0] / ours:.1f}×"


def table(all_results, runs):
    lines = [f"Median of {runs} run(s) each; peak memory is the largest of the runs (each process's resident size).", "",
             "| workload | step | portreport | peak memory | reference (Python) | Python / portreport | DuckDB | DuckDB / portreport | floor: rows | portreport / floor | floor: blobs | portreport / blob floor | portreport records/s | portreport MB/s |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in all_results:
        if r.get("org"):
            continue
        name = f"{r['size']} ({r['files']} files, {r['records']:,} records, {r['megabytes']:.0f} MB)"
        cold, ref, floor, blob_floor = r["cold"], r["reference_load"], r["floor"], r["blob_floor"]
        duck, duck_ratio = duck_cells(r, "duckdb_load", cold[0])
        lines.append(f"| {name} | cold import | {seconds(cold[0])} | {cold[1]:.0f} MB | {seconds(ref[0])} ({ref[1]:.0f} MB) | {ref[0] / cold[0]:.1f}× | {duck} | {duck_ratio} | "
                     f"{seconds(floor[0])} | {cold[0] / floor[0]:.2f}× | {seconds(blob_floor[0])} | {cold[0] / blob_floor[0]:.2f}× | {r['records'] / cold[0]:,.0f} | {r['megabytes'] / cold[0]:.0f} |")
        daily, ref_daily = r["daily"], r["reference_daily"]
        duck, duck_ratio = duck_cells(r, "duckdb_daily", daily[0])
        lines.append(f"| | daily job (import 1 day + every format) | {seconds(daily[0])} | {daily[1]:.0f} MB | {seconds(ref_daily[0])} ({ref_daily[1]:.0f} MB) | {ref_daily[0] / daily[0]:.1f}× | {duck} | {duck_ratio} | | | | | | |")
        render, ref_render = r["render"], r["reference_render"]
        duck, duck_ratio = duck_cells(r, "duckdb_render", render[0])
        lines.append(f"| | render every format (references: HTML only) | {seconds(render[0])} | {render[1]:.0f} MB | {seconds(ref_render[0])} ({ref_render[1]:.0f} MB) | {ref_render[0] / render[0]:.1f}× | {duck} | {duck_ratio} | | | | | | |")
    orgs = [r for r in all_results if r.get("org")]
    if orgs:
        lines += ["", "| org store | step | portreport | peak memory | all projects / one project |", "|---|---|---:|---:|---:|"]
    for r in orgs:
        name = (f"{r['size']}: {r['projects']} projects × {r['days']} days ({r['files']:,} files, {r['records']:,} records, "
                f"{r['megabytes']:.0f} MB; store {r['store_megabytes']:.0f} MB)")
        lines.append(f"| {name} | import | {seconds(r['cold'][0])} | {r['cold'][1]:.0f} MB | |")
        lines.append(f"| | report, all projects, every format | {seconds(r['all'][0])} | {r['all'][1]:.0f} MB | {r['all'][0] / r['one'][0]:.1f}× |")
        lines.append(f"| | report, one project ({r['one_project']}), every format | {seconds(r['one'][0])} | {r['one'][1]:.0f} MB | |")
        sizes = r["sizes"]
        lines.append(f"| | all-projects report sizes | Markdown {sizes['r.md']:,.0f} KB, email {sizes['r.eml']:,.0f} KB "
                     f"(its HTML part alone {sizes['r.email.html']:,.0f} KB; without --attach-full), HTML {sizes['r.html']:,.0f} KB, "
                     f"JSON {sizes['r.json']:,.0f} KB | | |")
    by = {r["size"]: r for r in all_results}
    if "month" in by and "year" in by:
        lines += ["", f"Rendering on the year store takes {by['year']['render'][0] / by['month']['render'][0]:.2f}× the month store's time."]
    harness = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", f"Peak memory is each process's largest resident size (wait4); a process starts as a copy of the "
              f"harness, whose own peak was {harness:.0f} MB, so no figure reads below that.", "", *targets(all_results)]
    return "\n".join(lines)


def verdict(value, target, higher_is_better, unit="×"):
    """`met` or `not met` and the distance: the factor by which portreport is off the target.
    Ratios are met at the target itself (≥, ≤); sizes and memory must stay under it (<)."""
    if higher_is_better:
        met = value >= target
    else:
        met = value <= target if unit == "×" else value < target
    if met:
        return "met"
    distance = target / value if higher_is_better else value / target
    return f"**not met**: {distance:.2f}× off ({value:.2f}{unit} against {target:g}{unit})"


def targets(all_results):
    """The targets of issue 15, each as measured in this run."""
    rows = ["| target (issue 15) | measured | verdict |", "|---|---|---|"]
    by = {r["size"]: r for r in all_results}
    histories = [r for r in all_results if not r.get("org")]
    if histories:
        r = by.get("year", histories[-1])
        w = r["size"]
        cold = r["cold"][0]
        value = r["reference_load"][0] / cold
        rows.append(f"| {w}: cold import ≥ {TARGETS['import_vs_python']:g}× the Python reference | {value:.1f}× | {verdict(value, TARGETS['import_vs_python'], True)} |")
        if "duckdb_load" in r:
            value = r["duckdb_load"][0] / cold
            rows.append(f"| {w}: cold import ≥ {TARGETS['import_vs_duckdb']:g}× DuckDB | {value:.1f}× | {verdict(value, TARGETS['import_vs_duckdb'], True)} |")
        else:
            rows.append(f"| {w}: cold import ≥ {TARGETS['import_vs_duckdb']:g}× DuckDB | DuckDB not installed | not measured |")
        value = cold / r["blob_floor"][0]
        rows.append(f"| {w}: cold import ≤ {TARGETS['import_vs_blob_floor']:g}× the blob floor | {value:.2f}× | {verdict(value, TARGETS['import_vs_blob_floor'], False)} |")
        value = r["reference_daily"][0] / r["daily"][0]
        rows.append(f"| {w}: daily job ≥ {TARGETS['daily_vs_python']:g}× the Python reference's | {value:.1f}× | {verdict(value, TARGETS['daily_vs_python'], True)} |")
    if "month" in by and "year" in by:
        value = by["year"]["render"][0] / by["month"]["render"][0]
        rows.append(f"| rendering: year ≤ {TARGETS['year_vs_month_render']:g}× month | {value:.2f}× | {verdict(value, TARGETS['year_vs_month_render'], False)} |")
    for r in all_results:
        if r.get("org"):
            value = r["all"][0] / r["one"][0]
            rows.append(f"| {r['size']}: all-projects report ≤ {TARGETS['org_all_vs_one']:g}× one project | {value:.1f}× | {verdict(value, TARGETS['org_all_vs_one'], False)} |")
            for name, label in (("r.md", "Markdown"), ("r.eml", "email")):
                value = r["sizes"][name]
                rows.append(f"| {r['size']}: all-projects {label} < {TARGETS['human_report_kb']:g} KB | {value:,.0f} KB | "
                            f"{verdict(value, TARGETS['human_report_kb'], False, ' KB')} |")
    peaks = []
    for r in all_results:
        steps = ("cold", "all", "one") if r.get("org") else ("cold", "daily", "render")
        peaks += [(r[step][1], f"{r['size']} {step}") for step in steps]
    worst = max(peaks)
    rows.append(f"| peak memory < {TARGETS['peak_mb']:g} MB in every case | {worst[0]:.0f} MB at most ({worst[1]}) | "
                f"{verdict(worst[0], TARGETS['peak_mb'], False, ' MB')} |")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["small", "month", "year", "org", "all"], default="all",
                        help="small: 5 days and a 3-project x 5-day org store (CI); all: month, year and org")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", help="update the results section of this Markdown file")
    args = parser.parse_args()
    portreport, floor = build()
    sizes = {"all": ["month", "year", "org"], "small": ["small", "org-small"]}.get(args.size, [args.size])
    if not HAVE_DUCKDB:
        print("bench: the PyPI package duckdb is not installed: its column says so", file=sys.stderr)
    results = []
    for size in sizes:
        print(f"bench: {size} …", file=sys.stderr)
        if size in ORG_SIZES:
            results.append(measure_org(size, args.runs, portreport))
        else:
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
