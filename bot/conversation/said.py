"""A text as the recogniser reads it: its words (`language.tokens`), phrases joined, numbers read, typos read as the
known words they are (a letter doubled or dropped, vowels left out, two words typed as one, one edit away), each
unit with the key matching compares and the weight it carries.

A Reader knows the words of the intents it serves (a typo is read only as one of those or as a word of
`language.py`): the recogniser tells it their words and phrases (`know`, `add_phrase`), then calls `ready`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.conversation.language import (
    IRREGULAR_PAST,
    LIGHT,
    SHORTHAND,
    WRAPPING_KEYS,
    Token,
    breaks_before,
    lexicon,
    stem,
    tokens,
)
from bot.conversation.numbers import FoundNumber, find_numbers
from bot.conversation.slots import typo_distance

QUOTES = "\"'“”‘’«»"
DOUBLED = re.compile(r"([^\W\d_])\1+")
VOWELS = re.compile(r"[aeiou]")
EDGE = ":,-–— \t\n"  # stripped from the ends of free text (not ";": "&gt;" ends with it)
CLOSING = ".,;:!?)\"'…"  # what may close a sentence after its last word
MAX_CACHED_TYPOS = 10_000


@dataclass
class Unit:
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
class Said:
    text: str
    tokens: list[Token]
    stems: list[str]  # per token, typos read as the known word
    units: list[Unit]
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
        return value.rstrip(",:")


    def closes(self, unit: int) -> bool:
        """Whether only spaces and punctuation follow this unit up to the next one (or the end): "thanks!" closes,
        "again 🎉" does not."""
        end = self.tokens[self.units[unit].last - 1].end
        upto = self.tokens[self.units[unit + 1].first].start if unit + 1 < len(self.units) else len(self.text)
        return all(char.isspace() or char in CLOSING for char in self.text[end:upto])


class Reader:
    """Reads texts into units, for the intents it was told about."""

    def __init__(self) -> None:
        self.lexicon = lexicon()
        self.phrases: dict[tuple[str, ...], tuple[str, bool]] = {}  # stems -> (key, filler)
        for words, key in self.lexicon.same.items():
            if len(words) > 1:
                self.phrases[words] = (key, False)
        for words in (*self.lexicon.fillers, *self.lexicon.asking):
            self.phrases.setdefault(words, ("", True))
        self.longest_phrase = max(len(words) for words in self.phrases)
        self.hello = self.key_of("hello")
        self.known_words: set[str] = self.lexicon.words()
        self.known_stems: set[str] = set()
        self.intent_words: set[str] = set()
        self._intent_stems: set[str] = set()
        self._fuzzy_words: list[str] = []
        self._collapsed: dict[str, set[str]] = {}  # a fuzzy word without its doubled letters -> the words
        self._skeletons: dict[str, set[str]] = {}  # a fuzzy word without its vowels -> the words
        self._fix_cache: dict[tuple[str, bool], tuple[str, ...] | None] = {}

    def know(self, words: Iterable[str]) -> None:
        """Words of an intent: never typos, and what a typo may be read as."""
        words = set(words)
        self.known_words.update(words)
        self.intent_words.update(words)

    def add_phrase(self, words: tuple[str, ...], key: str) -> None:
        """A phrase (stems) read as one unit with this key: an intent's synonym of several words."""
        self.phrases[words] = (key, False)
        self.longest_phrase = max(self.longest_phrase, len(words))

    def ready(self) -> None:
        """Done being told: the stems of the known words, and the words a typo may be read as (those that carry
        something: "world" is not a typo of "would")."""
        self.known_stems = {stem(word) for word in self.known_words}
        self._intent_stems = {stem(word) for word in self.intent_words}
        self._fuzzy_words = sorted(word for word in self.known_words if len(word) >= 3 and word.isalpha()
                                   and self._carries(word))
        self._collapsed, self._skeletons = {}, {}
        for word in self._fuzzy_words:
            self._collapsed.setdefault(DOUBLED.sub(r"\1", word), set()).add(word)
            if len(word) >= 4:
                self._skeletons.setdefault(VOWELS.sub("", word), set()).add(word)
        self._fuzzy_words = [word for word in self._fuzzy_words if len(word) >= 4]
        self._fix_cache.clear()

    def _carries(self, word: str) -> bool:
        """Whether a word carries something of a request (a typo may be read as it): not a function word, so
        "world" is not "would"; the verbs that wrap a request ("show", "list") do."""
        key = self.key_of(word)
        return self.lexicon.weight(key) >= 1.0 or key in WRAPPING_KEYS

    def key_of(self, word: str) -> str:
        word_stem = stem(word)
        return self.lexicon.same.get((word_stem,), word_stem)

    def fix(self, word: str, *, acronym: bool = False) -> tuple[str, ...] | None:
        """The known word (or two) a typed one is a typo of, or None: a letter held or doubled in the wrong place
        ("helo", "rool", "rolll"), vowels left out as people do in chat ("shw", "lst"), two words typed as one
        ("mytickets"), or one edit away ("tickts"; in a short word only two letters swapped: "last" is not "cast").
        A word typed in capitals is an acronym ("VPN", "SMS"), never vowels left out."""
        if (word, acronym) in self._fix_cache:
            return self._fix_cache[word, acronym]
        fixed = self._fixed(word, acronym)
        if len(self._fix_cache) > MAX_CACHED_TYPOS:
            self._fix_cache.clear()
        self._fix_cache[word, acronym] = fixed
        return fixed

    def _fixed(self, word: str, acronym: bool) -> tuple[str, ...] | None:
        single = DOUBLED.sub(r"\1", word)  # "heyy", "rolll" held a letter: "hey", "roll" (doubles kept first)
        if single != word and (single in self.known_words or stem(single) in self.known_stems):
            return (single,)
        if len(word) >= 3:
            same = self._collapsed.get(single, set())
            if len(same) == 1:
                return (next(iter(same)),)
        if len(word) >= 3 and not acronym and not VOWELS.search(word):
            same = self._skeletons.get(word, set())
            if len(same) == 1:
                return (next(iter(same)),)
        split = self._split(word)
        if split is not None:
            return split
        limit = typo_distance(len(word))
        if not limit or not self._fuzzy_words:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found = process.extractOne(word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=limit)
        if found is None or (len(word) < 5 and sorted(found[0]) != sorted(word)):
            return None  # a short word is another word one letter off ("last", "cast"): only swaps are typos
        return (found[0],)

    def _split(self, word: str) -> tuple[str, ...] | None:
        """Two words typed without the space between them ("mytickets", "openticket"): both known, one of them a
        word of an intent's that carries something (not "today": "to" and "day"), neither shorter than two letters."""
        if len(word) < 5:
            return None
        for cut in range(2, len(word) - 1):
            parts = (word[:cut], word[cut:])
            read = [SHORTHAND.get(part, (part,)) for part in parts]
            if all(self._known(words[-1]) for words in read) and any(
                    self._intent(words[-1]) and self._carries(words[-1]) for words in read):
                return (*read[0], *read[1])
        return None

    def _known(self, word: str) -> bool:
        return word in self.known_words or stem(word) in self.known_stems

    def _intent(self, word: str) -> bool:
        return word in self.intent_words or stem(word) in self._intent_stems

    def analyse(self, text: str, *, fix: bool = True) -> Said:
        cut = tokens(text)
        typed: dict[int, str] = {}
        if fix:
            cut, typed = self._typos(text, cut)
        words = [token.text for token in cut]
        word_stems = [stem(word) for word in words]
        numbers = {number.start: number for number in find_numbers(words)}
        breaks = [breaks_before(token) for token in cut]
        units: list[Unit] = []
        unit_of = [0] * len(words)
        index = 0
        while index < len(words):
            unit = self._unit_at(words, word_stems, numbers, index, breaks)
            if index in typed and unit.last == index + 1:
                unit.typo = typed[index]
            for position in range(unit.first, unit.last):
                unit_of[position] = len(units)
            units.append(unit)
            index = unit.last
        units = self._inside_asking(cut, words, word_stems, numbers, units)
        for number, unit in enumerate(units):
            unit.past = len(unit.words) == 1 and (past(unit.words[0]) or (unit.weight >= 1.0 and any(
                other.words == ("did",) for other in units[max(0, number - 2):number])))
        self._relative_clauses(units)
        for number, unit in enumerate(units):
            for position in range(unit.first, unit.last):
                unit_of[position] = number
        weight = sum(unit.weight for unit in units)
        keys = {unit.key for unit in units if not unit.filler}
        return Said(text, cut, word_stems, units, unit_of, weight, keys)

    def _typos(self, text: str, cut: list[Token]) -> tuple[list[Token], dict[int, str]]:
        """The words read as the known words they are typos of (a word typed as two tokens keeps its place in the
        text), and what was typed at each place fixed."""
        fixed_cut: list[Token] = []
        typed: dict[int, str] = {}
        for token in cut:
            word = token.text
            fixed = None
            if word.isalpha() and word not in self.known_words and stem(word) not in self.known_stems:
                fixed = self.fix(word, acronym=text[token.start:token.end].isupper())
            if fixed is None:
                fixed_cut.append(token)
                continue
            for number, part in enumerate(fixed):
                typed[len(fixed_cut)] = word
                fixed_cut.append(Token(part, token.start, token.end, token.before if number == 0 else ""))
        return fixed_cut, typed

    def _relative_clauses(self, units: list[Unit]) -> None:
        """"the job I started", "the tickets I've opened", "the count I kicked off": a thing with a clause of what I
        did to it is mine. Its "the" reads as "my"; the clause carries little."""
        for index in range(len(units) - 3):
            if units[index].words not in (("the",), ("that",), ("those",)):
                continue
            for head in (index + 1, index + 2):  # the noun, or a word before it: "the prime count I started"
                verb = head + 2
                if verb >= len(units) or units[head + 1].words not in (("i",), ("we",)) or any(
                        unit.filler or unit.number is not None or unit.weight <= LIGHT
                        for unit in units[index + 1:head + 1]):
                    continue
                if units[verb].stems == ("have",) and verb + 1 < len(units):
                    verb += 1
                if not units[verb].past:
                    continue
                last = verb + 1 if verb + 1 < len(units) and (
                    units[verb + 1].stems[-1] in self.lexicon.particles or units[verb + 1].words == ("for",)) else verb
                units[index].key, units[index].stems = self.key_of("my"), ("my",)
                units[index].weight = self.lexicon.weight(units[index].key)
                for unit in units[head + 1:last + 1]:
                    unit.weight = min(unit.weight, LIGHT)
                break

    def _inside_asking(self, cut: list[Token], words: list[str], word_stems: list[str],
                       numbers: dict[int, FoundNumber], units: list[Unit]) -> list[Unit]:
        """A way of asking ("can you") inside a request ("what can you do") is words of it, not a filler."""
        kept: list[Unit] = []
        request = any(not unit.filler for unit in units)  # "can you help me" alone is the request itself
        for number, unit in enumerate(units):
            if not unit.filler or unit.stems not in self.lexicon.asking or (
                    request and self._at_edge(cut, units, number)):
                kept.append(unit)
                continue
            index = unit.first
            while index < unit.last:
                inner = self._unit_at(words[:unit.last], word_stems[:unit.last], numbers, index,
                                      [breaks_before(token) for token in cut], asking=False)
                kept.append(inner)
                index = inner.last
        return kept

    def _at_edge(self, cut: list[Token], units: list[Unit], number: int) -> bool:
        """Whether only greetings, names and fillers stand between this unit and the start or the end of its
        sentence (or of a clause set off by punctuation)."""
        def idle(unit: Unit) -> bool:
            return unit.filler or unit.key == self.hello

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
                 index: int, breaks: list[bool], *, asking: bool = True) -> Unit:
        number = numbers.get(index)
        if number is not None:
            light = number.end - number.start == 1 and words[index] in ("one", "a", "an")
            return Unit("#", index, number.end, LIGHT if light else 1.0, tuple(word_stems[index:number.end]),
                         tuple(words[index:number.end]), number=number)
        joined = 1  # a phrase does not go over punctuation: "echo: back in 5" is no "echo back"
        while joined < self.longest_phrase and index + joined < len(words) and not breaks[index + joined]:
            joined += 1
        for length in range(min(joined, len(words) - index), 1, -1):
            found = self.phrases.get(tuple(word_stems[index:index + length]))
            if found is not None and not asking and tuple(word_stems[index:index + length]) in self.lexicon.asking:
                found = None if found[1] else found
            if found is not None:
                key, filler = found
                end = index + length
                return Unit(key, index, end, 0.0 if filler else self.lexicon.weight(key),
                             tuple(word_stems[index:end]), tuple(words[index:end]), filler=filler)
        word_stem = word_stems[index]
        one = (word_stem,)
        if one in self.lexicon.fillers or word_stem in self.lexicon.addressing or (
                asking and one in self.lexicon.asking):
            return Unit("", index, index + 1, 0.0, one, (words[index],), filler=True)
        key = self.lexicon.same.get(one, word_stem)
        weight = self.lexicon.weight(key) if key != word_stem else self.lexicon.weight(word_stem)
        return Unit(key, index, index + 1, weight, one, (words[index],))


def past(word: str) -> bool:
    return (word.endswith("ed") and stem(word) != word) or word in IRREGULAR_PAST
