"""A smoke deploy: `serverless deploy --stage ci` into moto server's CloudFormation, then boto3 looks at what it made.

moto takes the whole stack as CloudFormation (deployment bucket, roles, functions, the workflows function's version
and `durable` alias, event source mapping, queues with their redrive policy, tables, topic) but cannot run the
Lambdas, skips what it does not know (API Gateway v2, CloudWatch alarms) and has no Lex V2 at all: the `ci` stage
leaves the Lex bot out through the template's DeployLexBot parameter (serverless.yml). Nor does moto run durable
executions: it has none of Lambda's durable APIs (Invoke with a DurableExecutionName, CheckpointDurableExecution,
GetDurableExecutionState, SendDurableExecutionCallbackSuccess, StopDurableExecution) and keeps no DurableConfig, so a
workflow is started, waits, is decided and ends only where the durable SDK's own engines run it: in-process in
tests/functional/test_workflows.py, and the emulator `dex-local-runner` in the local stack. The template itself
(DurableConfig, the grants on durable executions) is checked in test_template.py. Nothing leaves 127.0.0.1:
AWS_ENDPOINT_URL points every AWS SDK call of the framework at moto, with fake credentials.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator

import pytest

from tests.deploy.stack import REGION, Deployed, deploy_into_moto

pytestmark = pytest.mark.deploy

STAGE = "ci"
TABLES = {"dedup", "dialogs", "tickets", "results", "links", "limits", "streams", "workflows"}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    yield from deploy_into_moto(tmp_path_factory, STAGE)


def test_the_stack_deploys(deployed: Deployed) -> None:
    [stack] = deployed.client("cloudformation").describe_stacks(StackName=f"parley-{STAGE}")["Stacks"]
    assert stack["StackStatus"] in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}, stack
    parameters = {each["ParameterKey"]: each["ParameterValue"] for each in stack["Parameters"]}
    assert parameters == {"AlarmEmail": "", "DeployLexBot": "false", "LexTestAlias": "false", "RedriveRoleArn": "",
                          "Tracing": "PassThrough"}
    print(f"serverless deploy --stage {STAGE} into moto (packaging included) took {deployed.seconds:.1f} s")


def test_the_jobs_queue_parks_poison_jobs_in_the_dead_letter_queue(deployed: Deployed) -> None:
    sqs = deployed.client("sqs")
    jobs = sqs.get_queue_url(QueueName=f"parley-{STAGE}-jobs")["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName=f"parley-{STAGE}-jobs-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = sqs.get_queue_attributes(QueueUrl=jobs, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}
    assert attributes["VisibilityTimeout"] == "360"


def test_the_tables_exist(deployed: Deployed) -> None:
    dynamodb = deployed.client("dynamodb")
    names = set(dynamodb.list_tables()["TableNames"])
    assert {f"parley-{STAGE}-{kind}" for kind in TABLES} <= names
    tickets = dynamodb.describe_table(TableName=f"parley-{STAGE}-tickets")["Table"]
    assert [key["AttributeName"] for key in tickets["KeySchema"]] == ["user_id", "ticket"]
    workflows = dynamodb.describe_table(TableName=f"parley-{STAGE}-workflows")["Table"]
    assert [key["AttributeName"] for key in workflows["KeySchema"]] == ["workspace", "workflow_id"]


def test_the_four_functions_exist_each_with_its_own_role(deployed: Deployed) -> None:
    functions = {each["FunctionName"]: each for each in deployed.client("lambda").list_functions()["Functions"]}
    ours = {name.removeprefix(f"parley-{STAGE}-"): body for name, body in functions.items()
            if name.startswith(f"parley-{STAGE}-")}
    assert set(ours) == {"slack", "worker", "lex", "workflows"}
    assert {name: body["Runtime"] for name, body in ours.items()} == {
        "slack": "python3.12", "worker": "python3.12", "lex": "python3.12", "workflows": "python3.13"}
    assert len({body["Role"] for body in ours.values()}) == 4
    iam = deployed.client("iam")
    for name, body in ours.items():
        role = body["Role"].rsplit("/", 1)[1]
        assert iam.list_role_policies(RoleName=role)["PolicyNames"], name
        variables = body["Environment"]["Variables"]
        assert variables["SLACK_BOT_TOKEN_PARAM"] == f"/parley/{STAGE}/slack/bot-token"
        assert variables["PARLEY_QUEUE_URL"].endswith(f"/parley-{STAGE}-jobs")


def test_the_workflows_function_publishes_a_version_and_its_grants_name_its_executions(deployed: Deployed) -> None:
    lambdas = deployed.client("lambda")
    name = f"parley-{STAGE}-workflows"
    versions = [each["Version"] for each in lambdas.list_versions_by_function(FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "1"]
    # moto's CloudFormation skips AWS::Lambda::Alias, and a Ref to what it skipped leaves the variable out: the
    # `durable` alias and the starters' PARLEY_WORKFLOWS_FUNCTION (a Ref to it) are checked in test_template.py
    aliases = lambdas.list_aliases(FunctionName=name)["Aliases"]
    functions = {each["FunctionName"]: each for each in lambdas.list_functions()["Functions"]}
    if aliases:  # a moto that makes it
        [alias] = aliases
        assert alias["Name"] == "durable" and alias["FunctionVersion"] == "1"
        variables = functions[f"parley-{STAGE}-worker"]["Environment"]["Variables"]
        assert variables["PARLEY_WORKFLOWS_FUNCTION"] == alias["AliasArn"]
    # the durable-execution grants, resolved: this stage's workflows function's executions, every version's
    executions = f"arn:aws:lambda:{REGION}:123456789012:function:{name}:*/durable-execution/*/*"
    iam = deployed.client("iam")
    for function, policy, sid in (("workflows", "workflows", "DurableExecutions"),
                                  ("worker", "worker", "DecideAndStopWorkflows")):
        role = functions[f"parley-{STAGE}-{function}"]["Role"].rsplit("/", 1)[1]
        document = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
        if isinstance(document, str):  # moto keeps a CloudFormation-made inline policy as a Python repr
            document = ast.literal_eval(document)
        [statement] = [each for each in document["Statement"] if each.get("Sid") == sid]
        assert statement["Resource"] == executions, function


def test_the_worker_is_fed_by_the_jobs_queue(deployed: Deployed) -> None:
    mappings = deployed.client("lambda").list_event_source_mappings()["EventSourceMappings"]
    [mapping] = [each for each in mappings if each["FunctionArn"].endswith(f":function:parley-{STAGE}-worker")]
    assert mapping["EventSourceArn"].endswith(f":parley-{STAGE}-jobs")
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] == 10
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 10}


def test_the_alarm_topic_exists(deployed: Deployed) -> None:
    topics = [each["TopicArn"] for each in deployed.client("sns").list_topics()["Topics"]]
    assert [arn for arn in topics if arn.endswith(f":parley-{STAGE}-alarms")]


def test_the_lex_bot_is_left_out_in_ci(deployed: Deployed) -> None:
    # moto lists what it skips without a name, so look at what the bot would have made: the alias's permission
    # to invoke the lex function (without DeployLexBot=false it fails the deploy, on GetAtt LexBotAlias.Arn)
    lambdas = deployed.client("lambda")
    with pytest.raises(lambdas.exceptions.ResourceNotFoundException):
        lambdas.get_policy(FunctionName=f"parley-{STAGE}-lex")
    [invoker] = json.loads(lambdas.get_policy(FunctionName=f"parley-{STAGE}-slack")["Policy"])["Statement"]
    assert invoker["Principal"] == {"Service": "apigateway.amazonaws.com"}
    roles = {each["RoleName"] for each in deployed.client("iam").list_roles()["Roles"]}
    assert not [role for role in roles if "LexBotRole" in role]
