"""The worker in process: SQS batch events in, Bolt listeners run, replies recorded by the real Slack
stand-in, dialogs, job claims and tickets in moto's DynamoDB."""

from __future__ import annotations

import copy
import json
import os
import time
from urllib.parse import parse_qsl, urlencode

import boto3
import pytest

from bot.conversation import Person, Registry, registry
from bot.local.slack_events import app_mention_event, message_event, signed_request
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import BOT_ID, BOT_USER_ID
from bot.queue.envelope import slack_job
from bot.settings import Settings
from bot.worker.handler import Worker, build_engine
from tests.conftest import FakeLambdaContext, load_event, stage_in_moto
from tests.support.dynamo import counted_calls

STAGE = "local-worker"
CONTEXT = FakeLambdaContext("parley-worker-worker")
TOKEN = "xoxb-functional-test-token"
SECRET = "functional-signing-secret"




def make_worker(settings: Settings, declared: Registry = registry) -> Worker:
    return Worker(settings, build_engine(settings, declared))


@pytest.fixture(scope="module")
def worker(settings: Settings) -> Worker:
    return make_worker(settings)


@pytest.fixture(scope="module")
def crashing_worker(settings: Settings, crashing_registry: Registry) -> Worker:
    return make_worker(settings, crashing_registry)


def sqs_event(*payloads: dict | str, raw: tuple[str, ...] = ()) -> dict:
    """An SQS event whose records are jobs as the ingress writes them (plus raw bodies, broken ones)."""
    template = load_event("sqs_event.json")["Records"][0]
    bodies = []
    for number, payload in enumerate(payloads):
        body, headers = signed_request(payload, SECRET)
        if isinstance(payload, dict):
            key = payload.get("event_id") or payload.get("trigger_id") or f"job-{number}-{os.urandom(4).hex()}"
        else:
            key = dict(parse_qsl(payload)).get("trigger_id") or os.urandom(8).hex()
        bodies.append(slack_job(key, body, {k.lower(): v for k, v in headers.items()}))
    records = []
    for number, body in enumerate([*bodies, *raw]):
        record = copy.deepcopy(template)
        record["messageId"] = f"message-{number}"
        record["body"] = body
        records.append(record)
    return {"Records": records}


def interactive(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


def posts_to(slack: SlackStandIn, channel: str, after: int, method: str = "chat.postMessage") -> list[dict]:
    return [call["args"] for call in slack.calls(method, after=after) if call["args"].get("channel") == channel]


def last_seq(slack: SlackStandIn) -> int:
    calls = slack.calls()
    return calls[-1]["seq"] if calls else 0


def ok(answer: dict) -> None:
    assert answer == {"batchItemFailures": []}


def test_a_direct_message_is_answered(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    ok(worker.process_batch(sqs_event(message_event("hello", channel="D1")), CONTEXT))
    [post] = posts_to(slack, "D1", after)
    assert post["text"].startswith("Hello!")
    assert post["blocks"][0]["type"] == "section"
    assert "thread_ts" not in post


def test_unknown_text_gets_the_polite_fallback(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    worker.process_batch(sqs_event(message_event("make me a sandwich", channel="D2")), CONTEXT)
    [post] = posts_to(slack, "D2", after)
    assert post["text"].startswith("Sorry, I can't do that yet.")


def test_a_reply_stays_in_the_thread(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    worker.process_batch(sqs_event(message_event("roll 6", channel="D3", thread_ts="1700000000.000001")), CONTEXT)
    [post] = posts_to(slack, "D3", after)
    assert post["thread_ts"] == "1700000000.000001"
    assert post["text"].startswith("You rolled a ")


def test_a_mention_is_answered_in_a_new_thread(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    event = app_mention_event("roll a d20", channel="C4")
    worker.process_batch(sqs_event(event), CONTEXT)
    [post] = posts_to(slack, "C4", after)
    assert post["thread_ts"] == event["event"]["ts"]


def test_channel_messages_outside_a_dialog_are_left_alone(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    chatter = message_event("hello", channel="C5", channel_type="channel")
    thread_reply = message_event("hello", channel="C5", channel_type="channel", thread_ts="1.2")
    worker.process_batch(sqs_event(chatter, thread_reply), CONTEXT)
    assert posts_to(slack, "C5", after) == []


def test_the_bots_own_message_is_ignored_by_bolt_too(worker: Worker, slack: SlackStandIn) -> None:
    event = load_event("event_message_from_bot_token.json")
    event["event"].update(user=BOT_USER_ID, bot_id=BOT_ID, channel="D6")
    after = last_seq(slack)
    ok(worker.process_batch(sqs_event(event), CONTEXT))
    assert posts_to(slack, "D6", after) == []


def test_a_failing_job_is_reported_and_the_rest_of_the_batch_answered(crashing_worker: Worker,
                                                                      slack: SlackStandIn) -> None:
    after = last_seq(slack)
    event = sqs_event(message_event("hello", channel="D7"), message_event("crash", channel="D7"),
                      message_event("roll 6", channel="D7"),
                      raw=("{not a job at all", json.dumps({"version": 99, "id": "x"})))
    answer = crashing_worker.process_batch(event, CONTEXT)
    assert answer == {"batchItemFailures": [{"itemIdentifier": f"message-{n}"} for n in (1, 3, 4)]}
    texts = [post["text"] for post in posts_to(slack, "D7", after)]
    assert len(texts) == 2
    assert texts[0].startswith("Hello!")
    assert texts[1].startswith("You rolled a ")


def test_a_failed_job_runs_again_when_redelivered(crashing_worker: Worker) -> None:
    event = sqs_event(message_event("crash", channel="D8"))
    for _ in range(2):  # the failure is not remembered as an answer: the retry runs the intent again
        assert crashing_worker.process_batch(event, CONTEXT) == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}


def test_the_same_slack_event_is_answered_once(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    event = message_event("hello", channel="D9")
    ok(worker.process_batch(sqs_event(event, event), CONTEXT))  # twice in one batch
    ok(worker.process_batch(sqs_event(event), CONTEXT))  # and again later, as SQS may redeliver
    assert len(posts_to(slack, "D9", after)) == 1


def test_web_api_rate_limits_are_retried_without_posting_twice(worker: Worker, slack: SlackStandIn) -> None:
    slack.add_fault("chat.postMessage", 429, retry_after=1, count=1)
    after = last_seq(slack)
    ok(worker.process_batch(sqs_event(message_event("hello", channel="D10")), CONTEXT))
    calls = [call for call in slack.calls("chat.postMessage", after=after) if call["args"]["channel"] == "D10"]
    assert [call["status"] for call in calls] == [429, 200]
    assert calls[1]["at"] - calls[0]["at"] >= 0.9  # Retry-After was honoured


def command(text: str, slack: SlackStandIn, channel: str) -> dict:
    fields = load_event("command_slash.json")
    fields.update(text=text, channel_id=channel, trigger_id=os.urandom(8).hex(),
                  response_url=f"{slack.url}/response/{os.urandom(4).hex()}")
    return fields


def test_a_slash_command_answers_through_response_url(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    help_command = command("help", slack, "C11")
    roll_command = command("roll 20", slack, "C11")
    ok(worker.process_batch(sqs_event(urlencode(help_command), urlencode(roll_command)), CONTEXT))
    responses = {call["path"]: call["args"] for call in slack.calls(after=after)
                 if call["path"].startswith("/response/")}
    help_answer = responses[help_command["response_url"].removeprefix(slack.url)]
    roll_answer = responses[roll_command["response_url"].removeprefix(slack.url)]
    assert help_answer["response_type"] == "ephemeral"
    assert help_answer["text"].startswith("Here is what I can do")
    assert roll_answer["response_type"] == "in_channel"  # the intent says everyone may see a roll


@pytest.mark.parametrize("fields", [
    {"text": "echo payload ready"},
    {"text": "echo ready", "channel_name": "payments-payload"},
    {"text": "echo ready", "user_name": "payload.person"},
])
def test_a_slash_command_that_says_payload_is_answered(worker: Worker, slack: SlackStandIn, fields: dict) -> None:
    """Bolt's own parsing sniffed the raw body for "payload" and parsed such a command as empty (404, no reply)."""
    after = last_seq(slack)
    sent = {**command("", slack, "C12"), **fields}
    ok(worker.process_batch(sqs_event(urlencode(sent)), CONTEXT))
    [answer] = [call["args"] for call in slack.calls(after=after)
                if call["path"] == sent["response_url"].removeprefix(slack.url)]
    assert "ready" in answer["text"]


def test_a_request_no_listener_takes_fails_its_job_rather_than_vanish(worker: Worker, slack: SlackStandIn) -> None:
    """A 404 from Bolt means nobody answered: the job must be retried and at last dead-lettered, not counted done."""
    other = {**command("hello", slack, "C13"), "command": "/not-ours"}
    answer = worker.process_batch(sqs_event(urlencode(other)), CONTEXT)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}


def button_click(message_post: dict, message_ts: str, label: str, user: str, channel: str) -> dict:
    """A block_actions payload for pressing the button labelled `label` on a message the bot posted."""
    buttons = [element for block in message_post["blocks"] if block["type"] == "actions"
               for element in block["elements"]]
    button = next(element for element in buttons if element["text"]["text"] == label)
    payload = load_event("interactive_block_actions.json")
    payload.update(
        trigger_id=os.urandom(8).hex(), user={"id": user, "username": "u", "team_id": "T0LOCAL"},
        team={"id": "T0LOCAL", "domain": "local"}, channel={"id": channel, "name": "c"},
        container={"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False,
                   "thread_ts": message_post.get("thread_ts")},
        message={"type": "message", "ts": message_ts, "text": message_post["text"], "blocks": message_post["blocks"],
                 "thread_ts": message_post.get("thread_ts")},
        actions=[{**button, "block_id": "actions-0", "action_ts": "1.2"}],
    )
    return payload


def test_a_multi_turn_ticket_in_a_thread_with_buttons(worker: Worker, slack: SlackStandIn) -> None:
    channel, user = "C12", "U12"
    after = last_seq(slack)
    mention = app_mention_event("open a ticket", channel=channel, user=user)
    thread = mention["event"]["ts"]
    ok(worker.process_batch(sqs_event(mention), CONTEXT))
    ok(worker.process_batch(sqs_event(message_event("the printer is on fire", channel=channel, user=user,
                                                    channel_type="channel", thread_ts=thread)), CONTEXT))
    asked = [call for call in slack.calls("chat.postMessage", after=after) if call["args"]["channel"] == channel]
    assert [call["args"]["text"] for call in asked][:1] == ["What is the ticket about?"]
    priority = asked[-1]
    assert priority["args"]["text"].startswith("How urgent is it?")
    assert priority["args"]["thread_ts"] == thread
    ok(worker.process_batch(sqs_event(interactive(button_click(priority["args"], priority["response"]["ts"], "high",
                                                               user, channel))), CONTEXT))
    confirm = [call for call in slack.calls("chat.postMessage", after=priority["seq"]) if call["args"]["channel"] ==
               channel][-1]
    assert confirm["args"]["text"].startswith("Open a *high* priority ticket about “the printer is on fire”?")
    # the pressed message lost its buttons, so the choice cannot be made twice
    [update] = [c["args"] for c in slack.calls("chat.update", after=priority["seq"]) if c["args"]["ts"] ==
                priority["response"]["ts"]]
    assert all(block["type"] != "actions" for block in update["blocks"])
    ok(worker.process_batch(sqs_event(interactive(button_click(confirm["args"], confirm["response"]["ts"], "Yes",
                                                               user, channel))), CONTEXT))
    done = posts_to(slack, channel, confirm["seq"])[-1]
    assert done["text"].startswith("Opened ticket *PAR-")
    assert done["thread_ts"] == thread
    ok(worker.process_batch(sqs_event(message_event("my tickets", channel="D12", user=user)), CONTEXT))
    assert "the printer is on fire" in posts_to(slack, "D12", confirm["seq"])[-1]["text"]


def test_a_submitted_form_runs_its_intent_confirmed(worker: Worker, slack: SlackStandIn, settings: Settings) -> None:
    payload = load_event("interactive_view_submission.json")
    payload["user"] = {"id": "U13", "username": "u", "team_id": "T0LOCAL"}
    payload["trigger_id"] = os.urandom(8).hex()
    view = payload["view"]
    view["callback_id"] = "intent:open_ticket"
    view["private_metadata"] = ""
    view["state"] = {"values": {
        "topic": {"value": {"type": "plain_text_input", "value": "VPN drops every hour"}},
        "priority": {"value": {"type": "static_select", "selected_option": {"value": "normal",
                                                                            "text": {"type": "plain_text",
                                                                                     "text": "normal"}}}},
    }}
    after = last_seq(slack)
    ok(worker.process_batch(sqs_event(interactive(payload)), CONTEXT))
    [post] = posts_to(slack, "U13", after)  # no origin: the answer goes to the person's DM with the bot
    assert post["text"].startswith("Opened ticket *PAR-")
    table = boto3.resource("dynamodb", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1").Table(
        settings.tickets_table)
    owner = Person("slack", "U13", team_id=payload["team"]["id"]).key  # tickets are keyed by workspace and person
    [ticket] = table.query(KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": owner})["Items"]
    assert (ticket["topic"], ticket["priority"]) == ("VPN drops every hour", "normal")


def test_slow_work_shows_progress_then_replaces_it_with_the_answer(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    ok(worker.process_batch(sqs_event(message_event("count primes below 2000000", channel="D14")), CONTEXT))
    [progress] = [c for c in slack.calls("chat.postMessage", after=after) if c["args"]["channel"] == "D14"]
    assert progress["args"]["text"].startswith("Counting the primes below 2,000,000")
    final = [c["args"] for c in slack.calls("chat.update", after=after) if c["args"]["channel"] == "D14"][-1]
    assert final["ts"] == progress["response"]["ts"]
    assert final["text"].startswith("There are 148,933 primes below 2,000,000.")


def test_a_job_that_reaches_the_worker_leaves_a_dedup_marker_for_the_ingress(worker: Worker,
                                                                             settings: Settings) -> None:
    """Its claim is the marker: a mention's is in the dedup table, which the ingress reads."""
    event = app_mention_event("hello", channel="C15")
    ok(worker.process_batch(sqs_event(event), CONTEXT))
    table = boto3.resource("dynamodb", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1").Table(
        settings.dedup_table)
    item = table.get_item(Key={"key": event["event_id"]})["Item"]
    assert (item["correlation_id"], item["status"]) == (event["event_id"], "done")
    assert int(item["expires_at"]) > time.time()


def test_a_one_shot_dm_is_its_claim_the_dialog_read_and_done(worker: Worker, settings: Settings) -> None:
    """What a one-shot DM costs in DynamoDB: the claim taken, the dialog that may wait there read, the claim done;
    a top-level mention (its own new thread: no dialog can wait there) skips the read."""
    client = worker.claims.table.client  # type: ignore[attr-defined]  # the stage's one client: stores' and claims'
    with counted_calls(client) as calls:
        ok(worker.process_batch(sqs_event(message_event("hello", channel="D15")), CONTEXT))
    assert calls == ["UpdateItem", "GetItem", "UpdateItem"]
    with counted_calls(client) as calls:
        ok(worker.process_batch(sqs_event(app_mention_event("hello", channel="C16")), CONTEXT))
    assert calls == ["UpdateItem", "UpdateItem"]


def test_jobs_are_handed_back_at_once_when_the_invocation_is_almost_over(worker: Worker, settings: Settings,
                                                                          slack: SlackStandIn) -> None:
    """Two heavy jobs in one batch used to time the batch out; now a job starts only with room for it, and the
    rest of the batch goes back to the queue visible at once, for another invocation."""
    sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
    for text in ("hello", "roll 6"):
        body, headers = signed_request(message_event(text, channel="D20"), SECRET)
        sqs.send_message(QueueUrl=settings.queue_url, MessageBody=slack_job(os.urandom(6).hex(), body, headers))
    received = sqs.receive_message(QueueUrl=settings.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=300,
                                   AttributeNames=["All"])["Messages"]
    arn = f"arn:aws:sqs:us-east-1:123456789012:{settings.jobs_queue_name}"
    event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                          "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                          "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs", "eventSourceARN": arn,
                          "awsRegion": "us-east-1"} for m in received]}
    after = last_seq(slack)
    answer = worker.process_batch(event, FakeLambdaContext(timeout_seconds=5, counting=True))
    assert len(answer["batchItemFailures"]) == len(received) == 2
    assert posts_to(slack, "D20", after) == []  # nothing was started
    again = sqs.receive_message(QueueUrl=settings.queue_url, MaxNumberOfMessages=10)["Messages"]  # no 300 s wait
    assert sorted(m["MessageId"] for m in again) == sorted(m["MessageId"] for m in received)
    for message in again:
        sqs.delete_message(QueueUrl=settings.queue_url, ReceiptHandle=message["ReceiptHandle"])


def test_a_rotated_bot_token_is_used_without_a_restart(moto_endpoint: str) -> None:
    """The worker read the bot token once per sandbox; Bolt's authorize now reads it (cached) on each request."""
    from bot.aws import parameters

    ssm = boto3.client("ssm", endpoint_url=moto_endpoint, region_name="us-east-1")
    name = f"/parley/local-rotation/slack/bot-token-{os.urandom(3).hex()}"
    ssm.put_parameter(Name=name, Value="xoxb-first", Type="SecureString")
    with SlackStandIn(token="xoxb-first") as standin, stage_in_moto(
            moto_endpoint, "local-rotation", slack_api_url=standin.api_url, bot_token_param=name,
            signing_secret=SECRET) as staged:
        rotating = make_worker(staged)
        ok(rotating.process_batch(sqs_event(message_event("hello", channel="D21")), CONTEXT))
        ssm.put_parameter(Name=name, Value="xoxb-second", Type="SecureString", Overwrite=True)
        standin.rotate_token("xoxb-second")
        parameters.forget()  # as if the five minutes had passed
        ok(rotating.process_batch(sqs_event(message_event("hello", channel="D21")), CONTEXT))
        assert len(posts_to(standin, "D21", 0)) == 2


def test_a_question_asked_through_the_slash_command_says_how_to_answer_it(worker: Worker,
                                                                          slack: SlackStandIn) -> None:
    """After `/parley open a ticket` asked a question, nothing said the answer must also start with `/parley`."""
    after = last_seq(slack)
    asked = command("open a ticket", slack, "C30")
    ok(worker.process_batch(sqs_event(urlencode(asked)), CONTEXT))
    [answer] = [call["args"] for call in slack.calls(after=after)
                if call["path"] == asked["response_url"].removeprefix(slack.url)]
    assert answer["text"] == "What is the ticket about?"
    hint = answer["blocks"][-1]
    assert hint["type"] == "context" and "Answer with `/parley …`" in hint["elements"][0]["text"]
    after = last_seq(slack)
    helped = command("help", slack, "C31")
    ok(worker.process_batch(sqs_event(urlencode(helped)), CONTEXT))
    [listing] = [call["args"] for call in slack.calls(after=after)
                 if call["path"] == helped["response_url"].removeprefix(slack.url)]
    assert "`/parley roll 6`" in listing["text"]
