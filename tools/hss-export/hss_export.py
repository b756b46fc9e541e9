#!/usr/bin/env python3
"""hss-export: save HSS open-port statistics exactly as portreport reads them.

Pages ListPortStatistics (GET /v5/{project_id}/asset/port/statistics) for category=host and
category=container with limit=200, through the vendor's official SDK (huaweicloudsdkhss), and
writes

    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/host/page-0001.json ...
    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/container/page-0001.json ...
    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/portreport-export.json   (the sidecar)

With --detail danger,catalogue,policy it then pages ListPortHost (GET
/v5/{project_id}/asset/ports/detail) for the selected ports of each category and writes, beside the
statistics pages,

    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/host/port-hosts-<PORT>-offset-<N>.json ...
    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/host/portreport-export.json   (their `details`)

Each page is the response body byte for byte as the API sent it. The stamp is the time the export
started, in UTC. `portreport import OUT` then imports it with no flags.

Credentials come from the environment only: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and, for
temporary credentials, HUAWEICLOUD_SDK_SECURITY_TOKEN. They are never written to a file, printed,
or accepted as arguments (a command line is visible to every user of the machine).

Exit status: 0 written; 1 the API or the network failed, or the data changed or came back short
while paging (nothing is written; when that happens to a drill-down call, the statistics are
written and no drill-down page is); 64 a usage error (a missing variable or a bad option).
"""

import argparse
import datetime
import json
import logging
import os
import re
import shutil
import signal
import sys

VERSION = "0.4.1"
LIMIT = 200
PATH = "/v5/{project_id}/asset/port/statistics"
DETAIL_PATH = "/v5/{project_id}/asset/ports/detail"
# What --detail selects from, in the order given; --max-detail-ports bounds the ports asked about.
DETAIL_SELECTIONS = ("danger", "catalogue", "policy")
MAX_DETAIL_PORTS = 500
CATALOGUE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "risk-catalogue.json")
SIDECAR = "portreport-export.json"
FORMAT = "portreport-export/1"
CATEGORIES = ("host", "container")
# A full pass over one category is tried at most this often when the data changes while paging.
ATTEMPTS = 3
# The vendor documents total_num up to 10,000; the offset goes to 2,000,000. A pass stops after
# this many pages whatever the server says, so that a misbehaving endpoint cannot keep it paging.
MAX_PAGES = 2000000 // LIMIT + 1

EXIT_FAILED = 1
EXIT_USAGE = 64


class Failure(Exception):
    """An error that ends the run with a message and an exit status; nothing is written, unless
    `saved` (a drill-down call failed after the statistics were complete: they are written)."""

    def __init__(self, message, status=EXIT_FAILED, saved=False):
        super().__init__(message)
        self.status = status
        self.saved = saved


class Secrets:
    """The values never to show: every message goes through scrub() before it is printed."""

    def __init__(self, values):
        self.values = sorted((v for v in values if v), key=len, reverse=True)

    def scrub(self, text):
        for value in self.values:
            text = text.replace(value, "***")
        # One message, one line: control characters from a server's message are shown escaped.
        return CONTROL.sub(lambda m: "\\x%02x" % ord(m.group(0)), text)


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Terminated(BaseException):
    """SIGTERM: unwinds like an interrupt, so that the hidden directory is removed."""


class Parser(argparse.ArgumentParser):
    """argparse with the documented exit status 64 for a usage error (argparse's own is 2)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, "%s: error: %s\n" % (self.prog, message))


def parse_arguments(argv):
    parser = Parser(
        prog="hss_export.py",
        description="Save HSS open-port statistics (host and container) as portreport reads them.",
        epilog="Credentials: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN for "
        "temporary ones) from the environment only.",
    )
    parser.add_argument("out", metavar="OUT", help="the directory to write into (created if missing)")
    parser.add_argument("--project-id", help="the project (default: $HUAWEICLOUD_SDK_PROJECT_ID)")
    parser.add_argument("--region", help="the region, e.g. cn-north-4 (default: $HUAWEICLOUD_SDK_REGION)")
    parser.add_argument(
        "--endpoint",
        help="the endpoint URL instead of the region's, e.g. a private endpoint or a local emulator "
        "(default: $HUAWEICLOUD_SDK_HSS_ENDPOINT); https:// unless it says http://",
    )
    parser.add_argument("--ca-bundle", help="a CA bundle (PEM) to verify the endpoint's certificate with")
    parser.add_argument("--enterprise-project", metavar="ID", help="the enterprise project (all_granted_eps: all of them)")
    parser.add_argument("--category", choices=CATEGORIES, action="append", help="only this category (repeatable; default both)")
    parser.add_argument("--status", choices=["danger", "normal", "unknown"], help="only ports with this status (a partial export)")
    parser.add_argument("--port", type=int, help="only this port, 1-65535 (a partial export)")
    parser.add_argument("--type", choices=["TCP", "UDP", "TCP6", "UDP6"], help="only this protocol (a partial export)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for each response (default 60)")
    parser.add_argument(
        "--detail",
        metavar="LIST",
        help="then fetch ListPortHost (the servers or containers behind a port) for the ports of the statistics that are "
        "rated danger, in portreport's risk catalogue, or named by the --policy file: a comma list of danger, catalogue, "
        "policy (its order is the priority under --max-detail-ports)",
    )
    parser.add_argument("--policy", metavar="FILE", help="the portreport policy (YAML) whose ports --detail policy fetches")
    parser.add_argument(
        "--max-detail-ports",
        metavar="N",
        type=int,
        help="ask ListPortHost about at most N ports (per category and port; default %d); those left out are named" % MAX_DETAIL_PORTS,
    )
    parser.add_argument("--version", action="version", version="hss-export " + VERSION)
    arguments = parser.parse_args(argv)
    if arguments.port is not None and not 1 <= arguments.port <= 65535:
        parser.error("--port: expected 1-65535, found %d" % arguments.port)
    if not arguments.timeout > 0:
        parser.error("--timeout: expected a positive number of seconds")
    arguments.detail = detail_selections(parser, arguments)
    return arguments


def detail_selections(parser, arguments):
    """--detail as a list in the order given (no repeats); the options that only make sense with it checked."""
    if arguments.detail is None:
        if arguments.policy is not None:
            parser.error("--policy is read only for --detail policy: add --detail policy (or leave --policy out)")
        if arguments.max_detail_ports is not None:
            parser.error("--max-detail-ports bounds --detail: add --detail danger,catalogue,policy (any of them)")
        return []
    selections = []
    for item in arguments.detail.split(","):
        name = item.strip().lower()
        if name not in DETAIL_SELECTIONS:
            parser.error("--detail: expected a comma list of danger, catalogue, policy, found %r" % item.strip())
        if name not in selections:
            selections.append(name)
    if "policy" in selections and arguments.policy is None:
        parser.error("--detail policy needs --policy FILE: the portreport policy whose ports to fetch")
    if arguments.policy is not None and "policy" not in selections:
        parser.error("--policy is read only for --detail policy: add policy to --detail (or leave --policy out)")
    if arguments.max_detail_ports is None:
        arguments.max_detail_ports = MAX_DETAIL_PORTS
    elif arguments.max_detail_ports < 1:
        parser.error("--max-detail-ports: expected a positive number of ports, found %d" % arguments.max_detail_ports)
    # A filtered export's sidecar gives its filters to every page below it: the drill-down pages
    # would import as filtered (partial) queries, which they are not, and the statistics beside
    # them would not list the ports a catalogue or policy names. So --detail reads a full export.
    filters = ["--%s" % name for name in ("status", "port", "type") if getattr(arguments, name) is not None]
    if filters:
        parser.error(
            "--detail selects from a full export, not a filtered one (%s): the sidecar's filters would apply to the "
            "drill-down pages too; leave %s out (a full export has every danger row)" % (", ".join(filters), " and ".join(filters))
        )
    return selections


def environment(name):
    value = os.environ.get(name, "")
    return value if value.strip() else None


# A project id becomes a directory name: keep it to what the vendor's ids are made of.
PROJECT_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")


def settings(arguments):
    """Everything the run needs from the arguments and the environment, checked before any request."""
    ak, sk = environment("HUAWEICLOUD_SDK_AK"), environment("HUAWEICLOUD_SDK_SK")
    missing = [name for name, value in (("HUAWEICLOUD_SDK_AK", ak), ("HUAWEICLOUD_SDK_SK", sk)) if value is None]
    if missing:
        raise Failure(
            "%s not set: export the access key pair in the environment (never on the command line)" % " and ".join(missing),
            EXIT_USAGE,
        )
    project_id = arguments.project_id or environment("HUAWEICLOUD_SDK_PROJECT_ID")
    if project_id is None:
        raise Failure("no project: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID", EXIT_USAGE)
    if not PROJECT_ID.match(project_id):
        raise Failure("--project-id: expected letters, digits, '-', '_' or '.' (at most 128), as the vendor's ids", EXIT_USAGE)
    region = arguments.region or environment("HUAWEICLOUD_SDK_REGION")
    endpoint = arguments.endpoint or environment("HUAWEICLOUD_SDK_HSS_ENDPOINT")
    if region is None and endpoint is None:
        raise Failure("no region: pass --region (e.g. cn-north-4) or --endpoint, or set HUAWEICLOUD_SDK_REGION", EXIT_USAGE)
    filters = {}
    if arguments.status is not None:
        filters["status"] = arguments.status
    if arguments.port is not None:
        filters["port"] = str(arguments.port)
    if arguments.type is not None:
        filters["type"] = arguments.type
    return {
        "ak": ak,
        "sk": sk,
        "token": environment("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
        "project_id": project_id,
        "region": region,
        "endpoint": endpoint,
        "enterprise_project_id": arguments.enterprise_project,
        "categories": list(dict.fromkeys(arguments.category or CATEGORIES)),
        "filters": filters,
        "detail": arguments.detail,
        "catalogue": load_catalogue() if "catalogue" in arguments.detail else set(),
        "policy": load_policy(arguments.policy) if "policy" in arguments.detail else [],
        "max_detail_ports": arguments.max_detail_ports,
    }


# MARK: - What --detail selects: the risk catalogue and a policy's ports


def load_catalogue(path=CATALOGUE):
    """portreport's risk catalogue as (port, transport) pairs, from risk-catalogue.json beside this
    script (a copy of Sources/PortReport/Analysis/RiskCatalogue.swift that a test keeps equal)."""
    try:
        with open(path, "rb") as handle:
            entries = json.loads(handle.read().decode("utf-8"))["entries"]
        pairs = set()
        for entry in entries:
            port, transport = entry["port"], entry["transport"]
            if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535 or transport not in ("tcp", "udp"):
                raise ValueError("an entry %r is not {\"port\": 1-65535, \"transport\": \"tcp\" or \"udp\", ...}" % (entry,))
            pairs.add((port, transport))
        return pairs
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise Failure("%s: cannot read the risk catalogue (%s): it comes with this script; reinstall it" % (path, error), EXIT_USAGE)


def family(port_type):
    """tcp for TCP and TCP6, udp for UDP and UDP6 (any case); None for anything else."""
    text = port_type.upper() if isinstance(port_type, str) else ""
    return {"TCP": "tcp", "TCP6": "tcp", "UDP": "udp", "UDP6": "udp"}.get(text)


class PortSpec:
    """A policy's port entry, read as portreport reads it (Policy.portSpec): 23 (every protocol),
    23/tcp (TCP and TCP6), 23/tcp4, 23/tcp6, likewise udp, and ranges such as 8000-8100/tcp."""

    TYPES = {
        "": {"TCP", "UDP", "TCP6", "UDP6"},
        "tcp": {"TCP", "TCP6"},
        "udp": {"UDP", "UDP6"},
        "tcp4": {"TCP"},
        "udp4": {"UDP"},
        "tcp6": {"TCP6"},
        "udp6": {"UDP6"},
    }
    NUMBER = re.compile(r"^\+?[0-9]+$")

    def __init__(self, low, high, types, category):
        self.low, self.high, self.types, self.category = low, high, types, category

    @classmethod
    def parse(cls, text, category):
        parts = text.lower().split("/")
        if not (len(parts) == 1 or (len(parts) == 2 and parts[1])):
            return None
        bounds = parts[0].split("-")
        if len(bounds) not in (1, 2) or not all(cls.NUMBER.match(b) for b in bounds):
            return None
        low, high = int(bounds[0]), int(bounds[-1])
        if not (0 <= low <= 65535 and 0 <= high <= 65535 and low <= high):
            return None
        types = cls.TYPES.get(parts[1] if len(parts) == 2 else "")
        return None if types is None else cls(low, high, types, category)

    def matches(self, category, port, port_type):
        return (self.category is None or self.category == category) and self.low <= port <= self.high and port_type in self.types


POLICY_SETTINGS = ("forbid", "limits", "allow", "new_ports", "new_dangerous", "waivers")


def load_policy(path):
    """The ports a portreport policy names in its forbid, limits and waivers rules (each with the
    rule's category, both when it has none), as PortSpecs. An allow list names the ports that may
    be open, not the ones to look at: it is not read. Only what decides the ports is checked here
    (`portreport check --policy FILE` checks the rest); errors name the file and line."""
    try:
        import yaml
    except ImportError as error:
        raise Failure("PyYAML is not installed (%s): pip install -r tools/hss-export/requirements.txt" % error, EXIT_USAGE)

    def fail(node, message):
        line = ":%d" % (node.start_mark.line + 1) if node is not None else ""
        return Failure("--policy %s%s: %s" % (path, line, message), EXIT_USAGE)

    try:
        with open(path, "rb") as handle:
            data = handle.read((1 << 20) + 1)
        if len(data) > 1 << 20:
            raise Failure("--policy %s: over 1 MiB, the limit for a policy (a policy is a few KB)" % path, EXIT_USAGE)
        text = data.decode("utf-8")
        # portreport refuses anchors and aliases (an alias can make a small file expand without bound).
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise Failure(
                    "--policy %s:%d: YAML anchors and aliases (&name, *name) are not accepted in a policy"
                    % (path, event.start_mark.line + 1),
                    EXIT_USAGE,
                )
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except OSError as error:
        raise Failure("--policy %s: cannot read it (%s)" % (path, error.strerror or error), EXIT_USAGE)
    except UnicodeDecodeError:
        raise Failure("--policy %s: not UTF-8 text; expected a YAML policy file" % path, EXIT_USAGE)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = ":%d" % (mark.line + 1) if mark is not None else ""
        raise Failure("--policy %s%s: not valid YAML: %s" % (path, line, getattr(error, "problem", None) or error), EXIT_USAGE)
    specs = []
    if root is None:
        return specs
    if not isinstance(root, yaml.MappingNode):
        raise fail(root, "expected a mapping with forbid, limits, allow, new_ports, new_dangerous, waivers")
    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode) or key.value not in POLICY_SETTINGS:
            raise fail(key, "unknown setting '%s': expected %s or waivers" % (getattr(key, "value", "?"), ", ".join(POLICY_SETTINGS[:-1])))
        if key.value not in ("forbid", "limits", "waivers"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            raise fail(value, "expected %s to be a list" % key.value)
        for rule in value.value:
            if not isinstance(rule, yaml.MappingNode):
                raise fail(rule, "expected a mapping with ports and category")
            fields = {k.value: v for k, v in rule.value if isinstance(k, yaml.ScalarNode)}
            category = None
            if "category" in fields:
                node = fields["category"]
                if not isinstance(node, yaml.ScalarNode) or node.value not in CATEGORIES:
                    raise fail(node, "expected host or container")
                category = node.value
            if "ports" not in fields:
                raise fail(rule, "missing 'ports'")
            ports = fields["ports"]
            for item in ports.value if isinstance(ports, yaml.SequenceNode) else [ports]:
                spec = PortSpec.parse(item.value, category) if isinstance(item, yaml.ScalarNode) else None
                if spec is None:
                    raise fail(
                        item,
                        "expected a port such as 23, 23/tcp, 23/udp6 or 8000-8100/tcp, found '%s'"
                        % (item.value if isinstance(item, yaml.ScalarNode) else "?"),
                    )
                specs.append(spec)
    return specs


def plan_details(config, pages):
    """The ListPortHost queries to make: (category, port) for every port of the statistics just
    fetched that a --detail selection picks, in priority order (the first selection in --detail's
    order that picks it, then host before container, then the port), bounded by --max-detail-ports.
    Returns (kept, left_out); each a list of (category, port). One query per port, without `type`:
    it lists every protocol of the port (the vendor's `type` takes only TCP or UDP)."""
    selections = config["detail"]
    rank = {}
    for category, category_pages in pages.items():
        for _, records in category_pages:
            for record in records:
                if not isinstance(record, dict):
                    continue
                port, port_type = record.get("port"), record.get("type")
                port_type = port_type.upper() if isinstance(port_type, str) else port_type  # as portreport reads "tcp"
                if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
                    continue  # not a port: portreport's import names it
                picked = []
                if "danger" in selections and record.get("status") == "danger":
                    picked.append("danger")
                if "catalogue" in selections and (port, family(port_type)) in config["catalogue"]:
                    picked.append("catalogue")
                if "policy" in selections and any(spec.matches(category, port, port_type) for spec in config["policy"]):
                    picked.append("policy")
                if picked and port == 0:
                    warn("%s 0/%s is selected (%s) but ListPortHost takes ports 1-65535: not asked about" % (category, port_type, ", ".join(picked)))
                elif picked:
                    best = min(selections.index(name) for name in picked)
                    key = (category, port)
                    rank[key] = min(rank.get(key, best), best)
    ordered = sorted(rank, key=lambda key: (rank[key], CATEGORIES.index(key[0]), key[1]))
    limit = config["max_detail_ports"]
    return ordered[:limit], ordered[limit:]


def port_ranges(ports):
    """[21, 22, 23, 80] -> '21-23, 80'."""
    parts, ports = [], sorted(ports)
    start = previous = None
    for port in ports + [None]:
        if port is not None and previous is not None and port == previous + 1:
            previous = port
            continue
        if start is not None:
            parts.append(str(start) if start == previous else "%d-%d" % (start, previous))
        start = previous = port
    return ", ".join(parts)


def make_client(config, arguments):
    """An HssClient on the region's endpoint, or on --endpoint; with a project id the SDK never calls IAM."""
    try:
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.http.http_config import HttpConfig
        from huaweicloudsdkhss.v5 import HssClient
        from huaweicloudsdkhss.v5.region.hss_region import HssRegion
    except ImportError as error:
        raise Failure(
            "the vendor's SDK is not installed (%s): pip install -r tools/hss-export/requirements.txt" % error, EXIT_USAGE
        )
    credentials = BasicCredentials(config["ak"], config["sk"], config["project_id"])
    if config["token"]:
        credentials = credentials.with_security_token(config["token"])
    http_config = HttpConfig.get_default_config()
    http_config.timeout = (min(arguments.timeout, 60), arguments.timeout)
    if arguments.ca_bundle:
        http_config.ssl_ca_cert = arguments.ca_bundle
    builder = HssClient.new_builder().with_http_config(http_config).with_credentials(credentials)
    if config["endpoint"]:
        endpoint = config["endpoint"]
        if endpoint.startswith("http://") and not re.match(r"^http://(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?(/|$)", endpoint):
            warn("--endpoint %s is plain HTTP: the access key id and the signed requests travel unencrypted" % endpoint)
        builder = builder.with_endpoints([endpoint])
    else:
        try:
            builder = builder.with_region(HssRegion.value_of(config["region"]))
        except KeyError as error:
            raise Failure("--region: %s" % error.args[0], EXIT_USAGE)
    client = builder.build()
    # The SDK logs connection errors itself; the message printed here says the same once.
    logging.getLogger("HuaweiCloud-SDK-HssClient").addHandler(logging.NullHandler())
    return client


def describe_sdk_error(error):
    """The vendor's error code and message, the HTTP status and the request id; never a header."""
    status = getattr(error, "status_code", None)
    code = getattr(error, "error_code", None)
    message = getattr(error, "error_msg", None) or str(error)
    request_id = getattr(error, "request_id", None)
    text = "%s: %s" % (code, message) if code else str(message)
    if status:
        text = "HTTP %s, %s" % (status, text)
    if request_id:
        text += " (request id %s)" % request_id
    return text


def fetch_page(client, config, category, offset):
    """One statistics page: the body as sent (bytes), its total_num and its records."""
    from huaweicloudsdkcore.exceptions import exceptions
    from huaweicloudsdkhss.v5 import ListPortStatisticsRequest

    request = ListPortStatisticsRequest(
        enterprise_project_id=config["enterprise_project_id"],
        category=category,
        limit=LIMIT,
        offset=offset,
        port=int(config["filters"]["port"]) if "port" in config["filters"] else None,
        type=config["filters"].get("type"),
        status=config["filters"].get("status"),
    )
    return call("ListPortStatistics", "%s page at offset %d" % (category, offset), lambda: client.list_port_statistics(request))


def fetch_detail_page(client, config, category, port, offset):
    """One ListPortHost page of `port` (every protocol): the body as sent, its total_num and records."""
    from huaweicloudsdkhss.v5 import ListPortHostRequest

    request = ListPortHostRequest(
        enterprise_project_id=config["enterprise_project_id"], category=category, limit=LIMIT, offset=offset, port=port
    )
    return call("ListPortHost", "%s port %d, page at offset %d" % (category, port, offset), lambda: client.list_port_host(request))


def call(operation, place, send):
    """Sends one request; the body as sent (bytes), checked to be {"total_num": N, "data_list": [...]}."""
    from huaweicloudsdkcore.exceptions import exceptions

    try:
        response = send()
    except exceptions.SdkException as error:
        raise Failure("%s (%s) failed: %s" % (operation, place, describe_sdk_error(error)))
    except Exception as error:  # the SDK lets some errors of requests/urllib3 through
        raise Failure("%s (%s) failed: %s: %s" % (operation, place, type(error).__name__, error))
    raw = getattr(response, "raw_content", None)
    if not raw:
        raise Failure("%s (%s): the response has no body" % (operation, place))
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Failure("%s (%s): the body is not JSON (%s)" % (operation, place, error))
    total = body.get("total_num") if isinstance(body, dict) else None
    records = body.get("data_list") if isinstance(body, dict) else None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0 or not isinstance(records, list):
        raise Failure("%s (%s): expected {\"total_num\": N, \"data_list\": [...]}, found another body" % (operation, place))
    if len(records) > LIMIT:
        raise Failure("%s (%s): %d records on one page, more than limit=%d" % (operation, place, len(records), LIMIT))
    return raw, total, records


def record_key(record):
    if isinstance(record, dict):
        return (record.get("port"), record.get("type"))
    return ("?", json.dumps(record))


def detail_key(record):
    """A ListPortHost record is one listening socket of one asset."""
    if isinstance(record, dict):
        return tuple(str(record.get(name)) for name in ("host_id", "container_id", "type", "laddr"))
    return ("?", json.dumps(record))


def describe_detail_key(key):
    if len(key) != 4:
        return "record %s" % key[-1]
    host_id, container_id, port_type, laddr = key
    asset = "container %s" % container_id if container_id not in ("None", "") else "host %s" % host_id
    return "%s %s on %s" % (asset, port_type, laddr)


class Changed(Exception):
    """The data changed while paging: the pass is started again from offset 0."""


def repeat(what, fetch, key, describe):
    """Pages one query until total_num (see export_category), at most ATTEMPTS passes."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return page_through(what, fetch, key, describe)
        except Changed as change:
            if attempt == ATTEMPTS:
                raise Failure("%s: the data changed while paging, %d times in a row (%s); try again later" % (what, ATTEMPTS, change))
            warn("%s: the data changed while paging (%s): starting again from offset 0" % (what, change))
    raise AssertionError("unreachable")


def page_through(what, fetch, key, describe):
    pages, seen, expected = [], set(), None
    offset = 0
    while True:
        if len(pages) >= MAX_PAGES:
            raise Failure("%s: more than %d pages, the endpoint keeps answering; stopped" % (what, MAX_PAGES))
        raw, total, records = fetch(offset)
        if expected is None:
            expected = total
        elif total != expected:
            raise Changed("total_num %d on the first page, %d at offset %d" % (expected, total, offset))
        for record in records:
            record_id = key(record)
            if record_id in seen:
                raise Changed("%s again at offset %d" % (describe(record_id), offset))
            seen.add(record_id)
        pages.append((raw, records))
        offset += len(records)
        if offset > expected:
            raise Changed("%d records, more than total_num %d" % (offset, expected))
        if offset == expected:
            return pages
        if not records or len(records) < LIMIT:
            raise Failure(
                "%s: the page at offset %d has %d records, but total_num says %d records in all: the export would be "
                "incomplete" % (what, offset - len(records), len(records), expected)
            )


def export_category(client, config, category):
    """The pages of one category, each (raw body, its records), for a consistent pass.

    offset = 0, 200, ... (the records seen so far) until the records seen reach the first page's
    total_num. A pass is started again from offset 0 (at most ATTEMPTS passes) when a later page
    gives another total_num, or repeats a port/protocol already seen (the data shifted under
    the offsets): the vendor refreshes the statistics about every 6 hours, so a second pass is
    nearly always consistent. A page that comes back empty (or short) before total_num is
    reached is an error: the export would be incomplete, and nothing is written.
    """
    return repeat(category, lambda offset: fetch_page(client, config, category, offset), record_key, lambda key: "%s/%s" % key[:2])


def export_port_hosts(client, config, category, port):
    """The ListPortHost pages of one port, paged as export_category pages the statistics; a record
    repeated is one socket of one asset (host, container, protocol, listen address) seen again."""
    return repeat(
        "ListPortHost %s port %d" % (category, port),
        lambda offset: fetch_detail_page(client, config, category, port, offset),
        detail_key,
        describe_detail_key,
    )


def write_file(path, data):
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def sdk_version():
    try:
        from importlib.metadata import version

        return version("huaweicloudsdkhss")
    except Exception:
        return "unknown"


def warn(message):
    print("warning: " + SECRETS.scrub(message), file=sys.stderr)


SECRETS = Secrets([])


def detail_file_name(port, offset):
    """portreport's drill-down file name (Sources/PortReport/Import/DetailFileName.swift): the name
    says the query, so that even an empty page imports as what it is."""
    return "port-hosts-%d-offset-%d.json" % (port, offset)


def export_details(client, config, plan, directory):
    """Pages ListPortHost for each planned (category, port) and writes the pages into
    directory/CATEGORY/, with a sidecar there whose `details` say what each page answers. Returns
    per category (ports, records, pages)."""
    details, counts = {}, {}
    for category, port in plan:
        offset = 0
        port_pages = export_port_hosts(client, config, category, port)
        for raw, records in port_pages:
            name = detail_file_name(port, offset)
            write_file(os.path.join(directory, category, name), raw)
            details.setdefault(category, {})[name] = {"kind": "ListPortHost", "port": port}
            offset += len(records)
        ports, records, pages = counts.get(category, (0, 0, 0))
        counts[category] = (ports + 1, records + offset, pages + len(port_pages))
    for category, files in details.items():
        sidecar = {"format": FORMAT, "details": {name: files[name] for name in sorted(files)}}
        write_file(os.path.join(directory, category, SIDECAR), (json.dumps(sidecar, indent=2) + "\n").encode("utf-8"))
    return counts


def run(argv):
    global SECRETS
    arguments = parse_arguments(argv)
    config = settings(arguments)
    SECRETS = Secrets([config["ak"], config["sk"], config["token"]])
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    stamp = started.strftime("%Y-%m-%dT%H%M%SZ")
    project_directory = os.path.join(arguments.out, "project-" + config["project_id"])
    final = os.path.join(project_directory, stamp)
    if os.path.lexists(final):
        raise Failure("%s already exists (another export in the same second?): not overwritten" % final)

    client = make_client(config, arguments)
    pages = {category: export_category(client, config, category) for category in config["categories"]}
    plan, left_out = plan_details(config, pages) if config["detail"] else ([], [])
    if left_out:
        named = "; ".join(
            "%s %s" % (category, port_ranges(port for c, port in left_out if c == category))
            for category in CATEGORIES
            if any(c == category for c, _ in left_out)
        )
        warn(
            "--max-detail-ports %d: %d selected ports left out, not asked about (%s); raise --max-detail-ports to include them"
            % (config["max_detail_ports"], len(left_out), named)
        )

    # Everything was fetched: write it under a hidden name (portreport's directory walk skips
    # names starting with '.'), then rename it into place, so that no reader ever sees half an export.
    os.makedirs(project_directory, exist_ok=True)
    temporary = os.path.join(project_directory, ".%s.hss-export-%d.tmp" % (stamp, os.getpid()))
    os.mkdir(temporary)
    detail_counts, detail_failure = {}, None
    try:
        for category, category_pages in pages.items():
            os.mkdir(os.path.join(temporary, category))
            for number, (raw, _) in enumerate(category_pages, start=1):
                write_file(os.path.join(temporary, category, "page-%04d.json" % number), raw)
        sidecar = {"format": FORMAT, "project_id": config["project_id"]}
        # A request without enterprise_project_id answers for enterprise project 0, the API's
        # default (HSS-API.md), as portreport reads such a request's URL in a HAR capture:
        # without it the import stored "not given", and reports warned that the same export
        # beside a capture naming 0 might be counted twice.
        sidecar["enterprise_project_id"] = (
            config["enterprise_project_id"] if config["enterprise_project_id"] is not None else "0")
        if config["region"] is not None:
            sidecar["region"] = config["region"]
        if len(config["categories"]) == 1:
            sidecar["category"] = config["categories"][0]
        sidecar["captured_at"] = started.strftime("%Y-%m-%dT%H:%M:%SZ")
        sidecar["query"] = {"path": PATH, "filters": config["filters"], "limit": LIMIT}
        sidecar["exported_by"] = "portreport hss-export %s (huaweicloudsdkhss %s)" % (VERSION, sdk_version())
        write_file(os.path.join(temporary, SIDECAR), (json.dumps(sidecar, indent=2) + "\n").encode("utf-8"))
        if plan:
            # The drill-down pages go into a hidden folder of their own first: when a call fails,
            # it is removed and the statistics (complete) are still put in place, without them.
            staging = os.path.join(temporary, ".detail")
            for category in config["categories"]:
                os.makedirs(os.path.join(staging, category))
            try:
                detail_counts = export_details(client, config, plan, staging)
            except Failure as failure:
                detail_failure = failure
            else:
                for category in config["categories"]:
                    for name in sorted(os.listdir(os.path.join(staging, category))):
                        os.rename(os.path.join(staging, category, name), os.path.join(temporary, category, name))
            shutil.rmtree(staging)
        if os.path.lexists(final):
            raise Failure("%s already exists (another export in the same second?): not overwritten" % final)
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    directory_fd = os.open(project_directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)

    if detail_failure is not None:
        raise Failure(
            "%s; the statistics were written to %s, without any drill-down page" % (detail_failure, final), saved=True
        )
    summary = ", ".join(
        "%s %d records (%d %s)" % (category, sum(len(r) for _, r in p), len(p), "page" if len(p) == 1 else "pages")
        for category, p in pages.items()
    )
    partial = " (partial: filtered by %s)" % ", ".join("%s=%s" % kv for kv in config["filters"].items()) if config["filters"] else ""
    detail = ""
    if config["detail"]:
        detail = "; ListPortHost: " + (
            ", ".join(
                "%s %d %s, %d records (%d %s)"
                % (category, ports, "port" if ports == 1 else "ports", records, count, "page" if count == 1 else "pages")
                for category, (ports, records, count) in sorted(detail_counts.items(), key=lambda item: CATEGORIES.index(item[0]))
            )
            or "no port selected"
        )
    print("wrote %s: %s%s%s" % (final, summary, partial, detail))
    return 0


def terminate(signum, frame):
    raise Terminated()


def main(argv=None):
    signal.signal(signal.SIGTERM, terminate)
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Failure as failure:
        message = str(failure) + ("; nothing was written" if failure.status == EXIT_FAILED and not failure.saved else "")
        print("error: " + SECRETS.scrub(message), file=sys.stderr)
        return failure.status
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Terminated:
        print("error: terminated; nothing was written", file=sys.stderr)
        return 143
    except OSError as error:
        print("error: %s; nothing was written" % SECRETS.scrub(str(error)), file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
