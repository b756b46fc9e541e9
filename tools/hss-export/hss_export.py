#!/usr/bin/env python3
"""hss-export: save HSS open-port statistics exactly as portreport reads them.

Pages ListPortStatistics (GET /v5/{project_id}/asset/port/statistics) for category=host and
category=container with limit=200, through the vendor's official SDK (huaweicloudsdkhss), and
writes

    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/host/page-0001.json ...
    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/container/page-0001.json ...
    OUT/project-<project_id>/<YYYY-MM-DDTHHMMSSZ>/portreport-export.json   (the sidecar)

Each page is the response body byte for byte as the API sent it. The stamp is the time the export
started, in UTC. `portreport import OUT` then imports it with no flags.

Credentials come from the environment only: HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and, for
temporary credentials, HUAWEICLOUD_SDK_SECURITY_TOKEN. They are never written to a file, printed,
or accepted as arguments (a command line is visible to every user of the machine).

Exit status: 0 written; 1 the API or the network failed, or the data changed or came back short
while paging (nothing is written); 64 a usage error (a missing variable or a bad option).
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

VERSION = "0.3.0"
LIMIT = 200
PATH = "/v5/{project_id}/asset/port/statistics"
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
    """An error that ends the run with a message and an exit status; nothing is written."""

    def __init__(self, message, status=EXIT_FAILED):
        super().__init__(message)
        self.status = status


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


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
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
    parser.add_argument("--version", action="version", version="hss-export " + VERSION)
    arguments = parser.parse_args(argv)
    if arguments.port is not None and not 1 <= arguments.port <= 65535:
        parser.error("--port: expected 1-65535, found %d" % arguments.port)
    if not arguments.timeout > 0:
        parser.error("--timeout: expected a positive number of seconds")
    return arguments


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
    }


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
    """One page: the body as sent (bytes) and its parsed value, checked to be a statistics page."""
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
    place = "%s page at offset %d" % (category, offset)
    try:
        response = client.list_port_statistics(request)
    except exceptions.SdkException as error:
        raise Failure("ListPortStatistics (%s) failed: %s" % (place, describe_sdk_error(error)))
    except Exception as error:  # the SDK lets some errors of requests/urllib3 through
        raise Failure("ListPortStatistics (%s) failed: %s: %s" % (place, type(error).__name__, error))
    raw = getattr(response, "raw_content", None)
    if not raw:
        raise Failure("ListPortStatistics (%s): the response has no body" % place)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Failure("ListPortStatistics (%s): the body is not JSON (%s)" % (place, error))
    total = body.get("total_num") if isinstance(body, dict) else None
    records = body.get("data_list") if isinstance(body, dict) else None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0 or not isinstance(records, list):
        raise Failure("ListPortStatistics (%s): expected {\"total_num\": N, \"data_list\": [...]}, found another body" % place)
    if len(records) > LIMIT:
        raise Failure("ListPortStatistics (%s): %d records on one page, more than limit=%d" % (place, len(records), LIMIT))
    return raw, total, records


def record_key(record):
    if isinstance(record, dict):
        return (record.get("port"), record.get("type"))
    return ("?", json.dumps(record))


class Changed(Exception):
    """The data changed while paging: the pass is started again from offset 0."""


def export_category(client, config, category):
    """The pages of one category, each (raw body, number of records), for a consistent pass.

    offset = 0, 200, ... (the records seen so far) until the records seen reach the first page's
    total_num. A pass is started again from offset 0 (at most ATTEMPTS passes) when a later page
    gives another total_num, or repeats a port/protocol already seen (the data shifted under
    the offsets): the vendor refreshes the statistics about every 6 hours, so a second pass is
    nearly always consistent. A page that comes back empty (or short) before total_num is
    reached is an error: the export would be incomplete, and nothing is written.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return page_through(client, config, category)
        except Changed as change:
            if attempt == ATTEMPTS:
                raise Failure(
                    "%s: the data changed while paging, %d times in a row (%s); try again later" % (category, ATTEMPTS, change)
                )
            warn("%s: the data changed while paging (%s): starting again from offset 0" % (category, change))
    raise AssertionError("unreachable")


def page_through(client, config, category):
    pages, seen, expected = [], set(), None
    offset = 0
    while True:
        if len(pages) >= MAX_PAGES:
            raise Failure("%s: more than %d pages, the endpoint keeps answering; stopped" % (category, MAX_PAGES))
        raw, total, records = fetch_page(client, config, category, offset)
        if expected is None:
            expected = total
        elif total != expected:
            raise Changed("total_num %d on the first page, %d at offset %d" % (expected, total, offset))
        for record in records:
            key = record_key(record)
            if key in seen:
                raise Changed("%s/%s again at offset %d" % (key[0], key[1], offset))
            seen.add(key)
        pages.append((raw, len(records)))
        offset += len(records)
        if offset > expected:
            raise Changed("%d records, more than total_num %d" % (offset, expected))
        if offset == expected:
            return pages
        if not records or len(records) < LIMIT:
            raise Failure(
                "%s: the page at offset %d has %d records, but total_num says %d records in all: the export would be "
                "incomplete" % (category, offset - len(records), len(records), expected)
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

    # Everything was fetched: write it under a hidden name (portreport's directory walk skips
    # names starting with '.'), then rename it into place, so that no reader ever sees half an export.
    os.makedirs(project_directory, exist_ok=True)
    temporary = os.path.join(project_directory, ".%s.hss-export-%d.tmp" % (stamp, os.getpid()))
    os.mkdir(temporary)
    try:
        for category, category_pages in pages.items():
            os.mkdir(os.path.join(temporary, category))
            for number, (raw, _) in enumerate(category_pages, start=1):
                write_file(os.path.join(temporary, category, "page-%04d.json" % number), raw)
        sidecar = {"format": FORMAT, "project_id": config["project_id"]}
        if config["enterprise_project_id"] is not None:
            sidecar["enterprise_project_id"] = config["enterprise_project_id"]
        if config["region"] is not None:
            sidecar["region"] = config["region"]
        if len(config["categories"]) == 1:
            sidecar["category"] = config["categories"][0]
        sidecar["captured_at"] = started.strftime("%Y-%m-%dT%H:%M:%SZ")
        sidecar["query"] = {"path": PATH, "filters": config["filters"], "limit": LIMIT}
        sidecar["exported_by"] = "portreport hss-export %s (huaweicloudsdkhss %s)" % (VERSION, sdk_version())
        write_file(os.path.join(temporary, SIDECAR), (json.dumps(sidecar, indent=2) + "\n").encode("utf-8"))
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

    summary = ", ".join(
        "%s %d records (%d %s)" % (category, sum(n for _, n in p), len(p), "page" if len(p) == 1 else "pages")
        for category, p in pages.items()
    )
    partial = " (partial: filtered by %s)" % ", ".join("%s=%s" % kv for kv in config["filters"].items()) if config["filters"] else ""
    print("wrote %s: %s%s" % (final, summary, partial))
    return 0


def terminate(signum, frame):
    raise Terminated()


def main(argv=None):
    signal.signal(signal.SIGTERM, terminate)
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except Failure as failure:
        message = str(failure) + ("; nothing was written" if failure.status == EXIT_FAILED else "")
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
