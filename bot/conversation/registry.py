"""The registry of intents: declared with `@intent(...)`, recognised by `Registry.recogniser()`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from bot.conversation.intent import Handler, Intent, make_intent
from bot.conversation.slots import Slot
from bot.text import normalize

if TYPE_CHECKING:  # the recogniser is built on first use: the ingress's form path imports this module
    from bot.conversation.recogniser import Recogniser


class Registry:
    def __init__(self) -> None:
        self._intents: dict[str, Intent] = {}
        self._recogniser: Recogniser | None = None

    def add(self, intent: Intent) -> Intent:
        if intent.name in self._intents:
            raise ValueError(f"intent {intent.name!r} is declared twice")
        taken = {normalize(example).lower(): other.name for other in self for example in other.examples}
        for example in intent.examples:
            owner = taken.get(normalize(example).lower())
            if owner:
                raise ValueError(f"example {example!r} of {intent.name!r} is already an example of {owner!r}")
        self._intents[intent.name] = intent
        self._recogniser = None  # rebuilt on the next recognition
        return intent

    def intent(self, name: str, *, description: str, examples: Sequence[str], slots: Sequence[Slot] = (),
               confirm: str | None = None, shortcut: str | None = None, slow: bool = False,
               hidden: bool = False, title: str = "", public: bool = False,
               synonyms: Mapping[str, Sequence[str]] | None = None, feedback: bool = False, home: bool = False,
               workflow_step: bool = False) -> Callable[[Handler], Handler]:
        """Declare an intent.

        Args:
            name: lower_snake_case, unique; what logs, Lex and Slack's form ids call it.
            description: one sentence for help ("Roll a die with as many sides as you like.").
            examples: what people say; `{slot}` marks where a slot's words go.
            slots: the values the intent needs (`Slot(name, type, prompt=...)`), asked for when missing.
            confirm: a yes/no question asked before the handler runs, with `{slot}` values filled in.
            shortcut: the name of a Slack shortcut that opens the intent as a form.
            slow: takes seconds: a voice caller is answered at once and told the result later.
            hidden: left out of help (tools for operators and tests).
            title: what people call it in help and in "Did you mean ...?" ("Open a ticket"); default: its name.
            public: a slash command's answer is shown to the channel, not only to who asked (a die roll).
            synonyms: other words people use for words of the examples, this intent's own
                (`{"ticket": ["issue", "bug"]}`; general English such as create/open is known already).
            feedback: its answers in Slack carry thumbs up / down buttons, and each click is logged for this
                intent (`"feedback"`: intent, positive or negative, workspace, channel; never what anyone typed).
                Answers in Slack's assistant threads carry them anyway. Pressing one never runs the intent again:

                    @intent("forecast", description="Tomorrow's weather.", examples=["weather tomorrow"],
                            feedback=True)
                    def forecast() -> Reply:
                        return Reply("Sunny, 21°C.")
            home: its answer is shown on the app's Home tab to whoever opens it, run for them with no slots (a
                view of their own things: their tickets). It may have optional slots only.
            workflow_step: a custom step in Slack's Workflow Builder (the manifest's `functions`): its slots are
                the step's inputs, its reply's text the output `text`; a handler that raises, or inputs its slots
                refuse, end the step with an error. No confirmation is asked: the workflow's builder chose it.

        The handler asks for what it needs by parameter name: `turn`, a slot's name (its parsed value), or a
        service (`tickets`, `jobs`, `links`, ...):

            @intent("roll", description="Roll a die.", examples=["roll {sides}"],
                    slots=[Slot("sides", Number(minimum=2), prompt="How many sides?")])
            def roll(sides: int) -> Reply:
                return Reply(f"You rolled a {random.randint(1, sides)}.")

        The same roll as a Workflow Builder step, and a list shown on the Home tab:

            @intent("roll", description="Roll a die.", examples=["roll {sides}"], workflow_step=True,
                    slots=[Slot("sides", Number(minimum=2), prompt="How many sides?")])
            def roll(sides: int) -> Reply: ...

            @intent("my_tickets", description="List your tickets.", examples=["my tickets"], home=True)
            def my_tickets(turn: Turn, tickets: TicketStore) -> Reply: ...
        """

        def register(handler: Handler) -> Handler:
            self.add(make_intent(name, handler, description=description, examples=examples, slots=slots,
                                 confirm=confirm, shortcut=shortcut, slow=slow, hidden=hidden, title=title,
                                 public=public, synonyms=synonyms, feedback=feedback, home=home,
                                 workflow_step=workflow_step))
            return handler

        return register

    def needs(self) -> dict[str, list[str]]:
        """Each service some intent asks for, and which intents ask for it."""
        wanted: dict[str, list[str]] = {}
        for declared in self:
            for need in declared.needs:
                wanted.setdefault(need, []).append(declared.name)
        return wanted

    def __iter__(self) -> Iterator[Intent]:
        return iter(self._intents.values())

    def __len__(self) -> int:
        return len(self._intents)

    def get(self, name: str) -> Intent | None:
        return self._intents.get(name)

    def recogniser(self) -> Recogniser:
        """The recogniser of these intents: the packaged one when it was built from them (a cold start's ~55 ms
        saved: `bot.conversation.recogniser_cache`), else built on first use, and again after an intent is added."""
        if self._recogniser is None:
            from bot.conversation.recogniser import Recogniser
            from bot.conversation.recogniser_cache import load

            self._recogniser = load(self) or Recogniser(self)
        return self._recogniser

    def clear(self) -> None:
        """Forget every intent (the local kit declares them again when their files change)."""
        self._intents.clear()
        self._recogniser = None


# The registry `intents/` declares into; the worker, the Lex hook and the console all read it.
registry = Registry()
intent = registry.intent
