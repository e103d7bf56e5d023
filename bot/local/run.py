"""`make run`: start the local stack and talk to the bot; stop everything on Ctrl-C or end of input.

`make run` plays a Slack user (`bot.local.chat`); `make run CHANNEL=lex` a Lex caller, through the
local Lex emulator and the `lex` function (`VOICE=1` speaks the bot's SSML with espeak-ng). On a
terminal it prompts; otherwise it reads one line at a time and prints each reply, so
`printf 'hello\\nhelp\\n' | make run` works. Progress and errors go to stderr, the conversation to stdout.

`PARLEY_SLACK_MODE=oauth make run` runs the stage in oauth mode: the app starts installed nowhere, `/install T0BETA`
(or an org, `/install E0GRID`) installs it through the real `/slack/install` and `/slack/oauth_redirect`, `/as T0BETA`
types as a person of that workspace, `/uninstall T0BETA` removes it. `PARLEY_LOCAL_TOKEN_TTL=30` turns Slack's token
rotation on, every token expiring after 30 s.

Workflows write when they are ready, to you and to others: bot/local/inbox.py shows their DMs in the DM of whoever you
are (`/as T0LOCAL ana` to approve as ana), and `/wait` lets piped input wait for them. An hour of a workflow lasts
PARLEY_WORKFLOW_SECONDS_PER_HOUR seconds (1 by default).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Protocol

from bot.channels.lex.caller import ATTRIBUTE as CALLER_ATTRIBUTE
from bot.channels.lex.caller import sign_caller
from bot.local.chat import Said, SlackChat
from bot.local.direct_messages import DirectMessages, Person, people
from bot.local.home_chat import HomeChat
from bot.local.inbox import Inbox, mentions
from bot.local.install import Installer
from bot.local.lex_emulator import LexEmulator, load_bot
from bot.local.slack_events import LOCAL_TEAM
from bot.local.stack import ROOT, LocalStack
from bot.local.standin.client import StandInClient
from bot.observability import trace
from bot.observability.recorder import recorder_on
from bot.settings import Settings

LOG_DIR = ROOT / ".parley" / "logs"
RECORDINGS = ROOT / ".parley" / "recordings"  # the flight recorder's files, one a run (`make replay FILE=...`)
GOODBYE = "Goodbye: the local stack is stopped."
SLACK_USAGE = ("Type to DM the bot (try `help`); `@parley ...` mentions it in a channel, `/parley ...` is the\n"
               "slash command, a number presses that button, `/top` leaves a thread, `/assistant` opens an\n"
               "assistant thread (Slack's AI split view). Ctrl-D or Ctrl-C ends.\n"
               "`/home` shows the app's Home tab; `/step <intent> name=value ...` runs a Workflow Builder step.\n"
               "`/trace` shows the last message's path through the functions, with the time each step took.")
WORKSPACE_USAGE = ("`/workspaces` lists the local Slack's workspaces and where the app is installed;\n"
                   "`/as <team> [user]` types as a person of another workspace (or of this one: `/as T0LOCAL ana`).")
WORKFLOW_USAGE = ("Workflows: `request access to grafana` asks ana (`/as T0LOCAL ana` reads her DM, `1` approves;\n"
                  "`/as T0LOCAL you` comes back), `remind me in 10 minutes to stretch`. An hour of theirs is a second\n"
                  "here: `/wait` waits until they wait for someone, `/wait 5` lets 5 s pass first.")
OAUTH_USAGE = ("oauth mode: the app is installed nowhere yet. `/install <team>` installs it into a workspace (try\n"
               "`/install T0LOCAL`, then `/install T0BETA`), `/install <org>` org-wide (`/install E0GRID`), through\n"
               "/slack/install and /slack/oauth_redirect as a browser would; `/uninstall <team or org>` removes it.")
LEX_USAGE = ("You are a Lex caller (try `help`, `open a ticket`, `count primes below 300000000`, then `status`);\n"
             "a number presses that card button. `/slack <text>` says something to the bot in Slack instead (try\n"
             "`/slack link voice`, then `link <code>` here); `/caller +15550100` makes the client vouch for your\n"
             "number as Amazon Connect would; `/hangup` starts a new call. What any Lex client may do, so may you:\n"
             "`/set name=value` sets a session attribute, `/session <id>` picks the session id (neither makes you\n"
             "anyone). Ctrl-D or Ctrl-C ends.")


class Conversation(Protocol):
    def prompt(self) -> str: ...
    def take(self, line: str) -> None: ...
    def close(self) -> None: ...


def _buttons(labels: list[str]) -> str:
    return "        " + "  ".join(f"[{number}] {label}" for number, label in enumerate(labels, 1))


class SlackConversation:
    def __init__(self, stack: LocalStack, *, interactive: bool = False, lex: bool = False) -> None:
        settings = stack.settings
        self.standin = StandInClient(stack.slack_url)
        self.chat = SlackChat(stack.ingress_url, settings.signing_secret.get_secret_value(),
                              self.standin, stack.slack_url,
                              worker_log=stack.log_dir / "offline.log", on_said=self._show)
        self.installer = Installer(f"http://127.0.0.1:{settings.http_port}", self.standin) if stack.oauth else None
        self.speaker = "parley"
        self.labels: list[str] = []
        self.home = HomeChat(self.chat, say=lambda text: print(text, flush=True))  # /home, /step (home_chat.py)
        self.log_dir = stack.log_dir
        self.interactive = interactive
        self.typing = True  # the prompt is showing: a DM arriving now is printed above it (inbox.py)
        self.shown_prompt = self.prompt  # the prompt on the screen (the Lex caller's, in `make run CHANNEL=lex`)
        known = people(self.standin)
        self.names = {person.user: person.name for person in known.values()}
        # who `/as <team>` becomes: the prompt names anyone else (`you (ana)>`)
        self.firsts = {next(each.user for each in known.values() if each.team == team)
                       for team in {each.team for each in known.values()}}
        self.dms = DirectMessages(self.standin, self._arrived)
        self.inbox = Inbox(self.chat, self.names, stack.workflow_watch().busy, self.dms.poll_once,
                           print_line=self._print, speaker="parley (slack)" if lex else "parley",
                           command_prefix="/slack " if lex else "")
        self.chat.dms = self.dms
        self.dms.start()

    def close(self) -> None:
        self.dms.stop()

    def _arrived(self, person: Person, said: Said) -> None:
        self.home.at_home = False  # a number now presses the new message's buttons, not the Home's
        self.inbox.arrived(person, said)

    def _print(self, line: str) -> None:
        """A line of the conversation; one that arrives while you type is printed above your prompt and what you
        have typed so far."""
        if not (self.interactive and self.typing and threading.current_thread() is not threading.main_thread()):
            print(line, flush=True)
            return
        import readline

        sys.stdout.write(f"\r\x1b[K{line}\n{self.shown_prompt()}{readline.get_line_buffer()}")
        sys.stdout.flush()

    def prompt(self) -> str:
        where = "" if self.chat.where == "dm" else self.chat.where
        who = self.chat.who
        team = "" if who.team == LOCAL_TEAM else who.team
        name = "" if who.user in self.firsts else self.names.get(who.user, who.user)
        shown = ", ".join(part for part in (name, team, where) if part)
        return f"you ({shown})> " if shown else "you> "

    def installed_here(self) -> bool:
        """Whether the app is installed in the workspace the chat types in (its own install, or its org's)."""
        who = self.chat.who
        return any((each.get("team") or {}).get("id") == who.team
                   or (each.get("is_enterprise_install") and (each.get("enterprise") or {}).get("id") == who.enterprise
                       and who.enterprise)
                   for each in self.standin.installations())

    def local_command(self, line: str) -> bool:
        """The chat's own commands (workspaces, installs): True when `line` was one of them."""
        command, _, rest = line.partition(" ")
        args = rest.split()
        if command == "/workspaces":
            print(describe_workspaces(self.standin), flush=True)
        elif command == "/as" and args:
            with self.inbox.lock:
                self.inbox.leaving()
                who = self.chat.become(args[0], args[1] if len(args) > 1 else None)
                print(f"(you are {who.user} of {who.team}, in your DM with the bot)", flush=True)
                self.inbox.became()  # their unread DMs, numbered
        elif command == "/trace":
            print(self.trace(args[0] if args else self.chat.last_correlation_id), flush=True)
        elif command in ("/install", "/uninstall") and args:
            if self.installer is None:
                print("(single mode: the app is installed in T0LOCAL only; start with PARLEY_SLACK_MODE=oauth to "
                      "install it elsewhere)", flush=True)
            elif command == "/install":
                team, enterprise = (None, args[0]) if args[0].startswith("E") else (args[0], None)
                result = self.installer.install(team, enterprise, user=args[1] if len(args) > 1 else None)
                print(f"(install {'done' if result.ok else 'failed'}: {result.page})", flush=True)
            else:
                team, enterprise = (None, args[0]) if args[0].startswith("E") else (args[0], None)
                self.standin.uninstall(team, enterprise)
                print(f"(the app is removed from {args[0]}; Slack told the bot: app_uninstalled, tokens_revoked)",
                      flush=True)
        else:
            return False
        return True

    def trace(self, correlation_id: str | None) -> str:
        """`/trace [id]`: the path of the last message (or of `id`) through the functions, as `make trace` prints it."""
        if not correlation_id:
            return "(nothing to trace yet: say something first)"
        return trace.render(trace.trace_local(correlation_id, self.log_dir))

    def _show(self, said: Said) -> None:
        """Each thing the bot says, as it says it (a long count's progress included)."""
        mark = " (streaming)" if said.streaming else " (edited)" if said.edited else ""
        print(f"{self.speaker}{mark}> {mentions(said.shown, self.names)}", flush=True)
        self.labels.extend(said.buttons)

    def take(self, line: str, speaker: str = "parley") -> None:
        self.typing = False
        try:
            self._take(line, speaker)
        finally:
            self.typing = True

    def _take(self, line: str, speaker: str) -> None:
        self.speaker, self.labels = speaker, []
        if self.local_command(line) or self.inbox.take(line) or self.home.take(line):
            return
        if not self.chat.say(line) and not line.startswith("/top"):
            if self.installer is not None and not self.installed_here():
                print(f"{speaker}> (nothing: the app is not installed in {self.chat.who.team}; `/install "
                      f"{self.chat.who.team}` installs it)", flush=True)
                return
            print(f"{speaker}> (nothing: in a channel thread the bot answers a mention, or the answer to its own "
                  "question; `@parley ...` mentions it, `/top` goes back to the DM)", flush=True)
        if self.labels:
            print(_buttons(self.labels), flush=True)


class LexConversation:
    def __init__(self, stack: LocalStack, voice: bool, *, interactive: bool = False) -> None:
        self.lex = LexEmulator(invoke=stack.invoker("lex"), intents=load_bot(), spoken=voice)
        # `/slack ...`: the same person, typing in Slack
        self.slack = SlackConversation(stack, interactive=interactive, lex=True)
        self.slack.shown_prompt = self.prompt
        self.caller_key = stack.settings.lex_caller_key() or ""
        self.speaker = shutil.which("espeak-ng") if voice else None
        if voice and not self.speaker:
            print("Voice: espeak-ng is not installed, so replies are printed, not spoken "
                  "(apt-get install espeak-ng to hear them). Turns are still sent as speech.", file=sys.stderr)

    def prompt(self) -> str:
        return "caller> "

    def close(self) -> None:
        self.slack.close()

    def take(self, line: str) -> None:
        self.slack.typing = False  # the Slack DMs that arrive meanwhile print as lines of their own
        try:
            self._take(line)
        finally:
            self.slack.typing = True

    def _take(self, line: str) -> None:
        command, _, rest = line.partition(" ")
        if command == "/slack" and rest.strip():
            self.slack.take(rest.strip(), speaker="parley (slack)")
            return
        if command == "/caller" and rest.strip():
            assertion = sign_caller(f"tel:{rest.strip()}", self.caller_key)
            self.lex.request_attributes[CALLER_ATTRIBUTE] = assertion
            print(f"(the client now vouches that you are calling from {rest.strip()})", flush=True)
            return
        if command == "/hangup":
            self.lex.new_session()
            print("(a new call: a new Lex session)", flush=True)
            return
        if command == "/set" and "=" in rest:
            name, _, value = rest.strip().partition("=")
            self.lex.session_attributes[name.strip()] = value.strip()
            print(f"(session attribute {name.strip()} set, as any Lex client could)", flush=True)
            return
        if command == "/session" and rest.strip():
            self.lex.new_session()
            self.lex.session_id = rest.strip()
            print(f"(a new call with the session id {rest.strip()}, as any Lex client could choose)", flush=True)
            return
        shown = None
        for each in self.lex.say(line):
            if each.text != shown:  # a card's title repeats the question it offers choices for
                print(f"parley> {each.text}", flush=True)
                shown = each.text
            if each.buttons:
                print(_buttons([label for label, _ in each.buttons]), flush=True)
            if self.speaker and each.ssml:
                # -m reads SSML; a machine without a sound device fails here, which only costs the sound
                subprocess.run([self.speaker, "-m", each.ssml], check=False, capture_output=True, timeout=60)


def describe_workspaces(standin: StandInClient) -> str:
    """The local Slack's workspaces, their people, and where the app is installed."""
    installed = standin.installations()
    teams = {(each.get("team") or {}).get("id") for each in installed if not each.get("is_enterprise_install")}
    orgs = {(each.get("enterprise") or {}).get("id") for each in installed if each.get("is_enterprise_install")}
    directory = standin.workspaces()
    lines = []
    for workspace in directory["workspaces"]:
        org = workspace.get("enterprise_id")
        how = ("installed" if workspace["id"] in teams else f"installed org-wide ({org})" if org in orgs
               else "not installed")
        people = ", ".join(f"{each['id']} ({each['name']})" for each in workspace["users"])
        lines.append(f"  {workspace['id']} {workspace.get('name', '')}{f' of {org}' if org else ''}: {how}; "
                     f"people: {people}")
    return "\n".join(["(workspaces of the local Slack)", *lines])


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the stack's cleanup


def _stop_on_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C is how a person ends the chat: unwind through the stack's cleanup once, and let a second press not
    cut that cleanup short (the children would be left running)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _lines(conversation: Conversation, interactive: bool) -> Iterator[str]:
    while True:
        try:
            line = input(conversation.prompt()) if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        line = line.strip()
        if line:
            yield line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__.split("\n")[0])
    parser.add_argument("--channel", choices=("slack", "lex"), default="slack")
    parser.add_argument("--voice", action="store_true", help="Lex: send turns as speech and speak the replies")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGINT, _stop_on_ctrl_c)
    settings = Settings()
    token_ttl = int(os.environ.get("PARLEY_LOCAL_TOKEN_TTL") or 0) or None
    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401 - input() then edits lines, and a DM arriving as you type redraws what you typed
    for old in LOG_DIR.glob("*.log"):
        old.unlink()
    print("Starting moto server, the Slack stand-in, the workflows emulator and serverless offline "
          f"(logs in {LOG_DIR.relative_to(ROOT)}/)...", file=sys.stderr, flush=True)
    try:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        recording = Path(settings.recording_file or RECORDINGS / f"{stamp}-{settings.stage}.jsonl")
        with LocalStack(settings, LOG_DIR, token_ttl=token_ttl if settings.slack_mode == "oauth" else None,
                        recording=recording) as stack:
            stack.wait_until_polling()
            conversation: Conversation
            if options.channel == "lex":
                conversation = LexConversation(stack, options.voice, interactive=interactive)
                print(f"Parley is up: the lex function via the Lex emulator.\n{LEX_USAGE}", file=sys.stderr)
            else:
                conversation = SlackConversation(stack, interactive=interactive)
                usage = (f"{SLACK_USAGE}\n{WORKSPACE_USAGE}\n{WORKFLOW_USAGE}"
                         + (f"\n{OAUTH_USAGE}" if stack.oauth else ""))
                print(f"Parley is up: Slack events at {stack.ingress_url}.\n{usage}", file=sys.stderr)
                if stack.web_api_url != settings.local_slack_api_url:
                    print(f"Replies go to {stack.web_api_url} (PARLEY_REAL_SLACK=1): talk to the bot in your Slack "
                          "workspace, through your tunnel to the URL above.", file=sys.stderr)
            _say_where_recorded(recording, stack.settings)
            try:
                _converse(conversation, interactive)
            finally:
                conversation.close()
    except KeyboardInterrupt:
        # Ctrl-C is the ordinary way out of the chat, as Ctrl-D is: a goodbye and exit 0, so make adds no error line
        print(f"\n{GOODBYE}", file=sys.stderr, flush=True)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"The local stack did not start: {error}", file=sys.stderr)
        _show_tail(LOG_DIR)
        return 1
    return 0


def _converse(conversation: Conversation, interactive: bool) -> None:
    for text in _lines(conversation, interactive):
        if not interactive:
            print(f"{conversation.prompt()}{text}", flush=True)
        try:
            conversation.take(text)
        except (RuntimeError, TimeoutError, OSError) as error:
            print(f"parley (no reply): {error}", flush=True)


def _say_where_recorded(recording: Path, settings: Settings) -> None:
    if recorder_on(settings.stage, settings.flight_recorder, str(recording)):  # the file the stack hands the worker
        shown = recording.relative_to(ROOT) if recording.is_relative_to(ROOT) else recording
        print(f"Recording each turn (PARLEY_FLIGHT_RECORDER=off turns it off); replay them: make replay FILE={shown}",
              file=sys.stderr)


def _show_tail(log_dir: Path, lines: int = 15) -> None:
    for log in sorted(log_dir.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        if tail:
            print(f"--- {log.name} (last {len(tail)} lines)", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
