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

import json
import math
from typing import Any

# us-east-1 list prices, USD. Source: aws.amazon.com/{api-gateway,lambda,sqs,dynamodb,cloudwatch}/pricing/ and the
# pricing summaries that quote them (DynamoDB on-demand after the 50 % cut of 2024-11-01), checked on PRICES_AS_OF with
# the search tool; no free tier is applied. Check them before relying on the totals.
PRICES_AS_OF = "2026-12-01 (AWS list prices, us-east-1; DynamoDB on-demand as cut on 2024-11-01; no free tiers)"
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
    # a Query or Scan page of small items reads at least one unit (4 KB), as a GetItem does
    reads = sum(calls.get(f"dynamodb.{op}.consistent", 0.0) + 0.5 * calls.get(f"dynamodb.{op}", 0.0)
                for op in ("GetItem", "Query", "Scan"))
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


# --- issue 16: per message kind, per month at a rate, and a stage's idle cost ---------------------------------------

# (up to this many units a month, USD per unit); the last tier has no upper bound
HTTP_API_TIERS = ((300e6, 1.00e-6), (1e9, 0.90e-6), (math.inf, 0.80e-6))  # requests
LAMBDA_GB_SECOND_TIERS = {  # GB-s a month, per architecture
    "x86_64": ((6e9, 0.0000166667), (15e9, 0.0000150000), (math.inf, 0.0000133334)),
    "arm64": ((7.5e9, 0.0000133334), (18.75e9, 0.0000120001), (math.inf, 0.0000106667)),
}
MONTHLY = {
    "sqs_per_request": 0.40e-6,  # standard queue, first 100 billion requests a month
    "dynamodb_storage_per_gb_month": 0.25,
    "dynamodb_wcu_hour": 0.00065,  # provisioned capacity
    "dynamodb_rcu_hour": 0.00013,
    "cloudwatch_metric_month": 0.30,  # custom metric (EMF too), first 10,000; billed per hour it receives data
    "cloudwatch_alarm_metric_month": 0.10,  # standard resolution, per metric the alarm evaluates
    "cloudwatch_dashboard_month": 3.00,
    "logs_ingested_per_gb": 0.50,  # standard log class
    "logs_stored_per_gb_month": 0.03,
}
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
MONTHLY_MESSAGES = (1e6, 10e6, 100e6)
# The SQS event source: Lambda long-polls a standard queue with a few pollers ("Lambda starts processing five batches
# at a time ... when traffic is low, Lambda scales back to five concurrent batches, and can optimize to as few as 2",
# docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html). The wait of each long poll is not documented:
# assumed 20 s, SQS's maximum (an empty receive every 20 s per poller).
POLLERS = 5
LONG_POLL_SECONDS = 20
MAX_BATCH = 10
INVOKE_OVERHEAD_SECONDS = 0.02  # a poller's receive round trip + the synchronous invoke, on top of the job (assumed)
PLATFORM_LOG_BYTES = 300  # Lambda's START, END and REPORT lines per invocation (assumed, both designs)
PROVISIONED_TARGET_UTILIZATION = 0.7  # auto scaling's default target; peaks above the mean rate need more


def tiered(quantity: float, tiers: tuple[tuple[float, float], ...]) -> float:
    """USD for `quantity` units a month priced by tiers of (up to, price per unit)."""
    usd, below = 0.0, 0.0
    for upto, price in tiers:
        if quantity <= below:
            break
        usd += (min(quantity, upto) - below) * price
        below = upto
    return usd


def lambda_month(invocations: float, gb_seconds: float, architecture: str = "x86_64") -> float:
    return invocations * PRICES["lambda_per_million_requests"] / 1e6 + tiered(
        gb_seconds, LAMBDA_GB_SECOND_TIERS[architecture])


def gb_seconds(memory_mb: float, billed_ms: float) -> float:
    return memory_mb / 1024 * billed_ms / 1000


def erlang_c(servers: int, load: float) -> float:
    """The probability that an arrival finds all `servers` busy (M/M/c) at `load` Erlangs (< servers)."""
    if load <= 0:
        return 0.0
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= load / k
        total += term
    last = term * load / servers  # load**servers / servers!
    busy = last * servers / (servers - load)
    return busy / (total + busy)


def expected_batch(rate_per_second: float, job_seconds: float, pollers: int = POLLERS,
                   max_batch: int = MAX_BATCH) -> float:
    """The mean SQS batch the worker gets, with no batching window.

    Model: the event source's pollers are `pollers` servers, each busy for a receive, the invoke and the batch's
    jobs (`job_seconds` + INVOKE_OVERHEAD_SECONDS) per batch, and long-polling otherwise. A long poll returns as soon
    as a message is there, so a message that finds a poller waiting goes alone; messages that arrive while every
    poller is busy wait, and the next receive takes all of them (up to `max_batch`). So a batch is 1 plus the mean
    number waiting, Erlang C's Lq = C(p, a) * rho / (1 - rho), at most `max_batch`; at rho >= 1 batches are full.
    """
    load = rate_per_second * (job_seconds + INVOKE_OVERHEAD_SECONDS)
    rho = load / pollers
    if rho >= 1:
        return float(max_batch)
    waiting = erlang_c(pollers, load) * rho / (1 - rho)
    return min(float(max_batch), 1.0 + waiting)


def write_read_units(calls: dict[str, float]) -> tuple[float, float]:
    writes, reads, _ = dynamodb_cost(calls)
    return writes, reads


def kind_per_million(kind: dict[str, Any], memory: dict[str, float], batch: float = 1.0,
                     architecture: str = "x86_64") -> dict[str, float]:
    """USD per million messages of one kind (bench/kinds.py's entry), at first-tier prices, batches of `batch`.

    Slack kinds: one HTTP API request, the ingress invocation, SendMessage, and per batch one ReceiveMessage and one
    DeleteMessageBatch, the worker (one invocation per batch, its measured billed ms per job), DynamoDB by units.
    The Lex turn: the Lex hook's invocation and its DynamoDB calls (Lex's own request price is the same whatever
    answers it, and not counted)."""
    stages, calls = kind["stages"], kind["calls_per_message"]
    gb_price = LAMBDA_GB_SECOND_TIERS[architecture][0][1]
    request = PRICES["lambda_per_million_requests"] / 1e6
    usd: dict[str, float] = {}
    if "ingress" in stages:
        usd["api_gateway"] = HTTP_API_TIERS[0][1]
        usd["lambda_ingress"] = request + gb_seconds(memory["slack"], stages["ingress"]["duration_ms"][
            "billed_mean_ms"]) * gb_price
        usd["sqs"] = (calls.get("sqs.SendMessage", 0.0) + 2 / batch) * MONTHLY["sqs_per_request"]
        usd["lambda_worker"] = request / batch + gb_seconds(memory["worker"], stages["worker"]["duration_ms"][
            "billed_mean_ms"]) * gb_price
    if "lex" in stages:
        usd["lambda_lex"] = request + gb_seconds(memory.get("lex", memory["slack"]), stages["lex"]["duration_ms"][
            "billed_mean_ms"]) * gb_price
    usd["dynamodb"] = dynamodb_cost(calls)[2]
    usd = {name: value * 1e6 for name, value in usd.items()}
    return {**usd, "total": sum(usd.values())}


def bolt_per_million(ack: dict[str, Any], memory_mb: float, architecture: str = "x86_64") -> dict[str, float]:
    """Bolt-lazy's one-shot message: its HTTP API request and its two invocations (ack, lazy run), measured warm."""
    gb_price = LAMBDA_GB_SECOND_TIERS[architecture][0][1]
    request = PRICES["lambda_per_million_requests"] / 1e6
    ack_ms = ack["warm_ms"]["bolt"]["billed_mean_ms"]
    lazy_ms = ack["second_stage"]["bolt_lazy"]["warm_ms"]["billed_mean_ms"]
    usd = {"api_gateway": HTTP_API_TIERS[0][1],
           "lambda_ack": request + gb_seconds(memory_mb, ack_ms) * gb_price,
           "lambda_lazy": request + gb_seconds(memory_mb, lazy_ms) * gb_price}
    usd = {name: value * 1e6 for name, value in usd.items()}
    return {**usd, "total": sum(usd.values())}


def dynamodb_provisioned_month(write_units_per_second: float, read_units_per_second: float, tables: int) -> float:
    """Provisioned capacity for a mean rate at auto scaling's target utilization, at least 1 WCU and 1 RCU a table."""
    wcu = max(tables, math.ceil(write_units_per_second / PROVISIONED_TARGET_UTILIZATION))
    rcu = max(tables, math.ceil(read_units_per_second / PROVISIONED_TARGET_UTILIZATION))
    return (wcu * MONTHLY["dynamodb_wcu_hour"] + rcu * MONTHLY["dynamodb_rcu_hour"]) * HOURS_PER_MONTH


def parley_month(messages: float, kind: dict[str, Any], memory: dict[str, float], tables: int,
                 metrics: int, log_bytes_per_message: float, architecture: str = "x86_64") -> dict[str, Any]:
    """Parley's month at `messages` one-shot DMs: every item at its tier, the batch the rate gives."""
    stages, calls = kind["stages"], kind["calls_per_message"]
    rate = messages / SECONDS_PER_MONTH
    job_ms = stages["worker"]["duration_ms"]["billed_mean_ms"]
    batch = expected_batch(rate, job_ms / 1000)
    worker_invocations = messages / batch
    gbs = messages * (gb_seconds(memory["slack"], stages["ingress"]["duration_ms"]["billed_mean_ms"])
                      + gb_seconds(memory["worker"], job_ms))
    writes, reads = write_read_units(calls)
    on_demand = messages * (writes * PRICES["dynamodb_per_million_write_units"]
                            + reads * PRICES["dynamodb_per_million_read_units"]) / 1e6
    provisioned = dynamodb_provisioned_month(rate * writes, rate * reads, tables)
    logs_gb = messages * (log_bytes_per_message + PLATFORM_LOG_BYTES * (1 + 1 / batch)) / 1e9
    usd = {
        "api_gateway": tiered(messages, HTTP_API_TIERS),
        "lambda": lambda_month(messages + worker_invocations, gbs, architecture),
        "sqs": (messages * calls.get("sqs.SendMessage", 1.0) + 2 * worker_invocations) * MONTHLY["sqs_per_request"],
        "dynamodb": min(on_demand, provisioned),
        "cloudwatch_metrics": metrics * MONTHLY["cloudwatch_metric_month"],
        "logs_ingestion": logs_gb * MONTHLY["logs_ingested_per_gb"],
    }
    return {"messages": messages, "rate_per_second": rate, "batch": batch, "usd": usd,
            "total": sum(usd.values()), "dynamodb_on_demand": on_demand, "dynamodb_provisioned": provisioned,
            "dynamodb_cheaper": "on-demand" if on_demand <= provisioned else "provisioned",
            "logs_gb": logs_gb}


def bolt_month(messages: float, ack: dict[str, Any], memory_mb: float, architecture: str = "x86_64") -> dict[str, Any]:
    ack_ms = ack["warm_ms"]["bolt"]["billed_mean_ms"]
    lazy_ms = ack["second_stage"]["bolt_lazy"]["warm_ms"]["billed_mean_ms"]
    usd = {"api_gateway": tiered(messages, HTTP_API_TIERS),
           "lambda": lambda_month(2 * messages, messages * gb_seconds(memory_mb, ack_ms + lazy_ms), architecture),
           "logs_ingestion": messages * 2 * PLATFORM_LOG_BYTES / 1e9 * MONTHLY["logs_ingested_per_gb"]}
    return {"messages": messages, "usd": usd, "total": sum(usd.values())}


def template_counts(template: dict[str, Any]) -> dict[str, Any]:
    """What a stage pays for while idle, counted in the packaged CloudFormation template."""
    every = template.get("Resources", {})
    resources = every.values()
    alarms = alarm_metrics = dashboards = tables = pitr = sqs_sources = 0
    retention: list[int] = []
    architectures = set()
    for resource in resources:
        kind, properties = resource.get("Type"), resource.get("Properties") or {}
        if kind == "AWS::CloudWatch::Alarm":
            alarms += 1
            alarm_metrics += sum(1 for metric in properties.get("Metrics") or [] if "MetricStat" in metric) or 1
        elif kind == "AWS::CloudWatch::Dashboard":
            dashboards += 1
        elif kind == "AWS::DynamoDB::Table":
            tables += 1
            pitr += bool((properties.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled"))
        elif kind == "AWS::Lambda::EventSourceMapping" and _is_queue(properties.get("EventSourceArn"), every):
            sqs_sources += 1
        elif kind == "AWS::Logs::LogGroup" and isinstance(properties.get("RetentionInDays"), int):
            retention.append(properties["RetentionInDays"])
        elif kind == "AWS::Lambda::Function":
            architectures.update(properties.get("Architectures") or ["x86_64"])
    return {"alarms": alarms, "alarm_metrics": alarm_metrics, "dashboards": dashboards, "tables": tables,
            "tables_with_pitr": pitr, "sqs_event_sources": sqs_sources,
            "log_retention_days": max(retention) if retention else None, "architectures": sorted(architectures)}


def _is_queue(arn: object, resources: dict[str, Any]) -> bool:
    """An event source ARN that names an SQS queue: `arn:aws:sqs:...`, or Fn::GetAtt of an AWS::SQS::Queue."""
    if isinstance(arn, dict) and "Fn::GetAtt" in arn:
        target = arn["Fn::GetAtt"]
        name = target[0] if isinstance(target, list) else str(target).split(".", 1)[0]
        return (resources.get(name) or {}).get("Type") == "AWS::SQS::Queue"
    return ":sqs:" in json.dumps(arn)


def idle_month(counts: dict[str, Any], pollers: int = POLLERS) -> dict[str, float]:
    """A stage's month with no messages: the event source's empty long polls, alarms, dashboards. Tables on-demand
    cost their storage only (their items expire: ~0), custom metrics nothing (billed per hour with data), log
    storage what the retention still keeps (listed apart: it depends on the traffic before)."""
    empty_receives = counts["sqs_event_sources"] * pollers * SECONDS_PER_MONTH / LONG_POLL_SECONDS
    usd = {
        "sqs_empty_long_polls": empty_receives * MONTHLY["sqs_per_request"],
        "cloudwatch_alarms": counts["alarm_metrics"] * MONTHLY["cloudwatch_alarm_metric_month"],
        "cloudwatch_dashboards": counts["dashboards"] * MONTHLY["cloudwatch_dashboard_month"],
        "dynamodb_tables": 0.0,
        "custom_metrics": 0.0,
    }
    return {**usd, "total": sum(usd.values()), "empty_receives": empty_receives}


def issue16(kinds: dict[str, Any], ack: dict[str, Any], functions: dict[str, dict[str, Any]] | None,
            template: dict[str, Any] | None) -> dict[str, Any]:
    """Issue 16's cost section: per million messages by kind, per month at 1, 10, 100 M, idle, and the ratio."""
    known = functions or {}
    slack_mb = float(known.get("slack", {}).get("memory_mb", ASSUMED_MEMORY_MB))
    memory = {"slack": slack_mb, "worker": float(known.get("worker", {}).get("memory_mb", slack_mb)),
              "lex": float(known.get("lex", {}).get("memory_mb", slack_mb)), "bolt": slack_mb}
    counts = template_counts(template) if template else None
    architecture = (counts or {}).get("architectures", ["x86_64"])[0] if counts else "x86_64"
    per_kind = {name: kind_per_million(entry, memory, architecture=architecture)
                for name, entry in kinds["kinds"].items()}
    bolt = bolt_per_million(ack, memory["bolt"], architecture)
    one_shot = kinds["kinds"]["one_shot_dm"]
    tables = counts["tables"] if counts else 9
    months = [{"parley": parley_month(m, one_shot, memory, tables, kinds.get("metrics", 0),
                                      kinds.get("log_bytes_per_message", {}).get("one_shot_dm", 0.0), architecture),
               "bolt": bolt_month(m, ack, memory["bolt"], architecture)} for m in MONTHLY_MESSAGES]
    return {
        "prices_as_of": PRICES_AS_OF, "memory_mb": memory, "architecture": architecture,
        "per_million": {"parley": per_kind, "bolt_one_shot": bolt},
        "one_shot_ratio": per_kind["one_shot_dm"]["total"] / bolt["total"],
        "per_month": months,
        "template_counts": counts,
        "idle_month": idle_month(counts) if counts else None,
        "bolt_idle_month": 0.0,
        "model": [
            "per million: first-tier prices, batches of 1 (the worst case: the rate-dependent batch is in per_month)",
            f"batch: {POLLERS} pollers as M/M/c servers busy for the job + {INVOKE_OVERHEAD_SECONDS * 1000:.0f} ms a "
            f"batch; a long poll returns at the first message, so batch = 1 + Erlang C's mean queue (max {MAX_BATCH})",
            "per month: every message a one-shot DM; HTTP API and Lambda GB-s at their tiers; DynamoDB the cheaper "
            "of on-demand and provisioned (mean rate / 0.7 target utilization, 1 WCU + 1 RCU a table at least: no "
            "peaks, so provisioned is a lower bound)",
            f"logs: the bytes the handlers wrote per message (measured) + {PLATFORM_LOG_BYTES} B of Lambda's own "
            "lines per invocation; the ratio leaves logs and metrics out (Bolt's log volume was not measured)",
            "Bolt-lazy: its HTTP API request (the same HTTP API in front, as assumed since issue 7) + two invocations "
            "at its function's memory (assumed the ingress's); no queue, table, alarm or dashboard: $0 idle",
            f"idle: {POLLERS} pollers x one empty {LONG_POLL_SECONDS} s long poll each (wait assumed; docs: five "
            "batches, as few as 2 at low traffic) per SQS event source; alarms per metric they evaluate",
        ],
    }
