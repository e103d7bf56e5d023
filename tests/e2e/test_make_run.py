"""`make run` with piped input: replies to each line (a dialog included), exit 0 at the end, nothing left running."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from pathlib import Path

import pytest

from bot.local.processes import free_port, port_open

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_piped_make_run_answers_each_line_and_leaves_nothing_running() -> None:
    ports = {name: free_port() for name in ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT",
                                            "PARLEY_SLACK_PORT", "PARLEY_WORKFLOWS_PORT")}
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           # settings come from the environment, make run included
           "SLACK_SIGNING_SECRET": "make-run-" + os.urandom(8).hex()}
    lines = "hello\nhelp\nroll 6\nopen a ticket\nthe printer is on fire\n3\n1\n"  # 3: "high", 1: "Yes"
    result = subprocess.run(["make", "run"], input=lines, cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    replies = [line for line in result.stdout.splitlines() if line.startswith("parley> ")]
    assert replies[0].startswith("parley> Hello!")
    assert replies[1] == "parley> Here is what I can do:"
    assert any(line.startswith("parley> You rolled a ") for line in replies)
    # a multi-turn dialog: ask a slot, answer, press a choice, confirm, done
    assert replies[-4:-1] == ["parley> What is the ticket about?", "parley> How urgent is it?",
                              "parley> Open a *high* priority ticket about “the printer is on fire”?"]
    assert replies[-1].startswith("parley> Opened ticket *PAR-")
    assert not any(port_open(port) for port in ports.values())
    leftovers = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert str(ports["PARLEY_MOTO_PORT"]) not in leftovers
    assert str(ports["PARLEY_SLACK_PORT"]) not in leftovers


def test_make_run_in_oauth_mode_installs_two_workspaces_and_chats_as_a_person_of_either() -> None:
    ports = {name: str(free_port()) for name in ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT",
                                                 "PARLEY_SLACK_PORT", "PARLEY_WORKFLOWS_PORT")}
    env = {**os.environ, **ports, "PARLEY_SLACK_MODE": "oauth"}
    lines = "hello\n/install T0LOCAL\nhello\n/install T0BETA\n/as T0BETA ben\nhello\n/uninstall T0BETA\nhello\n"
    result = subprocess.run(["make", "run"], input=lines, cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = [line for line in result.stdout.splitlines() if not line.startswith("you")]
    assert "/install <team>" in result.stderr  # the usage says how
    assert out[0].startswith("parley> (nothing: the app is not installed in T0LOCAL")
    assert out[1].startswith("(install done: Parley is installed: Parley is installed in Parley Local")
    assert out[2].startswith("parley> Hello!")
    assert out[3].startswith("(install done: Parley is installed: Parley is installed in Beta Works")
    assert out[4] == "(you are U0BETABEN of T0BETA, in your DM with the bot)"
    assert out[5].startswith("parley> Hello!")
    assert out[6].startswith("(the app is removed from T0BETA")
    assert out[7].startswith("parley> (nothing: the app is not installed in T0BETA")


class MakeRun:
    """`make run` driven line by line through a pipe: say a line, read the replies it printed."""

    QUIET = 3.0  # seconds without output after which a line's replies are taken to be complete

    def __init__(self, *args: str) -> None:
        ports = {name: str(free_port()) for name in ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT",
                                                     "PARLEY_SLACK_PORT", "PARLEY_WORKFLOWS_PORT")}
        self.process = subprocess.Popen(["make", "run", *args], cwd=ROOT, env={**os.environ, **ports}, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.lines: queue.Queue[str] = queue.Queue()
        self.buttons = ""  # the last buttons shown, as printed ("[1] Yes  [2] No")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout
        for printed in self.process.stdout:
            self.lines.put(printed.rstrip("\n"))

    def say(self, line: str, first_reply_timeout: float = 120) -> list[str]:
        """Send `line`; its replies are the `parley...` lines printed after its echo, until the output goes quiet."""
        assert self.process.stdin
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        replies: list[str] = []
        echoed = False
        timeout = first_reply_timeout
        while True:
            try:
                printed = self.lines.get(timeout=timeout)
            except queue.Empty:
                return replies
            if not echoed:
                echoed = printed.endswith(line)
                continue
            timeout = self.QUIET  # the local kit's own notes, "(...)", count as output too
            if printed.startswith("parley"):
                replies.append(printed)
            elif printed.startswith("        [1]"):  # the numbered buttons under a reply
                self.buttons = printed.strip()
            elif replies and not printed.startswith("("):  # a reply's further lines
                replies[-1] += "\n" + printed

    def close(self) -> int:
        assert self.process.stdin
        self.process.stdin.close()
        return self.process.wait(timeout=120)


def test_in_make_run_a_lex_caller_is_nobody_it_claims_and_a_linked_one_is_their_slack_self() -> None:
    run = MakeRun("CHANNEL=lex")
    try:
        run.say("/slack open a ticket about my secret project")
        run.say("/slack high")
        assert run.say("/slack yes")[0].startswith("parley (slack)> Opened ticket")
        run.say("/set slack_user_id=U0LOCALUSER")
        run.say("/session U0LOCALUSER")
        assert run.say("my tickets") == ["parley> You have no tickets. Say open a ticket to open one."]
        code = "".join(ch for ch in run.say("/slack link voice")[0].split("*")[1] if ch.isdigit())
        assert run.say(f"link {code}")[-1].startswith("parley> Done: you're linked")
        assert "my secret project" in " ".join(run.say("my tickets"))
    finally:
        assert run.close() == 0


def test_make_run_forgives_as_people_talk_and_shows_what_a_newcomer_missed() -> None:
    """The issue's behaviours and the newcomer's findings, typed into `make run` (Slack)."""
    run = MakeRun()
    try:
        assert run.say("open a ticket") == ["parley> What is the ticket about?"]
        assert run.say("help")[0].endswith("What is the ticket about?")  # help explains, never becomes the topic
        assert run.say("roll 6 please")[0] == (
            "parley> We're in the middle of: open a ticket. Drop that and roll a die instead?")
        assert run.say("no")[0] == "parley> Okay, let's carry on. What is the ticket about?"
        assert run.say("the printer is on fire")[0] == "parley> How urgent is it?"
        assert run.say("hihg")[0] == "parley> Open a *high* priority ticket about “the printer is on fire”?"
        assert run.say("no wait, make it normal")[0] == (
            "parley> Open a *normal* priority ticket about “the printer is on fire”?")
        opened = run.say("yep")[0]
        assert opened.startswith("parley> Opened ticket *PAR-") and "Priority: normal · Status: open" in opened
        assert run.say("thanks") == ["parley> You're welcome!"]
        assert run.say("cancel")[0].startswith("parley> There's nothing to cancel right now.")
        assert run.say("roll d20")[0].endswith("(d20).")
        assert run.say("count the primes under 200,000,000")[-1].startswith(
            "parley (edited)> There are 11,078,937 primes below 200,000,000.")  # the answer after the progress
        asked = run.say("a ticket")
        assert asked[0] == "parley> Did you mean *Open a ticket*?"
        assert run.say("1")[0] == "parley> What is the ticket about?"  # the first button
        run.say("cancel")
        assert run.say("@parley hello")[0].startswith("parley> Hello!")
        started = time.monotonic()
        assert run.say("just chatting in the thread")[0].startswith("parley> (nothing: in a channel thread")
        assert time.monotonic() - started < 15  # no 60 s wait for a reply that rightly never comes
    finally:
        assert run.close() == 0


def test_make_run_in_lex_mode_forgives_the_same_way() -> None:
    run = MakeRun("CHANNEL=lex")
    try:
        assert run.say("open a ticket") == ["parley> What is the ticket about?"]
        assert run.say("roll 6 please")[0] == (
            "parley> We're in the middle of: open a ticket. Drop that and roll a die instead?")
        assert run.say("no")[0] == "parley> Okay, let's carry on. What is the ticket about?"
        assert run.say("the printer is on fire")[0] == "parley> How urgent is it?"
        assert run.say("hihg")[0] == "parley> Open a high priority ticket about “the printer is on fire”?"
        assert run.say("no wait, make it normal")[0] == (
            "parley> Open a normal priority ticket about “the printer is on fire”?")
        assert run.say("yes please")[0].startswith("parley> Opened ticket PAR-")
        assert run.say("a ticket")[0] == "parley> Did you mean Open a ticket?"
        assert run.say("neither")[0].startswith("parley> Okay. Tell me another way")
        assert run.say("thank you") == ["parley> You're welcome!"]
    finally:
        assert run.close() == 0


# The README's workflow input (Workflows, in `make run`): an access request that ana approves, then a reminder
WORKFLOW_INPUT = ("request access to grafana\n/wait\n/as T0LOCAL ana\n1\n/wait\n/as T0LOCAL you\n"
                  "remind me in 10 minutes to stretch\n/wait\n")


def test_make_run_runs_an_access_request_end_to_end_and_a_reminder() -> None:
    """You ask; ana, whom the chat acts as, approves from her DM; you are told; a reminder comes once."""
    ports = {name: str(free_port()) for name in ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT",
                                                 "PARLEY_SLACK_PORT", "PARLEY_WORKFLOWS_PORT")}
    result = subprocess.run(["make", "run"], input=WORKFLOW_INPUT, cwd=ROOT, env={**os.environ, **ports},
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout.splitlines()

    def after(line: str, start: int = 0) -> int:
        return out.index(line, start) + 1

    asked = after("you> request access to grafana")
    assert out[asked].startswith("parley> I've asked an approver about your access to *grafana*.")
    assert out[asked + 1] == "        [1] Cancel request"
    assert "(parley wrote to ana (U0LOCALANA of T0LOCAL): `/as T0LOCAL ana` shows it)" in out[asked:]
    as_ana = after("you> /as T0LOCAL ana", asked)
    assert out[as_ana:as_ana + 3] == ["(you are U0LOCALANA of T0LOCAL, in your DM with the bot)",
                                      "parley> @you asks for access to *grafana*.", "        [1] Approve  [2] Deny"]
    pressed = after("you (ana)> 1", as_ana)
    assert out[pressed:pressed + 2] == ["parley (edited)> @you asks for access to *grafana*.",
                                        "Thanks: you chose *approve*."]  # her buttons are gone
    assert "(parley wrote to you (U0LOCALUSER of T0LOCAL): `/as T0LOCAL you` shows it)" in out[pressed:]
    back = after("you (ana)> /as T0LOCAL you", pressed)
    assert out[back:back + 2] == ["(you are U0LOCALUSER of T0LOCAL, in your DM with the bot)",
                                  "parley> @ana approved your request: you have access to *grafana* now."]
    reminder = after("you> remind me in 10 minutes to stretch", back)
    assert out[reminder] == "parley> OK: in 10 minutes I'll remind you to stretch."
    assert out[reminder + 1:] == ["you> /wait", "parley> Reminder: you asked me to remind you to stretch."]
    assert not any(port_open(int(port)) for port in ports.values())
