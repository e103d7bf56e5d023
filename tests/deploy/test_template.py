"""The prod stack as `serverless package --stage prod` builds it: lint-clean, least privilege, alarmed, no secrets.

Packaged once a session (tests/deploy/stack.py, shared with tests/functional/test_lex_bot.py); everything here
reads the template, the zips and serverless.yml, and calls no AWS.
"""

from __future__ import annotations

import json
import re
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot import defaults
from bot.tools.dependencies import RUNTIME_LOCK, read_lock
from tests.deploy.stack import ROOT, Packaged, cfn_lint, package

pytestmark = pytest.mark.deploy

FUNCTIONS = {"slack": "SlackLambdaFunction", "worker": "WorkerLambdaFunction", "lex": "LexLambdaFunction",
             "workflows": "WorkflowsLambdaFunction"}
STAGES = ("local", "dev", "staging", "prod", "ci")
SSM = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/parley/prod/slack/"
# A durable execution's ARN is <function ARN>:<version>/durable-execution/<name>/<id>, known only once it runs
# (README: Workflows): the only ARN patterns written in the template, each naming the workflows function's own
# executions (by name in its own role, which the function's ARN would make circular; by GetAtt elsewhere)
OWN_EXECUTIONS = ("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:parley-prod-workflows"
                  ":*/durable-execution/*/*")
WORKFLOW_EXECUTIONS = "${WorkflowsLambdaFunction.Arn}:*/durable-execution/*/*"
# Every IAM permission in the prod template, as (action, resource); a GetAtt's Arn is named by its resource.
# What the code calls (README: least privilege), and nothing else.
EXPECTED_PERMISSIONS = {
    "SlackFunctionRole": {
        ("logs:CreateLogStream", "SlackLogGroup"), ("logs:PutLogEvents", "SlackLogGroup"),
        ("sqs:SendMessage", "JobsQueue"),
        ("dynamodb:GetItem", "DedupTable"),
        ("ssm:GetParameter", SSM + "signing-secret"), ("ssm:GetParameter", SSM + "bot-token"),
    },
    "WorkerFunctionRole": {
        ("logs:CreateLogStream", "WorkerLogGroup"), ("logs:PutLogEvents", "WorkerLogGroup"),
        ("sqs:ReceiveMessage", "JobsQueue"), ("sqs:DeleteMessage", "JobsQueue"),
        ("sqs:ChangeMessageVisibility", "JobsQueue"), ("sqs:GetQueueAttributes", "JobsQueue"),
        ("dynamodb:GetItem", "DialogsTable"), ("dynamodb:PutItem", "DialogsTable"),
        ("dynamodb:DeleteItem", "DialogsTable"),
        ("dynamodb:PutItem", "TicketsTable"), ("dynamodb:Query", "TicketsTable"),
        ("dynamodb:PutItem", "ResultsTable"), ("dynamodb:UpdateItem", "ResultsTable"),
        ("dynamodb:Query", "ResultsTable"),
        ("dynamodb:PutItem", "LinksTable"),
        ("dynamodb:UpdateItem", "LimitsTable"),
        ("dynamodb:GetItem", "StreamsTable"), ("dynamodb:PutItem", "StreamsTable"),
        ("dynamodb:GetItem", "DedupTable"), ("dynamodb:UpdateItem", "DedupTable"),
        ("ssm:GetParameter", SSM + "bot-token"),
        # bot/workflows/service.py: start (create, then its execution), claim a decision once, cancel; list one's own
        ("dynamodb:GetItem", "WorkflowsTable"), ("dynamodb:PutItem", "WorkflowsTable"),
        ("dynamodb:UpdateItem", "WorkflowsTable"), ("dynamodb:Query", "WorkflowsTable"),
        ("lambda:InvokeFunction", "WorkflowsDurableLambdaAlias"),
        ("lambda:SendDurableExecutionCallbackSuccess", WORKFLOW_EXECUTIONS),
        ("lambda:StopDurableExecution", WORKFLOW_EXECUTIONS),
    },
    "LexFunctionRole": {
        ("logs:CreateLogStream", "LexLogGroup"), ("logs:PutLogEvents", "LexLogGroup"),
        ("sqs:SendMessage", "JobsQueue"),
        ("dynamodb:PutItem", "ResultsTable"), ("dynamodb:UpdateItem", "ResultsTable"),
        ("dynamodb:Query", "ResultsTable"),
        ("dynamodb:PutItem", "TicketsTable"), ("dynamodb:Query", "TicketsTable"),
        ("dynamodb:GetItem", "LinksTable"), ("dynamodb:PutItem", "LinksTable"), ("dynamodb:DeleteItem", "LinksTable"),
        ("dynamodb:UpdateItem", "LimitsTable"),
        # a voice caller's request started, listed, cancelled; decisions are Slack buttons (the worker)
        ("dynamodb:GetItem", "WorkflowsTable"), ("dynamodb:PutItem", "WorkflowsTable"),
        ("dynamodb:UpdateItem", "WorkflowsTable"), ("dynamodb:Query", "WorkflowsTable"),
        ("lambda:InvokeFunction", "WorkflowsDurableLambdaAlias"),
        ("lambda:StopDurableExecution", WORKFLOW_EXECUTIONS),
    },
    "WorkflowsFunctionRole": {
        ("logs:CreateLogStream", "WorkflowsLogGroup"), ("logs:PutLogEvents", "WorkflowsLogGroup"),
        ("lambda:CheckpointDurableExecution", OWN_EXECUTIONS), ("lambda:GetDurableExecutionState", OWN_EXECUTIONS),
        ("dynamodb:GetItem", "WorkflowsTable"), ("dynamodb:UpdateItem", "WorkflowsTable"),
        ("dynamodb:UpdateItem", "ResultsTable"),
        ("ssm:GetParameter", SSM + "bot-token"),
    },
    # The generated Lex bot's role (lex/bot.yml): Polly has no resource-level permissions, so '*' is all AWS allows
    "LexBotRole": {("polly:SynthesizeSpeech", "*")},
    # X-Ray writes, for the four functions, only on a traced stage (Condition: Tracing); X-Ray has no resources
    "TracingPolicy": {("xray:PutTraceSegments", "*"), ("xray:PutTelemetryRecords", "*")},
}
# The only statements allowed a '*' resource, and why: nothing narrower exists for these actions
WILDCARD_RESOURCE_ALLOWED = {("LexBotRole", "polly:SynthesizeSpeech"), ("TracingPolicy", "xray:PutTraceSegments"),
                             ("TracingPolicy", "xray:PutTelemetryRecords")}
# What the Lambda python runtimes provide (boto3 and its dependencies), by distribution and by what it puts in the zip
RUNTIME_PROVIDED = {"boto3": "boto3/", "botocore": "botocore/", "s3transfer": "s3transfer/", "jmespath": "jmespath/",
                    "urllib3": "urllib3/", "python-dateutil": "dateutil/", "six": "six.py"}
# ...of which the zip carries jmespath all the same: Powertools needs it, it is small, botocore accepts our pin
LEFT_TO_THE_RUNTIME = set(RUNTIME_PROVIDED) - {"jmespath"}
# The only ARN patterns allowed, and where: durable executions of the workflows function (named at run time)
PATTERN_RESOURCE_ALLOWED = {
    ("WorkflowsFunctionRole", "lambda:CheckpointDurableExecution"): OWN_EXECUTIONS,
    ("WorkflowsFunctionRole", "lambda:GetDurableExecutionState"): OWN_EXECUTIONS,
    ("WorkerFunctionRole", "lambda:SendDurableExecutionCallbackSuccess"): WORKFLOW_EXECUTIONS,
    ("WorkerFunctionRole", "lambda:StopDurableExecution"): WORKFLOW_EXECUTIONS,
    ("LexFunctionRole", "lambda:StopDurableExecution"): WORKFLOW_EXECUTIONS,
}
# What a Slack secret looks like: a token (xoxb-, xoxp-, xoxa-, xoxe-...) or a 32-hex signing secret
SECRET_SHAPES = re.compile(r"xox[a-z]-|(?<![0-9A-Za-z])[0-9a-fA-F]{32}(?![0-9A-Za-z])")


class Tagged(yaml.SafeLoader):
    """serverless.yml with CloudFormation's short forms (!Ref, !GetAtt, ...) read as {tag: value}."""


Tagged.add_multi_constructor("!", lambda loader, tag, node: {tag: (
    loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else
    loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else loader.construct_mapping(node))})


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory)


@pytest.fixture(scope="module")
def resources(prod: Packaged) -> dict[str, Any]:
    return prod.template["Resources"]


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return yaml.load((ROOT / "serverless.yml").read_text(), Loader=Tagged)  # noqa: S506 - SafeLoader's subclass


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: body for name, body in resources.items() if body["Type"] == kind}


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resource_name(resource: Any) -> str:
    """A statement's resource, short: GetAtt X.Arn -> X, Ref X -> X (an alias's Ref is its ARN), Fn::Sub -> its
    string."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource and resource["Fn::GetAtt"][1] == "Arn":
        return resource["Fn::GetAtt"][0]
    if isinstance(resource, dict) and set(resource) == {"Ref"}:
        return resource["Ref"]
    if isinstance(resource, dict) and "Fn::Sub" in resource and isinstance(resource["Fn::Sub"], str):
        return resource["Fn::Sub"]
    if isinstance(resource, str):
        return resource
    return json.dumps(resource, sort_keys=True)


def statements(resources: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every IAM policy statement in the template, by the role (or policy resource) that holds it."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, body in resources.items():
        properties = body.get("Properties", {})
        if body["Type"] == "AWS::IAM::Role":
            documents = [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        elif body["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
            documents = [properties["PolicyDocument"]]
        else:
            continue
        found[name] = [statement for document in documents for statement in document["Statement"]]
    return found


def secrets_in(text: str) -> list[str]:
    known = [secret for secret in (defaults.LOCAL_SIGNING_SECRET, defaults.LOCAL_BOT_TOKEN) if secret in text]
    return known + [match.group(0) for match in SECRET_SHAPES.finditer(text)]


# --- lint ---------------------------------------------------------------------------------------------------------


def test_cfn_lint_finds_no_error_and_no_warning(prod: Packaged) -> None:
    result = cfn_lint(prod.template_file)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    print(f"serverless package --stage prod took {prod.seconds:.1f} s")  # shown with -s


# --- least privilege ----------------------------------------------------------------------------------------------


def test_every_function_has_a_role_of_its_own(resources: dict[str, Any]) -> None:
    roles = {}
    for function, logical_id in FUNCTIONS.items():
        role = resources[logical_id]["Properties"]["Role"]
        assert set(role) == {"Fn::GetAtt"} and role["Fn::GetAtt"][1] == "Arn", (function, role)
        roles[function] = role["Fn::GetAtt"][0]
        assert resources[roles[function]]["Type"] == "AWS::IAM::Role"
    assert len(set(roles.values())) == len(FUNCTIONS), roles
    assert "IamRoleLambdaExecution" not in resources  # the framework's shared role is not made at all
    for role in roles.values():
        trust = resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                          "Action": "sts:AssumeRole"}], role


def test_each_role_holds_exactly_what_its_code_calls(resources: dict[str, Any]) -> None:
    granted = {}
    for holder, found in statements(resources).items():
        pairs = set()
        for statement in found:
            assert statement["Effect"] == "Allow", (holder, statement)
            assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement), (holder, statement)
            pairs |= {(action, resource_name(resource)) for action in listed(statement["Action"])
                      for resource in listed(statement["Resource"])}
        granted[holder] = pairs
    assert granted == EXPECTED_PERMISSIONS


def test_no_wildcard_action_or_resource_but_the_allowed_ones(resources: dict[str, Any]) -> None:
    for holder, found in statements(resources).items():
        for statement in found:
            for action in listed(statement["Action"]):
                assert "*" not in action, (holder, statement)
                if "*" in listed(statement["Resource"]):
                    assert (holder, action) in WILDCARD_RESOURCE_ALLOWED, (holder, statement)
            for resource in listed(statement["Resource"]):
                # an ARN pattern ending in `*` (or a log group's `:*`) comes only from GetAtt, never written by hand
                assert not (isinstance(resource, str) and resource != "*" and "*" in resource), (holder, statement)
                # ... but for a durable execution's, which only exists at run time, and only where listed
                written = resource.get("Fn::Sub") if isinstance(resource, dict) else None
                if isinstance(written, str) and "*" in written:
                    for action in listed(statement["Action"]):
                        assert PATTERN_RESOURCE_ALLOWED.get((holder, action)) == written, (holder, statement)


# --- secrets ------------------------------------------------------------------------------------------------------


def test_the_secret_scan_recognises_secrets() -> None:
    assert secrets_in(f"x: {defaults.LOCAL_SIGNING_SECRET}")
    assert secrets_in("token: xoxb-1234-5678-abcd")
    assert secrets_in("user token: xoxp-1-2")
    assert secrets_in('"SLACK_SIGNING_SECRET": "8f14e45fceea167a5a36dedd4bea2543"')
    assert not secrets_in("SLACK_BOT_TOKEN_PARAM: /parley/prod/slack/bot-token")


def test_no_secret_value_in_serverless_yml_or_the_packaged_stack(prod: Packaged) -> None:
    for path in [ROOT / "serverless.yml", prod.template_file, prod.out / "cloudformation-template-create-stack.json",
                 prod.out / "serverless-state.json"]:
        assert not secrets_in(path.read_text()), path


def test_functions_get_the_names_of_their_secrets_never_the_values(resources: dict[str, Any]) -> None:
    for logical_id in FUNCTIONS.values():
        variables = resources[logical_id]["Properties"]["Environment"]["Variables"]
        assert variables["SLACK_SIGNING_SECRET_PARAM"] == "/parley/prod/slack/signing-secret"
        assert variables["SLACK_BOT_TOKEN_PARAM"] == "/parley/prod/slack/bot-token"
        assert defaults.secret_parameter("prod", "bot-token") == variables["SLACK_BOT_TOKEN_PARAM"]
        assert not {"SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"} & set(variables), logical_id


# --- observability ------------------------------------------------------------------------------------------------


def alarms(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: body["Properties"] for name, body in of_type(resources, "AWS::CloudWatch::Alarm").items()}


def test_the_dead_letter_queue_alarm_tells_the_alarm_topic(resources: dict[str, Any]) -> None:
    [dlq] = [alarm for alarm in alarms(resources).values() if alarm.get("Namespace") == "AWS/SQS"]
    assert dlq["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dlq["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["JobsDeadLetterQueue", "QueueName"]}}]
    assert (dlq["ComparisonOperator"], dlq["Threshold"]) == ("GreaterThanThreshold", 0)
    assert dlq["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert resources["AlarmTopic"]["Type"] == "AWS::SNS::Topic"


def test_every_alarm_tells_the_topic_and_each_failure_has_one(resources: dict[str, Any]) -> None:
    found = alarms(resources)
    for name, alarm in found.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
    watched = {(alarm["Namespace"], alarm["MetricName"], json.dumps(alarm["Dimensions"], sort_keys=True))
               for alarm in found.values() if "Namespace" in alarm}  # the others: queries (Metrics), below
    for function in ("WorkerLambdaFunction", "LexLambdaFunction"):
        assert ("AWS/Lambda", "Errors", json.dumps([{"Name": "FunctionName", "Value": {"Ref": function}}])) in watched
    assert ("AWS/ApiGateway", "5xx", json.dumps([{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}])) in watched
    [slow] = [alarm for alarm in found.values() if alarm.get("MetricName") == "Duration"]
    assert slow["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "SlackLambdaFunction"}}]
    assert (slow["ExtendedStatistic"], slow["Threshold"], slow["ComparisonOperator"]) == (
        "p99", 2500, "GreaterThanThreshold")  # Slack's deadline is 3 s


def test_the_email_subscription_is_there_only_when_an_address_is_given(prod: Packaged,
                                                                       resources: dict[str, Any]) -> None:
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert prod.template["Parameters"]["AlarmEmail"]["Default"] == ""  # prod's param: nobody subscribed yet
    assert prod.template["Conditions"]["HasAlarmEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}


def test_every_function_logs_to_a_group_with_the_stages_retention(resources: dict[str, Any],
                                                                  config: dict[str, Any]) -> None:
    groups = of_type(resources, "AWS::Logs::LogGroup")
    retention = config["params"]["prod"]["logRetentionDays"]
    assert {name.removesuffix("LogGroup") for name in groups} >= {"Slack", "Worker", "Lex"}
    for name, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == retention, name
    assert config["provider"]["logRetentionInDays"] == "${param:logRetentionDays}"


# --- who may do what beyond the roles: the Lex test alias, the Lex role's trust, the jobs queue's senders -----------


def param(config: dict[str, Any], stage: str, name: str) -> Any:
    """A param's value in a stage: its own, else the default (as the framework resolves it)."""
    return config["params"][stage].get(name, config["params"]["default"].get(name))


def test_the_lex_test_alias_may_invoke_the_hook_only_in_dev(prod: Packaged, resources: dict[str, Any],
                                                             config: dict[str, Any]) -> None:
    # TSTALIASID runs the DRAFT bot, which anyone allowed to edit the bot can change: it reaches the hook in dev only
    assert resources["LexTestAliasInvokePermission"]["Condition"] == "LexTestAliasInvokes"
    assert prod.template["Conditions"]["LexTestAliasInvokes"] == {"Fn::And": [
        {"Condition": "DeployLexBot"}, {"Fn::Equals": [{"Ref": "LexTestAlias"}, "true"]}]}
    assert prod.template["Parameters"]["LexTestAlias"]["Default"] == "false"
    assert prod.template["Parameters"]["LexTestAlias"]["AllowedValues"] == ["true", "false"]
    assert {stage for stage in STAGES if param(config, stage, "lexTestAlias") == "true"} == {"dev"}
    assert resources["LexInvokePermission"]["Condition"] == "DeployLexBot"  # the live alias, wherever the bot is


def test_only_lex_acting_for_this_account_may_assume_the_lex_role(resources: dict[str, Any]) -> None:
    # Lex V2's confused-deputy protection: the bot's own ARN cannot be named (the bot needs the role first)
    [trust] = resources["LexBotRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert (trust["Effect"], trust["Principal"], trust["Action"]) == (
        "Allow", {"Service": "lexv2.amazonaws.com"}, "sts:AssumeRole")
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot/*"}},
    }


def send_is_denied(policy: dict[str, Any], principal: str, redrive_role: str = "") -> bool:
    """Whether the jobs queue's policy denies sqs:SendMessage to a principal (roles named by logical id)."""
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    exempt = set()
    for each in statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]:
        if "Fn::GetAtt" in each:
            exempt.add(each["Fn::GetAtt"][0])
        elif each == {"Fn::If": ["HasRedriveRole", {"Ref": "RedriveRoleArn"}, {"Ref": "AWS::NoValue"}]}:
            exempt |= {redrive_role} - {""}
        else:
            raise AssertionError(f"unexpected exemption {each}")
    return principal not in exempt


def test_only_the_functions_that_queue_jobs_may_send_to_the_jobs_queue(prod: Packaged,
                                                                       resources: dict[str, Any]) -> None:
    # the worker trusts a job as Slack's own verified request: anyone else able to send one could speak for anyone
    [policy] = of_type(resources, "AWS::SQS::QueuePolicy").values()
    assert policy["Properties"]["Queues"] == [{"Ref": "JobsQueue"}]
    [deny] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Principal"], listed(deny["Action"])) == ("Deny", "*", ["sqs:SendMessage"])
    assert deny["Resource"] == {"Fn::GetAtt": ["JobsQueue", "Arn"]}
    senders = {holder for holder, found in statements(resources).items() for statement in found
               if "sqs:SendMessage" in listed(statement["Action"])}
    assert senders == {"SlackFunctionRole", "LexFunctionRole"}
    for sender in senders:
        assert not send_is_denied(policy, sender)
    for other in ["WorkerFunctionRole", "LexBotRole", "arn:aws:iam::123456789012:root",
                  "arn:aws:iam::123456789012:role/Admin"]:
        assert send_is_denied(policy, other), other
    # `make redrive` sends with an operator's role: only the one the stage's RedriveRoleArn names, if any
    operator = "arn:aws:iam::123456789012:role/ParleyOperator"
    assert send_is_denied(policy, operator) and not send_is_denied(policy, operator, redrive_role=operator)
    assert prod.template["Parameters"]["RedriveRoleArn"]["Default"] == ""
    assert prod.template["Conditions"]["HasRedriveRole"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "RedriveRoleArn"}, ""]}]}


# Tables whose records expire by themselves (a TTL) and whose loss loses nothing a person made. Every other table
# holds user data: point-in-time recovery, and kept in prod (a new table is user data until it is listed here).
# Links are not what a person made either: a lost link is made again with a new code from Slack.
EPHEMERAL_TABLES = {"DedupTable", "DialogsTable", "ResultsTable", "LinksTable", "LimitsTable",
                    "StreamsTable"}


def test_tables_of_user_data_can_be_recovered_and_are_kept_in_prod(resources: dict[str, Any],
                                                                   config: dict[str, Any]) -> None:
    tables = of_type(resources, "AWS::DynamoDB::Table")
    user_data = set(tables) - EPHEMERAL_TABLES
    assert "TicketsTable" in user_data and set(tables) >= EPHEMERAL_TABLES
    for name in user_data:
        body = tables[name]
        assert body["Properties"].get("PointInTimeRecoverySpecification") == {"PointInTimeRecoveryEnabled": True}, name
        assert (body.get("DeletionPolicy"), body.get("UpdateReplacePolicy")) == ("Retain", "Retain"), name
    for name in EPHEMERAL_TABLES:
        assert tables[name]["Properties"]["TimeToLiveSpecification"]["Enabled"] is True, name
    assert {stage for stage in STAGES if param(config, stage, "userDataDeletionPolicy") == "Retain"} == {"prod"}


def test_the_http_api_is_throttled_as_the_stage_says(resources: dict[str, Any], config: dict[str, Any]) -> None:
    stage = resources["HttpApiStage"]["Properties"]
    assert stage["StageName"] == "$default"
    assert stage["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": param(config, "prod", "httpApiBurstLimit"),
        "ThrottlingRateLimit": param(config, "prod", "httpApiRateLimit"),
        "DetailedMetricsEnabled": False,
    }
    for each in STAGES:
        burst, rate = param(config, each, "httpApiBurstLimit"), param(config, each, "httpApiRateLimit")
        assert isinstance(burst, int) and isinstance(rate, int | float) and 0 < rate <= burst, each


# --- what ships, and per-stage settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_each_zip_carries_our_code_and_nothing_else_of_the_project(prod: Packaged, function: str) -> None:
    """What each zip holds of our code, module by module: test_packages.py."""
    project = {entry.name for entry in prod.service.iterdir()}  # what the framework could have picked up
    with zipfile.ZipFile(prod.artifacts[function]) as archive:
        names = [name for name in archive.namelist() if not name.endswith("/")]
    # requirements.txt: serverless-python-requirements' list of what it installed
    ours = [name for name in names if Path(name).parts[0] in project and name != "requirements.txt"]
    assert ours and all(name.startswith(("bot/", "intents/")) for name in ours), sorted(
        name for name in ours if not name.startswith(("bot/", "intents/")))
    # the local kit and the build and operations commands stay home
    assert not [name for name in ours if name.startswith(("bot/local/", "bot/tools/"))]
    # the local fault intents
    assert not [name for name in ours if Path(name).name.split(".")[0] == "faults"]
    handler = prod.template["Resources"][FUNCTIONS[function]]["Properties"]["Handler"].rsplit(".", 1)[0]
    assert f"{handler}.py" in ours
    if function == "slack":  # the standard library's and ours only (test_packages.py)
        assert set(ours) == set(names)
        return
    # the X-Ray SDK (Powertools Tracer) with its wrapt, and the durable execution SDK (workflows), ship...
    for top in ("aws_xray_sdk/", "wrapt/", "aws_durable_execution_sdk_python/"):
        assert any(name.startswith(top) for name in names), top
    # ...but the AWS SDK they and the worker use is the runtime's, not a copy
    left_out = tuple(RUNTIME_PROVIDED[name] for name in LEFT_TO_THE_RUNTIME)
    assert not [name for name in names if name.startswith(left_out)]


@pytest.mark.parametrize("function", ["worker", "lex", "workflows"])
def test_the_zip_carries_the_runtime_lock_installed_by_hash(prod: Packaged, config: dict[str, Any],
                                                            function: str) -> None:
    # serverless-python-requirements installs requirements.lock (every package pinned, each file's hash checked)
    # but the lines of what the runtime provides (noDeploy), and with --no-deps: pip would otherwise refuse a package
    # whose dependency is no longer pinned (and the plugin's cache, keyed by the lines alone, can hide that)
    settings = config["custom"]["pythonRequirements"]
    assert settings["fileName"] == "requirements.lock"
    assert set(settings["noDeploy"]) == LEFT_TO_THE_RUNTIME and settings["pipCmdExtraArgs"] == ["--no-deps"]
    locked = read_lock(RUNTIME_LOCK)
    # pinned all the same (the tests run them), and only as dependencies: nothing of ours asks for them itself
    assert set(locked) >= LEFT_TO_THE_RUNTIME
    assert not [name for name in LEFT_TO_THE_RUNTIME if locked[name].asked_by]
    wanted = {name: entry.version for name, entry in locked.items() if name not in LEFT_TO_THE_RUNTIME}
    with zipfile.ZipFile(prod.artifacts[function]) as archive:
        installed = archive.read("requirements.txt").decode().splitlines()  # the plugin's copy of what it installed
        metadata = {match[1]: archive.read(name).decode() for name in archive.namelist()
                    if (match := re.fullmatch(r"([^/]+)\.dist-info/METADATA", name))}
    assert {canonicalize_name(line.split("==")[0]) for line in installed} == set(wanted)
    assert all("--hash=sha256:" in line for line in installed)
    shipped = {canonicalize_name(distribution.rsplit("-", 1)[0]): distribution.rsplit("-", 1)[1]
               for distribution in metadata}
    assert shipped == wanted
    # --no-deps checks nothing: every dependency of what ships ships too, or is the runtime's
    for distribution, text in metadata.items():
        needs = {canonicalize_name(req.name) for req in map(Requirement, Parser().parsestr(text).get_all(
            "Requires-Dist") or []) if req.marker is None or req.marker.evaluate({"extra": ""})}
        assert needs <= set(shipped) | LEFT_TO_THE_RUNTIME, (distribution, needs - set(shipped))


def test_the_prod_stage_reserves_nothing_and_leaves_snapstart_off(resources: dict[str, Any]) -> None:
    slack = resources["SlackLambdaFunction"]["Properties"]
    assert "SnapStart" not in slack and "ReservedConcurrentExecutions" not in slack
    assert slack["Runtime"] == "python3.12"
    runtimes = {name: resources[each]["Properties"]["Runtime"] for name, each in FUNCTIONS.items()}
    # durable functions need python3.13+; the zips (built for python3.12) and everything else stay on python3.12
    assert runtimes == {"slack": "python3.12", "worker": "python3.12", "lex": "python3.12", "workflows": "python3.13"}


def test_the_lex_bot_is_deployed_where_the_stage_says(prod: Packaged, resources: dict[str, Any]) -> None:
    assert prod.template["Parameters"]["DeployLexBot"]["Default"] == "true"
    for name, body in resources.items():
        if body["Type"].startswith("AWS::Lex::") or name in {"LexBotRole", "LexInvokePermission"}:
            assert body.get("Condition") == "DeployLexBot", name
    # the test alias's permission needs the bot too (below)
    assert {"Condition": "DeployLexBot"} in prod.template["Conditions"]["LexTestAliasInvokes"]["Fn::And"]


def test_every_stage_resolves_every_param_it_uses(config: dict[str, Any]) -> None:
    text = (ROOT / "serverless.yml").read_text()
    used = set(re.findall(r"\$\{param:(\w+)\}", text))  # `${param:x, fallback}` needs no definition
    params = config["params"]
    assert set(params) == {"local", "dev", "staging", "prod", "ci", "default"}
    for stage in STAGES:
        missing = used - set(params[stage]) - set(params["default"])
        assert not missing, (stage, missing)


def test_the_local_stage_gets_no_aws_secret_names(config: dict[str, Any]) -> None:
    # the local launcher hands serverless offline the secrets themselves; SSM names there would be looked up in moto
    local = config["params"]["local"]["environment"]
    assert not [name for name in local if name.endswith("_PARAM")]
    default = config["params"]["default"]["environment"]
    assert default["SLACK_SIGNING_SECRET_PARAM"] == "${param:signingSecretParam}"
    assert config["params"]["default"]["signingSecretParam"] == "/parley/${sls:stage}/slack/signing-secret"
    assert config["params"]["default"]["botTokenParam"] == "/parley/${sls:stage}/slack/bot-token"


# --- workflows (bot/workflows/): a durable function, its table, who may start, decide and stop, its alarms ----------


def durable_version(resources: dict[str, Any]) -> str:
    [version] = [name for name, body in of_type(resources, "AWS::Lambda::Version").items()
                 if body["Properties"]["FunctionName"] == {"Ref": "WorkflowsLambdaFunction"}]
    return version


def test_the_workflows_function_is_a_durable_python313_function(resources: dict[str, Any],
                                                                 config: dict[str, Any]) -> None:
    function = resources["WorkflowsLambdaFunction"]["Properties"]
    assert function["Handler"] == "bot/workflows/handler.handler"
    assert function["Runtime"] == "python3.13"  # Lambda durable functions: python3.13 and later
    assert function["FunctionName"] == "parley-prod-workflows"  # the name its durable-execution grant spells
    assert function["Role"] == {"Fn::GetAtt": ["WorkflowsFunctionRole", "Arn"]}
    assert function["DurableConfig"] == {"ExecutionTimeout": param(config, "prod", "workflowsExecutionTimeout"),
                                         "RetentionPeriodInDays": param(config, "prod", "workflowsRetentionDays")}
    assert 1 <= function["DurableConfig"]["RetentionPeriodInDays"] <= 90  # what Lambda allows
    assert function["Timeout"] <= 900 and function["Environment"]["Variables"]["PARLEY_APPROVERS"] == ""
    # nothing but Lambda itself (a wait's end, a callback) and the two starters' roles invoke it: no event, no
    # resource policy
    assert not [body for body in of_type(resources, "AWS::Lambda::Permission").values()
                if "Workflows" in json.dumps(body["Properties"]["FunctionName"])]


def test_a_durable_execution_outlives_every_wait_a_workflow_models(resources: dict[str, Any]) -> None:
    from intents import access, remind

    timeout = resources["WorkflowsLambdaFunction"]["Properties"]["DurableConfig"]["ExecutionTimeout"]
    longest_wait = max(remind.MAX_HOURS, access.EXPIRE_AFTER) * 3600  # a reminder weeks ahead; an expiry at 72 h
    assert longest_wait < timeout <= 366 * 24 * 3600  # only a stuck workflow times out (its alarm, below)


def test_workflows_start_on_the_alias_of_the_version_each_deploy_publishes(resources: dict[str, Any]) -> None:
    # a durable function is invoked qualified: the framework publishes a version per deploy and keeps the old ones,
    # so a waiting execution replays on the code it started with; new ones start on the alias's new version
    version = durable_version(resources)
    assert resources[version]["DeletionPolicy"] == "Retain"
    assert resources["WorkflowsDurableLambdaAlias"]["Properties"] == {
        "FunctionName": {"Ref": "WorkflowsLambdaFunction"}, "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
        "Name": "durable"}
    for starter in ("WorkerLambdaFunction", "LexLambdaFunction"):
        variables = resources[starter]["Properties"]["Environment"]["Variables"]
        assert variables["PARLEY_WORKFLOWS_FUNCTION"] == {"Ref": "WorkflowsDurableLambdaAlias"}, starter
        assert (variables["PARLEY_APPROVERS"], variables["PARLEY_APPROVERS_TEAM"]) == ("", ""), starter
    assert "PARLEY_WORKFLOWS_FUNCTION" not in resources["SlackLambdaFunction"]["Properties"]["Environment"]["Variables"]


def test_only_the_workflows_function_checkpoints_and_only_the_worker_decides(
        resources: dict[str, Any]) -> None:
    holders: dict[str, set[str]] = {}
    for holder, found in statements(resources).items():
        for statement in found:
            for action in listed(statement["Action"]):
                if action.startswith("lambda:"):
                    holders.setdefault(action, set()).add(holder)
    assert holders == {
        "lambda:CheckpointDurableExecution": {"WorkflowsFunctionRole"},
        "lambda:GetDurableExecutionState": {"WorkflowsFunctionRole"},
        "lambda:InvokeFunction": {"WorkerFunctionRole", "LexFunctionRole"},
        "lambda:SendDurableExecutionCallbackSuccess": {"WorkerFunctionRole"},
        "lambda:StopDurableExecution": {"WorkerFunctionRole", "LexFunctionRole"},  # a cancel, by button or voice
    }
    # the AWS managed policy (AWSLambdaBasicDurableExecutionRolePolicy) would grant them on every function
    assert "ManagedPolicyArns" not in resources["WorkflowsFunctionRole"]["Properties"]


def test_the_workflows_table_is_keyed_by_workspace_and_forgets_ended_workflows(resources: dict[str, Any]) -> None:
    from bot.stores.table import EXPIRES_AT

    table = resources["WorkflowsTable"]
    properties = table["Properties"]
    assert properties["TableName"] == defaults.table_name("prod", "workflows") == "parley-prod-workflows"
    assert properties["KeySchema"] == [{"AttributeName": "workspace", "KeyType": "HASH"},
                                       {"AttributeName": "workflow_id", "KeyType": "RANGE"}]
    assert properties["AttributeDefinitions"] == [{"AttributeName": "workspace", "AttributeType": "S"},
                                                  {"AttributeName": "workflow_id", "AttributeType": "S"}]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": EXPIRES_AT, "Enabled": True}
    # user data (who asked for what, the decision taken): recoverable, kept in prod, as the tickets
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_a_failed_workflow_raises_an_alarm_whichever_workflow_it_was(resources: dict[str, Any]) -> None:
    from bot.observability import metrics

    alarm = alarms(resources)["WorkflowsFailedAlarm"]
    [query] = alarm["Metrics"]
    # a Metrics Insights query: the sum of every workflow's series (the metric's `workflow` dimension)
    found = re.fullmatch(r"SELECT SUM\((\w+)\) FROM SCHEMA\((\w+), ([\w, ]+)\) "
                         r"WHERE stage = 'prod' AND function = '(\w+)'", query["Expression"])
    assert found, query
    assert (found.group(1), found.group(2), found.group(4)) == (metrics.WORKFLOWS_FAILED, metrics.NAMESPACE,
                                                                metrics.WORKFLOWS)
    assert tuple(found.group(3).split(", ")) == metrics.dimensions_of(metrics.WORKFLOWS_FAILED)
    assert (query["Period"], query["ReturnData"]) == (300, True)
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["EvaluationPeriods"]) == (
        "GreaterThanThreshold", 0, 1)
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": "AlarmTopic"}]


def test_an_execution_that_ended_untold_raises_an_alarm(resources: dict[str, Any]) -> None:
    alarm = alarms(resources)["WorkflowsEndedUntoldAlarm"]
    watched = {query["Id"]: query["MetricStat"]["Metric"] for query in alarm["Metrics"] if "MetricStat" in query}
    assert {metric["MetricName"] for metric in watched.values()} == {"DurableExecutionFailed",
                                                                     "DurableExecutionTimedOut"}
    for metric in watched.values():
        assert metric["Namespace"] == "AWS/Lambda"
        assert metric["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "WorkflowsLambdaFunction"}}]
    [total] = [query for query in alarm["Metrics"] if query["ReturnData"]]
    assert total["Expression"] == " + ".join(f"FILL({each}, 0)" for each in watched)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)


def test_approvers_are_a_stage_param_none_by_default(config: dict[str, Any]) -> None:
    # `request access` says the stage has no approvers until an admin sets them (README: Workflows)
    assert (config["params"]["default"]["approvers"], config["params"]["default"]["approversTeam"]) == ("", "")
    for stage in STAGES:
        approvers = str(param(config, stage, "approvers"))
        if stage != "local":  # locally the kit's environment (PARLEY_APPROVERS)
            assert re.fullmatch(r"|U[A-Z0-9]+(,U[A-Z0-9]+)*", approvers), (stage, approvers)
    assert config["params"]["local"]["approvers"] == "${env:PARLEY_APPROVERS, ''}"
    assert config["params"]["local"]["workflowsFunction"] == "${env:PARLEY_WORKFLOWS_FUNCTION, ''}"
