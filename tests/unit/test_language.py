"""General English for the recogniser: words with their places, contractions, stems, yes and no."""

import pytest

from bot.conversation.language import affirmation, stem, tokens


def test_words_keep_their_place_in_the_text() -> None:
    text = "Echo: Hello, World!"
    found = tokens(text)
    assert [token.text for token in found] == ["echo", "hello", "world"]
    assert [text[token.start:token.end] for token in found] == ["Echo", "Hello", "World"]
    assert [token.before for token in found] == ["", ": ", ", "]


@pytest.mark.parametrize(("text", "words"), [
    ("what's the status?", ["what", "is", "the", "status"]),
    ("I'd like to roll", ["i", "would", "like", "to", "roll"]),
    ("how’s it going", ["how", "is", "it", "going"]),
    ("don't", ["do", "not"]), ("can't", ["can", "not"]), ("let's go", ["let", "us", "go"]),
    ("the prime minister's name", ["the", "prime", "minister", "name"]),
    ("roll me a d20", ["roll", "me", "a", "d", "20"]), ("roll 2d6", ["roll", "2", "d", "6"]),
    ("a 6-sided die", ["a", "6", "sided", "die"]), ("primes under 10k, please", ["primes", "under", "10k", "please"]),
    ("1,000 or 200,000,000", ["1,000", "or", "200,000,000"]), ("heyyy", ["heyy"]), ("rolll", ["roll"]),
    ("roll -5", ["roll", "-5"]), ("primes &lt; 1000", ["primes", "<", "1000"]), ("hi :wave:", ["hi"]),
    ("whats up", ["what", "is", "up"]), ("i dont know", ["i", "do", "not", "know"]), ("its done", ["its", "done"]),
    ("can u list my tix", ["can", "you", "list", "my", "tickets"]), ("hw r u", ["how", "are", "you"]),
    ("primes below 10^7", ["primes", "below", "10^7"]), ("under 2**20", ["under", "2**20"]),
    ("below 10⁶", ["below", "10⁶"]), ("kinda lost", ["kind", "of", "lost"]),
])
def test_words_as_matching_reads_them(text: str, words: list[str]) -> None:
    assert [token.text for token in tokens(text)] == words


def test_shorthand_keeps_its_place_in_the_text() -> None:
    text = "list my tix"
    assert [text[token.start:token.end] for token in tokens(text)] == ["list", "my", "tix"]


def test_stems_meet_across_inflections() -> None:
    assert stem("tickets") == stem("ticket")
    assert stem("opened") == stem("open") == stem("opening")
    assert stem("dice") == stem("die") == stem("d")
    assert stem("status") == "status"


@pytest.mark.parametrize("text", ["yes", "Yes please", "yep", "yeah sure", "sure", "Sure, go ahead!", "ok", "okay",
                                  "go for it", "do it", "y", "absolutely", "correct", "sounds good"])
def test_the_ways_people_say_yes(text: str) -> None:
    assert affirmation(text) == "yes"


@pytest.mark.parametrize("text", ["no", "nope", "nah", "no thanks", "not now", "no, don't", "don't", "not yet",
                                  "No thank you."])
def test_the_ways_people_say_no(text: str) -> None:
    assert affirmation(text) == "no"


@pytest.mark.parametrize("text", ["no wait, make it normal", "yes, high priority", "please", "thanks", "", "maybe",
                                  "roll 6", "yes no"])
def test_anything_more_than_yes_or_no_is_neither(text: str) -> None:
    assert affirmation(text) is None
