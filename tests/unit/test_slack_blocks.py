import json
import random

import pytest

from bot.channels.slack.blocks import chosen, ephemeral_or_public, render, split_text
from bot.channels.slack.surface import BUTTON_ACTION_PREFIX
from bot.conversation import Button, Field, Reply


def sections(message: dict) -> list[str]:
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section" and "text" in block]


def assert_pieces_are_the_text(pieces: list[str], text: str) -> None:
    """Each piece is the text's next stretch, with nothing but whitespace (the cuts) between them."""
    position = 0
    for piece in pieces:
        found = text.index(piece, position)
        assert text[position:found].strip() == "", f"characters lost before {piece[:20]!r}"
        position = found + len(piece)
    assert text[position:].strip() == ""


def assert_valid_message(message: dict) -> None:
    assert isinstance(message["text"], str)
    assert 0 < len(message["text"]) <= 3000
    assert 0 < len(message["blocks"]) <= 50
    block_ids = [block["block_id"] for block in message["blocks"]]
    assert len(set(block_ids)) == len(block_ids)
    for block in message["blocks"]:
        if "text" in block:
            assert block["text"]["type"] == "mrkdwn"
            assert 0 < len(block["text"]["text"]) <= 3000
        if "fields" in block:
            assert 0 < len(block["fields"]) <= 10
            assert all(len(field["text"]) <= 2000 for field in block["fields"])
        if block["type"] == "actions":
            assert 0 < len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
                assert len(element["value"]) <= 2000
    action_ids = [element["action_id"] for block in message["blocks"] for element in block.get("elements", ())
                  if block["type"] == "actions"]
    assert len(set(action_ids)) == len(action_ids)


def long_text(size: int) -> str:
    """Paragraphs of lines of words, with a few words longer than a whole section."""
    rng = random.Random(7)
    parts: list[str] = []
    length = 0
    while length < size:
        roll = rng.random()
        if roll < 0.002:
            part = "x" * rng.randint(3001, 7000)
        elif roll < 0.05:
            part = "\n\n"
        elif roll < 0.15:
            part = "\n"
        else:
            part = "".join(rng.choice("abcdefgh*_`é😀") for _ in range(rng.randint(1, 12)))
        parts.append(part + " ")
        length += len(part) + 1
    return "".join(parts)[:size]


def test_a_short_reply_is_one_section() -> None:
    assert render(Reply("Hello, *World*")) == [
        {"text": "Hello, *World*", "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Hello, *World*"}, "block_id": "text-0"}]}]


def test_a_very_long_text_takes_several_messages_and_keeps_every_character_in_order() -> None:
    text = long_text(200_000)
    messages = render(Reply(text))
    assert len(messages) > 1
    for message in messages:
        assert_valid_message(message)
    pieces = [piece for message in messages for piece in sections(message)]
    assert_pieces_are_the_text(pieces, text)
    # every non-space character is kept, in order
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_text_is_cut_at_paragraphs_then_lines_then_words() -> None:
    paragraph = "word " * 500  # 2500 characters
    assert split_text(f"{paragraph}\n\n{paragraph}", 3000) == [paragraph, paragraph]
    lines = "\n".join(["line " * 100] * 10)  # 10 lines of 500: 6 and their line breaks are 3005
    pieces = split_text(lines, 3000)
    assert [len(piece.splitlines()) for piece in pieces] == [5, 5]
    assert all(not piece.startswith("\n") and not piece.endswith("\n") for piece in pieces)
    words = " ".join(["abcdefghi"] * 1000)
    pieces = split_text(words, 3000)
    assert all(len(piece) <= 3000 and piece.split() == ["abcdefghi"] * len(piece.split()) for piece in pieces)
    assert_pieces_are_the_text(pieces, words)


def test_only_a_word_longer_than_a_section_is_cut_in_the_middle() -> None:
    word = "a" * 7000
    assert split_text(f"see {word} here", 3000) == ["see", "a" * 3000, "a" * 3000, "a" * 1000 + " here"]


def test_indentation_after_a_cut_is_kept() -> None:
    text = "x" * 2990 + "\n\n    indented code"
    assert split_text(text, 3000) == ["x" * 2990, "    indented code"]


def test_fields_follow_the_text_ten_to_a_section() -> None:
    fields = tuple(Field(f"label {i}", f"value {i}") for i in range(12))
    [message] = render(Reply("Ticket", fields=fields))
    assert_valid_message(message)
    assert [block["type"] for block in message["blocks"]] == ["section", "section", "section"]
    assert [len(block["fields"]) for block in message["blocks"][1:]] == [10, 2]
    assert message["blocks"][1]["fields"][0] == {"type": "mrkdwn", "text": "*label 0*\nvalue 0"}


def test_a_long_field_is_truncated_with_an_ellipsis() -> None:
    [message] = render(Reply("x", fields=(Field("Log", "y" * 5000),)))
    text = message["blocks"][1]["fields"][0]["text"]
    assert len(text) == 2000
    assert text.startswith("*Log*\nyyy")
    assert text.endswith("…")


def test_thirty_buttons_are_two_actions_blocks_at_the_end() -> None:
    buttons = tuple(Button(f"Option {i}", say=f"option {i}") for i in range(30))
    [message] = render(Reply("Pick one", buttons=buttons, fields=(Field("a", "b"),)))
    assert_valid_message(message)
    assert [block["type"] for block in message["blocks"]] == ["section", "section", "actions", "actions"]
    elements = message["blocks"][2]["elements"] + message["blocks"][3]["elements"]
    assert [len(message["blocks"][2]["elements"]), len(message["blocks"][3]["elements"])] == [25, 5]
    assert [element["action_id"] for element in elements] == [f"{BUTTON_ACTION_PREFIX}{i}" for i in range(30)]
    assert [element["value"] for element in elements] == [button.value() for button in buttons]


def test_button_values_round_trip() -> None:
    buttons = (Button("Yes", intent="file_ticket", slots={"topic": "login", "count": 3}, style="primary"),
               Button("No", say="never mind", style="danger"), Button("Maybe", say="é \"quoted\" <b>"))
    [message] = render(Reply("Sure?", buttons=buttons))
    elements = message["blocks"][-1]["elements"]
    assert [element["value"] for element in elements] == [button.value() for button in buttons]
    assert json.loads(elements[0]["value"]) == {"intent": "file_ticket", "slots": {"topic": "login", "count": 3}}
    assert [element.get("style") for element in elements] == ["primary", "danger", None]
    assert elements[0]["text"] == {"type": "plain_text", "text": "Yes", "emoji": True}


def test_a_long_button_label_is_truncated() -> None:
    [message] = render(Reply("x", buttons=(Button("L" * 200, say="long"),)))
    label = message["blocks"][-1]["elements"][0]["text"]["text"]
    assert len(label) == 75
    assert label.endswith("…")


def test_a_button_value_over_2000_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="2000"):
        render(Reply("x", buttons=(Button("Big", say="s" * 2000),)))


def test_an_unknown_button_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style"):
        render(Reply("x", buttons=(Button("Odd", say="odd", style="green"),)))


def test_more_fields_and_buttons_than_a_message_holds_are_refused() -> None:
    with pytest.raises(ValueError, match="blocks"):
        render(Reply("x", fields=tuple(Field(str(i), "v") for i in range(501))))


def test_buttons_stay_in_the_last_message_of_a_long_reply() -> None:
    text = "\n\n".join(["p" * 2999] * 50)  # exactly 50 sections
    buttons = tuple(Button(str(i), say=str(i)) for i in range(3))
    messages = render(Reply(text, buttons=buttons))
    assert len(messages) == 2
    for message in messages:
        assert_valid_message(message)
    assert [block["type"] for block in messages[0]["blocks"]] == ["section"] * 49
    # the last section goes along, so the buttons sit beside the text they answer
    assert [block["type"] for block in messages[1]["blocks"]] == ["section", "actions"]
    assert all(block["type"] != "actions" for block in messages[0]["blocks"])


def test_empty_text_with_buttons_still_renders() -> None:
    [message] = render(Reply("", buttons=(Button("Yes", say="yes"), Button("No", say="no"))))
    assert_valid_message(message)
    assert [block["type"] for block in message["blocks"]] == ["actions"]
    assert message["text"] == "Yes · No"


def test_a_reply_with_nothing_to_show_gives_no_message() -> None:
    assert render(Reply("  \n ")) == []


def test_the_fallback_text_is_at_most_3000_characters() -> None:
    [message] = render(Reply("word " * 1000))
    assert len(message["text"]) == 3000
    assert message["text"].endswith("…")


def test_chosen_replaces_the_buttons_with_who_chose_what() -> None:
    buttons = tuple(Button(f"Option {i}", say=str(i)) for i in range(30))
    [message] = render(Reply("Pick one", buttons=buttons))
    after = chosen(message["blocks"], "Option <7>", "U123")
    assert [block["type"] for block in after] == ["section", "context"]
    assert after[0] == message["blocks"][0]
    assert after[1]["elements"] == [{"type": "mrkdwn", "text": "<@U123> chose *Option &lt;7&gt;*"}]
    assert len({block["block_id"] for block in after}) == 2
    assert [block["type"] for block in message["blocks"]] == ["section", "actions", "actions"]  # input untouched
    assert chosen(after, "Option 8", "U456") == after  # nothing left to press


def test_slash_command_answers_are_private_unless_public() -> None:
    assert ephemeral_or_public(False) == "ephemeral"
    assert ephemeral_or_public(True) == "in_channel"
