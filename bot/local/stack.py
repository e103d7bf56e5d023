"""The whole stack on one laptop: moto server, the Slack stand-in, the workflows emulator and serverless offline.

`LocalStack` starts them in order, creates the stage's queues (and later tables) in moto from
serverless.yml's own `resources` through moto's CloudFormation, so the redrive policy used locally is
the one deployed, and stops every process it started, whatever happens. Workflows (bot/workflows/) run in the
emulator (bot/local/durable.py), which invokes the `workflows` function through serverless offline; their modelled
hours pass in `workflow_seconds_per_hour` seconds each (1 for `make run`: a reminder after 4 s, expiry after 72 s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.aws.dynamodb import DynamoClient
from bot.aws.sigv4 import Credentials
from bot.defaults import SLACK_API_URL, secret_parameter
from bot.local.durable import start_emulator
from bot.local.lambda_api import Invoke, lambda_invoker
from bot.local.moto import start_moto
from bot.local.ports import check_ports
from bot.local.processes import Child
from bot.local.standin.workspaces import TEAM_ID as LOCAL_TEAM_ID
from bot.local.workflow_watch import WorkflowWatch
from bot.settings import Settings
from bot.stores.table import DynamoTable
from bot.stores.workflows import DynamoWorkflowStore

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS = ROOT / "node_modules" / ".bin" / "serverless"
# What the stage needs from `resources` locally; alarms and the like only make sense in AWS. The KMS key too: in oauth
# mode the installations table names it (moto takes the table's encryption settings and ignores them).
LOCAL_RESOURCE_TYPES = {"AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::SSM::Parameter", "AWS::KMS::Key"}


def stage_resources(stage: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """serverless.yml's `resources.Resources` for a stage, with its variables resolved by the framework."""
    result = subprocess.run(
        [str(SERVERLESS), "print", "--stage", stage, "--format", "json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"serverless print failed:\n{result.stdout}\n{result.stderr}")
    # the framework may print notices before the document
    config = json.loads(result.stdout[result.stdout.index("{"):])
    resources = config.get("resources", {}).get("Resources", {})
    return {name: body for name, body in resources.items() if body.get("Type") in LOCAL_RESOURCE_TYPES}


def create_resources(endpoint: str, stage: str, resources: dict[str, Any], region: str = "us-east-1") -> None:
    """Create the resources in moto as a CloudFormation stack, so intrinsic functions resolve as in AWS."""
    import boto3

    # moto takes any credentials; fixed ones keep a developer's real AWS profile out of it
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name=region,
                                  aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    name = f"parley-{stage}-local"
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"local resources failed: {stack['StackStatus']} {stack.get('StackStatusReason', '')}")


def put_secrets(endpoint: str, settings: Settings) -> None:
    """The stage's Slack secrets into moto's SSM Parameter Store, where the functions look for them."""
    import boto3

    ssm = boto3.client("ssm", endpoint_url=endpoint, region_name=settings.region,
                       aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    secrets = [("signing-secret", settings.signing_secret)]
    # single mode: the one bot token; oauth mode: the app's client secret (each installation has its own token)
    secrets.append(("client-secret", settings.client_secret) if settings.slack_mode == "oauth"
                   else ("bot-token", settings.bot_token))
    for name, secret in secrets:
        ssm.put_parameter(Name=secret_parameter(settings.stage, name), Value=secret.get_secret_value(),
                          Type="SecureString", Overwrite=True)


REAL_SLACK = "PARLEY_REAL_SLACK"  # 1: the functions answer a real Slack workspace (through a tunnel)
# Who approves access requests locally: ana, then bo (escalation), people of the stand-in's first workspace
LOCAL_APPROVERS = "U0LOCALANA,U0LOCALBO"
SECONDS_PER_HOUR = "PARLEY_WORKFLOW_SECONDS_PER_HOUR"  # bot/workflows/clock.py
LOCAL_SECONDS_PER_HOUR = 1.0  # make run: an hour of a workflow passes in a second
IDLE_QUEUE = "parley-local-idle"  # what serverless-offline-sqs polls when the Lambda-API poller feeds the worker


class LocalStack:
    """The local stack. `worker_feed` says who feeds the worker from SQS:

    - "offline-sqs" (make run): serverless-offline-sqs, as the Serverless toolchain does it; it deletes a
      whole batch whatever the worker reports.
    - "lambda-api" (the reliability suite): `bot.local.poller.SqsPoller` in a thread, invoking the worker
      through serverless offline's Lambda API and settling each record as Lambda does with
      ReportBatchItemFailures, so retries and the dead-letter queue behave as in AWS. A failed record
      comes back after `retry_after_seconds` (the queue's visibility timeout, fast-forwarded);
      `feeders` pollers run at once, as Lambda runs several workers for a busy queue.

    The settings' `slack_mode` says how the app meets Slack: `single`, installed in the stand-in's first workspace
    with the settings' bot token; or `oauth`, installed nowhere until someone installs it through `/slack/install`
    (bot.local.install), with the stage's installation tables. `token_ttl` (oauth mode) turns Slack's token rotation
    on: every token the stand-in issues expires after that many seconds.

    `workflow_seconds_per_hour`: how long a workflow's modelled hour lasts (PARLEY_WORKFLOW_SECONDS_PER_HOUR from
    the environment, else LOCAL_SECONDS_PER_HOUR); tests shorten it further.
    """

    def __init__(self, settings: Settings, log_dir: Path, *, worker_feed: str = "offline-sqs",
                 retry_after_seconds: int = 1, feeders: int = 1, extra_env: dict[str, str] | None = None,
                 token_ttl: int | None = None, recording: Path | None = None,
                 workflow_seconds_per_hour: float | None = None) -> None:
        if worker_feed not in ("offline-sqs", "lambda-api"):
            raise ValueError(f"unknown worker feed {worker_feed!r}")
        self.settings = settings
        self.log_dir = log_dir
        self.worker_feed = worker_feed
        self.retry_after_seconds = retry_after_seconds
        self.feeders = feeders  # concurrent worker invocations, as Lambda scales an SQS event source out
        self.extra_env = dict(extra_env or {})  # e.g. PARLEY_FAULT_INTENTS=1 for the reliability suite
        if token_ttl is not None and settings.slack_mode != "oauth":
            raise ValueError("token rotation (token_ttl) needs oauth mode: single mode's token never expires")
        self.token_ttl = token_ttl
        # the flight recorder's file (bot/observability/recorder.py): each turn's request and Web API calls
        self.recording = recording or log_dir / "recording.jsonl"
        if workflow_seconds_per_hour is None:
            workflow_seconds_per_hour = float(os.environ.get(SECONDS_PER_HOUR) or LOCAL_SECONDS_PER_HOUR)
        if workflow_seconds_per_hour <= 0:
            raise ValueError("a workflow's hour must last some time (workflow_seconds_per_hour > 0)")
        self.workflow_seconds_per_hour = workflow_seconds_per_hour
        self.children: list[Child] = []
        self._feeding: list[threading.Thread] = []
        self.pollers: list[Any] = []  # the Lambda-API feed's pollers (a test may change their retry delay)
        self._stop_feeding = threading.Event()

    @property
    def endpoint(self) -> str:
        return self.settings.local_endpoint

    @property
    def ingress_url(self) -> str:
        return self.settings.local_ingress_url

    @property
    def slack_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.slack_port}"

    @property
    def web_api_url(self) -> str:
        """Where the functions call Slack's Web API: the stand-in; with PARLEY_REAL_SLACK=1 (a real workspace
        through a tunnel, README: Troubleshooting) Slack itself, or the SLACK_API_URL exported."""
        if os.environ.get(REAL_SLACK) == "1":
            return os.environ.get("SLACK_API_URL") or SLACK_API_URL
        return self.settings.local_slack_api_url

    @property
    def oauth(self) -> bool:
        return self.settings.slack_mode == "oauth"

    @property
    def workflows_url(self) -> str:
        """The durable-execution emulator: where workflows start, and the durable APIs (AWS_ENDPOINT_URL_LAMBDA)."""
        return f"http://127.0.0.1:{self.settings.workflows_port}"

    @property
    def workflows_function(self) -> str:
        return f"parley-{self.settings.stage}-workflows"

    def handler_env(self) -> dict[str, str]:
        """The environment serverless offline and its handlers run with: every setting, pointed at 127.0.0.1."""
        settings = self.settings
        venv = Path(sys.executable).parent.parent
        env = dict(os.environ)
        env.update(
            {
                # serverless offline runs `python3` from the active venv
                "VIRTUAL_ENV": str(venv),
                "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": settings.region,
                "AWS_REGION": settings.region,
                "PARLEY_STAGE": settings.stage,
                "PARLEY_HTTP_PORT": str(settings.http_port),
                "PARLEY_LAMBDA_PORT": str(settings.lambda_port),
                "PARLEY_MOTO_PORT": str(settings.moto_port),
                "PARLEY_SLACK_PORT": str(settings.slack_port),
                "PARLEY_WORKFLOWS_PORT": str(settings.workflows_port),
                "SLACK_API_URL": self.web_api_url,
                # as in AWS, the functions read the secrets from SSM Parameter Store (moto's), never from env
                "SLACK_SIGNING_SECRET_PARAM": secret_parameter(settings.stage, "signing-secret"),
                "SLACK_BOT_TOKEN_PARAM": secret_parameter(settings.stage, "bot-token"),
                # serverless.yml's local stage picks the mode's functions and tables from this one
                "PARLEY_SLACK_MODE": settings.slack_mode,
                "PARLEY_RECORDING_FILE": str(self.recording),
                # workflows: started in the emulator, which runs the workflows function; the SDK in that function
                # and the worker's boto3 Lambda client call the durable APIs (checkpoint, callbacks, stop) there
                "PARLEY_WORKFLOWS_URL": self.workflows_url,
                "PARLEY_WORKFLOWS_FUNCTION": self.workflows_function,
                "AWS_ENDPOINT_URL_LAMBDA": self.workflows_url,
                "PARLEY_APPROVERS": settings.approvers or LOCAL_APPROVERS,
                "PARLEY_APPROVERS_TEAM": settings.approvers_team or LOCAL_TEAM_ID,
                SECONDS_PER_HOUR: f"{self.workflow_seconds_per_hour:g}",
                "SLS_TELEMETRY_DISABLED": "1",
                "SLS_NOTIFICATIONS_MODE": "off",
            }
        )
        if self.worker_feed == "lambda-api":
            env["PARLEY_OFFLINE_SQS_QUEUE"] = IDLE_QUEUE  # serverless.yml's local stage reads it
        if self.oauth:
            env.update({"SLACK_CLIENT_ID": settings.slack_client_id,
                        "SLACK_CLIENT_SECRET_PARAM": secret_parameter(settings.stage, "client-secret"),
                        "PARLEY_SLACK_TOKEN_ROTATION": "true" if self.token_ttl else "false"})
        env.update(self.extra_env)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_SQS", "SLACK_SIGNING_SECRET",
                     "SLACK_BOT_TOKEN", "SLACK_CLIENT_SECRET"):
            env.pop(name, None)
        return env

    def standin_argv(self) -> list[str]:
        """The Slack stand-in's command line: the app installed with the bot token (single mode), or known by its
        client id and secret and redirect URL, installed nowhere yet (oauth mode)."""
        settings = self.settings
        argv = [sys.executable, "-m", "bot.local.standin", "--port", str(settings.slack_port),
                # as in Slack, the bot's own posts come back as events; the ingress must drop them
                "--echo-url", self.ingress_url, "--signing-secret", settings.signing_secret.get_secret_value()]
        if not self.oauth:
            return [*argv, "--token", settings.bot_token.get_secret_value()]
        argv += ["--client-id", settings.slack_client_id, "--client-secret", settings.client_secret.get_secret_value(),
                 "--redirect-url", settings.oauth_redirect_url]
        return [*argv, "--token-ttl", str(self.token_ttl)] if self.token_ttl else argv

    def install_url(self) -> str:
        """Where a browser starts an install (oauth mode)."""
        return f"http://127.0.0.1:{self.settings.http_port}/slack/install"

    def start(self) -> LocalStack:
        settings = self.settings
        check_ports(settings)  # before anything starts: a taken port is named, not met as a traceback
        env = self.handler_env()
        try:
            self.children.append(start_moto(settings.moto_port, self.log_dir))
            create_resources(self.endpoint, settings.stage, stage_resources(settings.stage, env), settings.region)
            put_secrets(self.endpoint, settings)
            if self.worker_feed == "lambda-api":
                self.sqs().create_queue(QueueName=IDLE_QUEUE)
            slack = Child("slack", self.standin_argv(), self.log_dir, env=env, cwd=ROOT)
            self.children.append(slack)
            offline = Child("offline", [str(SERVERLESS), "offline", "start", "--stage", settings.stage],
                            self.log_dir, env=env, cwd=ROOT)
            self.children.append(offline)
            # the emulator before serverless offline is up is fine: it invokes the function only once one starts
            self.children.append(start_emulator(settings.workflows_port, settings.lambda_port, settings.region,
                                                self.log_dir))
            slack.wait_for_port(settings.slack_port, 30)
            offline.wait_for_port(settings.http_port, 120)
            offline.wait_for_port(settings.lambda_port, 30)
            if self.worker_feed == "lambda-api":
                self._start_feeding()
        except BaseException:
            self.stop()
            raise
        return self

    def descendants(self, name: str) -> list[int]:
        """The process ids under one of the stack's children (Linux /proc), e.g. serverless offline's runners."""
        child = next(child for child in self.children if child.name == name)
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        found: list[int] = []
        frontier = [child.process.pid]
        while frontier:
            parent = frontier.pop()
            kids = [pid for pid, ppid in parents.items() if ppid == parent]
            found.extend(kids)
            frontier.extend(kids)
        return found

    def invoker(self, function: str, timeout: float = 60.0) -> Invoke:
        """Invoke one of the stage's functions (`worker`, `lex`) through serverless offline's Lambda API."""
        return lambda_invoker(self.settings.lambda_port, f"parley-{self.settings.stage}-{function}", timeout)

    def workflow_store(self) -> DynamoWorkflowStore:
        """The stage's workflows table in moto: what runs and what each waits for (`make run`'s /wait, the tests)."""
        client = DynamoClient(region=self.settings.region, endpoint_url=self.endpoint, stage=self.settings.stage,
                              credentials=Credentials("testing", "testing"))
        return DynamoWorkflowStore(DynamoTable(client, self.settings.workflows_table))

    def workflow_watch(self) -> WorkflowWatch:
        """Whether the workflows wait or run (bot/local/workflow_watch.py), from their table and the emulator."""
        import boto3

        emulator = boto3.client("lambda", endpoint_url=self.workflows_url, region_name=self.settings.region,
                                aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
        return WorkflowWatch(self.workflow_store(), emulator)

    def sqs(self) -> Any:
        """A boto3 SQS client on the stack's moto server."""
        import boto3

        return boto3.client("sqs", endpoint_url=self.endpoint, region_name=self.settings.region,
                            aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106

    def queue_url(self, suffix: str = "") -> str:
        return str(self.sqs().get_queue_url(QueueName=self.settings.jobs_queue_name + suffix)["QueueUrl"])

    def _start_feeding(self) -> None:
        from bot.local.poller import SqsPoller

        invoke = self.invoker("worker", timeout=120)
        self.pollers = [SqsPoller(self.sqs(), self.queue_url(), lambda event, _: invoke(event), batch_size=10,
                                  retry_after_seconds=self.retry_after_seconds) for _ in range(self.feeders)]

        def feed(poller: SqsPoller) -> None:
            while not self._stop_feeding.is_set():
                try:
                    poller.poll_once(wait_seconds=1)
                except Exception:  # noqa: BLE001 - a queue that is gone for a while is a scenario, not an end
                    self._stop_feeding.wait(0.5)

        for number, poller in enumerate(self.pollers):
            thread = threading.Thread(target=feed, args=(poller,), name=f"worker-feed-{number}", daemon=True)
            thread.start()
            self._feeding.append(thread)

    def restart(self, name: str) -> None:
        """Stop one child process and start it again (its group and all): a crashed sandbox, replaced."""
        index = next(index for index, child in enumerate(self.children) if child.name == name)
        old = self.children[index]
        old.stop()
        fresh = Child(old.name, old.process.args, self.log_dir, env=self.handler_env(), cwd=ROOT)
        self.children[index] = fresh
        if name == "offline":
            fresh.wait_for_port(self.settings.http_port, 120)
            fresh.wait_for_port(self.settings.lambda_port, 30)

    def stop(self) -> None:
        self._stop_feeding.set()
        while self._feeding:
            self._feeding.pop().join(timeout=30)
        while self.children:
            self.children.pop().stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def wait_until_polling(self, timeout: float = 60.0) -> None:
        """Wait for serverless-offline-sqs to start polling (its log says so)."""
        log = self.log_dir / "offline.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if log.exists() and "Starting Offline SQS" in log.read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise TimeoutError(f"serverless-offline-sqs did not start within {timeout:.0f} s; see {log}")
