"""What the recogniser knows of an intent, built from its declaration: its examples as words and slots, the
synonyms that stand for its words, the names and anchors of its slots, the ways its choices are said, and which of
its Text slots are codes (their example is made of numbers, "123 456": free text without a number is none of them).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.language import phrase_words, stem, stems, tokens
from bot.conversation.said import Reader
from bot.conversation.slots import Choice, Number, Slot, Text

NUMERIC = re.compile(r"[\d\s.,-]*\d[\d\s.,-]*")  # a Text slot's example that is a code, not words: "123 456"


@dataclass(frozen=True)
class ExampleWord:
    key: str
    stems: tuple[str, ...]
    words: tuple[str, ...]
    weight: float
    past: bool = False
    verb: bool = False  # the example's first word, followed by its object: "roll" of "roll a die", "echo {text}"


@dataclass
class Example:
    model: IntentModel
    text: str
    items: list[ExampleWord | str]  # words of the example, and slot names where `{slot}` stands
    weight: float  # of its words
    light: float = 0.0  # of its function words, which the index leaves out
    slots: int = 0  # how many `{slot}` it has
    numbers: int = 0  # ... of which Number slots
    free: bool = False  # whether it has a Text slot (which may explain any word)


@dataclass
class IntentModel:
    intent: Intent
    examples: list[Example] = field(default_factory=list)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # an example word's key -> keys standing for it
    own: set[str] = field(default_factory=set)  # keys of its words (examples and synonyms)
    markers: dict[str, str] = field(default_factory=dict)  # stem -> slot it names ("side" -> sides)
    choices: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)  # stems -> (slot, value)
    anchors: dict[str, set[str]] = field(default_factory=dict)  # Text slot -> keys of the words before it
    longest_choice: int = 0
    words: set[str] = field(default_factory=set)  # every key and stem its examples, synonyms and slots may explain
    plural: dict[str, bool] = field(default_factory=dict)  # a one-word synonym's key -> whether it was given plural
    numeric: set[str] = field(default_factory=set)  # Text slots whose example is made of numbers (a code: "123 456")

    def slot(self, name: str) -> Slot:
        return self.intent.slot(name)

    def of_type(self, kind: type) -> list[Slot]:
        return [slot for slot in self.intent.slots if isinstance(slot.type, kind)]


def build(intent: Intent, reader: Reader) -> IntentModel:
    model = IntentModel(intent)
    for word, others in intent.synonyms:  # a word and its synonyms stand for each other in this intent
        group = {reader.key_of(word)}
        for other in others:
            words = phrase_words(other)
            reader.know(words)
            if len(words) == 1:
                group.add(reader.key_of(words[0]))
                model.plural[reader.key_of(words[0])] = plural(words[0])
            else:
                phrase_key = "~" + " ".join(stems(words))
                reader.add_phrase(stems(words), phrase_key)
                group.add(phrase_key)
        for key in group:
            model.aliases.setdefault(key, set()).update(group - {key})
    for example in intent.examples:
        model.examples.append(_example(reader, model, example))
    for slot in intent.slots:
        if isinstance(slot.type, Text) and slot.example and NUMERIC.fullmatch(slot.example):
            model.numeric.add(slot.name)
        for word in phrase_words(slot.name.replace("_", " ")):
            model.markers[stem(word)] = slot.name
            reader.know((word,))
        if isinstance(slot.type, Choice):
            for phrase, value in slot.type.phrases().items():
                words = phrase_words(phrase)
                reader.know(words)
                model.choices.setdefault(stems(words), []).append((slot.name, value))
                model.longest_choice = max(model.longest_choice, len(words))
    for example in model.examples:
        for index, item in enumerate(example.items):
            if isinstance(item, str):
                before = example.items[index - 1] if index else None
                after = example.items[index + 1] if index + 1 < len(example.items) else None
                if isinstance(before, ExampleWord) and isinstance(model.slot(item).type, Text):
                    model.anchors.setdefault(item, set()).add(before.key)
                if isinstance(after, ExampleWord) and isinstance(model.slot(item).type, Number):
                    model.markers.setdefault(after.stems[-1], item)  # "{sides} sided": sided names it
            else:
                model.own.add(item.key)
    for key, aliases in model.aliases.items():
        model.own |= aliases | {key}
    model.words = model.own | set(model.markers) | {word for phrase in model.choices for word in phrase}
    return model


def _example(reader: Reader, model: IntentModel, text: str) -> Example:
    items: list[ExampleWord | str] = []
    for index, part in enumerate(PLACEHOLDER.split(text)):
        if index % 2:
            items.append(part)
            continue
        reader.know(token.text for token in tokens(part))
        said = reader.analyse(part, fix=False)
        for unit in said.units:
            if unit.filler:
                continue
            key = f"#{unit.number.value}" if unit.number else unit.key
            items.append(ExampleWord(key, unit.stems, unit.words, unit.weight, unit.past))
    if len(items) > 1 and isinstance(items[0], ExampleWord) and (isinstance(items[1], str) or (
            items[1].stems[-1] in reader.lexicon.objects)):  # a verb with its object, not a noun
        items[0] = dataclasses.replace(items[0], verb=True)
    weight = sum(item.weight for item in items if isinstance(item, ExampleWord))
    names = [item for item in items if isinstance(item, str)]
    return Example(model, text, items, weight, slots=len(names),
                    numbers=sum(isinstance(model.slot(name).type, Number) for name in names),
                    free=any(isinstance(model.slot(name).type, Text) for name in names))


def plural(word: str) -> bool:
    """Whether a word is a plural ("tickets"; not "status", "progress")."""
    return word.endswith("s") and not word.endswith("ss") and stem(word) != word
