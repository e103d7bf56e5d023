"""Starting, deciding and stopping workflows: the calls the worker and the Lex hook make to the durable engine.

In AWS the engine is Lambda itself: a workflow starts as an asynchronous Invoke of the workflows function with a
durable execution name (the same name twice starts it once: a re-run job cannot start a second workflow), a
decision completes the wait's callback (SendDurableExecutionCallbackSuccess), a cancel stops the execution
(StopDurableExecution). Locally the same durable APIs are served by the SDK team's emulator (`dex-local-runner`,
started by the local stack; boto3 reaches it through AWS_ENDPOINT_URL_LAMBDA), which starts executions through
its own route. Failure policy: a start that fails raises (the intent's job fails and SQS delivers it again: the
execution name keeps the retry from starting a second one); a decision on a callback that is no longer waiting
(timed out, already completed) returns False, and the clicker is told.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Protocol

EXECUTION_TIMEOUT_SECONDS = 60 * 24 * 3600  # as serverless.yml's durableConfig: longer than any modelled wait
RETENTION_DAYS = 30


class Engine(Protocol):
    def start(self, execution_name: str, payload: dict[str, Any]) -> str: ...
    def decide(self, callback_id: str, result: dict[str, Any]) -> bool: ...
    def stop(self, execution: str, reason: str) -> None: ...


class DurableEngine:
    """Lambda durable functions through boto3's Lambda client (the worker's runtime ships boto3)."""

    def __init__(self, function: str, region: str, local_url: str = "", client: Any = None) -> None:
        self.function = function  # the workflows function, qualified (`name:alias` or an ARN with a version)
        self.region = region
        self.local_url = local_url.rstrip("/")
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("lambda", region_name=self.region)
        return self._client

    def start(self, execution_name: str, payload: dict[str, Any]) -> str:
        body = json.dumps(payload)
        if self.local_url:
            return self._start_locally(execution_name, body)
        name, _, qualifier = self.function.rpartition(":") if self._qualified() else (self.function, "", "")
        answer = self.client.invoke(FunctionName=name, Qualifier=qualifier or None, InvocationType="Event",
                                    DurableExecutionName=execution_name, Payload=body.encode())
        return str(answer.get("DurableExecutionArn") or execution_name)

    def decide(self, callback_id: str, result: dict[str, Any]) -> bool:
        try:
            self.client.send_durable_execution_callback_success(CallbackId=callback_id,
                                                                Result=json.dumps(result).encode())
        except self.client.exceptions.ClientError as error:
            if _code(error) in ("CallbackTimeoutException", "InvalidParameterValueException",
                                "ResourceNotFoundException"):
                return False  # timed out, already completed, or gone: no longer waiting
            raise
        return True

    def stop(self, execution: str, reason: str) -> None:
        try:
            self.client.stop_durable_execution(DurableExecutionArn=execution,
                                               Error={"ErrorType": "Cancelled", "ErrorMessage": reason[:200]})
        except self.client.exceptions.ClientError as error:
            if _code(error) not in ("InvalidParameterValueException", "ResourceNotFoundException"):
                raise  # anything but "it has already ended"

    def _qualified(self) -> bool:
        return self.function.count(":") in (1, 7)  # `name:alias`, or arn:aws:lambda:region:acct:function:name:q

    def _start_locally(self, execution_name: str, body: str) -> str:
        name = self.function.rpartition(":")[0] if self._qualified() else self.function
        request = {"AccountId": "123456789012", "FunctionName": name, "FunctionQualifier": "$LATEST",
                   "ExecutionName": execution_name, "ExecutionTimeoutSeconds": EXECUTION_TIMEOUT_SECONDS,
                   "ExecutionRetentionPeriodDays": RETENTION_DAYS, "Input": body}
        call = urllib.request.Request(f"{self.local_url}/start-durable-execution", method="POST",  # noqa: S310
                                      data=json.dumps(request).encode(), headers={"content-type": "application/json"})
        with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - the local emulator, 127.0.0.1
            started = json.loads(answer.read() or b"{}")
        return str(started.get("ExecutionArn") or started.get("DurableExecutionArn") or execution_name)


def _code(error: Any) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
