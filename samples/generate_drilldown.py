#!/usr/bin/env python3
"""Writes the sample ListPortHost pages (drill-down) beside the statistics samples.

The fleet truth below says which servers and containers have which dangerous ports open on
which listen addresses, on the last two sample days. The pages are written from it, and the
truth itself to samples/drilldown-truth.json, so that tests can check that a report names
exactly these assets. It agrees with the statistics samples' `num` for each port, except where
MISMATCH says otherwise (a drill-down page that lists fewer assets than the statistics count, as
happens when the two calls are made hours apart), so that the report's mismatch note is shown.

Deterministic: same output bytes on every run.
"""
import argparse
import json
import os

HOSTS = {
    "host-0007": ("web-07", "10.20.0.7", "agent-0007"),
    "host-0013": ("jump-13", "10.20.0.13", "agent-0013"),
    "host-0014": ("win-rdp-14", "10.20.0.14", "agent-0014"),
    "host-0021": ("ftp-21", "10.20.0.21", "agent-0021"),
    "host-0042": ("build-42", "10.20.0.42", "agent-0042"),
}

# day -> category -> (port, type) -> list of (host_id, container_id, container_name, laddr, pid, path)
TRUTH = {
    "2026-11-27": {
        "host": {
            (23, "TCP"): [
                ("host-0007", "", "", "0.0.0.0", 812, "/usr/sbin/in.telnetd"),
                ("host-0013", "", "", "10.20.0.13", 455, "/usr/sbin/in.telnetd"),
            ],
            (3389, "TCP"): [
                ("host-0014", "", "", "::", 1204, "/usr/sbin/xrdp"),
                ("host-0042", "", "", "127.0.0.1", 3310, "/usr/sbin/xrdp"),
            ],
        },
        "container": {
            (2375, "TCP"): [("host-0042", "c-5f0a11", "dind-runner-a", "0.0.0.0", 77, "/usr/local/bin/dockerd")],
        },
    },
    "2026-11-28": {
        "host": {
            # host-0013 closed Telnet since the day before.
            (23, "TCP"): [("host-0007", "", "", "0.0.0.0", 812, "/usr/sbin/in.telnetd")],
            (3389, "TCP"): [
                ("host-0014", "", "", "::", 1204, "/usr/sbin/xrdp"),
                ("host-0042", "", "", "127.0.0.1", 3310, "/usr/sbin/xrdp"),
            ],
            # The statistics count 2 servers with 21/TCP; the drill-down, made later, lists 1.
            (21, "TCP"): [("host-0021", "", "", "::1", 640, "/usr/sbin/vsftpd")],
        },
        "container": {
            # dind-runner-a was replaced by dind-runner-b: one opened, one closed.
            (2375, "TCP"): [("host-0042", "c-9b7e22", "dind-runner-b", "0.0.0.0", 91, "/usr/local/bin/dockerd")],
        },
    },
}
MISMATCH = {("2026-11-28", "host", 21, "TCP"): 2}


def record(category, port, type_, row):
    host_id, container_id, container_name, laddr, pid, path = row
    name, ip, agent = HOSTS[host_id]
    body = {
        "host_id": host_id, "host_name": name, "host_ip": ip, "laddr": laddr, "pid": pid, "path": path,
        "port": port, "type": type_, "status": "danger", "agent_id": agent,
    }
    if category == "container":
        body["container_id"] = container_id
        body["container_name"] = container_name
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    truth = []
    for day, categories in sorted(TRUTH.items()):
        for category, ports in sorted(categories.items()):
            for (port, type_), rows in sorted(ports.items()):
                records = [record(category, port, type_, row) for row in rows]
                page = {"total_num": len(records), "data_list": records}
                folder = os.path.join(args.out, "exports", day, category)
                os.makedirs(folder, exist_ok=True)
                name = f"port-hosts-{port}-{type_.lower()}-offset-0.json"
                with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
                    json.dump(page, handle, indent=2, sort_keys=True)
                    handle.write("\n")
                truth.append({
                    "day": day, "category": category, "port": port, "type": type_,
                    "statistics_num": MISMATCH.get((day, category, port, type_), len({r["host_id"] if category == "host" else r["container_id"] for r in records})),
                    "assets": records,
                })
    manifest = os.path.join(args.out, "MANIFEST.md")
    if os.path.exists(manifest):
        lines = ["", "## Drill-down (ListPortHost)", "",
                 "Written by `samples/generate_drilldown.py` from the fleet truth in it (also saved as "
                 "`drilldown-truth.json`). One page per port, named `port-hosts-<port>-<type>-offset-0.json`, "
                 "beside the statistics pages of its day and category.", "",
                 "| page | assets | statistics num | listen addresses |", "|---|---|---|---|"]
        for item in truth:
            name = f"exports/{item['day']}/{item['category']}/port-hosts-{item['port']}-{item['type'].lower()}-offset-0.json"
            assets = ", ".join(r.get("container_name") or r["host_name"] for r in item["assets"])
            addresses = ", ".join(r["laddr"] for r in item["assets"])
            lines.append(f"| `{name}` | {assets} | {item['statistics_num']} | {addresses} |")
        with open(manifest, encoding="utf-8") as handle:
            text = handle.read()
        # Idempotent: a section written by an earlier run is replaced.
        text = text.split("\n## Drill-down (ListPortHost)\n")[0].rstrip("\n") + "\n"
        with open(manifest, "w", encoding="utf-8") as handle:
            handle.write(text + "\n".join(lines) + "\n")
    with open(os.path.join(args.out, "drilldown-truth.json"), "w", encoding="utf-8") as handle:
        json.dump(truth, handle, indent=2, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main()
