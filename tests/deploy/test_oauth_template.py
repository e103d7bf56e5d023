"""An oauth-mode stack as `serverless package --stage prod --param=slackMode=oauth` builds it, beside prod as it is.

oauth mode adds the install function and its two GET routes, the installations table under the stage's own KMS key,
the OAuth states table, and grants to use them to exactly the functions that do: the oauth function writes
installations, the worker reads and updates them, the slack ingress reads them. A single-mode stage gets none of it:
the mode's resources live in slack-modes/oauth.yml and are included by the framework only in oauth mode.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
import yaml

from tests.deploy.stack import ROOT, SERVERLESS, Packaged, cfn_lint, package, require_toolchain, serverless_env
from tests.deploy.test_template import (
    EXPECTED_PERMISSIONS,
    STAGES,
    Tagged,
    listed,
    of_type,
    resource_name,
    secrets_in,
    statements,
)

pytestmark = pytest.mark.deploy

SSM = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/parley/prod/slack/"
VIA_DYNAMODB = {"StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}}}
KEY_WRITE = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"}
KEY_READ = {"kms:Decrypt", "kms:DescribeKey"}
# What oauth mode grants, on top of single mode's (EXPECTED_PERMISSIONS, unchanged), as (action, resource)
OAUTH_PERMISSIONS = {
    "OAuthFunctionRole": {
        ("logs:CreateLogStream", "OauthLogGroup"), ("logs:PutLogEvents", "OauthLogGroup"),
        ("dynamodb:PutItem", "OAuthStatesTable"), ("dynamodb:DeleteItem", "OAuthStatesTable"),
        ("dynamodb:UpdateItem", "InstallationsTable"),
        *((action, "InstallationsKey") for action in KEY_WRITE),
        ("ssm:GetParameter", SSM + "client-secret"),
    },
    "WorkerInstallationsPolicy": {
        ("dynamodb:GetItem", "InstallationsTable"), ("dynamodb:UpdateItem", "InstallationsTable"),
        ("dynamodb:DeleteItem", "InstallationsTable"),
        *((action, "InstallationsKey") for action in KEY_WRITE),
        ("ssm:GetParameter", SSM + "client-secret"),
        ("dynamodb:Scan", "TicketsTable"), ("dynamodb:DeleteItem", "TicketsTable"),
    },
    "SlackInstallationsPolicy": {
        ("dynamodb:GetItem", "InstallationsTable"),
        *((action, "InstallationsKey") for action in KEY_READ),
    },
    # bot/workflows/wiring.py: a workspace's bot token for a workflow's DMs (read only: the worker refreshes)
    "WorkflowsInstallationsPolicy": {
        ("dynamodb:GetItem", "InstallationsTable"),
        *((action, "InstallationsKey") for action in KEY_READ),
    },
}
OAUTH_ONLY = {"OauthLambdaFunction", "OauthLogGroup", "HttpApiIntegrationOauth", "OauthLambdaPermissionHttpApi",
              "HttpApiRouteGetSlackInstall", "HttpApiRouteGetSlackOauthredirect", "InstallationsKey",
              "InstallationsKeyAlias", "InstallationsTable", "OAuthStatesTable", "OAuthFunctionRole",
              "WorkerInstallationsPolicy", "SlackInstallationsPolicy", "WorkflowsInstallationsPolicy",
              "OAuthErrorsAlarm"}


@pytest.fixture(scope="module")
def oauth(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory, {"slackMode": "oauth"})


@pytest.fixture(scope="module")
def resources(oauth: Packaged) -> dict[str, Any]:
    return oauth.template["Resources"]


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory)  # shared with test_template.py


def granted(resources: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    return {holder: {(action, resource_name(resource)) for statement in found for action in listed(statement["Action"])
                     for resource in listed(statement["Resource"])}
            for holder, found in statements(resources).items()}


def test_cfn_lint_finds_no_error_and_no_warning(oauth: Packaged) -> None:
    result = cfn_lint(oauth.template_file)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    print(f"serverless package --stage prod --param=slackMode=oauth took {oauth.seconds:.1f} s")


def test_a_single_mode_stage_has_nothing_of_oauth_mode(single: Packaged, oauth: Packaged) -> None:
    assert not OAUTH_ONLY & set(single.template["Resources"])
    # a function's version is named by a hash of its code and configuration, which the mode changes
    def unversioned(template: dict[str, Any]) -> set[str]:
        return {name for name in template["Resources"] if "LambdaVersion" not in name}

    assert unversioned(oauth.template) - unversioned(single.template) == OAUTH_ONLY
    assert unversioned(single.template) <= unversioned(oauth.template)
    variables = single.template["Resources"]["SlackLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["PARLEY_SLACK_MODE"] == "single"


def test_the_install_routes_reach_the_oauth_function(resources: dict[str, Any]) -> None:
    routes = {body["Properties"]["RouteKey"]: body["Properties"]["Target"]
              for body in of_type(resources, "AWS::ApiGatewayV2::Route").values()}
    target = {"Fn::Join": ["/", ["integrations", {"Ref": "HttpApiIntegrationOauth"}]]}
    assert routes["GET /slack/install"] == routes["GET /slack/oauth_redirect"] == target
    assert routes["POST /slack/events"] != target  # Slack's requests stay with the lean ingress
    integration = resources["HttpApiIntegrationOauth"]["Properties"]
    assert integration["IntegrationUri"] == {"Fn::GetAtt": ["OauthLambdaFunction", "Arn"]}
    assert integration["PayloadFormatVersion"] == "2.0"
    function = resources["OauthLambdaFunction"]["Properties"]
    assert function["Handler"] == "bot/oauth/handler.handler"
    assert function["Role"] == {"Fn::GetAtt": ["OAuthFunctionRole", "Arn"]}


def test_the_oauth_function_gets_the_names_of_its_settings_never_secrets(oauth: Packaged,
                                                                        resources: dict[str, Any]) -> None:
    variables = resources["OauthLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["PARLEY_SLACK_MODE"] == "oauth"
    assert variables["SLACK_CLIENT_SECRET_PARAM"] == "/parley/prod/slack/client-secret"
    assert variables["PARLEY_OAUTH_REDIRECT_URL"] == {
        "Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/slack/oauth_redirect"}
    assert variables["PARLEY_SLACK_TOKEN_ROTATION"] == "false"
    assert not {"SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"} & set(variables)
    for path in [oauth.template_file, oauth.out / "serverless-state.json", ROOT / "slack-modes" / "oauth.yml"]:
        assert not secrets_in(path.read_text()), path


def test_installations_are_encrypted_with_the_stages_own_rotating_key_and_kept_in_prod(
        resources: dict[str, Any]) -> None:
    table = resources["InstallationsTable"]
    properties = table["Properties"]
    assert properties["TableName"] == "parley-prod-installations"
    assert properties["KeySchema"] == [{"AttributeName": "key", "KeyType": "HASH"}]
    assert properties["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                              "KMSMasterKeyId": {"Fn::GetAtt": ["InstallationsKey", "Arn"]}}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert "TimeToLiveSpecification" not in properties  # an installation lives until it is uninstalled
    key = resources["InstallationsKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    # a table without its key cannot be read: both are kept in prod, both go in other stages
    assert (table["DeletionPolicy"], key["DeletionPolicy"]) == ("Retain", "Retain")
    assert (table["UpdateReplacePolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert resources["InstallationsKeyAlias"]["Properties"] == {"AliasName": "alias/parley-prod-installations",
                                                               "TargetKeyId": {"Ref": "InstallationsKey"}}


def test_the_key_policy_leaves_the_key_to_the_accounts_iam(resources: dict[str, Any]) -> None:
    [statement] = resources["InstallationsKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    assert "Condition" not in statement


def test_install_states_expire(resources: dict[str, Any]) -> None:
    properties = resources["OAuthStatesTable"]["Properties"]
    assert properties["TableName"] == "parley-prod-oauth-states"
    assert properties["KeySchema"] == [{"AttributeName": "key", "KeyType": "HASH"}]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_each_role_holds_exactly_what_its_code_calls(resources: dict[str, Any]) -> None:
    found = granted(resources)
    assert found == {**EXPECTED_PERMISSIONS, **OAUTH_PERMISSIONS}
    roles = {"WorkerInstallationsPolicy": "WorkerFunctionRole", "SlackInstallationsPolicy": "SlackFunctionRole",
             "WorkflowsInstallationsPolicy": "WorkflowsFunctionRole"}
    for policy, role in roles.items():
        assert resources[policy]["Properties"]["Roles"] == [{"Ref": role}]


def test_the_key_is_used_only_through_dynamodb_and_only_by_who_touches_installations(
        resources: dict[str, Any]) -> None:
    users = set()
    for holder, found in statements(resources).items():
        for statement in found:
            actions = set(listed(statement["Action"]))
            assert statement["Effect"] == "Allow"
            if any(action.startswith("kms:") for action in actions):
                assert {action for action in actions if action.startswith("kms:")} == actions, holder
                assert listed(statement["Resource"]) == [{"Fn::GetAtt": ["InstallationsKey", "Arn"]}], holder
                assert statement["Condition"] == VIA_DYNAMODB, holder
                users.add(holder)
            elif "*" in "".join(actions):
                raise AssertionError(f"{holder}: a wildcard action outside the key's grants: {statement}")
    touching = {holder for holder, pairs in granted(resources).items()
                if any(resource == "InstallationsTable" for _, resource in pairs)}
    assert users == touching == {"OAuthFunctionRole", "WorkerInstallationsPolicy", "SlackInstallationsPolicy",
                                 "WorkflowsInstallationsPolicy"}


def test_the_functions_that_read_installations_start_after_their_grants(resources: dict[str, Any]) -> None:
    assert "SlackInstallationsPolicy" in resources["SlackLambdaFunction"]["DependsOn"]
    assert "WorkerInstallationsPolicy" in resources["WorkerLambdaFunction"]["DependsOn"]
    assert "WorkflowsInstallationsPolicy" in resources["WorkflowsLambdaFunction"]["DependsOn"]


def test_the_oauth_function_has_its_alarm_and_log_retention(resources: dict[str, Any]) -> None:
    alarm = resources["OAuthErrorsAlarm"]["Properties"]
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "OauthLambdaFunction"}}]
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    group = resources["OauthLogGroup"]
    assert group["Properties"]["RetentionInDays"] == 90 and group["DeletionPolicy"] == "Retain"


def test_every_param_the_modes_use_is_defined_for_every_stage() -> None:
    import re

    config = yaml.load((ROOT / "serverless.yml").read_text(), Loader=Tagged)  # noqa: S506 - SafeLoader's subclass
    params = config["params"]
    for mode in ("single", "oauth"):
        text = (ROOT / "slack-modes" / f"{mode}.yml").read_text()
        assert yaml.load(text, Loader=Tagged)["mode"] == mode  # noqa: S506 - SafeLoader's subclass
        used = set(re.findall(r"\$\{param:(\w+)\}", text))
        for stage in STAGES:
            assert not used - set(params[stage]) - set(params["default"]), (mode, stage)
    assert params["default"]["slackMode"] == "single"
    assert params["local"]["slackMode"] == "${env:PARLEY_SLACK_MODE, 'single'}"


def test_an_unknown_mode_is_refused() -> None:
    python_dir = require_toolchain()
    result = subprocess.run([str(SERVERLESS), "print", "--stage", "dev", "--param=slackMode=multi"], cwd=ROOT,
                            env=serverless_env(python_dir), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "PARLEY_SLACK_MODE" in result.stdout + result.stderr


def test_the_local_stage_runs_oauth_mode_when_the_kit_says_so() -> None:
    python_dir = require_toolchain()
    env = serverless_env(python_dir, PARLEY_SLACK_MODE="oauth")
    result = subprocess.run([str(SERVERLESS), "print", "--stage", "local", "--format", "json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    config = json.loads(result.stdout[result.stdout.index("{"):])
    assert config["provider"]["environment"]["PARLEY_SLACK_MODE"] == "oauth"
    assert [event["httpApi"]["path"] for event in config["functions"]["oauth"]["events"]] == [
        "/slack/install", "/slack/oauth_redirect"]
    assert {"InstallationsTable", "OAuthStatesTable"} <= set(config["resources"]["Resources"])
