#!/usr/bin/env python3
"""A loopback emulator of HSS ListPortStatistics and ListPortHost, for testing tools/hss-export against the real SDK.

Serves GET /v5/{project_id}/asset/port/statistics and GET /v5/{project_id}/asset/ports/detail on
127.0.0.1 (never another address) at a free port chosen by the system, which it writes to
--port-file (atomically) and to standard output. It exits by itself after --lifetime seconds,
whatever happens, and on SIGTERM.

The data is deterministic (see host_records, container_records and port_hosts); a test that checks
what was exported works the figures out from this definition on its own, never through this file.
ListPortHost answers from the same fleet as the statistics: the records for port P are the assets
behind each statistics record of port P, one per asset, so their number is that record's num.

It honours category, limit (10 to 200), offset (0 to 2,000,000), enterprise_project_id, and the
filters status, port and type, as the vendor documents them. It does not verify the SDK's request
signature, but it refuses (401, APIGW.0301, as the gateway does) a request without an
`Authorization: SDK-HMAC-SHA256 Access=AK, ...` header or an `X-Sdk-Date`, with an AK other than
--access-key, or with an X-Project-Id other than the path's project.

--mode changes what it serves, for the tests of failures:
  normal             the data below
  fail-container     container requests answer 400 HSS.0001 (host requests work)
  shifting-host      the host data grows by one record after the first host request: a total
                     that changes while a client pages
  short-host         host pages at offset 200 and beyond are empty, while total_num stays 450
  many-hosts         host record 0 (20/TCP, danger) has num 450 instead of 1: its ListPortHost
                     answer is 450 records, three pages at limit 200
  empty-detail       every ListPortHost request answers {"total_num": 0, "data_list": []}
  fail-detail        container ListPortHost requests answer 500 HSS.0004 (host ones work)
  shifting-detail    many-hosts, and after the first ListPortHost request port 20 has one asset
                     more (k = 450: server 450): a total that changes while a client pages
"""

import argparse
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

TYPES = ["TCP", "UDP", "TCP6", "UDP6"]
STATUSES = ["danger", "normal", "unknown", None]  # None: the record has no status member


def host_records(count=450, many_hosts=False):
    """Host record i: port 20 + i, type TYPES[i % 4], num (i * 37) % 101 + 1, status STATUSES[i % 4]
    (absent for i % 4 == 3); every fifth record also carries an unknown member "first_seen".
    With many_hosts, record 0's num is 450."""
    records = []
    for i in range(count):
        record = {"port": 20 + i, "type": TYPES[i % 4], "num": 450 if many_hosts and i == 0 else (i * 37) % 101 + 1}
        if STATUSES[i % 4] is not None:
            record["status"] = STATUSES[i % 4]
        if i % 5 == 0:
            record["first_seen"] = 1764547200 + i
        records.append(record)
    return records


def container_records(count=230):
    """Container record i: port 1000 + 3 * i, type TCP for even i and UDP for odd, num (i * 13) % 47 + 1,
    status danger, normal, unknown for i % 3 == 0, 1, 2."""
    return [
        {"port": 1000 + 3 * i, "type": "TCP" if i % 2 == 0 else "UDP", "num": (i * 13) % 47 + 1,
         "status": ["danger", "normal", "unknown"][i % 3]}
        for i in range(count)
    ]


HOSTS = 500
CONTAINERS = 60


def host(j):
    """Server j (0..499): host_id host-JJJ, host_name srv-JJJ, host_ip 10.1.(j // 250).(j % 250 + 1)."""
    return {"host_id": "host-%03d" % j, "host_name": "srv-%03d" % j, "host_ip": "10.1.%d.%d" % (j // 250, j % 250 + 1),
            "agent_id": "agent-%03d" % j}


def listen_address(k, six, j):
    """The k-th asset of a record listens on every interface (k % 3 == 0), on loopback (1), or on
    one address (2): 0.0.0.0, 127.0.0.1, the server's IP for TCP/UDP; ::, ::1, fd00::1:<j> for
    TCP6/UDP6."""
    if k % 3 == 0:
        return "::" if six else "0.0.0.0"
    if k % 3 == 1:
        return "::1" if six else "127.0.0.1"
    return "fd00::1:%x" % j if six else host(j)["host_ip"]


def port_hosts(category, port, many_hosts=False, grown=False):
    """The ListPortHost records of a port: for each statistics record of that port (in their
    order), its num assets k = 0..num-1. Host record i: server (7 * i + k) % 500. Container
    record i: container c = (5 * i + k) % 60, container_id ctr-CCC, container_name app-CC, on
    server c % 20. Each with laddr listen_address(k, ...), pid 1000 + k, path /usr/sbin/svc-PORT,
    the record's port, type and status (absent when the record has none). With grown, host
    record 0 has one asset more than its num."""
    result = []
    records = host_records(many_hosts=many_hosts) if category == "host" else container_records()
    for i, record in enumerate(records):
        if record["port"] != port:
            continue
        for k in range(record["num"] + (1 if grown and category == "host" and i == 0 else 0)):
            if category == "host":
                j = (7 * i + k) % HOSTS
                item = host(j)
            else:
                c = (5 * i + k) % CONTAINERS
                j = c % 20
                item = host(j)
                item["container_id"] = "ctr-%03d" % c
                item["container_name"] = "app-%02d" % c
            item["laddr"] = listen_address(k, record["type"].endswith("6"), j)
            item["pid"] = 1000 + k
            item["path"] = "/usr/sbin/svc-%d" % port
            item["port"] = port
            item["type"] = record["type"]
            if "status" in record:
                item["status"] = record["status"]
            result.append(item)
    return result


PATH = re.compile(r"^/v5/([^/]+)/asset/port/statistics$")
DETAIL_PATH = re.compile(r"^/v5/([^/]+)/asset/ports/detail$")
AUTHORIZATION = re.compile(r"^SDK-HMAC-SHA256 Access=([^,\s]+), SignedHeaders=[^,]+, Signature=[0-9a-f]+$")


class Emulator:
    def __init__(self, project_id, access_key, mode, log_path):
        self.project_id = project_id
        self.access_key = access_key
        self.mode = mode
        self.log_path = log_path
        self.host_requests = 0
        self.detail_requests = 0
        self.lock = threading.Lock()

    def log(self, line):
        if self.log_path:
            with self.lock, open(self.log_path, "a", encoding="utf-8") as log:
                log.write(line + "\n")

    def data(self, category):
        if category == "container":
            return container_records()
        with self.lock:
            self.host_requests += 1
            grown = self.mode == "shifting-host" and self.host_requests > 1
        return host_records(451 if grown else 450, many_hosts=self.mode in ("many-hosts", "shifting-detail"))


def error(code, message):
    return {"error_code": code, "error_msg": message}


class Handler(BaseHTTPRequestHandler):
    server_version = "hss-emulator"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        pass  # requests are logged by answer(), without headers

    def answer(self, status, body):
        payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", "emulator-request-0001")
        self.end_headers()
        self.wfile.write(payload)
        self.server.emulator.log("%d GET %s" % (status, self.path))

    def do_GET(self):  # noqa: N802 - the name http.server calls
        emulator = self.server.emulator
        url = urlsplit(self.path)
        match = PATH.match(url.path) or DETAIL_PATH.match(url.path)
        detail = DETAIL_PATH.match(url.path) is not None
        if not match:
            return self.answer(404, error("APIGW.0101", "The API does not exist or has not been published in the environment"))
        authorization = AUTHORIZATION.match(self.headers.get("Authorization", ""))
        if not authorization or not self.headers.get("X-Sdk-Date"):
            return self.answer(401, error("APIGW.0301", "Incorrect IAM authentication information: no signature"))
        if emulator.access_key is not None and authorization.group(1) != emulator.access_key:
            return self.answer(401, error("APIGW.0301", "Incorrect IAM authentication information: unknown access key"))
        project = match.group(1)
        if self.headers.get("X-Project-Id") != project or (emulator.project_id is not None and project != emulator.project_id):
            return self.answer(403, error("APIGW.0302", "The IAM user is not authorized to access the project"))
        query = {name: values[-1] for name, values in parse_qs(url.query, keep_blank_values=True).items()}
        category = query.get("category", "host")
        if category not in ("host", "container"):
            return self.answer(400, error("HSS.0001", "Invalid parameter: category"))
        try:
            limit = int(query.get("limit", "10"))
            offset = int(query.get("offset", "0"))
            port = int(query["port"]) if "port" in query else None
        except ValueError:
            return self.answer(400, error("HSS.0001", "Invalid parameter"))
        if not 10 <= limit <= 200 or not 0 <= offset <= 2000000 or (port is not None and not 1 <= port <= 65535):
            return self.answer(400, error("HSS.0001", "Invalid parameter: limit, offset or port out of range"))
        if detail:
            return self.port_host(emulator, query, category, port, limit, offset)
        if category == "container" and emulator.mode == "fail-container":
            return self.answer(400, error("HSS.0001", "Invalid parameter"))
        records = emulator.data(category)
        if "status" in query:
            records = [r for r in records if r.get("status") == query["status"]]
        if port is not None:
            records = [r for r in records if r["port"] == port]
        if "type" in query:
            records = [r for r in records if r["type"] == query["type"]]
        page = records[offset:offset + limit]
        if category == "host" and emulator.mode == "short-host" and offset >= 200:
            page = []
        self.answer(200, {"total_num": len(records), "data_list": page})

    def port_host(self, emulator, query, category, port, limit, offset):
        """ListPortHost: port required; type, host_name and host_ip filter exactly."""
        if port is None:
            return self.answer(400, error("HSS.0001", "Invalid parameter: port is required"))
        if category == "container" and emulator.mode == "fail-detail":
            return self.answer(500, error("HSS.0004", "Internal error"))
        with emulator.lock:
            emulator.detail_requests += 1
            grown = emulator.mode == "shifting-detail" and emulator.detail_requests > 1
        records = port_hosts(category, port, many_hosts=emulator.mode in ("many-hosts", "shifting-detail"), grown=grown)
        for name in ("type", "host_name", "host_ip"):
            if name in query:
                records = [r for r in records if r[name] == query[name]]
        if emulator.mode == "empty-detail":
            records = []
        self.answer(200, {"total_num": len(records), "data_list": records[offset:offset + limit]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True, help="where to write the port it listens on")
    parser.add_argument("--lifetime", type=float, default=30, help="seconds before it exits by itself (default 30)")
    parser.add_argument("--project-id", help="the only project it serves (default: any)")
    parser.add_argument("--access-key", help="the only AK it accepts (default: any non-empty one)")
    parser.add_argument("--mode", default="normal", choices=["normal", "fail-container", "shifting-host", "short-host", "many-hosts", "empty-detail", "fail-detail", "shifting-detail"])
    parser.add_argument("--log", help="a file to which each request line (never its headers) is appended")
    arguments = parser.parse_args()

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.emulator = Emulator(arguments.project_id, arguments.access_key, arguments.mode, arguments.log)
    port = server.server_address[1]
    temporary = arguments.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("%d\n" % port)
    os.replace(temporary, arguments.port_file)
    print(port, flush=True)

    # Bounded lifetime: the process ends after --lifetime seconds even if nobody stops it.
    deadline = threading.Timer(arguments.lifetime, lambda: os._exit(0))
    deadline.daemon = True
    deadline.start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
