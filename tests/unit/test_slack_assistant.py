"""Rendering for Slack's assistant threads and feedback buttons: the prompts made from the intents, the feedback
block's documented shape, and what a click's value may say."""

from __future__ import annotations

from bot.channels.slack.assistant import MAX_PROMPTS, suggested_prompts, thread_title
from bot.channels.slack.blocks import MAX_BLOCKS, render
from bot.channels.slack.feedback import feedback_block, read_click, with_feedback
from bot.channels.slack.surface import FEEDBACK_ACTION
from bot.conversation import Registry, Reply, Slot, Text


def registry_of(count: int, *, hidden: int = 0) -> Registry:
    declared = Registry()
    for number in range(count):
        declared.intent(f"intent_{number}", description="Does a thing.", title=f"Thing {number}" * 12,
                        examples=[f"do thing {number} {{what}}"] + [f"thing {number} way {n}" for n in range(number)],
                        slots=[Slot("what", Text(), prompt="What?", example="the <b> & co")],
                        hidden=number < hidden)(lambda: Reply("done"))
    return declared


def test_prompts_are_at_most_four_the_most_exemplified_first_none_hidden() -> None:
    prompts = suggested_prompts(registry_of(7, hidden=1))
    assert len(prompts) == MAX_PROMPTS
    assert prompts[0] == {"title": ("Thing 6" * 12)[:74] + "…", "message": "do thing 6 the <b> & co"}
    assert all(not prompt["title"].startswith("Thing 0") for prompt in prompts)


def test_prompts_fit_in_their_limits_and_none_for_no_intent() -> None:
    assert suggested_prompts(Registry()) == []
    assert all(len(prompt["title"]) <= 75 for prompt in suggested_prompts(registry_of(12)))


def test_a_thread_title_is_one_line_within_its_limit() -> None:
    assert thread_title("Roll\n a   die") == "Roll a die"
    assert len(thread_title("x" * 400)) == 255


def test_the_feedback_block_has_slacks_documented_shape() -> None:
    block = feedback_block("roll")
    assert block["type"] == "context_actions"
    [element] = block["elements"]
    assert element["type"] == "feedback_buttons" and element["action_id"] == FEEDBACK_ACTION
    for side, rating in (("positive_button", "positive"), ("negative_button", "negative")):
        button = element[side]
        assert button["text"]["type"] == "plain_text" and len(button["text"]["text"]) <= 75
        assert button["value"] == f"{rating}:roll" and len(button["accessibility_label"]) <= 75


def test_feedback_closes_the_last_message_and_never_breaks_the_block_limit() -> None:
    [message] = with_feedback(render(Reply("You rolled a 4.")), "roll")
    assert message["blocks"][-1]["type"] == "context_actions"
    full = {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * MAX_BLOCKS}
    first, extra = with_feedback([full], "roll")
    assert len(first["blocks"]) == MAX_BLOCKS and extra["blocks"] == [feedback_block("roll")]
    assert with_feedback([], "roll") == []


def test_a_click_is_read_only_for_a_known_intent_and_rating() -> None:
    known = frozenset({"roll"})
    click = read_click("negative:roll", known)
    assert click is not None and (click.intent, click.rating, click.positive) == ("roll", "negative", False)
    for forged in ("positive:<!channel>", "meh:roll", "roll", None, 3, "positive:"):
        assert read_click(forged, known) is None
