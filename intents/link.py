"""Linking a voice caller to a Slack person, so they hear their own results and see their own tickets.

A Lex caller cannot be believed about who they are, so the Slack person (whom Slack's signed request identifies)
asks for a one-time code here, and says it to the voice bot within ten minutes. The link is kept server-side
(`bot.stores.links`): for weeks when the caller's id is verified (Amazon Connect's caller number, a web app's signed
identity), else for as long as their voice session lives. README: Security, linking a voice caller.
"""

from __future__ import annotations

from bot.conversation import Reply, Slot, Text, Turn, intent
from bot.conversation.identity import link_seconds
from bot.stores.keys import record_key
from bot.stores.limits import RateLimits
from bot.stores.links import CODE_DIGITS, CODE_TTL_SECONDS, LinkStore

GUESSES = 5  # wrong codes a caller may try per window, so six digits cannot be guessed
GUESS_WINDOW_SECONDS = 10 * 60
DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
               "six": "6", "seven": "7", "eight": "8", "nine": "9"}


@intent(
    "link_voice",
    title="Link the voice bot to you",
    description="Get a one-time code that links the voice bot (a phone call, the web app) to you.",
    examples=["link voice", "link my voice", "link my phone", "voice link code", "connect my phone",
              "link my voice account"],
    synonyms={"link": ("connect", "pair", "hook up", "set up"),
              "voice": ("voice bot", "voice assistant", "phone bot", "calls")},
)
def link_voice(turn: Turn, links: LinkStore) -> Reply:
    if turn.person.via != "slack":
        return Reply("Ask me for a code in Slack (`/parley link voice`), then say it here: “link” and the code.")
    code = links.issue_code(turn.person.to_dict())
    spoken = f"{code[:3]} {code[3:]}"
    return Reply(f"Your voice link code is *{spoken}*. Within {CODE_TTL_SECONDS // 60} minutes, say "
                 f"“link {spoken}” to Parley's voice bot; that caller then hears your results and sees your "
                 "tickets. Do not share the code.")


@intent(
    "link",
    title="Link this call",
    description="Link this call to your Slack account with the code Parley gave you in Slack.",
    examples=["link {code}", "link code {code}", "my code is {code}", "the code is {code}", "link me"],
    synonyms={"link": ("use", "enter", "redeem")},
    slots=[Slot("code", Text(max_length=60), prompt="What is the six-digit code I gave you in Slack?",
                example="123 456", secret=True)],
)
def link(turn: Turn, code: str, links: LinkStore, limits: RateLimits) -> Reply:
    if turn.via != "lex" or not turn.caller_id:
        return Reply("Say that code to Parley's voice bot, not here. To get a code, say `link voice`.")
    if not limits.allow(record_key(turn.caller_id, "link-guesses"), GUESSES, GUESS_WINDOW_SECONDS):
        return Reply("That's too many tries. Wait a few minutes, get a new code in Slack, and try again.")
    digits = _digits(code)
    person = links.redeem(digits) if len(digits) == CODE_DIGITS else None
    if person is None:
        return Reply("That code is not one I gave out, or it has expired. Ask me for a new one in Slack: "
                     "`/parley link voice`.")
    links.link(turn.caller_id, person, link_seconds(turn.caller_id))
    return Reply("Done: you're linked to your Slack account. Your tickets and results are yours here too.")


@intent(
    "unlink",
    title="Unlink this call",
    description="Forget that this call is linked to a Slack account.",
    examples=["unlink", "unlink me", "unlink my account", "forget my link"],
    synonyms={"unlink": ("disconnect", "unpair", "detach", "remove the link", "undo the link", "delete the link",
                         "break the link", "stop linking"),
              "account": ("phone", "call", "slack account", "slack")},
)
def unlink(turn: Turn, links: LinkStore) -> Reply:
    if turn.via != "lex" or not turn.caller_id:
        return Reply("Only a voice caller can be linked; there is nothing to unlink here.")
    links.unlink(turn.caller_id)
    return Reply("Done: this call is no longer linked to anyone.")


def _digits(said: str) -> str:
    """The code's digits, typed or spoken ("483 921", "four eight three nine two one")."""
    words = said.lower().replace("-", " ").split()
    return "".join(DIGIT_WORDS.get(word, "".join(ch for ch in word if ch.isdigit())) for word in words)

