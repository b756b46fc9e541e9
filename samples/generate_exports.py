#!/usr/bin/env python3
"""Generate saved Huawei Cloud HSS "open port statistics" responses (ListPortStatistics).

Writes, under --out:

    exports/YYYY-MM-DD/host/page-0001.json, page-0002.json, ...
    exports/YYYY-MM-DD/container/page-0001.json, ...

one snapshot per day and category, each page exactly the vendor's 200 response body
(`{"total_num": T, "data_list": [...]}`), records sorted by port then type as with
sort_key=port.  With --samples it also writes the special sample files that portreport's
tests use: capture.har, errors/, incomplete/ and MANIFEST.md.

The data is a small simulated fleet: a head of common ports open on many servers or
containers and a long tail of registered and dynamic ports open on one to three.  Each
day is derived from the previous one with seeded random.Random generators, so the same
arguments always give byte-identical files.  Only one day per category is held in memory
and every page is written as soon as it is made, so a year of large snapshots
(`--days 365 --host-records 2000 --container-records 2000`) streams to disk.

Stdlib only; Python 3.11 or newer.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import datetime as dt
import email.utils
import gzip
import json
import math
import os
import random
import shlex
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------
# Fleet model
# --------------------------------------------------------------------------------------

TYPE_ORDER = {"TCP": 0, "TCP6": 1, "UDP": 2, "UDP6": 3}

# Ports that HSS flags as risky (remote shells, unauthenticated databases and control
# planes, legacy file and management protocols).
DANGER_PORTS = frozenset({
    21, 23, 69, 135, 137, 138, 139, 161, 445, 512, 513, 514, 1433, 2375, 2376, 2379,
    3389, 5900, 5984, 6379, 9200, 10250, 11211, 27017,
})

# Head of common ports: (port, type, share).  A float share is the fraction of the fleet
# with the port open; an int share is an absolute count (for the rare risky ones).
HOST_HEAD: list[tuple[int, str, float | int]] = [
    (22, "TCP", 0.95), (22, "TCP6", 0.60),
    (123, "UDP", 0.90), (123, "UDP6", 0.40),
    (68, "UDP", 0.80), (546, "UDP6", 0.30),
    (323, "UDP", 0.50), (323, "UDP6", 0.45),
    (111, "TCP", 0.55), (111, "UDP", 0.55), (111, "TCP6", 0.30), (111, "UDP6", 0.30),
    (53, "UDP", 0.25), (53, "TCP", 0.20),
    (25, "TCP", 0.30), (25, "TCP6", 0.10),
    (80, "TCP", 0.35), (80, "TCP6", 0.15),
    (443, "TCP", 0.30), (443, "TCP6", 0.12),
    (8080, "TCP", 0.12), (8443, "TCP", 0.05),
    (3306, "TCP", 0.10), (33060, "TCP6", 0.05),
    (6379, "TCP", 0.08), (5432, "TCP", 0.07), (5432, "TCP6", 0.04),
    (9100, "TCP", 0.70), (9100, "TCP6", 0.20),
    (10250, "TCP", 0.40), (10248, "TCP", 0.40), (10249, "TCP", 0.40), (10256, "TCP", 0.40),
    (179, "TCP", 0.30), (9099, "TCP", 0.30), (4789, "UDP", 0.40), (8472, "UDP", 0.10),
    (30080, "TCP", 0.40), (31443, "TCP", 0.40),
    (2379, "TCP", 3), (2380, "TCP", 3), (6443, "TCP", 3),
    (3389, "TCP", 3), (23, "TCP", 2), (21, "TCP", 2), (69, "UDP", 1), (5900, "TCP", 1),
    (445, "TCP", 0.04), (139, "TCP", 0.04), (137, "UDP", 0.04), (138, "UDP", 0.04),
    (161, "UDP", 0.15),
    (9200, "TCP", 0.03), (9300, "TCP", 0.03),
    (27017, "TCP", 0.02), (11211, "TCP", 0.03), (11211, "UDP", 1),
    (2049, "TCP", 0.05), (5353, "UDP", 0.05), (631, "TCP", 0.02),
    (10050, "TCP", 0.25), (8086, "TCP", 0.02),
]

CONTAINER_HEAD: list[tuple[int, str, float | int]] = [
    (80, "TCP", 0.35), (80, "TCP6", 0.15),
    (443, "TCP", 0.20), (443, "TCP6", 0.08),
    (8080, "TCP", 0.30), (8080, "TCP6", 0.10),
    (8443, "TCP", 0.06), (9090, "TCP", 0.05), (9091, "TCP", 0.03),
    (3000, "TCP", 0.06), (5000, "TCP", 0.05), (8000, "TCP", 0.08), (8081, "TCP", 0.04),
    (15020, "TCP6", 0.60), (15090, "TCP6", 0.60), (15021, "TCP6", 0.60),
    (15001, "TCP", 0.60), (15006, "TCP", 0.60), (15000, "TCP", 0.60),
    (6379, "TCP", 0.04), (6379, "TCP6", 0.02), (9200, "TCP6", 0.01), (9300, "TCP6", 0.01),
    (27017, "TCP", 0.01), (2375, "TCP", 2),
    (5432, "TCP", 0.02), (3306, "TCP", 0.02), (9092, "TCP", 0.01), (2181, "TCP", 0.01),
    (11211, "TCP", 0.01), (53, "UDP", 0.01), (53, "TCP", 0.01), (9153, "TCP", 0.01),
    (8125, "UDP", 0.03), (4317, "TCP", 0.03), (4318, "TCP", 0.02), (9100, "TCP", 0.02),
]

# Registered ports that services commonly use; the tail draws from these part of the time.
HOST_TAIL_SERVICES = [
    1194, 1521, 1883, 2181, 2888, 3000, 3888, 4040, 4369, 5000, 5044, 5601, 5672, 6000,
    6060, 6443, 7001, 7077, 7946, 8000, 8001, 8005, 8009, 8088, 8161, 8300, 8301, 8500,
    8600, 8761, 8883, 8888, 8983, 9000, 9001, 9042, 9090, 9092, 9093, 9094, 9115, 9121,
    9160, 9187, 9216, 9411, 9443, 10051, 15672, 25672, 50000, 61616,
]
CONTAINER_TAIL_SERVICES = [
    3001, 4000, 4040, 5001, 5601, 5672, 6060, 7000, 7070, 8001, 8082, 8083, 8088, 8089,
    8180, 8500, 8761, 8888, 9000, 9001, 9093, 9094, 9411, 9443, 14250, 14268, 15672,
    16686, 18080, 19999, 25672, 50051,
]

TAIL_TYPES = {
    "host": (["TCP", "TCP6", "UDP", "UDP6"], [62, 18, 14, 6]),
    "container": (["TCP", "TCP6", "UDP", "UDP6"], [70, 22, 6, 2]),
}


def utc_midnight(day: dt.date) -> int:
    """Seconds since the epoch at 00:00 UTC of `day`."""
    return calendar.timegm(day.timetuple())


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every run (str hashes are salted per process)."""
    return zlib.crc32("/".join(str(p) for p in parts).encode())


@dataclass
class Entry:
    """One (port, type) of a snapshot: its count, the vendor's verdict and history."""

    num: int
    status: str           # danger, normal or unknown (spelled per day when rendered)
    base: int | None      # the head ports' long-run count; None for tail ports
    first_seen: int       # epoch seconds; only written as an extra field on some days


@dataclass
class CategoryModel:
    """The open ports of one category (host or container) across a fleet, day by day."""

    category: str
    fleet: int
    target: int
    rng: random.Random
    head: list[tuple[int, str, float | int]]
    services: list[int]
    entries: dict[tuple[int, str], Entry] = field(default_factory=dict)

    # -- creation ------------------------------------------------------------------

    def start(self, day: dt.date) -> None:
        """Fill the first day: the head, then tail ports up to `target` records."""
        rng = self.rng
        for port, kind, share in self.head:
            if len(self.entries) >= self.target:
                break
            if isinstance(share, float):
                base = round(share * self.fleet)
            else:
                base = share
            base = min(max(base, 1), self.fleet)
            num = self._clip(base + round(rng.gauss(0, max(1.0, base * 0.02))))
            self.entries[(port, kind)] = Entry(
                num, self._verdict(port, tail=False), base,
                utc_midnight(day) - 86400 * rng.randint(30, 720))
        while len(self.entries) < self.target:
            self._add_tail(utc_midnight(day) - 86400 * rng.randint(1, 400))

    def _verdict(self, port: int, tail: bool) -> str:
        if port in DANGER_PORTS:
            return "danger"
        if tail and self.rng.random() < 0.15:
            return "unknown"
        return "normal"

    def _clip(self, num: int) -> int:
        return min(max(num, 1), self.fleet)

    def _tail_port(self) -> int:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return rng.choice(self.services)
        if self.category == "host" and roll < 0.35:
            return rng.randint(30000, 32767)          # Kubernetes NodePorts
        if roll < 0.70:
            return rng.randint(1024, 49151)           # registered
        return rng.randint(49152, 65535)              # dynamic

    def _add_tail(self, first_seen: int) -> None:
        rng = self.rng
        kinds, weights = TAIL_TYPES[self.category]
        while True:
            key = (self._tail_port(), rng.choices(kinds, weights)[0])
            if key not in self.entries:
                break
        num = self._clip(rng.choices([1, 2, 3], [70, 20, 10])[0])
        self.entries[key] = Entry(num, self._verdict(key[0], tail=True), None, first_seen)

    # -- drift -----------------------------------------------------------------------

    def advance(self, day: dt.date) -> None:
        """Derive `day` from the previous day: counts move, a few tail ports come and go."""
        rng = self.rng
        gone = []
        for key, entry in self.entries.items():
            if entry.base is not None:
                step = max(1, round(entry.num * 0.02))
                pull = round((entry.base - entry.num) * 0.2)
                noise = rng.randint(-step, step) if rng.random() < 0.6 else 0
                entry.num = self._clip(entry.num + pull + noise)
            elif rng.random() < 0.03:
                gone.append(key)
            elif rng.random() < 0.10:
                entry.num = self._clip(min(3, entry.num + rng.choice((-1, 1))))
        for key in gone:
            del self.entries[key]
        wanted = self.target + rng.randint(-3, 3)
        while len(self.entries) < wanted:
            self._add_tail(utc_midnight(day))

    def resize(self, count: int, day: dt.date) -> None:
        """Add or drop tail ports until the snapshot has `count` records."""
        while len(self.entries) < count:
            self._add_tail(utc_midnight(day))
        # Drop tail ports first; head ports only if the page size is tiny.
        for head in (False, True):
            keys = sorted(k for k, e in self.entries.items() if (e.base is not None) == head)
            while len(self.entries) > count and keys:
                del self.entries[keys.pop(self.rng.randrange(len(keys)))]

    # -- output ----------------------------------------------------------------------

    def records(self, style: "DayStyle") -> list[dict]:
        """This day's records as the API lists them (sort_key=port, then type)."""
        out = []
        for (port, kind) in sorted(self.entries, key=lambda k: (k[0], TYPE_ORDER[k[1]])):
            entry = self.entries[(port, kind)]
            record: dict = {"port": port, "type": kind, "num": entry.num}
            if style.with_status:
                status = entry.status
                if status == "unknown" and style.misspell_unknown:
                    status = "unknow"
                record["status"] = status
            if style.extra_fields and stable_hash(style.seed, port, kind) % 12 == 0:
                record["first_seen"] = entry.first_seen
            out.append(record)
        return out


@dataclass(frozen=True)
class DayStyle:
    """How one day's export is spelled (which exporter version wrote it)."""

    seed: int
    with_status: bool = True
    misspell_unknown: bool = False
    extra_fields: bool = False

    def notes(self) -> list[str]:
        notes = []
        if not self.with_status:
            notes.append("no `status` field (older export)")
        if self.misspell_unknown:
            notes.append("status spelled `unknow`")
        if self.extra_fields:
            notes.append("some records carry an extra `first_seen` field")
        return notes


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

def pretty(obj: object) -> bytes:
    """JSON as a pretty-printing CLI saves it: indent 2, trailing newline."""
    return (json.dumps(obj, indent=2) + "\n").encode()


def write_bytes(path: Path, data: bytes, compress: bool = False) -> Path:
    if compress:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def page_count(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


def pages_of(records: list[dict], page_size: int):
    """Yield (page number, body) for a paged export of `records`."""
    total = len(records)
    for index in range(page_count(total, page_size)):
        chunk = records[index * page_size:(index + 1) * page_size]
        yield index + 1, {"total_num": total, "data_list": chunk}


def write_snapshot(directory: Path, records: list[dict], page_size: int,
                   compress: bool = False, only_pages: set[int] | None = None) -> list[Path]:
    written = []
    for number, body in pages_of(records, page_size):
        if only_pages is not None and number not in only_pages:
            continue
        written.append(write_bytes(directory / f"page-{number:04d}.json", pretty(body), compress))
    return written


@dataclass
class SnapshotInfo:
    """What MANIFEST.md says about one saved snapshot."""

    directory: str
    category: str
    day: dt.date
    total: int
    pages: str
    notes: list[str]


# --------------------------------------------------------------------------------------
# HAR capture
# --------------------------------------------------------------------------------------

PROJECT_ID = "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f"
HSS_HOST = "hss.ap-southeast-1.myhuaweicloud.com"
CONSOLE = "https://console.example.invalid"
TZ = dt.timezone(dt.timedelta(hours=8))
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
REDACTED_TOKEN = "REDACTED-TOKEN-not-a-real-credential"


def iso_ms(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class HarBuilder:
    """Builds a browser-saved HAR 1.2 log, one entry at a time, deterministically."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.entries: list[dict] = []
        self.connection = 48210

    def _hex(self, length: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def _timings(self, fresh_connection: bool) -> tuple[dict, float]:
        rng = self.rng
        micro = {
            "blocked": rng.randint(400, 4000),
            "dns": rng.randint(1000, 9000) if fresh_connection else -1,
            "connect": rng.randint(20000, 45000) if fresh_connection else -1,
            "ssl": rng.randint(12000, 30000) if fresh_connection else -1,
            "send": rng.randint(80, 400),
            "wait": rng.randint(90000, 420000),
            "receive": rng.randint(500, 9000),
        }
        if fresh_connection:
            micro["connect"] += micro["ssl"]    # HAR: connect includes ssl
        timings = {k: (v / 1000 if v >= 0 else -1) for k, v in micro.items()}
        total = sum(v for k, v in micro.items() if v >= 0 and k != "ssl")
        return timings, total / 1000

    def add(self, started: dt.datetime, url: str, query: list[tuple[str, str]],
            status: int, status_text: str, mime: str, text: str, *,
            base64_body: bool = False, resource_type: str = "fetch",
            authenticated: bool = True, fresh_connection: bool = False,
            request_id: str | None = None) -> None:
        path = url.split("://", 1)[1]
        host, _, rest = path.partition("/")
        request_headers = [
            {"name": "Host", "value": host},
            {"name": "Accept", "value": "application/json" if resource_type == "fetch" else "*/*"},
            {"name": "Accept-Encoding", "value": "gzip, deflate, br"},
            {"name": "Accept-Language", "value": "en-US,en;q=0.9"},
            {"name": "Referer", "value": f"{CONSOLE}/hss/?region=ap-southeast-1"},
            {"name": "User-Agent", "value": USER_AGENT},
        ]
        if authenticated:
            request_headers += [
                {"name": "Content-Type", "value": "application/json;charset=UTF-8"},
                {"name": "X-Auth-Token", "value": REDACTED_TOKEN},
                {"name": "X-Language", "value": "en-us"},
            ]
        request_line = f"GET /{rest} HTTP/1.1\r\n"
        body = text.encode()
        moment = started.astimezone(dt.timezone.utc)
        response_headers = [
            {"name": "Server", "value": "api-gateway" if host == HSS_HOST else "nginx"},
            {"name": "Date", "value": email.utils.format_datetime(moment, usegmt=True)},
            {"name": "Content-Type", "value": mime},
            {"name": "Content-Length", "value": str(len(body))},
            {"name": "Connection", "value": "keep-alive"},
        ]
        if host == HSS_HOST:
            response_headers += [
                {"name": "X-Request-Id", "value": request_id or self._hex(32)},
                {"name": "Strict-Transport-Security", "value": "max-age=31536000; includeSubdomains;"},
            ]
        content: dict = {"size": len(body), "mimeType": mime}
        if base64_body:
            content["text"] = base64.b64encode(body).decode()
            content["encoding"] = "base64"
        else:
            content["text"] = text
        timings, time = self._timings(fresh_connection)
        self.entries.append({
            "_resourceType": resource_type,
            "cache": {},
            "connection": str(self.connection if host == HSS_HOST else self.connection + 7),
            "pageref": "page_1",
            "request": {
                "method": "GET",
                "url": url,
                "httpVersion": "HTTP/1.1",
                "headers": request_headers,
                "queryString": [{"name": n, "value": v} for n, v in query],
                "cookies": [],
                "headersSize": len(request_line) + header_block_size(request_headers),
                "bodySize": 0,
            },
            "response": {
                "status": status,
                "statusText": status_text,
                "httpVersion": "HTTP/1.1",
                "headers": response_headers,
                "cookies": [],
                "content": content,
                "redirectURL": "",
                "headersSize": len(f"HTTP/1.1 {status} {status_text}\r\n")
                + header_block_size(response_headers),
                "bodySize": len(body),
                "_transferSize": len(body) + 300,
            },
            "serverIPAddress": "203.0.113.24" if host == HSS_HOST else "198.51.100.7",
            "startedDateTime": iso_ms(started),
            "time": time,
            "timings": timings,
        })

    def log(self, page_started: dt.datetime) -> dict:
        self.entries.sort(key=lambda e: e["startedDateTime"])
        return {"log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [{
                "startedDateTime": iso_ms(page_started),
                "id": "page_1",
                "title": f"{CONSOLE}/hss/?region=ap-southeast-1#/hss/assets/ports",
                "pageTimings": {"onContentLoad": 812.437, "onLoad": 1604.912},
            }],
            "entries": self.entries,
        }}


def header_block_size(headers: list[dict]) -> int:
    return sum(len(f"{h['name']}: {h['value']}\r\n") for h in headers) + 2


def statistics_url(category: str, limit: int, offset: int) -> tuple[str, list[tuple[str, str]]]:
    query = [("category", category), ("enterprise_project_id", "0"),
             ("limit", str(limit)), ("offset", str(offset))]
    qs = "&".join(f"{n}={v}" for n, v in query)
    return f"https://{HSS_HOST}/v5/{PROJECT_ID}/asset/port/statistics?{qs}", query


def compact(obj: object) -> str:
    """JSON as the API gateway sends it: no whitespace."""
    return json.dumps(obj, separators=(",", ":"))


def write_har(out: Path, day: dt.date, records: list[dict], page_size: int,
              rng: random.Random) -> tuple[Path, list[str]]:
    """The container export for `day` as a browser saved it, with unrelated traffic."""
    har = HarBuilder(rng)
    morning = dt.datetime(day.year, day.month, day.day, 2, 0, 0, 123000, tzinfo=TZ)
    page_started = morning - dt.timedelta(seconds=19, milliseconds=702)
    described = []

    har.add(page_started + dt.timedelta(milliseconds=211), f"{CONSOLE}/app.js", [],
            200, "OK", "text/javascript",
            "/* HSS console bundle (sample) */\n"
            "(function(){\"use strict\";window.__HSS_REGION__=\"ap-southeast-1\";})();\n",
            resource_type="script", authenticated=False, fresh_connection=True)
    described.append("static asset `app.js` (text/javascript): not HSS data")

    url, query = statistics_url("container", page_size, 0)
    request_id = "7c1f" + har._hex(28)
    har.add(morning - dt.timedelta(seconds=6, milliseconds=338), url, query,
            401, "Unauthorized", "application/json;charset=UTF-8",
            compact({"error_msg": "Incorrect IAM authentication information: the token has expired",
                     "error_code": "APIGW.0301",
                     "request_id": request_id}),
            fresh_connection=True, request_id=request_id)
    described.append("statistics offset=0 answered 401 APIGW.0301 (expired token), "
                     "before the successful run: not data")

    total = len(records)
    pages = list(pages_of(records, page_size))
    if total and total % page_size == 0:       # the client asks once more and gets nothing
        pages.append((len(pages) + 1, {"total_num": total, "data_list": []}))
    encoded_page = 2 if len(pages) >= 2 else 1
    started = morning
    for number, body in pages:
        url, query = statistics_url("container", page_size, (number - 1) * page_size)
        har.add(started, url, query, 200, "OK", "application/json;charset=UTF-8",
                compact(body), base64_body=(number == encoded_page))
        note = f"statistics offset={(number - 1) * page_size}: {len(body['data_list'])} records"
        if number == encoded_page:
            note += ", body base64-encoded"
        described.append(note)
        started += dt.timedelta(milliseconds=rng.randint(900, 1400))

    host_id = f"{har._hex(8)}-{har._hex(4)}-{har._hex(4)}-{har._hex(4)}-{har._hex(12)}"
    agent_id = har._hex(64)
    ports = [
        {"laddr": "0.0.0.0", "status": "normal", "port": 22, "type": "TCP", "pid": 1187,
         "path": "/usr/sbin/sshd", "agent_id": agent_id, "container_id": ""},
        {"laddr": "::", "status": "normal", "port": 22, "type": "TCP6", "pid": 1187,
         "path": "/usr/sbin/sshd", "agent_id": agent_id, "container_id": ""},
        {"laddr": "127.0.0.1", "status": "danger", "port": 6379, "type": "TCP", "pid": 2301,
         "path": "/usr/bin/redis-server", "agent_id": agent_id, "container_id": ""},
    ]
    query = [("host_id", host_id), ("limit", "10"), ("offset", "0")]
    url = (f"https://{HSS_HOST}/v5/{PROJECT_ID}/asset/ports?"
           + "&".join(f"{n}={v}" for n, v in query))
    har.add(started + dt.timedelta(seconds=4, milliseconds=517), url, query,
            200, "OK", "application/json;charset=UTF-8",
            compact({"total_num": len(ports), "data_list": ports}))
    described.append("ListPorts `/asset/ports?host_id=...` (one server's ports, no `num`): "
                     "not statistics")

    path = write_bytes(out / "capture.har", pretty(har.log(page_started)))
    return path, described


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

DEFAULTS = {
    "start": "2026-11-24", "days": 5, "hosts": 120, "containers": 800,
    "host_records": 430, "container_records": 250, "page_size": 200, "seed": 20261128,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Generate saved HSS open-port statistics pages (deterministic).")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--start", default=DEFAULTS["start"], help="first day, YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=DEFAULTS["days"], help="number of days")
    parser.add_argument("--hosts", type=int, default=DEFAULTS["hosts"], help="servers in the fleet")
    parser.add_argument("--containers", type=int, default=DEFAULTS["containers"],
                        help="containers in the fleet")
    parser.add_argument("--host-records", type=int, default=DEFAULTS["host_records"],
                        help="about how many (port, type) records per host snapshot")
    parser.add_argument("--container-records", type=int, default=DEFAULTS["container_records"],
                        help="about how many (port, type) records per container snapshot")
    parser.add_argument("--page-size", type=int, default=DEFAULTS["page_size"],
                        help="records per page (the request's limit)")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="random seed")
    parser.add_argument("--gzip-day", type=int, default=None,
                        help="0-based day index whose pages are written as .json.gz")
    parser.add_argument("--samples", action="store_true",
                        help="also write capture.har, errors/, incomplete/ and MANIFEST.md")
    args = parser.parse_args(argv)
    try:
        args.start_date = dt.date.fromisoformat(args.start)
    except ValueError:
        parser.error(f"--start: expected YYYY-MM-DD, found {args.start!r}")
    for name in ("days", "hosts", "containers", "page_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    for name in ("host_records", "container_records"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must not be negative")
    if args.gzip_day is not None and not 0 <= args.gzip_day < args.days:
        parser.error(f"--gzip-day must be between 0 and {args.days - 1}")
    return args


def command_line(args: argparse.Namespace) -> str:
    """The canonical command that produces this output (for MANIFEST.md)."""
    words = ["python3", "samples/generate_exports.py", "--out", str(args.out)]
    for name, default in DEFAULTS.items():
        value = getattr(args, name)
        if value != default:
            words += [f"--{name.replace('_', '-')}", str(value)]
    if args.samples:
        words.append("--samples")
    if args.gzip_day is not None:
        words += ["--gzip-day", str(args.gzip_day)]
    return shlex.join(words)


def day_style(args: argparse.Namespace, index: int) -> DayStyle:
    """Day 0 is an old export without status; one later day misspells `unknown`; the last
    day (if not day 0) carries extra fields."""
    last = args.days - 1
    misspelled = max(1, args.days - 2) if args.days >= 2 else None
    return DayStyle(
        seed=args.seed,
        with_status=index > 0,
        misspell_unknown=index == misspelled,
        extra_fields=index == last and index > 0,
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    out: Path = args.out
    clashes = [out / "exports"]
    if args.samples:
        clashes += [out / "capture.har", out / "errors", out / "incomplete", out / "MANIFEST.md"]
    existing = [str(p) for p in clashes if p.exists()]
    if existing:
        print(f"generate_exports.py: refusing to mix with earlier output; remove first: "
              f"{' '.join(existing)}", file=sys.stderr)
        return 1

    master = random.Random(args.seed)
    models = {
        "host": CategoryModel("host", args.hosts, args.host_records,
                              random.Random(master.getrandbits(64)), HOST_HEAD,
                              HOST_TAIL_SERVICES),
        "container": CategoryModel("container", args.containers, args.container_records,
                                   random.Random(master.getrandbits(64)), CONTAINER_HEAD,
                                   CONTAINER_TAIL_SERVICES),
    }
    sample_rng = random.Random(master.getrandbits(64))

    infos: list[SnapshotInfo] = []
    for index in range(args.days):
        day = args.start_date + dt.timedelta(days=index)
        style = day_style(args, index)
        compress = index == args.gzip_day
        for category, model in models.items():
            if index == 0:
                model.start(day)
            else:
                model.advance(day)
            records = model.records(style)
            relative = f"exports/{day.isoformat()}/{category}"
            write_snapshot(out / relative, records, args.page_size, compress)
            notes = style.notes() + (["pages gzip-compressed (`.json.gz`, mtime 0)"]
                                     if compress else [])
            pages = page_count(len(records), args.page_size)
            infos.append(SnapshotInfo(relative, category, day, len(records),
                                      f"1–{pages}" if pages > 1 else "1", notes))

    if args.samples:
        write_samples(args, models, sample_rng, infos)
    return 0


def write_samples(args: argparse.Namespace, models: dict[str, CategoryModel],
                  rng: random.Random, infos: list[SnapshotInfo]) -> None:
    out: Path = args.out
    next_day = args.start_date + dt.timedelta(days=args.days)
    style = DayStyle(seed=args.seed)

    # 1. The day after the exports, container category, captured by a browser.
    models["container"].advance(next_day)
    containers = models["container"].records(style)
    _, har_notes = write_har(out, next_day, containers, args.page_size, rng)

    # 2. A saved error body.
    errors = f"errors/{next_day.isoformat()}/host"
    write_bytes(out / errors / "page-0001.json",
                pretty({"error_code": "HSS.0001", "error_msg": "Invalid parameter"}))

    # 3. A host export of three pages whose page 2 was never saved.
    host = models["host"]
    host.advance(next_day)
    host.resize(2 * args.page_size + (args.page_size + 1) // 2, next_day)
    hosts = host.records(style)
    incomplete = f"incomplete/{next_day.isoformat()}/host"
    pages = page_count(len(hosts), args.page_size)
    kept = {1, pages} if pages >= 3 else {1}
    write_snapshot(out / incomplete, hosts, args.page_size, only_pages=kept)
    saved = sum(len(hosts[(n - 1) * args.page_size:n * args.page_size]) for n in kept)

    write_manifest(args, infos, next_day, len(containers), har_notes, errors,
                   incomplete, len(hosts), pages, sorted(kept), saved)


def write_manifest(args, infos, next_day, har_total, har_notes, errors, incomplete,
                   incomplete_total, incomplete_pages, kept, saved) -> None:
    lines = [
        f"# {args.out.name or args.out}/",
        "",
        "Generated by `samples/generate_exports.py`; do not edit by hand. Regenerate with:",
        "",
        "```",
        command_line(args),
        "```",
        "",
    ]
    if str(args.out).rstrip("/") == "samples" and command_line(args) == (
            "python3 samples/generate_exports.py --out samples --samples --gzip-day 2"):
        lines += ["(`samples/generate` removes the old files and runs exactly this.)", ""]
    lines += [
        f"Simulated fleet: {args.hosts} servers, {args.containers} containers; seed {args.seed}. "
        f"Each page is an HSS `ListPortStatistics` 200 body (`total_num`, `data_list`), "
        f"{args.page_size} records per page, sorted by port then type. `num` counts servers "
        f"(host) or containers (container). The captured day and category come from the path.",
        "",
        "## Exports",
        "",
        "| directory | category | captured day | total_num | pages | special |",
        "|---|---|---|---|---|---|",
    ]
    for info in infos:
        lines.append(f"| `{info.directory}/` | {info.category} | {info.day.isoformat()} | "
                     f"{info.total} | {info.pages} | {'; '.join(info.notes) or '—'} |")
    lines += [
        "",
        "## Special files",
        "",
        "| file | category | captured day | total_num | pages | special |",
        "|---|---|---|---|---|---|",
        f"| `capture.har` | container | {next_day.isoformat()} | {har_total} | "
        f"{page_count(har_total, args.page_size)} | browser-saved HAR 1.2 of the paged export "
        f"(project `{PROJECT_ID}`, enterprise_project_id=0); see below |",
        f"| `{errors}/page-0001.json` | host | {next_day.isoformat()} | — | 1 | "
        f"saved HSS error body (HSS.0001 Invalid parameter): not data |",
        f"| `{incomplete}/` | host | {next_day.isoformat()} | {incomplete_total} | "
        f"{', '.join(str(p) for p in kept)} of {incomplete_pages} | "
        f"incomplete: pages hold {saved} of {incomplete_total} records |",
        "",
        "`capture.har` entries, in time order:",
        "",
    ]
    lines += [f"- {note}" for note in har_notes]
    lines += ["", "The `X-Auth-Token` in the HAR is a placeholder, not a credential.", ""]
    write_bytes(args.out / "MANIFEST.md", "\n".join(lines).encode())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
