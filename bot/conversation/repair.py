"""The words that repair a conversation rather than move it on: cancel, help, "neither", "the second one", and the
small words around it (thanks, goodbye).

Kept apart from the recogniser (which reads requests and slot values) because these are about the dialog itself,
and the engine checks them first, whatever is being asked. They are no intents: "thanks" asks nothing of the bot,
and an intent of it would compete with real requests for words like "see" and "later".
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"[^\w\s'-]+")
_SPACES = re.compile(r"\s+")
# Said alone (or with a few polite words around), these end a dialog
CANCEL = frozenset({"cancel", "stop", "quit", "exit", "abort", "never mind", "nevermind", "forget it", "cancel that",
                    "cancel it", "stop it", "forget about it", "nothing", "start over", "scrap that"})
HELP = frozenset({"help", "help me", "what", "huh", "what do you mean", "i don't understand", "i do not understand",
                  "what should i say", "what can i say", "options", "what are my options", "?", "??", "explain"})
NEITHER = frozenset({"neither", "neither of them", "none", "none of them", "none of those", "neither one",
                     "something else", "no neither", "other"})
THANKS = frozenset({"thanks", "thank you", "thanks a lot", "thank you so much", "thanks so much", "many thanks",
                    "cheers", "ty", "thx", "much appreciated", "great thanks", "perfect thanks", "thanks parley",
                    "thank you parley", "awesome thanks", "nice thanks", "cool thanks", "thanks again"})
GOODBYE = frozenset({"bye", "bye bye", "goodbye", "good bye", "see you", "see ya", "see you later", "later",
                     "good night", "goodnight", "that's all", "that is all", "that's all for now", "talk to you later",
                     "ttyl", "cya", "have a good one"})
POLITE = ("please", "pls", "thanks", "thank you", "ok", "okay", "oh", "um", "uh", "hmm", "just")
ORDINALS = {"first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3,
            "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5, "last": -1}
_CHOICE = re.compile(r"^(?:(?:the|number|no\.?|option|choice|#)\s*)*(\w+)(?:\s+(?:one|option|choice))?$")


def clean(text: str) -> str:
    """Lower case, single spaces, no punctuation but apostrophes and hyphens (a lone "?" is kept: it asks)."""
    stripped = text.strip().lower()
    if stripped and set(stripped) <= {"?"}:
        return stripped
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", stripped.replace("’", "'"))).strip()


def _core(said: str) -> str:
    """`said` without polite words at its ends ("cancel please", "ok never mind")."""
    words = said.split()
    changed = True
    while changed and words:
        changed = False
        for polite in POLITE:
            length = len(polite.split())
            if " ".join(words[:length]) == polite and len(words) > length:
                words, changed = words[length:], True
            elif " ".join(words[-length:]) == polite and len(words) > length:
                words, changed = words[:-length], True
    return " ".join(words)


def is_cancel(said: str) -> bool:
    return said in CANCEL or _core(said) in CANCEL


def is_help(said: str) -> bool:
    return said in HELP or _core(said) in HELP


def is_thanks(said: str) -> bool:
    return said in THANKS


def is_goodbye(said: str) -> bool:
    return said in GOODBYE or _core(said) in GOODBYE


def is_neither(said: str) -> bool:
    return said in NEITHER or _core(said) in NEITHER


def number_chosen(said: str, count: int) -> int | None:
    """Which of `count` numbered options `said` picks ("2", "the second one", "option 2"), or None."""
    found = _CHOICE.match(_core(said))
    if not found:
        return None
    word = found.group(1)
    number = int(word) if word.isdigit() else ORDINALS.get(word)
    if number == -1:
        number = count
    return number if number is not None and 1 <= number <= count else None


def or_list(items: list[str]) -> str:
    """ "a", "a or b", "a, b or c". """
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
