"""`make run`: start the local stack and chat with the bot; stop everything on Ctrl-C or end of input.

On a terminal it prompts; otherwise it reads one message a line and prints each reply, so
`printf 'hello\\nhelp\\n' | make run` works. Progress and errors go to stderr, the chat to stdout.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from bot.local.chat import Said, SlackChat
from bot.local.slack_standin import StandInClient
from bot.local.stack import ROOT, LocalStack
from bot.settings import Settings

LOG_DIR = ROOT / ".parley" / "logs"
USAGE = ("Type to DM the bot (try `help`); `@parley ...` mentions it in a channel, `/parley ...` is the slash\n"
         "command, a number presses that button, `/top` leaves a thread. Ctrl-D or Ctrl-C ends.")


def _show(said: list[Said]) -> None:
    number = 0
    for each in said:
        print(f"parley{' (edited)' if each.edited else ''}> {each.text}", flush=True)
        if each.buttons:
            labels = []
            for label in each.buttons:
                number += 1
                labels.append(f"[{number}] {label}")
            print("        " + "  ".join(labels), flush=True)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the stack's cleanup


def _lines(chat: SlackChat, interactive: bool) -> Iterator[str]:
    while True:
        try:
            prompt = "you> " if chat.where == "dm" else f"you ({chat.where})> "
            line = input(prompt) if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        line = line.strip()
        if line:
            yield line


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    settings = Settings()
    interactive = sys.stdin.isatty()
    for old in LOG_DIR.glob("*.log"):
        old.unlink()
    print(f"Starting moto server, the Slack stand-in and serverless offline (logs in {LOG_DIR.relative_to(ROOT)}/)...",
          file=sys.stderr, flush=True)
    try:
        with LocalStack(settings, LOG_DIR) as stack:
            stack.wait_until_polling()
            chat = SlackChat(stack.ingress_url, settings.signing_secret.get_secret_value(),
                             StandInClient(stack.slack_url), stack.slack_url)
            print(f"Parley is up: Slack events at {stack.ingress_url}.\n{USAGE}", file=sys.stderr, flush=True)
            for text in _lines(chat, interactive):
                if not interactive:
                    print(f"you> {text}", flush=True)
                try:
                    _show(chat.say(text))
                except (RuntimeError, TimeoutError) as error:
                    print(f"parley (no reply): {error}", flush=True)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except (RuntimeError, TimeoutError) as error:
        print(f"The local stack did not start: {error}", file=sys.stderr)
        _show_tail(LOG_DIR)
        return 1
    return 0


def _show_tail(log_dir: Path, lines: int = 15) -> None:
    for log in sorted(log_dir.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        if tail:
            print(f"--- {log.name} (last {len(tail)} lines)", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
