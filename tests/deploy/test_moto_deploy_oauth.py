"""The smoke deploy of an oauth-mode stage: `serverless deploy --stage ci --param=slackMode=oauth` into moto.

The same `ci` stage as test_moto_deploy.py (no Lex bot), switched to oauth mode the way an operator switches a stage
for one deploy, in a moto server of its own. moto makes the KMS key (with rotation), the tables and the roles. It
skips API Gateway v2, sets no table's TTL, does not describe a table's encryption back, and keeps a CloudFormation
key's policy in a shape its DescribeKey fails on: the routes, TTLs, the table's key and the key policy are checked in
the packaged template (test_oauth_template.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.stack import Deployed, deploy_into_moto

pytestmark = pytest.mark.deploy

STAGE = "ci"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    yield from deploy_into_moto(tmp_path_factory, STAGE, {"slackMode": "oauth"})


def test_the_oauth_stack_deploys(deployed: Deployed) -> None:
    [stack] = deployed.client("cloudformation").describe_stacks(StackName=f"parley-{STAGE}")["Stacks"]
    assert stack["StackStatus"] in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}, stack
    print(f"serverless deploy --stage {STAGE} --param=slackMode=oauth into moto took {deployed.seconds:.1f} s")


def test_the_stage_has_its_own_rotating_key_and_an_installations_table(deployed: Deployed) -> None:
    kms = deployed.client("kms")
    [alias] = [each for each in kms.list_aliases()["Aliases"]
               if each["AliasName"] == f"alias/parley-{STAGE}-installations"]
    [key] = [each for each in kms.list_keys()["Keys"] if each["KeyId"] == alias["TargetKeyId"]]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    table = deployed.client("dynamodb").describe_table(TableName=f"parley-{STAGE}-installations")["Table"]
    assert [each["AttributeName"] for each in table["KeySchema"]] == ["key"]
    # moto takes SSESpecification without describing it back: the key on the table is checked in the template


def test_the_install_states_table_exists(deployed: Deployed) -> None:
    table = deployed.client("dynamodb").describe_table(TableName=f"parley-{STAGE}-oauth-states")["Table"]
    assert [each["AttributeName"] for each in table["KeySchema"]] == ["key"]
    # its TTL, like the other tables', is checked in the template: moto's CloudFormation does not set it


def test_the_oauth_function_exists_with_its_own_role_and_settings(deployed: Deployed) -> None:
    functions = {each["FunctionName"]: each for each in deployed.client("lambda").list_functions()["Functions"]}
    ours = {name.removeprefix(f"parley-{STAGE}-"): body for name, body in functions.items()
            if name.startswith(f"parley-{STAGE}-")}
    assert set(ours) == {"slack", "worker", "lex", "workflows", "oauth"}
    assert len({body["Role"] for body in ours.values()}) == 5
    for name, body in ours.items():
        variables = body["Environment"]["Variables"]
        assert variables["PARLEY_SLACK_MODE"] == "oauth", name
        assert variables["SLACK_CLIENT_SECRET_PARAM"] == f"/parley/{STAGE}/slack/client-secret", name
    assert ours["oauth"]["Handler"] == "bot/oauth/handler.handler"
    iam = deployed.client("iam")
    role = ours["oauth"]["Role"].rsplit("/", 1)[1]
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["oauth"]


def test_the_worker_the_ingress_and_the_workflows_get_their_installations_grants(deployed: Deployed) -> None:
    iam = deployed.client("iam")
    functions = {each["FunctionName"]: each for each in deployed.client("lambda").list_functions()["Functions"]}
    for function, policy in (("worker", "worker-installations"), ("slack", "slack-ingress-installations"),
                             ("workflows", "workflows-installations")):
        role = functions[f"parley-{STAGE}-{function}"]["Role"].rsplit("/", 1)[1]
        # moto lists an AWS::IAM::Policy attached to a role among the role's inline policies
        assert policy in iam.list_role_policies(RoleName=role)["PolicyNames"], function
    lex_role = functions[f"parley-{STAGE}-lex"]["Role"].rsplit("/", 1)[1]
    assert iam.list_role_policies(RoleName=lex_role)["PolicyNames"] == ["lex-hook"]
