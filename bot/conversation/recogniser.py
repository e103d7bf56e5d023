"""From what people type to an intent and its slot values, with a score, a verdict and the reason.

Built only from what the intents declare (examples, slot types, choice values, synonyms) and from general
English (`language.py`): deterministic, no network, no model. Each example is compared with the text word by
word, after both went through the same hands (contractions, fillers, stems, the words people use for the same
request, typos read as the known word one edit away):

- how much of the example the text says (its words by weight, in its order, and its slots filled; what a question
  leaves out at its start is understood, "still running?" says "is it still running"; so are the words a colon
  stands for, "ticket pls: ..."), times
- how much of the text the example explains (its words, the slot values, fillers; an intent's own words from its
  other examples count half, and so does a known word that says which of its nouns, "my primes job"; anything
  else counts against it: "roll back the last deploy" is not a die roll).

An example's first word followed by its object is a verb: after a determiner in the text it is a noun, not the
request ("I'm on a roll", "this link is broken").

Slots are read where people put them: a Number anywhere it fits (at the example's place, next to its name "8
sides", or the only number said), a Choice value or synonym anywhere (or one edit away), a Text slot from the
words after (or before) its anchor in the example ("a ticket about the printer" -> topic "the printer"), or after a
colon or a dash in its place ("ticket - the printer is on fire"), or the clause before the request ("the printer is
on fire, can you open a ticket?"), up to where the sentence turns to another slot ("about login, high priority") or
to a question about it ("..., any idea why?"). A Text slot whose example is made of numbers is a code: free text
without a number is none.

Verdicts: `confident` (act on the best), `ambiguous` (offer the top two or three), `unknown` (the fallback, with
the closest intents as suggestions). The thresholds are below; `make nlu` measures them on tests/nlu/.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.conversation.intent import Intent
from bot.conversation.intent_model import Example, ExampleWord, IntentModel, build, plural
from bot.conversation.language import CONTROL, GLUE, LEADS, LIGHT, phrase_stems, stem
from bot.conversation.language import affirmation as _affirmation
from bot.conversation.said import Reader, Said, Unit
from bot.conversation.slot_reading import TEXT_CAP, ChoiceSpan, Reading, SlotReader
from bot.conversation.slots import Text

# A candidate this good, and this far ahead of the next intent, is acted on; below SUGGEST nothing is.
CONFIDENT = 0.6
MARGIN = 0.12
SUGGEST = 0.45
AMBIGUITY_BAND = 0.2  # the intents offered when ambiguous: within this of the best
MAX_OFFERED = 3
MAX_SCORED = 30  # examples scored in full per recognition, the likeliest first (the rest cannot win)
# Credit for a word of an example said otherwise: inflected ("rolling"), another word for it ("create"), a typo
EXACT, INFLECTED, SYNONYM, TYPO = 1.0, 0.9, 0.85, 0.75
# ... and what a change of tense or number costs on top: "tickets I opened" are not "open a ticket"
OTHER_TENSE, OTHER_NUMBER = 0.65, 0.75
UNFILLED = 0.9  # an example with a slot the text does not fill is that much less said
# An example's word the text leaves out and means all the same: a question's opening ("[is it] still running?"),
# the words before a colon that introduces the text ("[open a] ticket pls[ about]: ...")
UNDERSTOOD = 0.75
PHRASAL = 0.6  # a verb of the example followed by a particle it does not have ("roll back", "roll over")
TEXT_POWER = 1.5  # what the text leaves unexplained counts more than what the example misses
EXAMPLE_POWER = 1.25
# Function words left over around a request whose every other word is explained ("how can you help me") are its
# grammar: they count this much of their weight against it
GRAMMAR = 0.4
OWN_WORD = 0.5  # an intent's word from another of its examples explains this much of itself
MODIFIER = 0.5  # ... and a known word that modifies a noun of the example ("my primes job")
OUT_OF_ORDER = 0.25  # what a word said out of the example's order loses
SLOT_WEIGHT = 1.0  # a filled slot of the example counts as one word said
TEXT_EXPLAINED_WHEN_A_REQUEST = 0.5  # `read_slots`: a free-text answer that reads as a request of its own


@dataclass(frozen=True)
class Candidate:
    intent: Intent
    score: float  # 0..1, comparable across intents
    values: dict[str, Any]  # slot name -> value parsed by the slot's type
    problems: dict[str, str]  # slot name -> why the words given for it do not fit (the SlotValueError text)
    reason: str  # which example matched and how ("'roll a {sides} sided die': throw~roll, sides=20")


@dataclass(frozen=True)
class Recognition:
    verdict: Literal["confident", "ambiguous", "unknown"]
    candidates: tuple[Candidate, ...]  # best first: the one to act on / the 2-3 to offer / the closest suggestions

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class SlotReading:
    """What a text says about one known intent's slots."""

    values: dict[str, Any]
    problems: dict[str, str]
    explained: float  # 0..1: how much of the text the slot values (and filler) account for


def affirmation(text: str) -> Literal["yes", "no"] | None:
    """A plain yes ("yep", "sure", "go ahead") or no ("nope", "not now"), else None."""
    return _affirmation(text)


@dataclass
class _Aligned:
    """An example's words found in a text."""

    matched: dict[int, int] = field(default_factory=dict)  # position in the example -> unit of the text
    said: float = 0.0  # weight of the example's words said, by credit
    in_order: float = 0.0  # ... of which in the example's order


@dataclass
class _Scored:
    example: Example
    score: float
    reading: Reading
    filled: int


class Recogniser:
    def __init__(self, intents: Iterable[Intent]) -> None:
        self._reader = Reader()
        self._models = {intent.name: build(intent, self._reader) for intent in intents}
        self._reader.ready()
        self._slots = SlotReader(self._reader)
        self._others: dict[str, IntentModel] = {}  # read_slots' intents the recogniser was not built with
        self._examples = [example for model in self._models.values() for example in model.examples]
        self._index = self._indexed(self._examples)
        self._control = phrase_stems(CONTROL)

    def adopt(self, intents: Iterable[Intent]) -> bool:
        """Whether this recogniser was built from intents equal to `intents`, one for one (a packaged one is a copy:
        `bot.conversation.recogniser_cache`); if so it holds these very objects from now on."""
        declared = {intent.name: intent for intent in intents}
        if self._models.keys() != declared.keys() or any(
                model.intent != declared[name] for name, model in self._models.items()):
            return False
        for name, model in self._models.items():
            model.intent = declared[name]
        return True

    @staticmethod
    def _indexed(examples: list[Example]) -> dict[str, list[tuple[int, float]]]:
        """key -> (example number, weight of its words with that key): which examples a text's words may be from.
        "a" and "the" are left out (every example would be), and counted in every example's bound instead."""
        index: dict[str, list[tuple[int, float]]] = {}
        for number, example in enumerate(examples):
            weights: dict[str, float] = {}
            literals = [item for item in example.items if isinstance(item, ExampleWord)]
            heavy = any(item.weight > LIGHT for item in literals)
            for item in literals:
                if heavy and item.weight <= LIGHT:
                    example.light += item.weight
                    continue
                for key in {item.key, *example.model.aliases.get(item.key, ())}:
                    weights[key] = weights.get(key, 0.0) + item.weight
            for key, weight in weights.items():
                index.setdefault(key, []).append((number, weight))
        return index

    # --- recognising ------------------------------------------------------------------------------------------

    def recognise(self, text: str) -> Recognition:
        said = self._reader.analyse(text)
        if said.weight <= 0:
            return Recognition("unknown", ())
        best: dict[str, _Scored] = {}
        spans: dict[str, list[ChoiceSpan]] = {}  # per intent: where the text says one of its choices
        reach: dict[str, float] = {}  # per intent: the most of the text it could explain without free text
        for bound, example in self._likely(said):
            name = example.model.intent.name
            if not example.free:
                if name not in reach:
                    reach[name] = self._reach(example.model, said)
                bound *= reach[name]
            scores = sorted((each.score for each in best.values()), reverse=True)
            if len(scores) >= MAX_OFFERED and bound <= scores[MAX_OFFERED - 1]:
                break  # no example left can reach the intents already offered
            if name in best and bound <= best[name].score:
                continue
            scored = self._score(example, said, spans)
            if scored.score > 0 and (name not in best or (scored.score, scored.filled) > (best[name].score,
                                                                                          best[name].filled)):
                best[name] = scored
        ranked = sorted(best.values(), key=lambda each: (-each.score, -each.filled, each.example.model.intent.name))
        candidates = tuple(self._candidate(said, scored) for scored in ranked[:MAX_OFFERED])
        if not candidates or candidates[0].score < SUGGEST:
            return Recognition("unknown", candidates)
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if candidates[0].score >= CONFIDENT and candidates[0].score - runner_up >= MARGIN:
            return Recognition("confident", candidates)
        offered = tuple(each for each in candidates
                        if each.score >= max(SUGGEST, candidates[0].score - AMBIGUITY_BAND))
        return Recognition("ambiguous", offered)

    def _reach(self, model: IntentModel, said: Said) -> float:
        """The most of the text an intent's examples could explain (its words, numbers, greetings, and function
        words as if all were), to the power the score gives it: a bound, cheaper than scoring."""
        could = sum(unit.weight for unit in said.units if unit.weight < 1.0 or unit.number is not None
                    or unit.key in model.words or unit.stems[-1] in model.words or unit.key == self._reader.hello)
        return (could / said.weight) ** TEXT_POWER if said.weight else 0.0

    def _likely(self, said: Said) -> list[tuple[float, Example]]:
        """The examples that share words with the text, each with the most it could score (all it shares said,
        all its slots filled, the whole text explained), the most first."""
        found: dict[int, float] = {}
        get = found.get
        for key in said.keys:
            for number, weight in self._index.get(key, ()):
                found[number] = get(number, 0.0) + weight
        numbers = any(unit.number is not None for unit in said.units)
        examples = self._examples
        ranked = []
        for number, shared in found.items():
            example = examples[number]
            slots = example.slots if numbers else example.slots - example.numbers  # no number said: none filled
            ranked.append(((shared + example.light + slots) / ((example.weight + slots) or 1.0), number))
        return [(min(1.0, bound) ** EXAMPLE_POWER, examples[number])
                for bound, number in heapq.nlargest(MAX_SCORED, ranked) if bound >= 0.2]

    @staticmethod
    def _candidate(said: Said, scored: _Scored) -> Candidate:
        reading = scored.reading
        unexplained = sum(1 for index, unit in enumerate(said.units)
                          if unit.weight >= 1.0 and not reading.explained.get(index, 0.0))
        notes = list(reading.notes)
        if unexplained:
            notes.append(f"+{unexplained} unexplained")
        example = scored.example.text if len(scored.example.text) <= 60 else scored.example.text[:57] + "..."
        return Candidate(scored.example.model.intent, round(scored.score, 3), dict(reading.values),
                         dict(reading.problems), f"'{example}': " + ", ".join(notes) if notes else f"'{example}'")

    def _score(self, example: Example, said: Said, spans: dict[str, list[ChoiceSpan]] | None = None) -> _Scored:
        """How well one example explains the text: (share of the example said) ** EXAMPLE_POWER x (share of the
        text explained) ** TEXT_POWER x word order, less for an unfilled slot or a phrasal verb."""
        reading = Reading()
        aligned = self._align(example, said, reading)
        if not aligned.matched:
            return _Scored(example, 0.0, reading, 0)
        self._read(example, said, reading, aligned.matched, {} if spans is None else spans)
        reading.understood.update(self._elided(example, said, aligned.matched))
        placeholders = [(position, item) for position, item in enumerate(example.items) if isinstance(item, str)]
        filled = [name for _, name in placeholders if name in reading.values or name in reading.problems]
        said_share = self._said_share(example, reading, aligned, placeholders, filled)
        matched_weight = sum(example.items[position].weight for position in aligned.matched)  # type: ignore[union-attr]
        order = 1.0 - OUT_OF_ORDER * (1.0 - aligned.in_order / matched_weight) if matched_weight else 1.0
        score = said_share ** EXAMPLE_POWER * self._explained_share(example.model, said, reading) ** TEXT_POWER * order
        if len(filled) < len(placeholders):
            score *= UNFILLED
        if self._phrasal(said, reading, aligned.matched):
            score *= PHRASAL
        return _Scored(example, min(1.0, score), reading, len(filled))

    def _align(self, example: Example, said: Said, reading: Reading) -> _Aligned:
        """Each word of the example found in the text, in the example's order where it can be."""
        aligned = _Aligned()
        last = -1
        for position, item in enumerate(example.items):
            if not isinstance(item, ExampleWord):
                continue
            found = self._find(example.model, item, said, set(aligned.matched.values()), last)
            if found is None:
                continue
            unit_index, credit, ordered = found
            aligned.matched[position] = unit_index
            aligned.said += item.weight * credit
            aligned.in_order += item.weight if ordered else 0.0
            last = unit_index if ordered else last
            reading.explain(unit_index, unit_index + 1)
            if credit < EXACT:
                unit = said.units[unit_index]
                reading.notes.append(f"{unit.typo or ' '.join(unit.words)}~{' '.join(item.words)}")
        return aligned

    def _read(self, example: Example, said: Said, reading: Reading, matched: dict[int, int],
              spans: dict[str, list[ChoiceSpan]]) -> None:
        """The slots, where the example's words leave room for them; then what greets or repeats."""
        model = example.model
        used = set(matched.values())
        self._slots.numbers(model, said, reading, used, example, matched)
        if model.intent.name not in spans:  # found once per intent and text
            spans[model.intent.name] = self._slots.choice_spans(model, said, set())
        taken = {token for index in used for token in range(said.units[index].first, said.units[index].last)}
        choices = [span for span in spans[model.intent.name] if not taken & set(range(span.first, span.last))]
        self._slots.texts(model, said, reading, used, choices, example, matched)
        self._slots.choices(model, said, reading, choices, example, matched)
        self._greeted(said, reading)
        self._modifiers(model, said, reading, matched)
        said_again, hello = {said.units[index].stems for index in matched.values()}, self._reader.hello
        for index, unit in enumerate(said.units):  # "hey hey", "hello, how are you": the same word again
            if index not in reading.explained and (unit.stems in said_again or (unit.key == hello and any(
                    said.units[each].key == hello for each in matched.values()))):
                reading.explain(index, index + 1)

    def _modifiers(self, model: IntentModel, said: Said, reading: Reading, matched: dict[int, int]) -> None:
        """A known word between a determiner and a noun of the example or the intent says which one ("is my primes
        job done?", "how far along is the prime count?"): it explains MODIFIER of itself. Not an unknown word: "my
        flight status" is another's."""
        nouns = set(matched.values())
        determiners = self._reader.lexicon.determiners
        for index in range(1, len(said.units) - 1):
            unit = said.units[index]
            if index not in reading.explained and (index + 1 in nouns or said.units[index + 1].key in model.own) \
                    and unit.weight >= 1.0 and unit.number is None \
                    and said.units[index - 1].stems[-1] in determiners and unit.stems[-1] in self._reader.known_stems:
                reading.explain(index, index + 1, MODIFIER)

    def _elided(self, example: Example, said: Said, matched: dict[int, int]) -> list[int]:
        """The example's opening auxiliaries and subject that a question starting with the rest leaves out, understood:
        "still running?" says "is it still running"."""
        elided = []
        for position, item in enumerate(example.items):
            if position in matched:
                first = matched[position]
                opening = all(unit.filler or unit.key == self._reader.hello for unit in said.units[:first])
                return elided if opening else []
            if not isinstance(item, ExampleWord) or item.stems[-1] not in self._reader.lexicon.elliptic:
                return []
            elided.append(position)
        return []

    @staticmethod
    def _said_share(example: Example, reading: Reading, aligned: _Aligned, placeholders: list[tuple[int, str]],
                    filled: list[str]) -> float:
        """How much of the example the text says: its words by weight and credit, its filled slots; the words
        that only introduce a slot the text does not fill ("below" of "primes below {limit}") are not missed."""
        unsaid = 0.0
        for position, name in placeholders:
            if name not in filled:
                for near in (position - 1, position + 1):
                    item = example.items[near] if 0 <= near < len(example.items) else None
                    if isinstance(item, ExampleWord) and near not in aligned.matched:
                        unsaid += item.weight
        said = aligned.said + sum(SLOT_WEIGHT * reading.credit.get(name, 1.0) for name in filled) + sum(
            example.items[position].weight * UNDERSTOOD for position in reading.understood)  # type: ignore[union-attr]
        total = example.weight - unsaid + SLOT_WEIGHT * len(filled)
        return said / total if total > 0 else 0.0

    def _explained_share(self, model: IntentModel, said: Said, reading: Reading) -> float:
        """How much of the text the reading explains: words nothing explains count whole against it, function words
        around an otherwise explained request count GRAMMAR of theirs, free text weighs at most TEXT_CAP."""
        explained = missing = grammar = 0.0
        stray = False  # a word nothing explains at all
        free = sum(said.units[index].weight for index in reading.free)
        for index, unit in enumerate(said.units):
            share = reading.explained.get(index, 0.0)
            if share < OWN_WORD and unit.key in model.own and unit.key not in self._reader.lexicon.negations:
                share = OWN_WORD
            weight = unit.weight * (TEXT_CAP / free if index in reading.free and free > TEXT_CAP else 1.0)
            explained += weight * share
            if unit.weight >= 1.0:
                missing += weight * (1.0 - share)
                stray = stray or not share
            else:
                grammar += weight * (1.0 - share)
        missing += grammar if stray else grammar * GRAMMAR
        return explained / (explained + missing) if explained else 0.0

    def _greeted(self, said: Said, reading: Reading) -> None:
        """A greeting before a request ("hey, can you roll a die") says nothing against it."""
        index = 0
        while index < len(said.units) and (said.units[index].filler or said.units[index].key == self._reader.hello):
            index += 1
        if 0 < index < len(said.units):
            reading.explain(0, index)

    def _phrasal(self, said: Said, reading: Reading, matched: dict[int, int]) -> bool:
        """Whether a word of the example is followed by a particle that makes it another verb ("roll back")."""
        for index in matched.values():
            after = index + 1
            if after < len(said.units) and after not in reading.explained and (
                    said.units[after].stems[-1] in self._reader.lexicon.particles and not said.units[after].filler):
                return True
        return False

    def _find(self, model: IntentModel, item: ExampleWord, said: Said, taken: set[int],
              last: int) -> tuple[int, float, bool] | None:
        """Where the text says this word of the example: the first place after the previous word's, else any."""
        fallback: tuple[int, float, bool] | None = None
        aliases = model.aliases.get(item.key, ())
        for index, unit in enumerate(said.units):
            if index in taken or unit.filler:
                continue
            if item.verb and (_after(said, index, self._reader.lexicon.not_before_verbs) or _agrees(unit, item)):
                continue  # "on a roll", "the echo in this room": a noun; "who says that?": a verb with a subject
            if item.key.startswith("#"):
                credit = EXACT if unit.number is not None and f"#{unit.number.value}" == item.key else 0.0
            elif unit.key == item.key:
                credit = TYPO if unit.typo else EXACT if unit.words == item.words else (
                    INFLECTED if unit.stems == item.stems else SYNONYM)
                credit *= _inflection(unit, item, number=unit.stems == item.stems)
            elif unit.key in aliases:
                credit = (TYPO if unit.typo else SYNONYM) * _inflection(unit, item, number=True, tense=True,
                                                                        given=model.plural.get(unit.key))
            else:
                continue
            if not credit:
                continue
            if index > last:
                return index, credit, True
            if fallback is None:
                fallback = (index, credit, False)
        return fallback

    # --- a dialog in progress ---------------------------------------------------------------------------------

    def _model_of(self, intent: Intent) -> IntentModel:
        """The recogniser's model of an intent, or one built for it (an intent it was not built with)."""
        model = self._models.get(intent.name) or self._others.get(intent.name)
        if model is None or model.intent is not intent:
            model = self._others[intent.name] = build(intent, self._reader)
            self._reader.ready()
        return model

    def read_slots(self, intent: Intent, text: str, *, asked: str | None = None) -> SlotReading:
        """What `text` says about `intent`'s slots, mid-dialog: the answer to the slot `asked`, a correction
        ("make it high", "actually the topic is login", "no, 8 sides"), several slots at once. `explained` is
        how much of the text that accounts for: low when it says something else ("roll 6 please", "help")."""
        model = self._model_of(intent)
        said = self._reader.analyse(text)
        if asked is not None and all(slot.name != asked for slot in intent.slots):
            asked = None
        reading = Reading()
        lead = self._slots.lead(said, LEADS)
        self._slots.numbers(model, said, reading, set(), None, {}, asked)
        spans = self._slots.choice_spans(model, said, set())
        self._slots.named_texts(model, said, reading, spans, asked, lead)
        asked_type = intent.slot(asked).type if asked else None
        if isinstance(asked_type, Text) and asked not in reading.values and asked not in reading.problems:
            self._slots.answer_text(model, said, reading, spans, asked, lead)
        self._slots.choices(model, said, reading, spans)
        if asked and not reading.values and asked not in reading.problems:
            self._slots.explain_miss(said, reading, asked, asked_type, lead)
        return SlotReading(reading.values, reading.problems, self._explained(model, said, reading, asked))

    def _explained(self, model: IntentModel, said: Said, reading: Reading, asked: str | None) -> float:
        """The share of the text's weight the values read account for, with the words around them (their
        slots' names, "make it", the intent's own words); a free-text answer that reads as a request counts
        half."""
        if said.weight <= 0 or not reading.values:
            return round(self._share(said, reading), 3) if reading.problems else 0.0
        whole = all(reading.explained.get(index, 0.0) >= 1.0 or unit.filler
                    for index, unit in enumerate(said.units))
        if asked in reading.values and isinstance(model.slot(asked).type, Text) and whole:
            return self._free_answer(model, said, reading, asked)
        glue = phrase_stems(GLUE) | phrase_stems(LEADS)
        for index, unit in enumerate(said.units):
            if unit.stems in glue or unit.key in model.own or unit.stems[-1] in model.markers:
                reading.explained[index] = 1.0
        return round(self._share(said, reading), 3)

    def _free_answer(self, model: IntentModel, said: Said, reading: Reading, asked: str) -> float:
        """How much a whole free-text answer explains: all of it, unless it reads as a request of its own ("help",
        "roll 6 please", "open a ticket", "cancel"): then half, and the engine decides (an echo may take it)."""
        if tuple(word for unit in said.units if not unit.filler for word in unit.stems) in self._control:
            return TEXT_EXPLAINED_WHEN_A_REQUEST
        recognition = self.recognise(said.text)
        best = recognition.best
        if recognition.verdict != "confident" or best is None:
            return 1.0
        if best.intent.name == model.intent.name and best.values.get(asked) == reading.values.get(asked):
            return 1.0  # "say hi" while an echo asks what to say: the same request, the same answer
        return TEXT_EXPLAINED_WHEN_A_REQUEST

    @staticmethod
    def _share(said: Said, reading: Reading) -> float:
        if said.weight <= 0:
            return 0.0
        explained = sum(unit.weight * reading.explained.get(index, 0.0) for index, unit in enumerate(said.units))
        return min(1.0, explained / said.weight)


def _after(said: Said, index: int, words: set[str]) -> bool:
    """Whether the unit before this one is one of these words."""
    return index > 0 and said.units[index - 1].stems[-1] in words


def _agrees(said: Unit, example: ExampleWord) -> bool:
    """Whether the text has the example's verb with a third person's -s ("says", "rolls"): said of someone, not
    asked of the bot."""
    word = said.words[-1]
    return word != example.words[-1] and len(said.words) == 1 and word in (stem(word) + "s", stem(word) + "es")


def _inflection(said: Unit, example: ExampleWord, *, number: bool, tense: bool = False,
                given: bool | None = None) -> float:
    """What saying the example's word in another tense or number costs: "opened" or "did I open" for "open",
    "tickets" for "ticket". Of the same word or an intent's synonym ("report" for "opened", "issues" for "ticket";
    a synonym in the number the author gave it: "usage" for "commands" is no singular of it); not of the general
    groups, whose words differ in form anyway ("finished" may well mean "done", "greetings" "hello")."""
    factor = 1.0
    if (tense or said.stems == example.stems) and said.past != example.past:
        factor *= OTHER_TENSE
    if number and plural(said.words[-1]) != (plural(example.words[-1]) if given is None else given):
        factor *= OTHER_NUMBER
    return factor
