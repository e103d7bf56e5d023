"""StreamingReplies against the in-process Slack stand-in with the real slack_sdk client: a slow answer streams once,
and a job run again after its first run died (at any step) still ends with one complete answer and no open stream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.channels.slack.replies import ConversationReplies
from bot.channels.slack.streaming import StreamingReplies, conversation_replies
from bot.conversation.identity import Person
from bot.conversation.reply import Field, Reply
from bot.conversation.turn import Turn
from bot.local.processes import free_port
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import TEAM_ID
from bot.stores.streams import MemoryStreamStore
from tests.support.standin import TOKEN

pytestmark = pytest.mark.usefixtures("no_proxies")

CHANNEL = "C0GENERAL"
THREAD = "1700000000.000100"
KEY = "slack:-:T0LOCAL#C0GENERAL#slack:-:T0LOCAL:Ev1"
ANSWER = Reply("There are 78,498 primes below 1,000,000.", fields=(Field("Took", "0.2 s"),))


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(TOKEN, port=free_port()) as running:
        yield running


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.api_url, timeout=5)


def turn(thread: str | None = THREAD) -> Turn:
    return Turn(text="count primes below 1000000", via="slack", person=Person("slack", "U0LOCALUSER", team_id=TEAM_ID),
                conversation_id=CHANNEL, thread_id=thread, correlation_id="Ev1")


def run(client: WebClient, store: MemoryStreamStore, *, progress: int = 3, answer: bool = True) -> StreamingReplies:
    """One run of the job: its progress, then (unless it dies first) its answer."""
    replies = StreamingReplies(client, turn(), store, KEY)
    for step in range(progress):
        replies.last_progress = 0.0  # no waiting a second between lines here
        replies.progress(f"Counting the primes below 1,000,000… {step * 40}%" if step else
                         "Counting the primes below 1,000,000…")
    if answer:
        replies.send(ANSWER)
    return replies


def one_answer(slack: SlackStandIn) -> dict:
    """The single stream, checked complete: stopped by the bot, with the answer; nothing else posted."""
    [stream] = slack.streams()
    assert stream["state"] == "completed" and stream["stopped_by"] == "bot"
    assert "78,498" in str(stream["blocks"])
    assert slack.calls("chat.postMessage") == []
    return stream


def test_a_slow_answer_streams_its_progress_and_stops_with_the_answer(slack: SlackStandIn,
                                                                      client: WebClient) -> None:
    store = MemoryStreamStore()
    run(client, store)
    stream = one_answer(slack)
    assert stream["text"] == "Counting the primes below 1,000,000… 40% · 80%"
    assert stream["recipient_user_id"] == "U0LOCALUSER" and stream["thread_ts"] == THREAD
    assert store.get(KEY).state == "done"


def test_a_rerun_after_a_death_mid_stream_finishes_the_same_stream(slack: SlackStandIn, client: WebClient) -> None:
    store = MemoryStreamStore()
    run(client, store, progress=2, answer=False)  # killed mid-stream
    assert len(slack.streams("in_progress")) == 1
    run(client, store)
    stream = one_answer(slack)
    assert stream["text"].count("Counting") == 2  # the re-run's progress, on a new line of the same stream
    assert len(slack.calls("chat.startStream")) == 1


def test_a_rerun_after_the_answer_sends_nothing(slack: SlackStandIn, client: WebClient) -> None:
    store = MemoryStreamStore()
    run(client, store)
    before = len(slack.calls())
    run(client, store)  # killed after the stop, before the job was marked done: run again
    assert len(slack.calls()) == before
    one_answer(slack)


def test_a_rerun_after_a_death_during_the_stop_stops_once(slack: SlackStandIn, client: WebClient) -> None:
    store = MemoryStreamStore()
    first = run(client, store, answer=False)
    store.save(KEY, "stopping", first.ts)  # the record written, then killed: did the stop reach Slack? it did not
    run(client, store)
    one_answer(slack)
    # and when it did: the re-run's stop meets Slack's refusal, and posts nothing
    slack.clear()
    run(client, store)
    store.save(KEY, "stopping", first.ts)
    run(client, store)
    assert slack.calls("chat.postMessage") == [] and slack.streams("in_progress") == []


def test_a_stream_slack_ended_gets_the_answer_as_a_message(slack: SlackStandIn, client: WebClient) -> None:
    store = MemoryStreamStore()
    run(client, store, progress=1, answer=False)
    slack._api.streams.lifetime = 0.0  # Slack's five minutes, passed
    run(client, store)
    # the rest of the progress as today's message, updated, then replaced by the answer
    [post] = slack.calls("chat.postMessage")
    assert "Counting" in post["args"]["text"] and slack.streams("in_progress") == []
    assert "78,498" in str(slack.calls("chat.update")[-1]["args"]["blocks"])
    before = len(slack.calls())
    run(client, store)  # and a re-run after that sends nothing
    assert len(slack.calls()) == before


def test_a_stream_slack_refuses_falls_back_to_updated_progress(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_fault("chat.startStream", 200, error="channel_type_not_supported")
    store = MemoryStreamStore()
    run(client, store)
    assert slack.streams() == []
    methods = [c["method"] for c in slack.calls() if c["method"] != "chat.startStream"]
    assert methods[0] == "chat.postMessage" and set(methods[1:]) == {"chat.update"}  # progress, then the answer
    assert "78,498" in str(slack.calls("chat.update")[-1]["args"]["blocks"])
    assert store.get(KEY).state == "done"


def test_a_failed_append_skips_that_progress_and_the_answer_still_stops_the_stream(slack: SlackStandIn,
                                                                                   client: WebClient) -> None:
    slack.add_fault("chat.appendStream", 500, after=1)
    run(client, store := MemoryStreamStore(), progress=4)
    assert one_answer(slack)["appends"] == 2
    assert store.get(KEY).state == "done"


def test_a_reply_without_progress_is_posted_as_before(slack: SlackStandIn, client: WebClient) -> None:
    StreamingReplies(client, turn(), MemoryStreamStore(), KEY).send(Reply("Hello!"))
    assert [c["method"] for c in slack.calls()] == ["chat.postMessage"] and slack.streams() == []


def test_only_threads_stream(client: WebClient) -> None:
    store = MemoryStreamStore()
    context = {"job_key": "slack:-:T0LOCAL:Ev1"}
    assert isinstance(conversation_replies(client, turn(), context, store), StreamingReplies)
    assert isinstance(conversation_replies(client, turn(thread=None), context, store), ConversationReplies)
    assert isinstance(conversation_replies(client, turn(), {}, store), ConversationReplies)
    assert isinstance(conversation_replies(client, turn(), context, None), ConversationReplies)
