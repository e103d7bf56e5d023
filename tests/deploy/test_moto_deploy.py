"""A smoke deploy: `serverless deploy --stage ci` into moto server's CloudFormation, then boto3 looks at what it made.

moto takes the whole stack as CloudFormation (deployment bucket, roles, functions, event source mapping, queues with
their redrive policy, tables, topic) but cannot run the Lambdas, skips what it does not know (API Gateway v2,
CloudWatch alarms) and has no Lex V2 at all: the `ci` stage leaves the Lex bot out through the template's
DeployLexBot parameter (serverless.yml). The template itself is checked in test_template.py. Nothing leaves
127.0.0.1: AWS_ENDPOINT_URL points every AWS SDK call of the framework at moto, with fake credentials.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.deploy.stack import Deployed, deploy_into_moto

pytestmark = pytest.mark.deploy

STAGE = "ci"
TABLES = {"dedup", "idempotency", "dialogs", "tickets", "results", "links", "limits", "streams"}


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


def test_the_three_functions_exist_each_with_its_own_role(deployed: Deployed) -> None:
    functions = {each["FunctionName"]: each for each in deployed.client("lambda").list_functions()["Functions"]}
    ours = {name.removeprefix(f"parley-{STAGE}-"): body for name, body in functions.items()
            if name.startswith(f"parley-{STAGE}-")}
    assert set(ours) == {"slack", "worker", "lex"}
    assert {body["Runtime"] for body in ours.values()} == {"python3.12"}
    assert len({body["Role"] for body in ours.values()}) == 3
    iam = deployed.client("iam")
    for name, body in ours.items():
        role = body["Role"].rsplit("/", 1)[1]
        assert iam.list_role_policies(RoleName=role)["PolicyNames"], name
        variables = body["Environment"]["Variables"]
        assert variables["SLACK_BOT_TOKEN_PARAM"] == f"/parley/{STAGE}/slack/bot-token"
        assert variables["PARLEY_QUEUE_URL"].endswith(f"/parley-{STAGE}-jobs")


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
