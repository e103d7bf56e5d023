"""From what people type to an intent and its slot values, with a score, a verdict and the reason.

Built only from what the intents declare (examples, slot types, choice values, synonyms) and from general
English (`language.py`): deterministic, no network, no model. Each example is compared with the text word by
word, after both went through the same hands (contractions, fillers, stems, the words people use for the same
request, typos read as the known word one edit away):

- how much of the example the text says (its words by weight, in its order, and its slots filled), times
- how much of the text the example explains (its words, the slot values, fillers; an intent's own words from its
  other examples count half; anything else counts against it: "roll back the last deploy" is not a die roll).

Slots are read where people put them: a Number anywhere it fits (at the example's place, next to its name "8
sides", or the only number said), a Choice value or synonym anywhere (or one edit away), a Text slot from the
words after (or before) its anchor in the example ("a ticket about the printer" -> topic "the printer"), up to
where the sentence turns to another slot ("about login, high priority").

Verdicts: `confident` (act on the best), `ambiguous` (offer the top two or three), `unknown` (the fallback, with
the closest intents as suggestions). The thresholds are below; `make nlu` measures them on tests/nlu/.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.language import (
    CONTROL,
    COPULA,
    GLUE,
    GLUE_OPENINGS,
    LEADS,
    LIGHT,
    STAND_INS,
    Token,
    breaks_before,
    lexicon,
    phrase_stems,
    phrase_words,
    stem,
    stems,
    tokens,
)
from bot.conversation.language import affirmation as _affirmation
from bot.conversation.numbers import FoundNumber, find_numbers
from bot.conversation.slots import Choice, Number, Slot, SlotValueError, Text, quoted, typo_distance

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
PHRASAL = 0.6  # a verb of the example followed by a particle it does not have ("roll back", "roll over")
TEXT_POWER = 1.5  # what the text leaves unexplained counts more than what the example misses
EXAMPLE_POWER = 1.25
# Function words left over around a request whose every other word is explained ("how can you help me") are its
# grammar: they count this much of their weight against it
GRAMMAR = 0.4
ELSEWHERE = 0.6  # a number said neither where the example has its slot nor next to the slot's name
OWN_WORD = 0.5  # an intent's word from another of its examples explains this much of itself
OUT_OF_ORDER = 0.25  # what a word said out of the example's order loses
SLOT_WEIGHT = 1.0  # a filled slot of the example counts as one word said
# Words taken as free text explain less of themselves than words the example says ("open a ticket about X" is
# better explained by that example than by "open {thing}"), and however long, they weigh at most TEXT_CAP
TEXT_SHARE, TEXT_CAP = 0.7, 2.0
TEXT_EXPLAINED_WHEN_A_REQUEST = 0.5  # `read_slots`: a free-text answer that reads as a request of its own
QUOTES = "\"'“”‘’«»"
DOUBLED = re.compile(r"([^\W\d_])\1+")
EDGE = ":;,-–— \t\n"


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


# --- the text, as matching sees it ----------------------------------------------------------------------------


@dataclass
class _Unit:
    """A word or phrase of the text: what matching compares (key) and what it weighs."""

    key: str
    first: int  # its tokens: [first, last)
    last: int
    weight: float
    stems: tuple[str, ...]
    words: tuple[str, ...]  # as said, lower case (a typo: the known word it was read as)
    filler: bool = False
    typo: str | None = None  # what was typed, when it was read as a known word
    number: FoundNumber | None = None
    past: bool = False  # "opened", "did I open": said of what is done


@dataclass
class _Said:
    text: str
    tokens: list[Token]
    stems: list[str]  # per token, typos read as the known word
    units: list[_Unit]
    unit_of: list[int]  # token index -> unit index
    weight: float
    keys: set[str]

    def chars(self, first_unit: int, last_unit: int) -> str:
        """The text as typed from the first unit to the last (inclusive), with what clings to their edges
        (quotes, a shrug), without separators and enclosing quotes."""
        start_token = self.tokens[self.units[first_unit].first]
        end_token = self.tokens[self.units[last_unit].last - 1]
        start = start_token.start
        while start > 0 and not self.text[start - 1].isspace() and self.text[start - 1] not in EDGE:
            start -= 1
        end = end_token.end
        if self.units[last_unit].last == len(self.tokens):
            end = len(self.text)
        else:
            while end < len(self.text) and not self.text[end].isspace():
                end += 1
        value = self.text[start:end].strip().strip(EDGE)
        while len(value) >= 2 and value[0] in QUOTES and value[-1] in QUOTES:
            value = value[1:-1].strip()
        return value.rstrip(",;:")


# --- what the recogniser knows of an intent -------------------------------------------------------------------


@dataclass(frozen=True)
class _Literal:
    key: str
    stems: tuple[str, ...]
    words: tuple[str, ...]
    weight: float
    past: bool = False


@dataclass
class _Example:
    model: _Model
    text: str
    items: list[_Literal | str]  # words of the example, and slot names where `{slot}` stands
    weight: float  # of its words
    light: float = 0.0  # of its function words, which the index leaves out
    slots: int = 0  # how many `{slot}` it has
    numbers: int = 0  # ... of which Number slots
    free: bool = False  # whether it has a Text slot (which may explain any word)


@dataclass
class _ChoiceSpan:
    first: int  # tokens [first, last)
    last: int
    slots: list[tuple[str, str]]  # (slot name, value) this way of saying it means
    marked: str | None = None  # the slot whose name is said next to it ("high priority")
    apart: bool = False  # set off by punctuation ("about login, high")


@dataclass
class _Model:
    intent: Intent
    examples: list[_Example] = field(default_factory=list)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # an example word's key -> keys standing for it
    own: set[str] = field(default_factory=set)  # keys of its words (examples and synonyms)
    markers: dict[str, str] = field(default_factory=dict)  # stem -> slot it names ("side" -> sides)
    choices: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)  # stems -> (slot, value)
    anchors: dict[str, set[str]] = field(default_factory=dict)  # Text slot -> keys of the words before it
    longest_choice: int = 0
    words: set[str] = field(default_factory=set)  # every key and stem its examples, synonyms and slots may explain

    def slot(self, name: str) -> Slot:
        return self.intent.slot(name)

    def of_type(self, kind: type) -> list[Slot]:
        return [slot for slot in self.intent.slots if isinstance(slot.type, kind)]


@dataclass
class _Reading:
    """Slot values read from a text for one intent (and one example, when recognising)."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    explained: dict[int, float] = field(default_factory=dict)  # unit index -> share of its weight explained
    notes: list[str] = field(default_factory=list)
    credit: dict[str, float] = field(default_factory=dict)  # slot -> how surely its words are its (default 1)
    free: set[int] = field(default_factory=set)  # units taken as free text

    def explain(self, first_unit: int, last_unit: int, share: float = 1.0) -> None:
        for index in range(first_unit, last_unit):
            self.explained[index] = max(self.explained.get(index, 0.0), share)


@dataclass
class _Scored:
    example: _Example
    score: float
    reading: _Reading
    filled: int


class Recogniser:
    def __init__(self, intents: Iterable[Intent]) -> None:
        self._lexicon = lexicon()
        self._phrases: dict[tuple[str, ...], tuple[str, bool]] = {}  # stems -> (key, filler)
        for words, key in self._lexicon.same.items():
            if len(words) > 1:
                self._phrases[words] = (key, False)
        for words in (*self._lexicon.fillers, *self._lexicon.asking):
            self._phrases.setdefault(words, ("", True))
        self._longest_phrase = max(len(words) for words in self._phrases)
        self._hello = self._key_of("hello")
        self._models: dict[str, _Model] = {}
        self._known_words: set[str] = self._lexicon.words()
        for intent in intents:
            self._models[intent.name] = self._model(intent)
        self._known_stems = {stem(word) for word in self._known_words}
        # what a typo may be read as: words that carry something ("world" is not a typo of "would")
        self._fuzzy_words = sorted(word for word in self._known_words if len(word) >= 4 and word.isalpha()
                                   and self._lexicon.weight(self._key_of(word)) >= 1.0)
        self._index: dict[str, list[tuple[int, float]]] = {}  # key -> (example number, weight of its word)
        self._examples = [example for model in self._models.values() for example in model.examples]
        for number, example in enumerate(self._examples):
            weights: dict[str, float] = {}
            literals = [item for item in example.items if isinstance(item, _Literal)]
            heavy = any(item.weight > LIGHT for item in literals)
            for item in literals:
                if heavy and item.weight <= LIGHT:
                    example.light += item.weight  # "a", "the": not worth an index entry, counted in every bound
                    continue
                for key in {item.key, *example.model.aliases.get(item.key, ())}:
                    weights[key] = weights.get(key, 0.0) + item.weight
            for key, weight in weights.items():
                self._index.setdefault(key, []).append((number, weight))
        self._fix_cache: dict[str, str | None] = {}
        self._control = phrase_stems(CONTROL)
        self._stand_ins = phrase_stems(STAND_INS)

    # --- building ---------------------------------------------------------------------------------------------

    def _model(self, intent: Intent) -> _Model:
        model = _Model(intent)
        for word, others in intent.synonyms:  # a word and its synonyms stand for each other in this intent
            group = {self._key_of(word)}
            for other in others:
                words = phrase_words(other)
                self._known_words.update(words)
                if len(words) == 1:
                    group.add(self._key_of(words[0]))
                else:
                    phrase_key = "~" + " ".join(stems(words))
                    self._phrases[stems(words)] = (phrase_key, False)
                    self._longest_phrase = max(self._longest_phrase, len(words))
                    group.add(phrase_key)
            for key in group:
                model.aliases.setdefault(key, set()).update(group - {key})
        for example in intent.examples:
            model.examples.append(self._example(model, example))
        for slot in intent.slots:
            for word in phrase_words(slot.name.replace("_", " ")):
                model.markers[stem(word)] = slot.name
                self._known_words.add(word)
            if isinstance(slot.type, Choice):
                for phrase, value in slot.type.phrases().items():
                    words = phrase_words(phrase)
                    self._known_words.update(words)
                    model.choices.setdefault(stems(words), []).append((slot.name, value))
                    model.longest_choice = max(model.longest_choice, len(words))
        for example in model.examples:
            for index, item in enumerate(example.items):
                if isinstance(item, str):
                    before = example.items[index - 1] if index else None
                    after = example.items[index + 1] if index + 1 < len(example.items) else None
                    if isinstance(before, _Literal) and isinstance(model.slot(item).type, Text):
                        model.anchors.setdefault(item, set()).add(before.key)
                    if isinstance(after, _Literal) and isinstance(model.slot(item).type, Number):
                        model.markers.setdefault(after.stems[-1], item)  # "{sides} sided": sided names it
                else:
                    model.own.add(item.key)
        for key, aliases in model.aliases.items():
            model.own |= aliases | {key}
        model.words = model.own | set(model.markers) | {word for phrase in model.choices for word in phrase}
        return model

    def _key_of(self, word: str) -> str:
        word_stem = stem(word)
        return self._lexicon.same.get((word_stem,), word_stem)

    def _example(self, model: _Model, text: str) -> _Example:
        items: list[_Literal | str] = []
        for index, part in enumerate(PLACEHOLDER.split(text)):
            if index % 2:
                items.append(part)
                continue
            self._known_words.update(token.text for token in tokens(part))
            said = self._analyse(part, fix=False)
            for unit in said.units:
                if unit.filler:
                    continue
                key = f"#{unit.number.value}" if unit.number else unit.key
                items.append(_Literal(key, unit.stems, unit.words, unit.weight, unit.past))
        weight = sum(item.weight for item in items if isinstance(item, _Literal))
        names = [item for item in items if isinstance(item, str)]
        return _Example(model, text, items, weight, slots=len(names),
                        numbers=sum(isinstance(model.slot(name).type, Number) for name in names),
                        free=any(isinstance(model.slot(name).type, Text) for name in names))

    # --- reading a text ---------------------------------------------------------------------------------------

    def _fix(self, word: str) -> str | None:
        """The known word a typed one is a typo of, or None."""
        if word in self._fix_cache:
            return self._fix_cache[word]
        fixed = None
        single = DOUBLED.sub(r"\1", word)  # "heyy", "rolll" held a letter: "hey", "roll" (doubles kept first)
        if single != word and (single in self._known_words or stem(single) in self._known_stems):
            fixed = single
        limit = typo_distance(len(word))
        if fixed is None and limit and self._fuzzy_words:
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            found = process.extractOne(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=limit)
            fixed = found[0] if found else None
            if fixed is not None and len(word) < 5 and sorted(fixed) != sorted(word):
                fixed = None  # a short word is another word one letter off ("last", "cast"): only swaps are typos
        if len(self._fix_cache) > 10_000:
            self._fix_cache.clear()
        self._fix_cache[word] = fixed
        return fixed

    def _analyse(self, text: str, *, fix: bool = True) -> _Said:
        cut = tokens(text)
        words = [token.text for token in cut]
        typed: dict[int, str] = {}
        if fix:
            for index, word in enumerate(words):
                if word.isalpha() and word not in self._known_words and stem(word) not in self._known_stems:
                    fixed = self._fix(word)
                    if fixed is not None:
                        typed[index], words[index] = word, fixed
        word_stems = [stem(word) for word in words]
        numbers = {number.start: number for number in find_numbers(words)}
        units: list[_Unit] = []
        unit_of = [0] * len(words)
        index = 0
        while index < len(words):
            unit = self._unit_at(words, word_stems, numbers, index)
            if index in typed and unit.last == index + 1:
                unit.typo = typed[index]
            for position in range(unit.first, unit.last):
                unit_of[position] = len(units)
            units.append(unit)
            index = unit.last
        units = self._inside_asking(cut, words, word_stems, numbers, units)
        for number, unit in enumerate(units):
            unit.past = len(unit.words) == 1 and (_past(unit.words[0]) or (unit.weight >= 1.0 and any(
                other.words == ("did",) for other in units[max(0, number - 2):number])))
        for number, unit in enumerate(units):
            for position in range(unit.first, unit.last):
                unit_of[position] = number
        weight = sum(unit.weight for unit in units)
        keys = {unit.key for unit in units if not unit.filler}
        return _Said(text, cut, word_stems, units, unit_of, weight, keys)

    def _inside_asking(self, cut: list[Token], words: list[str], word_stems: list[str],
                       numbers: dict[int, FoundNumber], units: list[_Unit]) -> list[_Unit]:
        """A way of asking ("can you") inside a request ("what can you do") is words of it, not a filler."""
        kept: list[_Unit] = []
        request = any(not unit.filler for unit in units)  # "can you help me" alone is the request itself
        for number, unit in enumerate(units):
            if not unit.filler or unit.stems not in self._lexicon.asking or (
                    request and self._at_edge(cut, units, number)):
                kept.append(unit)
                continue
            index = unit.first
            while index < unit.last:
                inner = self._unit_at(words[:unit.last], word_stems[:unit.last], numbers, index, asking=False)
                kept.append(inner)
                index = inner.last
        return kept

    def _at_edge(self, cut: list[Token], units: list[_Unit], number: int) -> bool:
        """Whether only greetings, names and fillers stand between this unit and the start or the end of its
        sentence (or of a clause set off by punctuation)."""
        def idle(unit: _Unit) -> bool:
            return unit.filler or unit.key == self._hello

        before = number
        while before > 0 and not breaks_before(cut[units[before].first]) and idle(units[before - 1]):
            before -= 1
        if before == 0 or breaks_before(cut[units[before].first]):
            return True
        after = number + 1
        while after < len(units) and not breaks_before(cut[units[after].first]) and idle(units[after]):
            after += 1
        return after == len(units) or breaks_before(cut[units[after].first])

    def _unit_at(self, words: list[str], word_stems: list[str], numbers: dict[int, FoundNumber],
                 index: int, *, asking: bool = True) -> _Unit:
        number = numbers.get(index)
        if number is not None:
            light = number.end - number.start == 1 and words[index] in ("one", "a", "an")
            return _Unit("#", index, number.end, LIGHT if light else 1.0, tuple(word_stems[index:number.end]),
                         tuple(words[index:number.end]), number=number)
        for length in range(min(self._longest_phrase, len(words) - index), 1, -1):
            found = self._phrases.get(tuple(word_stems[index:index + length]))
            if found is not None and not asking and tuple(word_stems[index:index + length]) in self._lexicon.asking:
                found = None if found[1] else found
            if found is not None:
                key, filler = found
                end = index + length
                return _Unit(key, index, end, 0.0 if filler else self._lexicon.weight(key),
                             tuple(word_stems[index:end]), tuple(words[index:end]), filler=filler)
        word_stem = word_stems[index]
        one = (word_stem,)
        if one in self._lexicon.fillers or word_stem in self._lexicon.addressing or (
                asking and one in self._lexicon.asking):
            return _Unit("", index, index + 1, 0.0, one, (words[index],), filler=True)
        key = self._lexicon.same.get(one, word_stem)
        weight = self._lexicon.weight(key) if key != word_stem else self._lexicon.weight(word_stem)
        return _Unit(key, index, index + 1, weight, one, (words[index],))

    # --- recognising ------------------------------------------------------------------------------------------

    def recognise(self, text: str) -> Recognition:
        said = self._analyse(text)
        if said.weight <= 0:
            return Recognition("unknown", ())
        best: dict[str, _Scored] = {}
        spans: dict[str, list[_ChoiceSpan]] = {}  # per intent: where the text says one of its choices
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

    def _reach(self, model: _Model, said: _Said) -> float:
        """The most of the text an intent's examples could explain (its words, numbers, greetings, and function
        words as if all were), to the power the score gives it: a bound, cheaper than scoring."""
        could = sum(unit.weight for unit in said.units if unit.weight < 1.0 or unit.number is not None
                    or unit.key in model.words or unit.stems[-1] in model.words or unit.key == self._hello)
        return (could / said.weight) ** TEXT_POWER if said.weight else 0.0

    def _likely(self, said: _Said) -> list[tuple[float, _Example]]:
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
    def _candidate(said: _Said, scored: _Scored) -> Candidate:
        reading = scored.reading
        unexplained = sum(1 for index, unit in enumerate(said.units)
                          if unit.weight >= 1.0 and not reading.explained.get(index, 0.0))
        notes = list(reading.notes)
        if unexplained:
            notes.append(f"+{unexplained} unexplained")
        example = scored.example.text if len(scored.example.text) <= 60 else scored.example.text[:57] + "..."
        return Candidate(scored.example.model.intent, round(scored.score, 3), dict(reading.values),
                         dict(reading.problems), f"'{example}': " + ", ".join(notes) if notes else f"'{example}'")

    def _score(self, example: _Example, said: _Said, spans: dict[str, list[_ChoiceSpan]] | None = None) -> _Scored:
        model = example.model
        reading = _Reading()
        matched: dict[int, int] = {}  # item index -> unit index
        said_weight = in_order = 0.0
        last = -1
        for position, item in enumerate(example.items):
            if not isinstance(item, _Literal):
                continue
            found = self._find(model, item, said, set(matched.values()), last)
            if found is None:
                continue
            unit_index, credit, ordered = found
            matched[position] = unit_index
            said_weight += item.weight * credit
            in_order += item.weight if ordered else 0.0
            if ordered:
                last = unit_index
            reading.explain(unit_index, unit_index + 1)
            if credit < EXACT:
                unit = said.units[unit_index]
                reading.notes.append(f"{unit.typo or ' '.join(unit.words)}~{' '.join(item.words)}")
        if not matched:
            return _Scored(example, 0.0, reading, 0)
        used = set(matched.values())
        self._read_numbers(model, said, reading, used, example, matched)
        if spans is None:
            spans = {}
        if model.intent.name not in spans:
            spans[model.intent.name] = self._choice_spans(model, said, set())
        taken = {token for index in used for token in range(said.units[index].first, said.units[index].last)}
        choices = [span for span in spans[model.intent.name] if not taken & set(range(span.first, span.last))]
        self._read_texts(model, said, reading, used, choices, example, matched)
        self._read_choices(model, said, reading, choices, example, matched)
        self._greeted(said, reading)
        said_again = {said.units[index].stems for index in matched.values()}
        for index, unit in enumerate(said.units):  # "hey hey", "hello, how are you": the same word again
            if index not in reading.explained and (unit.stems in said_again or (
                    unit.key == self._hello and any(said.units[each].key == self._hello for each in matched.values()))):
                reading.explain(index, index + 1)
        placeholders = [(position, item) for position, item in enumerate(example.items) if isinstance(item, str)]
        filled_slots = [name for _, name in placeholders if name in reading.values or name in reading.problems]
        filled = len(filled_slots)
        unsaid = 0.0  # the words that only introduce a slot the text does not fill ("below" of "primes below")
        for position, name in placeholders:
            if name not in filled_slots:
                for near in (position - 1, position + 1):
                    item = example.items[near] if 0 <= near < len(example.items) else None
                    if isinstance(item, _Literal) and near not in matched:
                        unsaid += item.weight
        total_said = said_weight + sum(SLOT_WEIGHT * reading.credit.get(name, 1.0) for name in filled_slots)
        total = example.weight - unsaid + SLOT_WEIGHT * filled
        explained = missing = grammar = 0.0
        stray = False  # a word nothing explains at all
        free = sum(said.units[index].weight for index in reading.free)
        for index, unit in enumerate(said.units):
            share = reading.explained.get(index, 0.0)
            if share < OWN_WORD and unit.key in model.own and unit.key not in self._lexicon.negations:
                share = OWN_WORD
            weight = unit.weight * (TEXT_CAP / free if index in reading.free and free > TEXT_CAP else 1.0)
            explained += weight * share
            if unit.weight >= 1.0:
                missing += weight * (1.0 - share)
                stray = stray or not share
            else:
                grammar += weight * (1.0 - share)
        missing += grammar if stray else grammar * GRAMMAR
        matched_weight = sum(example.items[position].weight for position in matched)  # type: ignore[union-attr]
        order = 1.0 - OUT_OF_ORDER * (1.0 - in_order / matched_weight) if matched_weight else 1.0
        if total <= 0:
            return _Scored(example, 0.0, reading, filled)
        coverage = explained / (explained + missing) if explained else 0.0
        score = (total_said / total) ** EXAMPLE_POWER * coverage ** TEXT_POWER * order
        if len(filled_slots) < len(placeholders):
            score *= UNFILLED
        if self._phrasal(said, reading, matched):
            score *= PHRASAL
        return _Scored(example, min(1.0, score), reading, filled)

    def _greeted(self, said: _Said, reading: _Reading) -> None:
        """A greeting before a request ("hey, can you roll a die") says nothing against it."""
        index = 0
        while index < len(said.units) and (said.units[index].filler or said.units[index].key == self._hello):
            index += 1
        if 0 < index < len(said.units):
            reading.explain(0, index)

    def _phrasal(self, said: _Said, reading: _Reading, matched: dict[int, int]) -> bool:
        """Whether a word of the example is followed by a particle that makes it another verb ("roll back")."""
        for index in matched.values():
            after = index + 1
            if after < len(said.units) and after not in reading.explained and (
                    said.units[after].stems[-1] in self._lexicon.particles and not said.units[after].filler):
                return True
        return False

    def _find(self, model: _Model, item: _Literal, said: _Said, taken: set[int],
              last: int) -> tuple[int, float, bool] | None:
        """Where the text says this word of the example: the first place after the previous word's, else any."""
        fallback: tuple[int, float, bool] | None = None
        aliases = model.aliases.get(item.key, ())
        for index, unit in enumerate(said.units):
            if index in taken or unit.filler:
                continue
            if item.key.startswith("#"):
                credit = EXACT if unit.number is not None and f"#{unit.number.value}" == item.key else 0.0
            elif unit.key == item.key:
                credit = TYPO if unit.typo else EXACT if unit.words == item.words else (
                    INFLECTED if unit.stems == item.stems else SYNONYM)
                credit *= _inflection(unit, item, number=unit.stems == item.stems)
            elif unit.key in aliases:
                credit = (TYPO if unit.typo else SYNONYM) * _inflection(unit, item, number=True, tense=True)
            else:
                continue
            if not credit:
                continue
            if index > last:
                return index, credit, True
            if fallback is None:
                fallback = (index, credit, False)
        return fallback

    # --- slots ------------------------------------------------------------------------------------------------

    def _next_to(self, said: _Said, unit_index: int, step: int) -> int | None:
        """The nearest unit before (step -1) or after (+1) that carries something, skipping fillers and "the"."""
        index = unit_index + step
        while 0 <= index < len(said.units):
            unit = said.units[index]
            if not unit.filler and unit.weight > LIGHT:
                return index
            index += step
        return None

    def _marker_of(self, model: _Model, said: _Said, unit_index: int) -> str | None:
        for step in (-1, 1):
            near = self._next_to(said, unit_index, step)
            if near is not None and said.units[near].stems[-1] in model.markers:
                return model.markers[said.units[near].stems[-1]]
        return None

    def _mark(self, model: _Model, said: _Said, reading: _Reading, unit_index: int, slot: str) -> None:
        """Explain the name said next to a value ("8 sides", "priority: high")."""
        for step in (-1, 1):
            near = self._next_to(said, unit_index, step)
            if near is not None and model.markers.get(said.units[near].stems[-1]) == slot:
                reading.explain(near, near + 1)

    def _read_numbers(self, model: _Model, said: _Said, reading: _Reading, used: set[int],
                      example: _Example | None, matched: dict[int, int], asked: str | None = None) -> None:
        slots = model.of_type(Number)
        if not slots:
            return
        free = [index for index, unit in enumerate(said.units) if unit.number is not None and index not in used]
        names = {slot.name for slot in slots}
        for slot in slots:
            pick = next((index for index in free if self._marker_of(model, said, index) == slot.name), None)
            if pick is None and example is not None:
                pick = self._at_placeholder(said, example, matched, slot.name, free)
            if pick is None and (asked == slot.name or (len(slots) == 1 and asked not in names)):
                heavy = [index for index in free if said.units[index].weight > LIGHT]
                pick = (heavy or free or [None])[0]
                if pick is not None and example is not None:  # a number said elsewhere than the example has it
                    reading.credit[slot.name] = ELSEWHERE
            if pick is None:
                if example is not None:
                    self._not_a_number(model, said, reading, used, example, matched, slot)
                continue
            free.remove(pick)
            used.add(pick)
            number = said.units[pick].number
            assert number is not None
            try:
                reading.values[slot.name] = slot.type.accept(number.value)  # type: ignore[union-attr]
                reading.notes.append(f"{slot.name}={reading.values[slot.name]}")
            except SlotValueError as error:
                reading.problems[slot.name] = str(error)
                reading.notes.append(f"{slot.name}=?")
            reading.explain(pick, pick + 1, reading.credit.get(slot.name, 1.0))
            self._mark(model, said, reading, pick, slot.name)

    def _at_placeholder(self, said: _Said, example: _Example, matched: dict[int, int], slot: str,
                        free: list[int]) -> int | None:
        """The number said where the example has the slot: right after the word before it, or right before the
        word after it."""
        position = example.items.index(slot) if slot in example.items else -1
        if position < 0:
            return None
        if position - 1 in matched:
            near = self._next_to(said, matched[position - 1], 1)
            if near in free:
                return near
        if position + 1 in matched:
            near = self._next_to(said, matched[position + 1], -1)
            if near in free:
                return near
        return None

    def _not_a_number(self, model: _Model, said: _Said, reading: _Reading, used: set[int], example: _Example,
                      matched: dict[int, int], slot: Slot) -> None:
        """"roll abc": one unknown word where the example has a number is a number mistyped, not another request
        ("roll back" is a phrasal verb, "roll the dice" a word of the example)."""
        position = example.items.index(slot.name) if slot.name in example.items else -1
        literals = [index for index, item in enumerate(example.items) if isinstance(item, _Literal)]
        if position < 1 or position - 1 not in matched or any(index not in matched for index in literals):
            return
        start = matched[position - 1] + 1
        end = matched[position + 1] if position + 1 in matched else len(said.units)
        inside = [index for index in range(start, end) if not said.units[index].filler]
        if len(inside) != 1:
            return
        unit = said.units[inside[0]]
        if (unit.weight < 1.0 or unit.number is not None or unit.typo or inside[0] in used
                or unit.stems[-1] in self._lexicon.particles or unit.key in self._known_stems
                or unit.key in model.own):
            return
        typed = said.chars(inside[0], inside[0])
        reading.problems[slot.name] = f"“{quoted(typed)}” is not a whole number"
        reading.notes.append(f"{slot.name}=?")
        reading.explain(inside[0], inside[0] + 1)

    def _choice_spans(self, model: _Model, said: _Said, used: set[int]) -> list[_ChoiceSpan]:
        """Where the text says a value of one of the intent's choices (or a synonym), longest first."""
        spans: list[_ChoiceSpan] = []
        if not model.choices:
            return spans
        index = 0
        taken_tokens = {token for unit_index in used for token in range(said.units[unit_index].first,
                                                                        said.units[unit_index].last)}
        while index < len(said.tokens):
            for length in range(min(model.longest_choice, len(said.tokens) - index), 0, -1):
                slots = model.choices.get(tuple(said.stems[index:index + length]))
                if slots and not taken_tokens & set(range(index, index + length)):
                    span = _ChoiceSpan(index, index + length, slots)
                    first_unit = said.unit_of[index]
                    names = {name for name, _ in slots}
                    marker = self._marker_of(model, said, first_unit)
                    last_unit = said.unit_of[index + length - 1]
                    marker = marker if marker in names else self._marker_of(model, said, last_unit)
                    span.marked = marker if marker in names else None
                    before = self._next_to(said, first_unit, -1)
                    lead = said.units[before].first if span.marked and before is not None and model.markers.get(
                        said.units[before].stems[-1]) == span.marked else index
                    span.apart = self._set_off(said, said.unit_of[lead])
                    spans.append(span)
                    index += length
                    break
            else:
                index += 1
        return spans

    @staticmethod
    def _set_off(said: _Said, unit_index: int) -> bool:
        """Whether a value starts a clause of its own: after punctuation, with at most light words between
        ("about login, high priority", "about payments, it's urgent")."""
        index = unit_index
        while True:
            if breaks_before(said.tokens[said.units[index].first]):
                return True
            if index == 0 or not (said.units[index - 1].filler or said.units[index - 1].weight <= LIGHT):
                return False
            index -= 1

    def _read_choices(self, model: _Model, said: _Said, reading: _Reading, spans: list[_ChoiceSpan],
                      example: _Example | None = None, matched: dict[int, int] | None = None) -> None:
        """Each choice value said, for its slot (the one named next to it first); a value said neither where the
        example has its slot nor next to the slot's name explains itself as free text does."""
        for span in sorted(spans, key=lambda each: each.marked is None):
            first_unit, last_unit = said.unit_of[span.first], said.unit_of[span.last - 1]
            if any(index in reading.free or reading.explained.get(index, 0.0) >= 1.0
                   for index in range(first_unit, last_unit + 1)):
                continue  # said as part of something else (a topic)
            options = [(name, value) for name, value in span.slots if name not in reading.values]
            if span.marked:
                options = [option for option in options if option[0] == span.marked] or options
            if not options:
                continue
            name, value = options[0]
            reading.values[name] = value
            reading.notes.append(f"{name}={value}")
            placed = example is None or span.marked or self._at_placeholder(
                said, example, matched or {}, name, [first_unit]) is not None or self._at_placeholder(
                said, example, matched or {}, name, [last_unit]) is not None
            reading.explain(first_unit, last_unit + 1, 1.0 if placed else TEXT_SHARE)
            self._mark(model, said, reading, first_unit, name)
            self._mark(model, said, reading, last_unit, name)

    def _read_texts(self, model: _Model, said: _Said, reading: _Reading, used: set[int], spans: list[_ChoiceSpan],
                    example: _Example, matched: dict[int, int]) -> None:
        for position, item in enumerate(example.items):
            if not isinstance(item, str) or not isinstance(model.slot(item).type, Text):
                continue
            named = self._named(model, said, item, used)
            bounds = named[1:] if named else self._text_bounds(said, example, matched, position)
            if bounds is None:
                continue
            start, end = bounds
            if named:
                reading.explain(named[0], start)  # "topic:" names the slot
            end = next((index for index in range(start, end) if index in used), end)  # not over the example's words
            after = example.items[position + 1] if position + 1 < len(example.items) else None
            self._take_text(model, said, reading, spans, item, start, end, share=TEXT_SHARE,
                            stop={after} if isinstance(after, str) else set())

    def _named(self, model: _Model, said: _Said, slot: str, used: set[int]) -> tuple[int, int, int] | None:
        """Where the text names the slot, and the units after the name ("new ticket, topic: wifi in room 4")."""
        copula = phrase_stems(COPULA)
        for index, unit in enumerate(said.units):
            if index not in used and model.markers.get(unit.stems[-1]) == slot:
                start = index + 1
                while start < len(said.units) and (said.units[start].stems in copula or said.units[start].filler):
                    start += 1
                end = next((each for each in range(start, len(said.units)) if each in used), len(said.units))
                if start < end:
                    return index, start, end
        return None

    def _text_bounds(self, said: _Said, example: _Example, matched: dict[int, int],
                     position: int) -> tuple[int, int] | None:
        """The units a Text slot of the example may take: after the word before it in the example (or the one
        before that, when only the anchor is missing), up to the word after it."""
        start: int | None = None
        literals = [index for index, item in enumerate(example.items) if isinstance(item, _Literal)]
        if position == 0:
            start = 0
        elif position - 1 in matched:
            start = matched[position - 1] + 1
        elif position - 2 in matched and isinstance(example.items[position - 1], _Literal) and all(
                index in matched for index in literals if index != position - 1
                and example.items[index].weight > LIGHT) and _in_order(matched):  # type: ignore[union-attr]
            start = matched[position - 2] + 1  # only the anchor is missing: "raise a ticket: the printer ..."
            if start < len(said.units) and said.units[start].stems in self._stand_ins:
                start += 1  # another word in its place: "a ticket for the broken printer"
        end = len(said.units)
        if position + 1 in matched:
            end = matched[position + 1]
        elif position + 1 < len(example.items) and position == 0:
            return None  # a slot first, with the word after it not said: nothing marks where it ends
        if start is None or start >= end:
            return None
        return start, end

    def _take_text(self, model: _Model, said: _Said, reading: _Reading, spans: list[_ChoiceSpan], slot: str,
                   start: int, end: int, *, share: float = 1.0, stop: set[str] | None = None) -> None:
        """A Text slot's value from units [start, end): up to where another slot's value is set off ("about
        login, high priority") or where the example has the next slot ("order a {drink} {size}"), without the
        politeness at its end ("... for me")."""
        for span in spans:
            first_unit = said.unit_of[span.first]
            if start < first_unit < end and (span.marked or span.apart or any(
                    name in (stop or ()) for name, _ in span.slots)):
                end = first_unit
                before = self._next_to(said, first_unit, -1)
                if span.marked and before is not None and before >= start and model.markers.get(
                        said.units[before].stems[-1]) == span.marked:
                    end = before
                while end - 1 > start and not breaks_before(said.tokens[said.units[end].first]) and (
                        said.units[end - 1].filler or said.units[end - 1].weight <= LIGHT):
                    end -= 1  # the clause's light words go with the value: "payments, it's urgent"
                if not breaks_before(said.tokens[said.units[end].first]) and span.apart and not span.marked:
                    end = first_unit  # no clause after all: keep the words
        while start < end and said.units[start].filler and said.units[start].stems not in self._lexicon.trailing:
            start += 1
        whole = end
        while end > start and said.units[end - 1].stems in self._lexicon.trailing:
            end -= 1
        if start >= end:  # "say thank you": the politeness is the text
            end = whole
        if start >= end:
            return
        for index in range(start + 1, min(start + 4, end)):  # "repeat this: ship it", "after me: I am a bot"
            if ":" in said.tokens[said.units[index].first].before:
                start = index
                break
        try:
            value = model.slot(slot).type.parse(said.chars(start, end - 1))  # type: ignore[union-attr]
            reading.values[slot] = value
            reading.notes.append(f"{slot}=<{end - start} words>")
        except SlotValueError as error:
            reading.problems[slot] = str(error)
            reading.notes.append(f"{slot}=?")
        reading.explain(start, end, share)
        reading.free.update(range(start, end))

    # --- a dialog in progress ---------------------------------------------------------------------------------

    def read_slots(self, intent: Intent, text: str, *, asked: str | None = None) -> SlotReading:
        """What `text` says about `intent`'s slots, mid-dialog: the answer to the slot `asked`, a correction
        ("make it high", "actually the topic is login", "no, 8 sides"), several slots at once. `explained` is
        how much of the text that accounts for: low when it says something else ("roll 6 please", "help")."""
        model = self._models.get(intent.name)
        if model is None or model.intent is not intent:
            model = self._model(intent)
        said = self._analyse(text)
        if asked is not None and all(slot.name != asked for slot in intent.slots):
            asked = None
        reading = _Reading()
        lead = self._lead(said, LEADS)
        self._read_numbers(model, said, reading, set(), None, {}, asked)
        spans = self._choice_spans(model, said, set())
        self._read_named_texts(model, said, reading, spans, asked, lead)
        asked_type = intent.slot(asked).type if asked else None
        if isinstance(asked_type, Text) and asked not in reading.values and asked not in reading.problems:
            self._answer_text(model, said, reading, spans, asked, lead)
        self._read_choices(model, said, reading, spans)
        if asked and not reading.values and asked not in reading.problems:
            self._explain_miss(said, reading, asked, asked_type, lead)
        return SlotReading(reading.values, reading.problems, self._explained(model, said, reading, asked))

    @staticmethod
    def _lead(said: _Said, phrases: Sequence[str]) -> int:
        """How many units at the start of the text are fillers or these phrases ("no,", "actually", "make it")."""
        known = phrase_stems(tuple(phrases))
        longest = max(len(phrase) for phrase in known)
        lead = 0
        while lead < len(said.units):
            if said.units[lead].filler:
                lead += 1
                continue
            for length in range(min(longest, len(said.units) - lead), 0, -1):
                if tuple(word for unit in said.units[lead:lead + length] for word in unit.stems) in known:
                    lead += length
                    break
            else:
                break
        return lead

    def _read_named_texts(self, model: _Model, said: _Said, reading: _Reading, spans: list[_ChoiceSpan],
                          asked: str | None, lead: int) -> None:
        """Text slots named ("the topic is login") or introduced by their anchor ("about the login page"); the
        asked one's anchor only when nothing but a correction's words come before it ("it's about ...")."""
        glue, copula = phrase_stems(GLUE), phrase_stems(COPULA)
        for slot in model.of_type(Text):
            anchors = model.anchors.get(slot.name, set())
            for index, unit in enumerate(said.units):
                named = model.markers.get(unit.stems[-1]) == slot.name
                if not named and unit.key not in anchors:
                    continue
                if not named and slot.name == asked and not breaks_before(said.tokens[unit.first]) and any(
                        not (each.filler or each.stems in glue) for each in said.units[lead:index]):
                    continue  # "the printer is about to explode" is a topic, not "to explode"
                start = index + 1
                while named and start < len(said.units) and (said.units[start].stems in copula
                                                             or said.units[start].filler):
                    start += 1  # "the topic is login", "topic: login", "set the topic to login"
                self._take_text(model, said, reading, spans, slot.name, start, len(said.units))
                if slot.name in reading.values or slot.name in reading.problems:
                    reading.explain(index, start)
                    break

    def _answer_text(self, model: _Model, said: _Said, reading: _Reading, spans: list[_ChoiceSpan], asked: str,
                     lead: int) -> None:
        """The whole text (after "no," or "actually") as the answer to the Text slot asked for, unless it only
        corrects another slot ("make it high", "no, high priority")."""
        openings = self._lead(said, GLUE_OPENINGS)
        if reading.values or (openings and spans) or (lead and any(span.first >= said.units[lead - 1].last
                                                                   for span in spans)):
            return
        start = lead if lead < len(said.units) else 0
        self._take_text(model, said, reading, spans, asked, start, len(said.units))
        reading.explain(0, start)

    def _explain_miss(self, said: _Said, reading: _Reading, asked: str, asked_type: Any, lead: int) -> None:
        """Nothing was read, and a slot was asked for: the words given for it, and why they do not fit."""
        start = lead if lead < len(said.units) else 0
        if not said.units or all(unit.filler for unit in said.units[start:]):
            return
        try:
            asked_type.parse(said.chars(start, len(said.units) - 1))
        except SlotValueError as error:
            reading.problems[asked] = str(error)

    def _explained(self, model: _Model, said: _Said, reading: _Reading, asked: str | None) -> float:
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

    def _free_answer(self, model: _Model, said: _Said, reading: _Reading, asked: str) -> float:
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
    def _share(said: _Said, reading: _Reading) -> float:
        if said.weight <= 0:
            return 0.0
        explained = sum(unit.weight * reading.explained.get(index, 0.0) for index, unit in enumerate(said.units))
        return min(1.0, explained / said.weight)


def _in_order(matched: dict[int, int]) -> bool:
    places = [matched[position] for position in sorted(matched)]
    return places == sorted(places)


def _past(word: str) -> bool:
    return word.endswith("ed") and stem(word) != word


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith("ss") and stem(word) != word


def _inflection(said: _Unit, example: _Literal, *, number: bool, tense: bool = False) -> float:
    """What saying the example's word in another tense or number costs: "opened" or "did I open" for "open",
    "tickets" for "ticket". Of the same word or an intent's synonym ("report" for "opened", "issues" for "ticket");
    not of the general groups, whose words differ in form anyway ("finished" may well mean "done", "greetings"
    "hello")."""
    factor = 1.0
    if (tense or said.stems == example.stems) and said.past != example.past:
        factor *= OTHER_TENSE
    if number and _plural(said.words[-1]) != _plural(example.words[-1]):
        factor *= OTHER_NUMBER
    return factor
