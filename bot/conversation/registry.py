"""The registry of intents: declared with `@intent(...)`, matched by `Registry.match`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from bot.conversation.intent import Handler, Intent, make_intent
from bot.conversation.matcher import Match, Matcher, normalize
from bot.conversation.slots import Slot


class Registry:
    def __init__(self) -> None:
        self._intents: dict[str, Intent] = {}
        self._matcher: Matcher | None = None

    def add(self, intent: Intent) -> Intent:
        if intent.name in self._intents:
            raise ValueError(f"intent {intent.name!r} is declared twice")
        taken = {normalize(example).lower(): other.name for other in self for example in other.examples}
        for example in intent.examples:
            owner = taken.get(normalize(example).lower())
            if owner:
                raise ValueError(f"example {example!r} of {intent.name!r} is already an example of {owner!r}")
        self._intents[intent.name] = intent
        self._matcher = None  # rebuilt on the next match
        return intent

    def intent(self, name: str, *, description: str, examples: Sequence[str], slots: Sequence[Slot] = (),
               confirm: str | None = None, shortcut: str | None = None,
               slow: bool = False) -> Callable[[Handler], Handler]:
        """Declare an intent: `@registry.intent("roll", description=..., examples=["roll {sides}"], slots=[...])`.

        `confirm` is asked (yes/no) before the handler runs; `shortcut` names a Slack shortcut that opens
        the intent as a form; `slow` intents are queued rather than run while a voice caller waits.
        """

        def register(handler: Handler) -> Handler:
            self.add(make_intent(name, handler, description=description, examples=examples, slots=slots,
                                 confirm=confirm, shortcut=shortcut, slow=slow))
            return handler

        return register

    def __iter__(self) -> Iterator[Intent]:
        return iter(self._intents.values())

    def __len__(self) -> int:
        return len(self._intents)

    def get(self, name: str) -> Intent | None:
        return self._intents.get(name)

    def match(self, text: str) -> Match | None:
        if self._matcher is None:
            self._matcher = Matcher(self)
        return self._matcher.match(text)


# The registry `intents/` declares into; the worker, the Lex hook and the console all read it.
registry = Registry()
intent = registry.intent
