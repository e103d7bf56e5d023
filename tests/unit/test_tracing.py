"""Tracing (bot/observability/tracing.py) with the real X-Ray SDK, without it, and switched off.

Each case runs in a fresh interpreter: the Tracer patches botocore and http.client for the whole process, and the
module builds it once. With the SDK present the subsegments go where Lambda's X-Ray daemon would listen: a UDP
socket of this test on 127.0.0.1, read back as the daemon would receive them.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# What Lambda sets in a traced function's environment (the trace header of a sampled invocation)
LAMBDA = {"LAMBDA_TASK_ROOT": "/var/task", "AWS_LAMBDA_FUNCTION_NAME": "parley-prod-worker",
          "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
          "POWERTOOLS_SERVICE_NAME": "parley"}

# A job's block traced as the worker traces it, with one HTTP call inside (the Slack Web API's kind of call)
PROBE = """
import http.client, http.server, json, sys, threading
{before}
from aws_lambda_powertools import Logger
from bot.observability import tracing
Logger()  # the worker's Logger: tracing's warnings are its children's
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()
with tracing.traced("job", kind="event"):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    connection.request("GET", "/")
    connection.getresponse().read()
server.shutdown()
patcher = sys.modules.get("aws_xray_sdk.core.patcher")
patched = sorted(patcher._PATCHED_MODULES) if patcher else None
print(json.dumps({{"tracer": type(tracing.tracer()).__name__, "patched": patched,
                  "xray_loaded": bool(sys.modules.get("aws_xray_sdk"))}}))
"""


def run(env: dict[str, str], before: str = "") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The probe's outcome (its last stdout line) and its other stdout lines (the JSON log lines)."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(before=before)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True, env={"PATH": "/usr/bin:/bin", **env})
    *logs, outcome = result.stdout.strip().splitlines()
    return json.loads(outcome), [json.loads(line) for line in logs]


def received(daemon: socket.socket) -> list[dict[str, Any]]:
    """The subsegments sent to the daemon's address until the traced block's own (closed last) arrives."""
    documents = []
    while not any(each["name"] == "job" for each in documents):
        header, body = daemon.recv(65535).decode().split("\n", 1)
        assert json.loads(header) == {"format": "json", "version": 1}
        documents.append(json.loads(body))
    return documents


def test_a_traced_block_is_a_subsegment_with_its_annotations_and_the_calls_inside_it() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        daemon.settimeout(10)
        outcome, logs = run({**LAMBDA, "PARLEY_TRACING": "Active",
                             "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}"})
        documents = received(daemon)
    assert outcome == {"tracer": "Tracer", "patched": ["botocore", "httplib"], "xray_loaded": True}
    assert not logs
    job = next(each for each in documents if each["name"] == "job")
    assert job["annotations"] == {"kind": "event"}
    assert job["trace_id"] == "1-5759e988-bd862e3fe1be46a994272793" and job["parent_id"] == "53995c3f42cd8ad8"
    calls = [each for each in documents if each.get("namespace") == "remote"]
    assert calls and all(each["parent_id"] == job["id"] for each in calls)
    assert {each["http"].get("response", {}).get("status") for each in calls} >= {501}  # BaseHTTPRequestHandler


def test_without_the_x_ray_sdk_the_function_runs_untraced_and_says_so_once() -> None:
    # as in a package that lacks aws-xray-sdk: importing it fails
    outcome, logs = run({**LAMBDA, "PARLEY_TRACING": "Active"}, before='sys.modules["aws_xray_sdk"] = None')
    assert outcome == {"tracer": "NoneType", "patched": None, "xray_loaded": False}
    warnings = [line for line in logs if line["message"] == "tracing is on but the X-Ray SDK is missing: untraced"]
    assert len(warnings) == 1 and warnings[0]["level"] == "WARNING" and "aws_xray_sdk" in warnings[0]["error"]


def test_with_tracing_off_the_x_ray_sdk_is_not_even_imported() -> None:
    outcome, logs = run({**LAMBDA, "PARLEY_TRACING": "PassThrough"})
    assert outcome == {"tracer": "NoneType", "patched": None, "xray_loaded": False}
    assert not logs
