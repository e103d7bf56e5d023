"""A small Amazon Lex V2 runtime for the laptop, driven by the generated bot definition (`lex/bot.yml`).

It does what Lex does between a caller and the code hook, in Lex's order: recognise the intent from
the bot's sample utterances, fill slots from the utterance and resolve them by slot type, call the
code hook as a DialogCodeHook on every turn, follow its dialog action (Delegate: elicit the next
required slot by priority with the bot's own prompt, then fulfil; ElicitSlot; ConfirmIntent; Close;
ElicitIntent), then call it as a FulfillmentCodeHook. The hook is invoked as Lex would invoke it:
through a function given to the emulator, which for `make run` is serverless offline's Lambda invoke
endpoint (`bot.local.lambda_api`).

What it leaves out: real speech recognition, NLU confidence scores, contexts, and Lex's own retry
limits.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.conversation.slots import NUMBER_WORDS
from bot.local.lambda_api import Invoke
from bot.text import normalize

BOT_DEFINITION = Path(__file__).resolve().parents[2] / "lex" / "bot.yml"
FALLBACK = "FallbackIntent"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads a CloudFormation template: !GetAtt, !Ref, !Sub and friends become plain values."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@dataclass
class SlotSpec:
    name: str
    type_name: str
    required: bool
    prompt: str
    values: tuple[str, ...] = ()  # a custom slot type's values


@dataclass
class IntentSpec:
    name: str
    utterances: list[re.Pattern[str]]
    slots: list[SlotSpec]  # in Lex's slot priority order
    confirmation_prompt: str | None = None
    declination: str | None = None

    def slot(self, name: str) -> SlotSpec | None:
        return next((slot for slot in self.slots if slot.name == name), None)


def _first_message(specification: dict[str, Any] | None) -> str | None:
    groups = (specification or {}).get("MessageGroupsList") or []
    message = groups[0]["Message"] if groups else {}
    return (message.get("PlainTextMessage") or {}).get("Value") or (message.get("SSMLMessage") or {}).get("Value")


def _utterance_pattern(utterance: str) -> re.Pattern[str]:
    parts = re.split(r"\{([A-Za-z0-9_]+)\}", normalize(utterance))
    regex = "".join(f"(?P<{part}>.+?)" if index % 2 else r"\s+".join(map(re.escape, part.split(" ")))
                    for index, part in enumerate(parts))
    return re.compile(regex, re.IGNORECASE)


def load_bot(path: Path = BOT_DEFINITION, locale: str = "en_US") -> dict[str, IntentSpec]:
    """The intents of the generated Lex bot, as this emulator needs them."""
    template = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506 - SafeLoader subclass
    bot = next(resource for resource in template["Resources"].values() if resource["Type"] == "AWS::Lex::Bot")
    bot_locale = next(each for each in bot["Properties"]["BotLocales"] if each["LocaleId"] == locale)
    slot_types = {each["Name"]: tuple(value["SampleValue"]["Value"] for value in each.get("SlotTypeValues", []))
                  for each in bot_locale.get("SlotTypes", [])}
    intents: dict[str, IntentSpec] = {}
    for declared in bot_locale["Intents"]:
        order = {each["SlotName"]: each["Priority"] for each in declared.get("SlotPriorities", [])}
        slots = [
            SlotSpec(
                name=slot["Name"],
                type_name=slot["SlotTypeName"],
                required=slot["ValueElicitationSetting"]["SlotConstraint"] == "Required",
                prompt=_first_message(slot["ValueElicitationSetting"].get("PromptSpecification")) or slot["Name"],
                values=slot_types.get(slot["SlotTypeName"], ()),
            )
            for slot in sorted(declared.get("Slots", []), key=lambda slot: order.get(slot["Name"], 99))
        ]
        confirmation = declared.get("IntentConfirmationSetting") or {}
        intents[declared["Name"]] = IntentSpec(
            name=declared["Name"],
            utterances=[_utterance_pattern(each["Utterance"]) for each in declared.get("SampleUtterances", [])],
            slots=slots,
            confirmation_prompt=_first_message(confirmation.get("PromptSpecification")),
            declination=_first_message(confirmation.get("DeclinationResponse") or {}),
        )
    return intents


def _resolve(slot: SlotSpec, text: str) -> dict[str, Any]:
    """A slot value as Lex fills it: the words heard, and what they resolve to when the type knows them."""
    value: dict[str, Any] = {"originalValue": text, "resolvedValues": []}
    cleaned = text.strip().lower()
    resolved: str | None = None
    if slot.values:
        resolved = next((each for each in slot.values if each.lower() == cleaned), None)
    elif slot.type_name == "AMAZON.Number":
        resolved = str(NUMBER_WORDS[cleaned]) if cleaned in NUMBER_WORDS else (
            cleaned if re.fullmatch(r"-?\d+", cleaned) else None)
    else:
        resolved = text.strip()
    if resolved is not None:  # unresolved words keep only their originalValue, as in Lex
        value.update(interpretedValue=resolved, resolvedValues=[resolved])
    return {"shape": "Scalar", "value": value}


# Lex's built-in reading of a confirmation answer (it recognises a plain yes or no, and little else)
YES = frozenset({"yes", "yeah", "yep", "sure", "ok", "okay", "yes please", "correct"})
NO = frozenset({"no", "nope", "nah", "no thanks"})


def _ssml_as_text(ssml: str) -> str:
    """What an SSML document says, to print: a space where each tag was (sentences must not run together), the
    entities decoded (`&apos;` is an apostrophe), the spacing tidied."""
    spoken = html.unescape(re.sub(r"<[^>]+>", " ", ssml))
    return re.sub(r"\s+([.,!?;:])", r"\1", " ".join(spoken.split()))


@dataclass
class Said:
    text: str
    ssml: str | None = None
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (text, value)


@dataclass
class LexEmulator:
    invoke: Invoke
    intents: dict[str, IntentSpec]
    spoken: bool = False
    session_id: str = field(default_factory=lambda: "local-" + os.urandom(6).hex())
    session_attributes: dict[str, str] = field(default_factory=dict)
    # What the client sends with every turn: a trusted client's signed caller assertion (bot.channels.lex.caller)
    request_attributes: dict[str, str] = field(default_factory=dict)
    intent: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    awaiting: str | None = None  # a slot's name, "confirmation", or None
    confirmation: str = "None"
    last_buttons: list[tuple[str, str]] = field(default_factory=list)
    invocations: list[dict[str, Any]] = field(default_factory=list)  # every event sent to the hook (tests)

    def say(self, text: str) -> list[Said]:
        """One caller turn; returns what the bot says back."""
        if text.strip().isdigit() and self.last_buttons:
            number = int(text.strip())
            if 1 <= number <= len(self.last_buttons):
                text = self.last_buttons[number - 1][1]  # pressing a card button says its value
        said_normal = normalize(text).lower()
        if self.awaiting == "confirmation":
            # Lex's own reading of a plain yes or no; anything else ("no wait, make it normal") reaches the hook as
            # it was said, with the confirmation still open, for the hook to read
            self.confirmation = "Confirmed" if said_normal in YES else "Denied" if said_normal in NO else "None"
        elif self.awaiting and self.intent:
            slot = self.intents[self.intent].slot(self.awaiting)
            if slot:
                self.slots[slot.name] = _resolve(slot, text)
        else:
            self._recognise(text)
        return self._show(self._run(text))

    def _recognise(self, text: str) -> None:
        self._reset()
        cleaned = normalize(text)
        best: tuple[int, str, dict[str, str]] | None = None
        for spec in self.intents.values():
            for pattern in spec.utterances:
                found = pattern.fullmatch(cleaned)
                if found:
                    score = len(pattern.pattern)
                    if best is None or score > best[0]:
                        best = (score, spec.name, found.groupdict())
        self.intent = best[1] if best else FALLBACK
        spec = self.intents.get(self.intent)
        for name, words in (best[2] if best else {}).items():
            slot = spec.slot(name) if spec else None
            if slot:
                self.slots[name] = _resolve(slot, words)

    def new_session(self) -> None:
        """Hang up and call again: a new Lex session, nothing carried over but the client's request attributes."""
        self._reset()
        self.session_id = "local-" + os.urandom(6).hex()
        self.session_attributes = {}

    def _reset(self) -> None:
        self.intent, self.slots, self.awaiting, self.confirmation = None, {}, None, "None"

    def _run(self, transcript: str) -> list[Said]:
        said: list[Said] = []
        source = "DialogCodeHook"
        for _ in range(10):  # a hook that keeps delegating without progress must not loop forever
            response = self._call(source, transcript)
            said.extend(self._messages(response))
            state = response.get("sessionState") or {}
            if "sessionAttributes" in state:  # Lex keeps what the hook answered, removals included
                self.session_attributes = dict(state["sessionAttributes"] or {})
            action = (state.get("dialogAction") or {}).get("type")
            intent_state = state.get("intent") or {}
            if intent_state.get("name") in self.intents:  # the hook may move the dialog to another intent
                self.intent = intent_state["name"]
            if intent_state.get("slots") is not None:
                self.slots = {name: value for name, value in intent_state["slots"].items() if value}
            if action in ("Close", "ElicitIntent") or source == "FulfillmentCodeHook":
                self._reset()
                return said
            if action == "ElicitSlot":
                self.awaiting = state["dialogAction"]["slotToElicit"]
                if not response.get("messages"):
                    spec = self.intents[self.intent or FALLBACK]
                    said.append(Said(spec.slot(self.awaiting).prompt if spec.slot(self.awaiting) else "?"))
                return said
            if action == "ConfirmIntent":
                self.awaiting = "confirmation"
                return said
            # Delegate: Lex's own next step
            spec = self.intents.get(self.intent or FALLBACK)
            missing = [slot for slot in (spec.slots if spec else []) if slot.required and slot.name not in self.slots]
            if missing:
                self.awaiting = missing[0].name
                said.append(Said(missing[0].prompt))
                return said
            if spec and spec.confirmation_prompt and self.confirmation == "None":
                self.awaiting = "confirmation"
                said.append(Said(spec.confirmation_prompt))
                return said
            if self.confirmation == "Denied":
                said.append(Said((spec.declination if spec else None) or "Okay."))
                self._reset()
                return said
            source = "FulfillmentCodeHook"
        self._reset()
        return said

    def _call(self, source: str, transcript: str) -> dict[str, Any]:
        event = self.event(source, transcript)
        self.invocations.append(event)
        return self.invoke(event)

    def event(self, source: str, transcript: str) -> dict[str, Any]:
        """A Lex V2 code-hook event (messageVersion 1.0) for the dialog's state."""
        spec = self.intents.get(self.intent or FALLBACK)
        slots = {slot.name: self.slots.get(slot.name) for slot in (spec.slots if spec else [])}
        intent = {"name": self.intent or FALLBACK, "slots": slots, "state": "InProgress",
                  "confirmationState": self.confirmation}
        return {
            "messageVersion": "1.0",
            "invocationSource": source,
            "inputMode": "Speech" if self.spoken else "Text",
            "responseContentType": "audio/pcm" if self.spoken else "text/plain; charset=utf-8",
            "sessionId": self.session_id,
            "inputTranscript": transcript,
            "bot": {"id": "PARLEYLOCAL", "name": "parley-local", "localeId": "en_US", "version": "DRAFT",
                    "aliasId": "TSTALIASID", "aliasName": "TestBotAlias"},
            "interpretations": [{"intent": intent, "interpretationSource": "Lex",
                                 **({"nluConfidence": 0.9} if self.intent != FALLBACK else {})}],
            "proposedNextState": None,
            "requestAttributes": dict(self.request_attributes),
            "sessionState": {"sessionAttributes": dict(self.session_attributes), "activeContexts": [],
                             "intent": intent, "originatingRequestId": os.urandom(8).hex()},
            "transcriptions": [{"transcription": transcript, "transcriptionConfidence": 0.9,
                                "resolvedContext": {"intent": intent["name"]}, "resolvedSlots": {}}]
            if self.spoken else [],
        }

    @staticmethod
    def _messages(response: dict[str, Any]) -> list[Said]:
        said: list[Said] = []
        for message in response.get("messages") or []:
            kind = message.get("contentType")
            if kind == "PlainText":
                said.append(Said(message.get("content", "")))
            elif kind == "SSML":
                content = message.get("content", "")
                said.append(Said(_ssml_as_text(content), ssml=content))
            elif kind == "ImageResponseCard":
                card = message.get("imageResponseCard") or {}
                buttons = [(each.get("text", ""), each.get("value", "")) for each in card.get("buttons") or []]
                said.append(Said(card.get("title", ""), buttons=buttons))
        return said

    def _show(self, said: list[Said]) -> list[Said]:
        self.last_buttons = [button for each in said for button in each.buttons]
        return said
