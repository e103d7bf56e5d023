"""What a million Slack messages cost on AWS, Parley vs Bolt-lazy, from AWS list prices and the measured durations.

Per message (one `app_mention` answered with one chat.postMessage):
- Parley: 1 HTTP API request; the `slack` function (1 request, its memory x its billed warm duration); SQS
  SendMessage + ReceiveMessage + DeleteMessage; the `worker` (1 request per job, batch of 1; its memory x its billed
  warm duration per job); the DynamoDB calls the worker made per job at the stand-in (idempotency record written and
  updated, dedup marker, dialog read and clear).
- Bolt-lazy: 1 HTTP API request; 2 invocations of its one function (the ack, then the lazy listener invoked
  asynchronously by the ack), each at its measured billed duration; no queue and no table.
Lambda bills each invocation's duration rounded up to the next ms: the durations used are the mean, over the warm
events, of each event's time rounded up. Not counted: CloudWatch Logs, SSM/KMS (a GetParameter per cold start or
cache expiry, not per message), data transfer, free tiers, cold starts (listed apart), the Web API (free).
"""

from __future__ import annotations

from typing import Any

# us-east-1 list prices, x86_64, USD. Source: aws.amazon.com/{api-gateway,lambda,sqs,dynamodb}/pricing/, as published
# in 2025 (DynamoDB on-demand after the 50 % cut of 2024-11-01). Check them before relying on the totals.
PRICES_AS_OF = "2025 (AWS pricing pages, us-east-1); DynamoDB on-demand as cut on 2024-11-01"
PRICES = {
    "http_api_per_million_requests": 1.00,  # first 300 M requests a month
    "lambda_per_million_requests": 0.20,
    "lambda_per_gb_second": 0.0000166667,  # x86_64, first 6 billion GB-s a month
    "sqs_per_million_requests": 0.40,  # standard queue; each 64 KB chunk of a payload is one request
    "dynamodb_per_million_write_units": 0.625,  # on-demand; an item up to 1 KB is one unit
    "dynamodb_per_million_read_units": 0.125,  # on-demand; strongly consistent up to 4 KB is one unit, eventual half
}
LAMBDA_MB_PER_VCPU = 1769  # Lambda gives a function one full vCPU at 1,769 MB, a proportional share below
ASSUMED_MEMORY_MB = 512  # only when the packaged template is not at hand (--skip-size)
SQS_REQUESTS_PER_JOB = 3  # send, receive, delete: batches of one (locally; in AWS batches of up to 10 amortize two)


def lambda_cost(memory_mb: float, billed_ms: float) -> float:
    """One invocation, in USD."""
    gb_seconds = memory_mb / 1024 * billed_ms / 1000
    return gb_seconds * PRICES["lambda_per_gb_second"] + PRICES["lambda_per_million_requests"] / 1e6


def dynamodb_cost(calls: dict[str, float]) -> tuple[float, float, float]:
    """(write units, read units, USD) for one job's DynamoDB calls as the stand-in counted them."""
    writes = sum(calls.get(f"dynamodb.{op}", 0.0) for op in ("PutItem", "UpdateItem", "DeleteItem"))
    reads = calls.get("dynamodb.GetItem.consistent", 0.0) + 0.5 * calls.get("dynamodb.GetItem", 0.0)
    usd = writes * PRICES["dynamodb_per_million_write_units"] + reads * PRICES["dynamodb_per_million_read_units"]
    return writes, reads, usd / 1e6


def per_million(parley_ms: tuple[float, float], bolt_ms: tuple[float, float], memory: dict[str, float],
                calls: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """USD per million messages by item: `parley_ms` is (ingress, worker job) and `bolt_ms` (ack, lazy run),
    billed ms per invocation."""
    writes, reads, dynamodb = dynamodb_cost(calls.get("worker", {}))
    million = 1e6
    parley = {
        "api_gateway": PRICES["http_api_per_million_requests"],
        "lambda_ingress": lambda_cost(memory["slack"], parley_ms[0]) * million,
        "sqs": SQS_REQUESTS_PER_JOB * PRICES["sqs_per_million_requests"],
        "lambda_worker": lambda_cost(memory["worker"], parley_ms[1]) * million,
        "dynamodb": dynamodb * million,
    }
    bolt = {
        "api_gateway": PRICES["http_api_per_million_requests"],
        "lambda_ack": lambda_cost(memory["bolt"], bolt_ms[0]) * million,
        "lambda_lazy": lambda_cost(memory["bolt"], bolt_ms[1]) * million,
    }
    return {"parley": {**parley, "total": sum(parley.values()), "dynamodb_write_units": writes,
                       "dynamodb_read_units": reads},
            "bolt": {**bolt, "total": sum(bolt.values())}}


def estimate(ack: dict[str, Any], functions: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """The cost section of the report, from bench/ack.py's measurements and the packaged functions' memory."""
    # From the packaged template when bench/size.py ran; else an assumption, said so in the report
    known = functions or {}
    slack_mb = float(known.get("slack", {}).get("memory_mb", ASSUMED_MEMORY_MB))
    worker_mb = float(known.get("worker", {}).get("memory_mb", slack_mb))
    # Assumption: the Bolt function gets the ingress's memory, so both acks run with the same CPU share.
    memory = {"slack": slack_mb, "worker": worker_mb, "bolt": slack_mb}
    warm, second = ack["warm_ms"], ack["second_stage"]
    measured = {
        "parley": (warm["parley"]["billed_mean_ms"], second["worker"]["warm_ms"]["billed_mean_ms"]),
        "bolt": (warm["bolt"]["billed_mean_ms"], second["bolt_lazy"]["warm_ms"]["billed_mean_ms"]),
    }

    def on_lambda(ms: float, mb: float) -> float:
        # If every measured ms is CPU (an upper bound) and a Lambda vCPU is as fast as this machine's core
        return ms * max(1.0, LAMBDA_MB_PER_VCPU / mb)

    scaled = {
        "parley": (on_lambda(measured["parley"][0], slack_mb), on_lambda(measured["parley"][1], worker_mb)),
        "bolt": (on_lambda(measured["bolt"][0], slack_mb), on_lambda(measured["bolt"][1], slack_mb)),
    }
    cold = ack["cold_ms"]
    cold_starts = {  # USD per million cold starts: Lambda bills the init phase of on-demand functions too
        "parley_ingress": lambda_cost(slack_mb, cold["parley"]["total"]["median"]) * 1e6,
        "parley_worker": lambda_cost(worker_mb, second["worker"]["cold_total_ms"]) * 1e6,
        "bolt_ack": lambda_cost(slack_mb, cold["bolt"]["total"]["median"]) * 1e6,
        "bolt_lazy": lambda_cost(slack_mb, second["bolt_lazy"]["cold_total_ms"]) * 1e6,
    }
    return {
        "prices": PRICES, "prices_as_of": PRICES_AS_OF, "memory_mb": memory,
        "memory_source": "the packaged template (serverless package --stage prod)" if known else
                         f"assumed {ASSUMED_MEMORY_MB} MB: `serverless package` did not run",
        "billed_ms": {"measured": measured, "scaled_to_lambda_cpu_share": scaled},
        "per_million_messages": {"measured": per_million(measured["parley"], measured["bolt"], memory,
                                                         ack["calls_per_event"]),
                                 "scaled_to_lambda_cpu_share": per_million(scaled["parley"], scaled["bolt"], memory,
                                                                           ack["calls_per_event"])},
        "per_million_cold_starts": cold_starts,
        "assumptions": [
            "Bolt's function has the ingress's memory (serverless.yml's slack memorySize)",
            f"SQS: {SQS_REQUESTS_PER_JOB} requests per job (batches of one); every payload under 64 KB",
            "DynamoDB items under 1 KB (one write unit each); reads strongly consistent where the worker asks",
            "one worker invocation per job (batch of one); under load, batches of up to 10 share one invocation",
            "warm invocations only; cold starts are priced apart (per_million_cold_starts)",
            "scaled_to_lambda_cpu_share: every measured ms is CPU time and grows by 1769 MB / memory (an upper bound)",
        ],
    }
