"""The App Home and Workflow Builder steps in `make run`'s terminal, as the person in the chat meets them.

- `/home` opens the Home tab (Slack's `app_home_opened`) and prints the view the bot published, its buttons
  numbered; a number then presses that button, which opens the intent's form (the ingress's views.open): its
  inputs are printed, and `/submit name=value ...` submits it (the answer comes in the DM).
- `/step <intent> name=value ...` runs the intent as a Workflow Builder step: the stand-in starts an execution and
  delivers `function_executed`; the completion the bot made (outputs, or the error) is printed.
Everything goes through the ingress signed, as Slack sends it; what the bot did is read from the stand-in.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.local.chat import SlackChat
from bot.local.slack_events import app_home_opened_event, home_button_press, view_submission
from bot.text import unescape_mrkdwn

WAIT_SECONDS = 60.0  # a cold worker imports Bolt and the intents first
USAGE = "(usage: /step <intent> name=value ...; e.g. /step roll sides=20)"


@dataclass
class HomeChat:
    chat: SlackChat
    say: Callable[[str], None] = print
    home: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    at_home: bool = False  # numbers press the Home's buttons (until the next other line)

    def take(self, line: str) -> bool:
        """Act on one of the Home and step commands: True when `line` was one of them."""
        command, _, rest = line.strip().partition(" ")
        if self.at_home and command.isdigit():
            self.press(int(command))
            return True
        self.at_home = False
        if command == "/home":
            self.open_home()
        elif command == "/submit":
            self.submit(_pairs(rest))
        elif command == "/step":
            self.run_step(rest)
        else:
            return False
        return True

    def open_home(self) -> None:
        who = self.chat.who
        after = self.chat._last_seq()
        self.chat.send(app_home_opened_event(user=who.user, channel=who.dm, bot_user=who.bot_user, **who.where()))
        call = self._wait(lambda each: each["method"] == "views.publish"
                          and each["args"].get("user_id") == who.user, after)
        self.home = {**call["args"]["view"], "id": (call["response"].get("view") or {}).get("id", "")}
        for text in home_lines(self.home):
            self.say(text)
        self.at_home = True

    def press(self, number: int) -> None:
        buttons = home_buttons(self.home or {})
        if not 1 <= number <= len(buttons):
            self.say(f"(there is no button {number} on the Home tab)")
            return
        who = self.chat.who
        after = self.chat._last_seq()
        self.chat.send(home_button_press(self.home or {}, buttons[number - 1]["action_id"], user=who.user,
                                         **who.where()))
        call = self._wait(lambda each: each["method"] == "views.open", after)
        self.form = {**call["args"]["view"], "id": (call["response"].get("view") or {}).get("id", "")}
        self.say(f"(form: {self.form['title']['text']})")
        for block in self.form.get("blocks", []):
            if block.get("type") == "input":
                self.say(f"        {block['block_id']}: {block['label']['text']}")
        self.say("(fill it in with /submit name=value ...; the answer comes in your DM)")

    def submit(self, values: dict[str, str]) -> None:
        if self.form is None:
            self.say("(no form is open: /home, then press a button)")
            return
        form, self.form = self.form, None
        chat = self.chat
        after, offset = chat._last_seq(), chat._log_size()
        _, correlation_id, answer = chat.send(view_submission(form, values, user=chat.who.user))
        if answer:  # the ingress found mistakes (response_action: errors): the form stays open
            self.say(f"(the form says: {answer})")
            self.form = form
            return
        # a form opened from the Home tab is answered in the person's DM, posted to their user id as channel
        if chat.worker_log is not None and correlation_id:
            chat.last = chat._follow(correlation_id, offset, after, chat.who.user, None, WAIT_SECONDS)
        else:
            chat.last = chat._collect(after, chat.who.user, None, WAIT_SECONDS)

    def run_step(self, rest: str) -> None:
        name, _, pairs = rest.strip().partition(" ")
        definition = step_definitions().get(name)
        if not name:
            self.say(USAGE)
            return
        inputs = _typed(_pairs(pairs), definition)
        started = self.chat.slack.start_step(name, inputs, definition=definition, team=self.chat.who.team)
        execution = self._wait_step(started["function_execution_id"])
        if execution["state"] == "completed":
            self.say(f"(step {name} completed) outputs: {execution['outputs']}")
        else:
            self.say(f"(step {name} failed) error: {execution['error']}")

    def _wait(self, found: Callable[[dict[str, Any]], bool], after: int) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            hits = [call for call in self.chat.slack.calls(after=after) if found(call)]
            if hits:
                return hits[-1]
            time.sleep(0.1)
        raise TimeoutError(f"the bot did not answer within {WAIT_SECONDS:.0f} s")

    def _wait_step(self, execution_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            execution = next(each for each in self.chat.slack.step_executions()
                             if each["function_execution_id"] == execution_id)
            if execution["state"] != "running":
                return execution
            time.sleep(0.1)
        raise TimeoutError(f"the step was not completed within {WAIT_SECONDS:.0f} s")


def step_definitions() -> dict[str, dict[str, Any]]:
    """The intents' steps as the manifest declares them (callback_id -> definition)."""
    import intents  # noqa: F401 - declares the intents
    from bot.channels.slack.steps import function_definition
    from bot.conversation.registry import registry

    return {intent.name: function_definition(intent) for intent in registry if intent.workflow_step}


def home_buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [block["accessory"] for block in view.get("blocks", []) if "accessory" in block]


def home_lines(view: dict[str, Any]) -> list[str]:
    """The Home view as text: headers, sections (their buttons numbered), context lines."""
    lines, number = ["home>"], 0
    for block in view.get("blocks", []):
        text = unescape_mrkdwn((block.get("text") or {}).get("text", ""))
        if block["type"] == "header":
            lines.append(f"  == {text} ==")
        elif block["type"] == "section":
            if "accessory" in block:
                number += 1
                text = f"[{number}] {text.replace(chr(10), ': ', 1)}"
            lines.extend("  " + part for part in text.splitlines())
        elif block["type"] == "context":
            lines.extend("  " + unescape_mrkdwn(each.get("text", "")) for each in block.get("elements", []))
    lines.append("(press a button with its number)")
    return lines


def _pairs(text: str) -> dict[str, str]:
    words = shlex.split(text) if text.strip() else []
    return dict(word.split("=", 1) for word in words if "=" in word)


def _typed(values: dict[str, str], definition: dict[str, Any] | None) -> dict[str, Any]:
    """Inputs as a workflow gives them: an integer parameter's value as a number, when it is one."""
    from bot.channels.slack.steps import parameters_of

    parameters = parameters_of(definition, "input_parameters")
    return {name: int(value) if parameters.get(name, {}).get("type") == "integer" and value.lstrip("-").isdigit()
            else value for name, value in values.items()}
