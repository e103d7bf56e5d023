import random
import re
import xml.etree.ElementTree as ET

import pytest

from bot.channels.lex.limits import BUTTON_TEXT, BUTTON_VALUE, CARD_BUTTONS, CARD_TITLE, MESSAGE_CONTENT
from bot.channels.lex.speech import lex_messages, plain_text, ssml
from bot.conversation import Button, Field, Reply

POLLY_TAGS = {"speak", "s", "break", "say-as"}

# The help text as bot/conversation/help.py writes it (a copy: other intents come and go)
HELP = """Here is what I can do:
• *echo*: Say back what you tell me to. Try `echo hi there`, `say hi there`, `repeat hi there`
• *hello*: Say hello. Try `hello`, `hi`, `hey`
• *my_tickets*: List the tickets you opened, newest first. Try `my tickets`, `list my tickets`, `show my tickets`
• *primes*: Count the primes below a number: a few seconds of real work, with progress as it goes. \
Try `count primes below 300000000`, `primes below 300000000`, `how many primes are below 300000000`
• *roll*: Roll a die with as many sides as you like. Try `roll 6`, `roll a d6`, `roll a 6 sided die`"""


def choices(*values: str) -> tuple[Button, ...]:
    return tuple(Button(value, say=value) for value in values)


def parse(content: str) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own output, parsed to prove it well-formed


def spoken(reply: Reply) -> list[ET.Element]:
    """The SSML documents, each checked against Lex's and Polly's rules, parsed."""
    messages = lex_messages(reply, spoken=True)
    documents = []
    for message in messages:
        assert set(message) == {"contentType", "content"}
        assert message["contentType"] == "SSML"
        assert 0 < len(message["content"]) <= MESSAGE_CONTENT
        root = parse(message["content"])
        assert root.tag == "speak"
        assert {element.tag for element in root.iter()} <= POLLY_TAGS
        for element in root.iter("say-as"):
            assert element.get("interpret-as") in ("characters", "cardinal")
        for element in root.iter("break"):
            assert element.attrib == {"time": "300ms"}
        documents.append(root)
    return documents


def words(element: ET.Element) -> str:
    """The text a voice reads, a pause counted as a space."""
    pieces = [element.text or ""]
    for child in element:
        pieces.append(" " if child.tag == "break" else words(child))
        pieces.append(child.tail or "")
    return " ".join("".join(pieces).split())


def sentences(reply: Reply) -> list[str]:
    return [words(sentence) for root in spoken(reply) for sentence in root.iter("s")]


def said_as(reply: Reply, kind: str) -> list[str]:
    return [element.text or "" for root in spoken(reply) for element in root.iter("say-as")
            if element.get("interpret-as") == kind]


def typed(reply: Reply) -> tuple[list[str], dict | None]:
    """The PlainText contents and the card, each checked against Lex's limits."""
    texts: list[str] = []
    cards: list[dict] = []
    for message in lex_messages(reply, spoken=False):
        if message["contentType"] == "PlainText":
            assert set(message) == {"contentType", "content"}
            assert 0 < len(message["content"]) <= MESSAGE_CONTENT
            texts.append(message["content"])
        else:
            assert message["contentType"] == "ImageResponseCard"
            card = message["imageResponseCard"]
            assert 0 < len(card["title"]) <= CARD_TITLE
            assert 0 < len(card["buttons"]) <= CARD_BUTTONS
            for button in card["buttons"]:
                assert 0 < len(button["text"]) <= BUTTON_TEXT
                assert 0 < len(button["value"]) <= BUTTON_VALUE
            cards.append(card)
    assert len(cards) <= 1
    if cards:
        assert lex_messages(reply, spoken=False)[-1]["contentType"] == "ImageResponseCard"  # after the text
    return texts, cards[0] if cards else None


# --- this project's replies ---

def test_an_opened_ticket() -> None:
    reply = Reply("Opened ticket *PAR-A5EF78*: the printer is on fire",
                  fields=(Field("Priority", "high"), Field("Status", "open")))
    assert lex_messages(reply, spoken=True) == [{"contentType": "SSML", "content": (
        '<speak><s>Opened ticket <say-as interpret-as="characters">PAR-A5EF78</say-as>: the printer is on fire</s>'
        "<s>Priority: high.</s><s>Status: open.</s></speak>")}]
    assert lex_messages(reply, spoken=False) == [
        {"contentType": "PlainText", "content": "Opened ticket PAR-A5EF78: the printer is on fire\n"
                                                "Priority: high\nStatus: open"}]


def test_a_count_of_primes() -> None:
    reply = Reply("There are 16,252,325 primes below 300,000,000.", fields=(Field("Took", "2.3 s"),))
    assert lex_messages(reply, spoken=True) == [{"contentType": "SSML", "content": (
        '<speak><s>There are <say-as interpret-as="cardinal">16252325</say-as> primes below '
        '<say-as interpret-as="cardinal">300000000</say-as>.</s><s>Took: 2.3 s.</s></speak>')}]
    assert typed(reply) == (["There are 16,252,325 primes below 300,000,000.\nTook: 2.3 s"], None)


def test_the_help_text() -> None:
    said = sentences(Reply(HELP))
    assert said[:4] == ["Here is what I can do:", "echo: Say back what you tell me to.",
                        "Try echo hi there, say hi there, repeat hi there", "hello: Say hello."]
    assert "my tickets: List the tickets you opened, newest first." in said  # snake_case said as words
    for sentence in said:
        assert not re.search(r"[*`•_]", sentence)
    text = plain_text(HELP)
    assert text.splitlines()[1] == ("• echo: Say back what you tell me to. "
                                    "Try echo hi there, say hi there, repeat hi there")
    assert "• my_tickets: List" in text
    assert not re.search(r"[*`]", text)
    assert typed(Reply(HELP)) == ([text], None)


def test_a_slot_value_that_is_not_a_number() -> None:
    reply = Reply("Sorry, “abc” is not a whole number. How many sides should the die have?")
    assert sentences(reply) == ["Sorry, “abc” is not a whole number.", "How many sides should the die have?"]
    assert typed(reply) == (["Sorry, “abc” is not a whole number. How many sides should the die have?"], None)


def test_a_roll_and_a_greeting() -> None:
    assert sentences(Reply("You rolled a 4 (d20).")) == ["You rolled a 4 (d20)."]
    assert said_as(Reply("You rolled a 4 (d20)."), "characters") == []  # d20 is left to the voice
    assert sentences(Reply("Hello! I'm Parley. Say `help` to see what I can do.")) == [
        "Hello!", "I'm Parley.", "Say help to see what I can do."]
    assert "I&apos;m Parley." in ssml("Hello! I'm Parley.")


def test_a_choice_of_priority() -> None:
    reply = Reply("How urgent is it?", buttons=choices("low", "normal", "high"))
    assert sentences(reply) == ["How urgent is it?", "You can say low, normal, or high."]
    assert lex_messages(reply, spoken=False) == [
        {"contentType": "PlainText", "content": "How urgent is it?"},
        {"contentType": "ImageResponseCard", "imageResponseCard": {"title": "How urgent is it?", "buttons": [
            {"text": "low", "value": "low"}, {"text": "normal", "value": "normal"},
            {"text": "high", "value": "high"}]}}]


def test_a_confirmation() -> None:
    reply = Reply("Open a *high* priority ticket about “the printer is on fire”?",
                  buttons=(Button("Yes", say="yes", style="primary"), Button("No", say="no")))
    assert sentences(reply) == ["Open a high priority ticket about “the printer is on fire”?", "You can say yes or no."]
    texts, card = typed(reply)
    assert texts == ["Open a high priority ticket about “the printer is on fire”?"]
    assert card == {"title": "Open a high priority ticket about “the printer is on fire”?",
                    "buttons": [{"text": "Yes", "value": "yes"}, {"text": "No", "value": "no"}]}


# --- markup ---

def test_markup_is_stripped() -> None:
    text = "*bold* _italic_ ~gone~ `code` _*both*_ my_tickets 2*3 :tada: :wave::skin-tone-2: done"
    assert plain_text(text) == "bold italic gone code both my_tickets 2*3 done"
    assert sentences(Reply(text)) == ["bold italic gone code both my tickets 23 done"]


def test_code_is_kept_literally_in_text() -> None:
    assert plain_text("run `a_b_c *x*` and\n```\n  if x:\n    y()\n```") == "run a_b_c *x* and\n  if x:\n    y()"


def test_links_and_mentions() -> None:
    text = ("See <https://example.com/a_b?x=1&amp;y=2|the _docs_>, <https://example.org/page> or "
            "<mailto:help@example.com|mail us>. Ask <@U123ABC> or <@U9|ana>, in <#C1|general>. <!here>")
    assert plain_text(text) == ("See the docs (https://example.com/a_b?x=1&y=2), https://example.org/page or "
                                "mail us (mailto:help@example.com). Ask @U123ABC or @ana, in #general. @here")
    said = " ".join(sentences(Reply(text)))
    assert said == "See the docs, example.org or mail us. Ask someone or ana, in general. everyone"


def test_bullets_become_sentences_and_stay_bullets_in_text() -> None:
    text = "Your 2 most recent tickets:\n• *PAR-1A2B3C* (high, open): printer\n• *PAR-00FF00* (low, open): coffee"
    assert sentences(Reply(text)) == ["Your 2 most recent tickets:", "PAR-1A2B3C (high, open): printer",
                                      "PAR-00FF00 (low, open): coffee"]
    assert plain_text(text).splitlines()[1:] == ["• PAR-1A2B3C (high, open): printer",
                                                 "• PAR-00FF00 (low, open): coffee"]
    assert sentences(Reply("- one\n- two\n\n> quoted")) == ["one", "two", "quoted"]


def test_slack_escapes_are_read_as_characters() -> None:
    assert plain_text("a &lt;b&gt; &amp; c &amp;lt;") == "a <b> & c &lt;"


# --- SSML ---

def test_xml_special_characters_are_escaped() -> None:
    text = """Tom & Jerry <3 "quotes" 'single' a<b>c </speak> ]]> &amp;"""
    content = lex_messages(Reply(text), spoken=True)[0]["content"]
    for escaped in ("&amp;", "&lt;", "&gt;", "&quot;", "&apos;"):
        assert escaped in content
    root = parse(content)
    assert words(root) == """Tom & Jerry <3 "quotes" 'single' a<b>c </speak> ]]> &"""
    assert parse(ssml(text)).tag == "speak"


def test_characters_xml_forbids_are_dropped() -> None:
    root = parse(ssml("a\x00b\x08c\x1fd\ufffe e\ud800f \U000f0001g"))
    assert words(root) == "abcd ef g"


@pytest.mark.parametrize(("text", "ids"), [
    ("Opened PAR-1A2B3C.", ["PAR-1A2B3C"]),
    ("Ticket A5EF78 and U123 and 2FA", ["A5EF78", "U123", "2FA"]),
    ("PAR-12, AB-CD: done", ["PAR-12", "AB-CD"]),
    ("OK, the API and AWS Lambda, d20, x86, Par-1a, 2024-05-01, UTF8x", []),
])
def test_ids_are_said_as_characters(text: str, ids: list[str]) -> None:
    assert said_as(Reply(text), "characters") == ids


@pytest.mark.parametrize(("text", "numbers"), [
    ("16,252,325 primes below 300,000,000.", ["16252325", "300000000"]),
    ("1,000 and 12,345,678!", ["1000", "12345678"]),
    ("2024 and 300000000 and 1,5 and 1,2345 and 1,234.5 and v1,000", []),
])
def test_big_numbers_are_said_as_cardinals(text: str, numbers: list[str]) -> None:
    assert said_as(Reply(text), "cardinal") == numbers
    assert plain_text(text) == text


def test_a_long_sentence_pauses_at_commas_and_semicolons() -> None:
    text = ("Count the primes below a number: a few seconds of real work, with progress as it goes; "
            "then tell me, please, what you think")
    root = parse(ssml(text))
    sentence = next(root.iter("s"))
    assert len(list(sentence.iter("break"))) == 4
    assert words(sentence) == text
    # A short one is left to the voice, and a number's commas never pause
    assert list(parse(ssml("Sorry, “abc” is not a whole number.")).iter("break")) == []
    assert list(parse(ssml("There are 16,252,325 primes below 300,000,000, which is a lot of them "
                                   "for such a short time.")).iter("break")) != []
    assert "16,252" not in ssml("There are 16,252,325 primes below 300,000,000, which is a lot of them indeed.")


def test_buttons_are_offered_in_words() -> None:
    assert sentences(Reply("Pick.", buttons=choices("one")))[-1] == "You can say one."
    assert sentences(Reply("Pick.", buttons=choices("yes", "no")))[-1] == "You can say yes or no."
    # What pressing says, else (an intent button) the label
    buttons = (Button("Low priority", say="*low*"), Button("Open a ticket", intent="open_ticket", slots={"x": 1}))
    assert sentences(Reply("Pick.", buttons=buttons))[-1] == "You can say low or Open a ticket."


def test_many_buttons_are_said_with_pauses() -> None:
    components = ("accounts", "alerts", "analytics", "api", "audit log", "billing", "calendar", "chat",
                  "dashboard", "data export")
    said = sentences(Reply("Which part of the product is it about?", buttons=choices(*components)))
    assert said[-1] == "You can say " + ", ".join(components[:-1]) + ", or data export."
    root = spoken(Reply("Which part?", buttons=choices(*components)))[0]
    assert len(list(root.iter("break"))) == len(components) - 1


# --- cards ---

def test_a_card_holds_five_buttons_and_the_text_offers_the_rest() -> None:
    values = ("accounts", "alerts", "analytics", "api", "audit log", "billing", "calendar")
    texts, card = typed(Reply("Which part of the product is it about?", buttons=choices(*values)))
    assert card is not None
    assert [button["value"] for button in card["buttons"]] == list(values[:5])
    assert texts == ["Which part of the product is it about?\nOther choices: billing or calendar."]


def test_a_button_value_is_what_pressing_it_says() -> None:
    buttons = (Button("High", say="*high*"), Button("Open a ticket", intent="open_ticket", slots={"topic": "x"}))
    _, card = typed(Reply("Pick one.", buttons=buttons))
    assert card == {"title": "Pick one.", "buttons": [{"text": "High", "value": "high"},
                                                      {"text": "Open a ticket", "value": "Open a ticket"}]}


def test_card_limits() -> None:
    long_label = "a very long label " * 5
    fits = "v" * BUTTON_VALUE
    too_long = "open a ticket about the printer that is on fire again"
    assert len(too_long) > BUTTON_VALUE
    question = "Which? " + "w" * 300
    texts, card = typed(Reply(question, buttons=(Button(long_label, say="short"), Button("fits", say=fits),
                                                 Button("long", say=too_long))))
    assert card is not None
    assert card["title"] == question[:CARD_TITLE - 1] + "…"
    assert card["buttons"][0]["text"].endswith("…")
    assert len(card["buttons"][0]["text"]) == BUTTON_TEXT
    assert card["buttons"][0]["value"] == "short"
    assert card["buttons"][1]["value"] == fits
    # A value Lex cannot carry is not cut (it would be a different request): it is offered in words
    assert [button["value"] for button in card["buttons"]] == ["short", fits]
    assert texts[-1].endswith(f"Other choices: {too_long}.")


def test_buttons_alone_still_give_valid_messages() -> None:
    reply = Reply("", buttons=(Button("Yes", say="yes"), Button("No", say="no")))
    assert lex_messages(reply, spoken=True) == [
        {"contentType": "SSML", "content": "<speak><s>You can say yes or no.</s></speak>"}]
    assert lex_messages(reply, spoken=False) == [
        {"contentType": "ImageResponseCard", "imageResponseCard": {"title": "Choose one", "buttons": [
            {"text": "Yes", "value": "yes"}, {"text": "No", "value": "no"}]}}]
    texts, card = typed(Reply("  ", buttons=choices(*"abcdefg")))
    assert texts == ["Other choices: f or g."]
    assert card is not None
    assert card["title"] == "Choose one"


def test_fields_alone_and_nothing_at_all() -> None:
    reply = Reply("", fields=(Field("Priority", "*high*"), Field("Status", "")))
    assert sentences(reply) == ["Priority: high.", "Status."]
    assert typed(reply) == (["Priority: high\nStatus"], None)
    assert lex_messages(Reply(""), spoken=True) == []
    assert lex_messages(Reply(" \n :tada: "), spoken=False) == []
    assert ssml("") == "<speak></speak>"


# --- long replies ---

def test_long_text_is_split_at_sentences_within_the_limit() -> None:
    sentence = "The printer on the third floor is on fire again, and nobody knows why. "
    text = sentence * 40
    texts, _ = typed(Reply(text))
    assert len(texts) > 1
    assert all(piece.endswith("why.") for piece in texts)
    assert " ".join(texts) == text.strip()
    documents = spoken(Reply(text))
    assert len(documents) > 1
    assert [words(sentence) for root in documents for sentence in root.iter("s")] == [sentence.strip()] * 40


def test_a_word_longer_than_a_message_is_cut() -> None:
    word = "x" * 2500
    texts, _ = typed(Reply(f"start {word} end"))
    assert "".join(texts).replace(" ", "") == f"start{word}end"
    documents = spoken(Reply(f"PAR-{'1' * 1200} & {word}"))
    assert "".join(words(root) for root in documents).replace(" ", "") == f"PAR-{'1' * 1200}&{word}"


def random_text(rng: random.Random, size: int) -> str:
    pieces = ["*", "_", "`", "```", "~", "<", ">", "&", "&amp;", "&lt;", '"', "'", "•", "• ", "\n", "\n\n", " ",
              ", ", "; ", ". ", "? ", ":tada:", "PAR-1A2B3C", "16,252,325", "<@U1>", "<https://x.io/a|b>", "é",
              "😀", "\x00", "\ud800", "word", "Word", "x" * 300]
    return "".join(rng.choice(pieces) for _ in range(size))


@pytest.mark.parametrize("seed", range(30))
def test_any_text_gives_valid_messages(seed: int) -> None:
    rng = random.Random(seed)
    text = random_text(rng, rng.choice((5, 50, 500, 3000)))
    buttons = tuple(Button(random_text(rng, rng.randint(1, 20)), say=random_text(rng, rng.randint(1, 8)))
                    for _ in range(rng.randint(0, 8)))
    fields = tuple(Field(random_text(rng, 3), random_text(rng, 10)) for _ in range(rng.randint(0, 3)))
    reply = Reply(text, buttons=buttons, fields=fields)
    spoken(reply)  # each document parses and keeps to the limits
    typed(reply)
    assert not re.search(r"[*`•]", " ".join(words(root) for root in spoken(Reply(text))))
