"""Slot values where people put them, for one intent: a Number at the example's place, next to its name ("8 sides")
or as the only number said; a Choice value, synonym or typo anywhere (the one named next to it first); a Text slot
after its anchor or its name (or a colon or a dash in the anchor's place, or in the clause before the request), past
the words that frame it ("say this back to me: ...") and the values named before it, up to where the sentence turns
to another slot ("about login, high priority") or to a question about it ("..., any idea why?").

Used by the recogniser for each example it scores (`numbers`, `choice_spans`, `texts`, `choices`) and for a
dialog in progress (`lead`, `named_texts`, `answer_text`, `explain_miss`). What is read goes into a Reading:
values, problems, and how much of each unit the values explain.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.intent_model import Example, ExampleWord, IntentModel
from bot.conversation.language import (
    COPULA,
    FRAMING,
    GLUE,
    GLUE_OPENINGS,
    LIGHT,
    QUESTION_TAILS,
    STAND_INS,
    breaks_before,
    lexicon,
    phrase_stems,
)
from bot.conversation.said import Reader, Said
from bot.conversation.slots import Number, Slot, SlotValueError, Text, quoted

COLON = re.compile(r":\s")  # what introduces the text itself (not the "://" of a link)
OPENING_QUOTE = re.compile(r"[\"'“‘]$")  # ... and a quote after the words that frame it
INTRODUCING = re.compile(r":\s|(?:^|\s)-{1,2}\s")  # ... and a dash: "ticket pls: ...", "open ticket - ..."
ELSEWHERE = 0.6  # a number said neither where the example has its slot nor next to the slot's name
# Words taken as free text explain less of themselves than words the example says ("open a ticket about X" is
# better explained by that example than by "open {thing}"), and however long, they weigh at most TEXT_CAP
TEXT_SHARE, TEXT_CAP = 0.7, 2.0
MAX_FRAMING = 8  # words that may frame a text before its colon ("say this back to me word for word: ...")


@dataclass
class ChoiceSpan:
    first: int  # tokens [first, last)
    last: int
    slots: list[tuple[str, str]]  # (slot name, value) this way of saying it means
    marked: str | None = None  # the slot whose name is said next to it ("high priority")
    apart: bool = False  # set off by punctuation ("about login, high")


@dataclass
class Reading:
    """Slot values read from a text for one intent (and one example, when recognising)."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    explained: dict[int, float] = field(default_factory=dict)  # unit index -> share of its weight explained
    notes: list[str] = field(default_factory=list)
    credit: dict[str, float] = field(default_factory=dict)  # slot -> how surely its words are its (default 1)
    free: set[int] = field(default_factory=set)  # units taken as free text
    understood: set[int] = field(default_factory=set)  # example words left out but meant ("ticket pls: ...")

    def explain(self, first_unit: int, last_unit: int, share: float = 1.0) -> None:
        for index in range(first_unit, last_unit):
            self.explained[index] = max(self.explained.get(index, 0.0), share)


class SlotReader:
    """Reads an intent's slots from a text the Reader has read."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._stand_ins = phrase_stems(STAND_INS)
        self._framing = phrase_stems(FRAMING)
        self._questions = phrase_stems(QUESTION_TAILS)

    def next_to(self, said: Said, unit_index: int, step: int) -> int | None:
        """The nearest unit before (step -1) or after (+1) that carries something, skipping fillers and "the"."""
        index = unit_index + step
        while 0 <= index < len(said.units):
            unit = said.units[index]
            if not unit.filler and unit.weight > LIGHT:
                return index
            index += step
        return None

    def marker_of(self, model: IntentModel, said: Said, unit_index: int) -> str | None:
        for step in (-1, 1):
            near = self.next_to(said, unit_index, step)
            if near is not None and said.units[near].stems[-1] in model.markers:
                return model.markers[said.units[near].stems[-1]]
        return None

    def mark(self, model: IntentModel, said: Said, reading: Reading, unit_index: int, slot: str) -> None:
        """Explain the name said next to a value ("8 sides", "priority: high")."""
        for step in (-1, 1):
            near = self.next_to(said, unit_index, step)
            if near is not None and model.markers.get(said.units[near].stems[-1]) == slot:
                reading.explain(near, near + 1)

    def numbers(self, model: IntentModel, said: Said, reading: Reading, used: set[int],
                      example: Example | None, matched: dict[int, int], asked: str | None = None) -> None:
        slots = model.of_type(Number)
        if not slots:
            return
        free = [index for index, unit in enumerate(said.units) if unit.number is not None and index not in used]
        names = {slot.name for slot in slots}
        for slot in slots:
            pick = next((index for index in free if self.marker_of(model, said, index) == slot.name), None)
            if pick is None and example is not None:
                pick = self.at_placeholder(said, example, matched, slot.name, free)
            if pick is None and (asked == slot.name or (len(slots) == 1 and asked not in names)):
                heavy = [index for index in free if said.units[index].weight > LIGHT]
                pick = (heavy or free or [None])[0]
                if pick is not None and example is not None:  # a number said elsewhere than the example has it
                    reading.credit[slot.name] = ELSEWHERE
            if pick is None:
                if example is not None:
                    self.not_a_number(model, said, reading, used, example, matched, slot)
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
            self.mark(model, said, reading, pick, slot.name)

    def at_placeholder(self, said: Said, example: Example, matched: dict[int, int], slot: str,
                        free: list[int]) -> int | None:
        """The number said where the example has the slot: right after the word before it, or right before the
        word after it."""
        position = example.items.index(slot) if slot in example.items else -1
        if position < 0:
            return None
        if position - 1 in matched:
            near = self.next_to(said, matched[position - 1], 1)
            if near in free:
                return near
        if position + 1 in matched:
            near = self.next_to(said, matched[position + 1], -1)
            if near in free:
                return near
        before = example.items[position - 1] if position else None
        if position == len(example.items) - 1 and isinstance(before, str) and isinstance(
                example.model.slot(before).type, Text):  # "note {text} {times}": the number closes the text
            near = self.next_to(said, len(said.units), -1)
            if near in free:
                return near
        return None

    def not_a_number(self, model: IntentModel, said: Said, reading: Reading, used: set[int], example: Example,
                      matched: dict[int, int], slot: Slot) -> None:
        """"roll abc": one unknown word (or one piece of text without a space, "roll <!here>") where the example has a
        number is a number mistyped, not another request ("roll back" is a phrasal verb, "roll the dice" a word of
        the example); only when the request starts the sentence ("egg roll recipe" is no roll)."""
        position = example.items.index(slot.name) if slot.name in example.items else -1
        literals = [index for index, item in enumerate(example.items) if isinstance(item, ExampleWord)]
        if position < 1 or position - 1 not in matched or any(index not in matched for index in literals):
            return
        first = min(matched.values())
        if any(not (unit.filler or unit.weight <= LIGHT or unit.key == self.reader.hello)
               for unit in said.units[:first]):
            return
        start = matched[position - 1] + 1
        end = matched[position + 1] if position + 1 in matched else len(said.units)
        inside = [index for index in range(start, end) if not said.units[index].filler]
        if not inside or any(index in used or said.units[index].number is not None for index in inside):
            return
        if any(any(char.isspace() for char in said.tokens[said.units[index].first].before) for index in inside[1:]):
            return  # several words: only as one piece without spaces ("<!here>")
        unit = said.units[inside[0]]
        if len(inside) == 1 and (unit.weight < 1.0 or unit.typo or unit.stems[-1] in self.reader.lexicon.particles
                                 or unit.key in self.reader.known_stems or unit.key in model.own):
            return
        typed = said.chars(inside[0], inside[-1])
        reading.problems[slot.name] = f"“{quoted(typed)}” is not a whole number"
        reading.notes.append(f"{slot.name}=?")
        reading.explain(inside[0], inside[-1] + 1)

    def choice_spans(self, model: IntentModel, said: Said, used: set[int]) -> list[ChoiceSpan]:
        """Where the text says a value of one of the intent's choices (or a synonym), longest first."""
        spans: list[ChoiceSpan] = []
        if not model.choices:
            return spans
        index = 0
        taken_tokens = {token for unit_index in used for token in range(said.units[unit_index].first,
                                                                        said.units[unit_index].last)}
        while index < len(said.tokens):
            for length in range(min(model.longest_choice, len(said.tokens) - index), 0, -1):
                slots = model.choices.get(tuple(said.stems[index:index + length]))
                if slots and not taken_tokens & set(range(index, index + length)):
                    span = ChoiceSpan(index, index + length, slots)
                    first_unit = said.unit_of[index]
                    names = {name for name, _ in slots}
                    marker = self.marker_of(model, said, first_unit)
                    last_unit = said.unit_of[index + length - 1]
                    marker = marker if marker in names else self.marker_of(model, said, last_unit)
                    span.marked = marker if marker in names else None
                    before = self.next_to(said, first_unit, -1)
                    lead = said.units[before].first if span.marked and before is not None and model.markers.get(
                        said.units[before].stems[-1]) == span.marked else index
                    span.apart = self.set_off(said, said.unit_of[lead])
                    spans.append(span)
                    index += length
                    break
            else:
                index += 1
        return spans

    @staticmethod
    def set_off(said: Said, unit_index: int) -> bool:
        """Whether a value starts a clause of its own: after punctuation, with at most light words between
        ("about login, high priority", "about payments, it's urgent")."""
        index = unit_index
        while True:
            if breaks_before(said.tokens[said.units[index].first]):
                return True
            if index == 0 or not (said.units[index - 1].filler or said.units[index - 1].weight <= LIGHT):
                return False
            index -= 1

    def choices(self, model: IntentModel, said: Said, reading: Reading, spans: list[ChoiceSpan],
                      example: Example | None = None, matched: dict[int, int] | None = None) -> None:
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
            placed = example is None or span.marked or self.at_placeholder(
                said, example, matched or {}, name, [first_unit]) is not None or self.at_placeholder(
                said, example, matched or {}, name, [last_unit]) is not None
            reading.explain(first_unit, last_unit + 1, 1.0 if placed else TEXT_SHARE)
            self.mark(model, said, reading, first_unit, name)
            self.mark(model, said, reading, last_unit, name)

    def texts(self, model: IntentModel, said: Said, reading: Reading, used: set[int], spans: list[ChoiceSpan],
                    example: Example, matched: dict[int, int]) -> None:
        for position, item in enumerate(example.items):
            if not isinstance(item, str) or not isinstance(model.slot(item).type, Text):
                continue
            named = self.named(model, said, item, used)
            bounds = named[1:] if named else self.text_bounds(said, example, matched, position)
            if (bounds is None or bounds[0] >= bounds[1]) and position == len(example.items) - 1:
                bounds = self.clause_before(said, matched)
            if bounds is None:
                continue
            start, end = bounds
            if item in model.numeric and all(unit.number is None for unit in said.units[start:end]):
                continue  # a code is said in numbers: "the code is broken" gives none
            share = TEXT_SHARE
            before = [matched[place] for place in matched if place < position]
            if not named and position - 1 not in matched and before and self.introduced(
                    said, max(before) + 1) == start and all(index in used or unit.filler or unit.weight <= LIGHT
                                                            for index, unit in enumerate(said.units[:start])):
                share = 1.0  # the colon says where the text is, and stands for the words left out before it:
                # "ticket pls: the printer is on fire" (not for words said otherwise: "open ticket - ...")
                reading.understood.update(place for place in range(position) if place not in matched
                                          and isinstance(example.items[place], ExampleWord))
            if named:
                reading.explain(named[0], start)  # "topic:" names the slot
            elif start and model.markers.get(said.units[start - 1].stems[-1]) == item:
                copula = phrase_stems(COPULA)
                while start < end and said.units[start].stems in copula:  # "link code is 555 111"
                    reading.explain(start, start + 1)
                    start += 1
            words = used - set(matched.values()) | {  # the numbers read, and the example's words (an "a" found
                matched[place] for place in matched  # out of order, inside the text, is the text's)
                if example.items[place].weight > LIGHT or between(matched, place)}  # type: ignore[union-attr]
            end = next((index for index in range(start, end) if index in words), end)  # not over the example's words
            after = example.items[position + 1] if position + 1 < len(example.items) else None
            self.take_text(model, said, reading, spans, item, start, end, share=share,
                            stop={after} if isinstance(after, str) else set())

    def named(self, model: IntentModel, said: Said, slot: str, used: set[int]) -> tuple[int, int, int] | None:
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

    def text_bounds(self, said: Said, example: Example, matched: dict[int, int],
                     position: int) -> tuple[int, int] | None:
        """The units a Text slot of the example may take: after the word before it in the example (or the one
        before that, when only the anchor is missing), up to the word after it."""
        start: int | None = None
        literals = [index for index, item in enumerate(example.items) if isinstance(item, ExampleWord)]
        if position == 0:
            start = 0
        elif position - 1 in matched and between(matched, position - 1):  # "here's my code: ..." is no "is" of
            start = matched[position - 1] + 1  # "my code is {code}"
        elif position - 2 in matched and isinstance(example.items[position - 1], ExampleWord) and all(
                index in matched for index in literals if index != position - 1
                and example.items[index].weight > LIGHT) and in_order(example, matched):  # type: ignore[union-attr]
            start = matched[position - 2] + 1  # only the anchor is missing: "raise a ticket: the printer ..."
            if start < len(said.units) and said.units[start].stems in self._stand_ins:
                start += 1  # another word in its place: "a ticket for the broken printer"
        elif (before := [place for place in matched if place < position]) and in_order(example, matched):
            start = self.introduced(said, matched[max(before)] + 1)  # "ticket pls: the printer ...", "ticket - ..."
        end = len(said.units)
        if position + 1 in matched:
            end = matched[position + 1]
        elif position + 1 < len(example.items) and position == 0:
            return None  # a slot first, with the word after it not said: nothing marks where it ends
        if start is None or start >= end:
            return None
        return start, end

    def past_values(self, model: IntentModel, said: Said, spans: list[ChoiceSpan], start: int, end: int) -> int:
        """Where a text starts after the other slots' values it opens with, named and each a clause of its own
        ("open ticket - priority: normal - SSO redirect fails"): they are theirs, not the text's."""
        for span in sorted(spans, key=lambda each: each.first):
            first_unit, last_unit = said.unit_of[span.first], said.unit_of[span.last - 1]
            if first_unit < start:
                continue
            if not span.marked:
                break  # a value alone is the text's: "about login, high priority"
            lead, after = first_unit, last_unit + 1
            before = self.next_to(said, first_unit, -1)
            if before is not None and before >= start and model.markers.get(
                    said.units[before].stems[-1]) == span.marked:
                lead = before  # "priority: normal"
            if after < end and model.markers.get(said.units[after].stems[-1]) == span.marked:
                after += 1  # "normal priority"
            if after >= end or not breaks_before(said.tokens[said.units[after].first]) or any(
                    not (unit.filler or unit.weight <= LIGHT) for unit in said.units[start:lead]):
                break
            start = after
        return start

    def clause_before(self, said: Said, matched: dict[int, int]) -> tuple[int, int] | None:
        """The clause before a request that would end with its text, when nothing follows it ("the VPN is down, can
        you open a ticket?"): set off by punctuation, two words that carry something at least, greetings left out."""
        if not matched:
            return None
        first = min(matched.values())
        cut = first
        while cut > 0 and not breaks_before(said.tokens[said.units[cut].first]):
            if not (said.units[cut - 1].filler or said.units[cut - 1].weight <= LIGHT):
                return None  # the request does not start a clause: "the printer is on fire" is a topic of none
            cut -= 1
        start = 0
        while start < cut and (said.units[start].filler or said.units[start].key == self.reader.hello):
            start += 1
        if cut == 0 or sum(unit.weight >= 1.0 for unit in said.units[start:cut]) < 2:
            return None
        return start, cut

    @staticmethod
    def introduced(said: Said, index: int) -> int | None:
        """The first word after these fillers, when a colon or a dash introduces it (or a filler before it)."""
        introduced = False
        while index < len(said.units):
            introduced = introduced or INTRODUCING.search(said.tokens[said.units[index].first].before) is not None
            if not said.units[index].filler:
                return index if introduced else None
            index += 1
        return None

    def take_text(self, model: IntentModel, said: Said, reading: Reading, spans: list[ChoiceSpan], slot: str,
                   start: int, end: int, *, share: float = 1.0, stop: set[str] | None = None) -> None:
        """A Text slot's value from units [start, end): up to where another slot's value is set off ("about
        login, high priority") or where the example has the next slot ("order a {drink} {size}"), without the
        politeness at its end ("... for me")."""
        start = self.past_values(model, said, spans, start, end)
        for span in spans:
            first_unit = said.unit_of[span.first]
            apart = span.apart and any(breaks_before(said.tokens[said.units[index].first])
                                       for index in range(start + 1, first_unit + 1))  # not the text's own start
            if start < first_unit < end and (span.marked or apart or any(
                    name in (stop or ()) for name, _ in span.slots)):
                end = first_unit
                before = self.next_to(said, first_unit, -1)
                if span.marked and before is not None and before >= start and model.markers.get(
                        said.units[before].stems[-1]) == span.marked:
                    end = before
                while end - 1 > start and not breaks_before(said.tokens[said.units[end].first]) and (
                        said.units[end - 1].filler or said.units[end - 1].weight <= LIGHT):
                    end -= 1  # the clause's light words go with the value: "payments, it's urgent"
                if not breaks_before(said.tokens[said.units[end].first]) and apart and not span.marked:
                    end = first_unit  # no clause after all: keep the words
        lexicon = self.reader.lexicon
        while start < end and said.units[start].filler and said.units[start].stems not in lexicon.trailing and (
                said.units[start].stems not in lexicon.qualifiers):  # "yesterday the VPN was down" keeps its when
            start += 1
        end = self.before_question(said, start, end)
        whole = end
        while end > start and said.units[end - 1].stems in self.reader.lexicon.trailing and said.closes(end - 1):
            end -= 1  # not "again 🎉": the text goes on after it
        if start >= end:  # "say thank you": the politeness is the text
            end = whole
        if start >= end:
            return
        text_start, framed = self.after_colon(said, start, end, spans, model.markers)
        if text_start is not None:
            if framed:
                reading.explain(start, text_start)  # the words that frame it: "this back to me:"
            start = text_start  # else a label, which may hold a choice: "normal priority: ..."
        try:
            value = model.slot(slot).type.parse(said.chars(start, end - 1))  # type: ignore[union-attr]
            reading.values[slot] = value
            reading.notes.append(f"{slot}=<{end - start} words>")
        except SlotValueError as error:
            reading.problems[slot] = str(error)
            reading.notes.append(f"{slot}=?")
        reading.explain(start, end, share)
        reading.free.update(range(start, end))

    def before_question(self, said: Said, start: int, end: int) -> int:
        """Where a text ends before a question set off after it ("..., any idea why?"), which asks about it."""
        for index in range(end - 1, start, -1):
            if breaks_before(said.tokens[said.units[index].first]):
                asked = tuple(word for unit in said.units[index:end] if not unit.filler for word in unit.stems)
                return index if asked in self._questions else end
        return end

    def after_colon(self, said: Said, start: int, end: int, spans: Sequence[ChoiceSpan] = (),
                    names: Collection[str] = ()) -> tuple[int | None, bool]:
        """Where the text itself starts after a colon that follows the first few words ("repeat this: ship it"), a
        label of choice values and function words ("against single sign-on: ...", "normal priority: ...") or only
        words that frame what follows ("say this back to me: ...", "parrot the following: ..."), or None; and
        whether the words before the colon only frame it (else a label, whose choices are read)."""
        choices = {said.unit_of[token] for span in spans for token in range(span.first, span.last)}
        index, framed, label = start, True, True
        while index < min(end, start + MAX_FRAMING):
            before = said.tokens[said.units[index].first].before
            if index > start and COLON.search(before):
                return (index if framed or label or index - start <= 3 else None), framed
            if index > start and framed and OPENING_QUOTE.search(before):
                return index, True  # "say the words 'all good'"
            length = next((length for length in range(min(3, end - index), 0, -1) if tuple(
                word for unit in said.units[index:index + length] for word in unit.stems) in self._framing), 0)
            unit = said.units[index]
            framed = framed and bool(length or unit.filler)
            label = label and bool(length or unit.filler or unit.weight < 1.0 or index in choices
                                   or unit.stems[-1] in names)
            index += length or 1
        return None, False

    @staticmethod
    def lead(said: Said, phrases: Sequence[str]) -> int:
        """How many units at the start of the text are fillers or these phrases ("no,", "actually", "make it"); not
        what says when ("yesterday the VPN was down")."""
        known = phrase_stems(tuple(phrases))
        longest = max(len(phrase) for phrase in known)
        qualifiers = lexicon().qualifiers
        lead = 0
        while lead < len(said.units):
            if said.units[lead].filler and said.units[lead].stems not in qualifiers:
                lead += 1
                continue
            for length in range(min(longest, len(said.units) - lead), 0, -1):
                if tuple(word for unit in said.units[lead:lead + length] for word in unit.stems) in known:
                    lead += length
                    break
            else:
                break
        return lead

    def named_texts(self, model: IntentModel, said: Said, reading: Reading, spans: list[ChoiceSpan],
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
                self.take_text(model, said, reading, spans, slot.name, start, len(said.units))
                if slot.name in reading.values or slot.name in reading.problems:
                    reading.explain(index, start)
                    break

    def answer_text(self, model: IntentModel, said: Said, reading: Reading, spans: list[ChoiceSpan], asked: str,
                     lead: int) -> None:
        """The whole text (after "no," or "actually") as the answer to the Text slot asked for, unless it only
        corrects another slot ("make it high", "no, high priority")."""
        openings = self.lead(said, GLUE_OPENINGS)
        if reading.values or (openings and spans) or (lead and any(span.first >= said.units[lead - 1].last
                                                                   for span in spans)):
            return
        start = lead if lead < len(said.units) else 0
        self.take_text(model, said, reading, spans, asked, start, len(said.units))
        reading.explain(0, start)

    def explain_miss(self, said: Said, reading: Reading, asked: str, asked_type: Any, lead: int) -> None:
        """Nothing was read, and a slot was asked for: the words given for it, and why they do not fit."""
        start = lead if lead < len(said.units) else 0
        if not said.units or all(unit.filler for unit in said.units[start:]):
            return
        try:
            asked_type.parse(said.chars(start, len(said.units) - 1))
        except SlotValueError as error:
            reading.problems[asked] = str(error)


def between(matched: dict[int, int], place: int) -> bool:
    """Whether the example's word at `place` is said between the words said before and after it in the example."""
    before = max((matched[each] for each in matched if each < place), default=-1)
    after = min((matched[each] for each in matched if each > place), default=1 << 30)
    return before < matched[place] < after


def in_order(example: Example, matched: dict[int, int]) -> bool:
    """Whether the example's words that carry something are said in its order (an "a" found later says nothing)."""
    places = [matched[position] for position in sorted(matched)
              if example.items[position].weight > LIGHT]  # type: ignore[union-attr]
    return places == sorted(places)
