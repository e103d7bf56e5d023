"""bench/cost.py's arithmetic: tiers, the SQS batch model, the per-kind and idle costs. No timing is asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import cost


def kind(ingress_ms: float = 2.0, worker_ms: float = 10.0) -> dict:
    stage = {"duration_ms": {"billed_mean_ms": worker_ms}}
    return {"stages": {"ingress": {"duration_ms": {"billed_mean_ms": ingress_ms}}, "worker": stage},
            "calls_per_message": {"sqs.SendMessage": 1, "dynamodb.PutItem": 2, "dynamodb.UpdateItem": 1,
                                  "dynamodb.GetItem.consistent": 1, "dynamodb.Query": 1}}


MEMORY = {"slack": 512.0, "worker": 1024.0, "lex": 512.0, "bolt": 512.0}


def test_http_api_requests_are_priced_by_tier() -> None:
    assert cost.tiered(100e6, cost.HTTP_API_TIERS) == pytest.approx(100.0)
    assert cost.tiered(400e6, cost.HTTP_API_TIERS) == pytest.approx(300 * 1.00 + 100 * 0.90)
    assert cost.tiered(2e9, cost.HTTP_API_TIERS) == pytest.approx(300 + 700 * 0.90 + 1000 * 0.80)


def test_lambda_gb_seconds_cross_their_tiers_per_architecture() -> None:
    assert cost.lambda_month(1e6, 0) == pytest.approx(0.20)
    x86 = cost.lambda_month(0, 7e9, "x86_64")
    assert x86 == pytest.approx(6e9 * 0.0000166667 + 1e9 * 0.000015)
    assert cost.lambda_month(0, 7e9, "arm64") == pytest.approx(7e9 * 0.0000133334)
    assert cost.gb_seconds(512, 1000) == pytest.approx(0.5)


def test_dynamodb_units_count_consistent_reads_whole_and_eventual_ones_half() -> None:
    writes, reads, usd = cost.dynamodb_cost(kind()["calls_per_message"])
    assert (writes, reads) == (3, 1.5)
    assert usd * 1e6 == pytest.approx(3 * 0.625 + 1.5 * 0.125)


def test_erlang_c_matches_a_single_server_queue() -> None:
    assert cost.erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: an arrival waits with probability rho
    assert cost.erlang_c(5, 0) == 0


def test_batches_are_one_at_low_rates_and_full_when_the_pollers_cannot_keep_up() -> None:
    assert cost.expected_batch(0.4, 0.01) == pytest.approx(1.0, abs=1e-6)
    assert 1.0 < cost.expected_batch(150, 0.01) < cost.MAX_BATCH
    assert cost.expected_batch(1000, 0.05) == cost.MAX_BATCH


def test_a_kind_per_million_adds_its_items() -> None:
    found = cost.kind_per_million(kind(), MEMORY)
    assert found["api_gateway"] == pytest.approx(1.0)
    assert found["sqs"] == pytest.approx(3 * 0.40)  # send, receive and delete with batches of one
    assert found["lambda_ingress"] == pytest.approx(0.20 + 0.5 * 0.002 * 0.0000166667 * 1e6)
    assert found["lambda_worker"] == pytest.approx(0.20 + 1.0 * 0.010 * 0.0000166667 * 1e6)
    assert found["total"] == pytest.approx(sum(v for k, v in found.items() if k != "total"))
    batched = cost.kind_per_million(kind(), MEMORY, batch=10)
    assert batched["sqs"] == pytest.approx((1 + 0.2) * 0.40)


def test_provisioned_capacity_keeps_a_unit_per_table_and_the_target_utilization() -> None:
    assert cost.dynamodb_provisioned_month(0, 0, 9) == pytest.approx(9 * (0.00065 + 0.00013) * 730)
    assert cost.dynamodb_provisioned_month(70, 7, 1) == pytest.approx((100 * 0.00065 + 10 * 0.00013) * 730)


def test_a_month_picks_the_cheaper_dynamodb_mode_and_counts_logs() -> None:
    month = cost.parley_month(100e6, kind(), MEMORY, tables=9, metrics=10, log_bytes_per_message=1000)
    assert month["usd"]["dynamodb"] == min(month["dynamodb_on_demand"],
                                           month["dynamodb_provisioned"])
    assert month["usd"]["cloudwatch_metrics"] == pytest.approx(3.0)
    assert month["logs_gb"] == pytest.approx(100e6 * (1000 + 300 * (1 + 1 / month["batch"])) / 1e9)


def test_the_idle_cost_comes_from_the_template() -> None:
    template = {"Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue"},
        "Worker": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "Source": {"Type": "AWS::Lambda::EventSourceMapping",
                   "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]}}},
        "Plain": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Errors"}},
        "Math": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Metrics": [
            {"Id": "a", "MetricStat": {}}, {"Id": "b", "MetricStat": {}}, {"Id": "e", "Expression": "a+b"}]}},
        "Board": {"Type": "AWS::CloudWatch::Dashboard"},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
    }}
    counts = cost.template_counts(template)
    assert (counts["alarms"], counts["alarm_metrics"], counts["dashboards"], counts["tables"],
            counts["sqs_event_sources"], counts["architectures"]) == (2, 3, 1, 1, 1, ["x86_64"])
    idle = cost.idle_month(counts)
    receives = cost.POLLERS * cost.SECONDS_PER_MONTH / cost.LONG_POLL_SECONDS
    assert idle["sqs_empty_long_polls"] == pytest.approx(receives * 0.40e-6)
    assert idle["total"] == pytest.approx(idle["sqs_empty_long_polls"] + 3 * 0.10 + 3.00)
