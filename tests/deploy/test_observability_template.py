"""The prod stack with tracing on (`--param=tracing=Active`) beside prod as it is: lint-clean, X-Ray granted only
where traced, and the stage's dashboard showing the metrics the code writes, linked from every alarm."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.observability import metrics
from tests.deploy.stack import Packaged, cfn_lint, package

pytestmark = pytest.mark.deploy

FUNCTIONS = ("SlackLambdaFunction", "WorkerLambdaFunction", "LexLambdaFunction", "WorkflowsLambdaFunction")
DASHBOARD_LINK = re.compile(r"https://us-east-1\.console\.aws\.amazon\.com/cloudwatch/home\?region=us-east-1"
                            r"#dashboards:name=parley-prod")


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory)


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory, params={"tracing": "Active"})


def test_cfn_lint_passes_with_tracing_on_and_the_dashboard(traced: Packaged) -> None:
    result = cfn_lint(traced.template_file)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_tracing_is_a_param_off_in_prod_and_active_when_set(prod: Packaged, traced: Packaged) -> None:
    for packaged, mode in ((prod, "PassThrough"), (traced, "Active")):
        resources = packaged.template["Resources"]
        assert {resources[name]["Properties"]["TracingConfig"]["Mode"] for name in FUNCTIONS} == {mode}
        assert packaged.template["Parameters"]["Tracing"]["Default"] == mode
        env = resources["WorkerLambdaFunction"]["Properties"]["Environment"]["Variables"]
        assert env["PARLEY_TRACING"] == mode


def test_x_ray_writes_are_granted_only_under_the_tracing_condition(traced: Packaged) -> None:
    template = traced.template
    policy = template["Resources"]["TracingPolicy"]
    assert policy["Condition"] == "Tracing"
    assert template["Conditions"]["Tracing"] == {"Fn::Equals": [{"Ref": "Tracing"}, "Active"]}
    assert sorted(role["Ref"] for role in policy["Properties"]["Roles"]) == [
        "LexFunctionRole", "SlackFunctionRole", "WorkerFunctionRole", "WorkflowsFunctionRole"]


def dashboard(packaged: Packaged) -> dict[str, Any]:
    body = packaged.template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    return json.loads(body.replace("${AWS::Region}", "us-east-1").replace("${HttpApi}", "api"))


def test_the_dashboard_reads_each_parley_metric_with_its_own_dimensions(prod: Packaged) -> None:
    board = dashboard(prod)
    shown = set()
    for widget in board["widgets"]:
        for row in widget["properties"]["metrics"]:
            if isinstance(row[0], dict) and "{AWS/" in row[0]["expression"]:
                continue  # a SEARCH of AWS's own metrics
            if isinstance(row[0], dict):  # a SEARCH expression: the metric's whole dimension schema
                found = re.search(r"\{Parley,([^}]*)\} MetricName=\"(\w+)\" stage=\"prod\"", row[0]["expression"])
                assert found, row
                name, dimensions = found.group(2), tuple(found.group(1).split(","))
            elif row[0] == "Parley":
                name = row[1]
                labels = [each for each in row[2:] if isinstance(each, str)]
                dimensions = tuple(labels[0::2])
                assert dict(zip(labels[0::2], labels[1::2], strict=True))["stage"] == "prod"
            else:
                continue
            assert dimensions == metrics.dimensions_of(name), (name, dimensions)
            shown.add(name)
    # ack, requests, refusals, replies, outcomes, queue delay, dead letters, Lex turns, confidence, retries, 429s
    assert shown >= {metrics.ACK_DURATION, metrics.REQUESTS, metrics.REFUSED, metrics.INGRESS_TO_REPLY,
                     metrics.EVENT_TO_REPLY, metrics.INTENT_OUTCOMES, metrics.QUEUE_DELAY, metrics.JOBS_DEAD_LETTERED,
                     metrics.LEX_TURNS, metrics.CONFIDENCE, metrics.WEB_API_RETRIES, metrics.WEB_API_RATE_LIMITED,
                     metrics.WORKFLOWS_FAILED}
    aws = {(row[0], row[1]) for widget in board["widgets"] for row in widget["properties"]["metrics"]
           if isinstance(row[0], str) and row[0].startswith("AWS/")}
    assert {("AWS/SQS", "ApproximateAgeOfOldestMessage"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
            ("AWS/Lambda", "Errors"), ("AWS/ApiGateway", "5xx")} <= aws
    # the workflows function's durable executions (Lambda's own metrics): started, how they ended, running now
    assert {("AWS/Lambda", f"DurableExecution{each}") for each in ("Started", "Succeeded", "Stopped", "Failed",
                                                                   "TimedOut")} <= aws
    assert ("AWS/Lambda", "ApproximateRunningDurableExecutions") in aws


def test_every_alarm_links_to_the_stages_dashboard(prod: Packaged) -> None:
    alarms = {name: body for name, body in prod.template["Resources"].items()
              if body["Type"] == "AWS::CloudWatch::Alarm"}
    assert alarms
    for name, alarm in alarms.items():
        assert DASHBOARD_LINK.search(alarm["Properties"]["AlarmDescription"]), name
        assert len(alarm["Properties"]["AlarmDescription"]) <= 1024, name
