"""What the recogniser knows of English in general, as opposed to what the intents declare.

Words are cut with their places in the original text (a Text slot gives back what was typed), contractions
are expanded ("what's" -> what is, "I'd" -> I would, and typed without the apostrophe: "whats", "dont"), chat
shorthand is read as the words it stands for ("u", "hw", "tix"), and each word gets a key and a weight:

- the key is what matching compares: the Snowball stem ("tickets", "opened" -> ticket, open), or the group of
  words people use for the same request ("create", "file", "raise", "start" -> open; "list", "display" -> show;
  "how many", "number of" -> count; "throw", "toss" -> roll; "under", "less than" -> below);
- the weight says how much a word carries: fillers and politeness ("please", "can you", "for me", "I'd like to")
  carry nothing, function words ("a", "the", "my", "what") little, everything else (unknown words too) a whole one.
  A recognition is as good as the weight it explains.

And the ways people say yes and no (`affirmation`). Nothing here is about a particular intent: the intents bring
their own words (examples, choice values, synonyms).

Standard library only at import: the stemmer (PyStemmer, the Snowball project's C stemmer) loads on the first
`stem`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.conversation.numbers import HUNDRED, POWER, SPECIAL, TENS, UNITS, WORD_SCALES

NUMBER_WORDS = frozenset({*UNITS, *TENS, *HUNDRED, *WORD_SCALES, *SPECIAL})

# --- cutting text into words ----------------------------------------------------------------------------------

QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"', "‑": "-", "–": "-",
                        "—": "-"})
# A word: a number as written (a power, "10^7", "2**20", "10⁶"; digits with , or . inside, an optional k/m/bn
# suffix), a die ("d20"), letters with
# an apostrophe inside (don't, what's), or one of the symbols that mean something in a request (< and >).
WORD = re.compile(r"(?:(?<![\w-])-)?" + POWER.pattern + r"(?![\w^*])"
                  r"|(?:(?<![\w-])-)?\d+(?:[.,]\d+)*(?:k|m|mn|bn|b|e\d+)?(?![\w])"
                  r"|\d*d\d+(?![\w])|[^\W\d_]+(?:'[^\W\d_]+)*|[<>]|\d+", re.IGNORECASE)
DIE = re.compile(r"(\d*)d(\d+)")
ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&apos;": "'", "&nbsp;": " "}
ENTITY = re.compile("|".join(map(re.escape, ENTITIES)), re.IGNORECASE)
EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+'-]+:(?![\w:])", re.IGNORECASE)  # Slack's ":wave:": like an emoji, no word
STRETCHED = re.compile(r"([^\W\d_])\1{2,}")  # "heyyy", "pleeease": a letter held for effect (kept doubled)
SEPARATORS = frozenset(",;:!?()[]\"")  # what ends a stretch of free text when it sits between two words
DASH = re.compile(r"(?:^|\s)-{1,2}\s")  # ... and a dash with a space after it (not "sign-on")


@dataclass(frozen=True)
class Token:
    text: str  # lower case, contractions expanded one word at a time
    start: int  # where its characters are in the original text
    end: int
    before: str  # the characters between the previous token and this one (", " or ": " matter)


# Contractions: the part after the apostrophe, and what it stands for. "'s" is "is" after the words below and a
# possessive elsewhere ("the prime minister's name"), where it is dropped.
SUFFIXES = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am"}
IS_AFTER = frozenset({"what", "how", "who", "where", "when", "why", "it", "that", "there", "here", "he", "she",
                      "this", "everything", "nothing", "something", "which"})
WHOLE_CONTRACTIONS = {"can't": ("can", "not"), "won't": ("will", "not"), "shan't": ("shall", "not"),
                      "ain't": ("is", "not"), "let's": ("let", "us"), "y'all": ("you",), "o'clock": ("o'clock",),
                      "gonna": ("going", "to"), "wanna": ("want", "to"), "gotta": ("got", "to"),
                      "lemme": ("let", "me"), "gimme": ("give", "me"), "kinda": ("kind", "of"),
                      "sorta": ("sort", "of"), "dunno": ("do", "not", "know"), "whatcha": ("what", "are", "you")}
# Contractions typed without their apostrophe, where no English word is spelt the same ("whats", "dont"; not "its",
# "lets", "were", "ill", "id", "shed", "well", "hell")
WITHOUT_APOSTROPHE = {
    **{word + "s": (word, "is") for word in ("what", "how", "where", "who", "that", "there", "here")},
    "im": ("i", "am"), "ive": ("i", "have"), "youre": ("you", "are"), "youve": ("you", "have"),
    "youll": ("you", "will"), "theyre": ("they", "are"), "itll": ("it", "will"), "thatll": ("that", "will"),
    "cant": ("can", "not"), "wont": ("will", "not"), "aint": ("is", "not"),
    **{word + "nt": (word, "not") for word in ("do", "does", "did", "is", "are", "was", "were", "could", "would",
                                               "should", "have", "has", "had")},
}
# How people shorten words in chat: read as the words they stand for (a Text slot keeps them as typed). Only
# shortenings that are no other English word ("tix", "hw", "abt"; not "ya", which is a yes, nor "asap", a value).
SHORTHAND = {
    "u": ("you",), "ur": ("your",), "r": ("are",), "wat": ("what",), "wut": ("what",), "wht": ("what",),
    "hw": ("how",), "abt": ("about",), "bout": ("about",), "tix": ("tickets",), "tkt": ("ticket",),
    "tkts": ("tickets",), "halp": ("help",), "msg": ("message",), "pic": ("picture",), "cuz": ("because",),
    "coz": ("because",), "bc": ("because",), "tho": ("though",), "ppl": ("people",), "nvm": ("never", "mind"),
    "rn": ("right", "now"), "idk": ("i", "do", "not", "know"), "gm": ("good", "morning"), "cya": ("see", "you"),
    "btw": ("by", "the", "way"), "hv": ("have",), "cn": ("can",), "cud": ("could",), "wud": ("would",),
    "shud": ("should",), "ty": ("thank", "you"), "tysm": ("thank", "you"), "plse": ("please",),
    "thnx": ("thanks",), "thanx": ("thanks",),
}


def _expand(word: str) -> tuple[str, ...]:
    if word in WHOLE_CONTRACTIONS:
        return WHOLE_CONTRACTIONS[word]
    if word in WITHOUT_APOSTROPHE:
        return WITHOUT_APOSTROPHE[word]
    if word in SHORTHAND:
        return SHORTHAND[word]
    for suffix, meaning in SUFFIXES.items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], meaning)
    if word.endswith("'s"):
        head = word[:-2]
        return (head, "is") if head in IS_AFTER else (head,)
    if word.endswith("s'"):
        return (word[:-1],)
    return (word.replace("'", ""),) if "'" in word else (word,)


def tokens(text: str) -> list[Token]:
    """The words of `text`, lower case, contractions expanded, each with its place in `text`."""
    found: list[Token] = []
    previous_end = 0
    normal = text.translate(QUOTES)  # one character for one: places in `normal` are places in `text`
    if ":" in normal:
        normal = EMOJI.sub(lambda found: " " * len(found.group()), normal)
    if "&" in normal:  # Slack's escapes: "&lt;" is the symbol, not the word "lt"
        normal = ENTITY.sub(lambda found: ENTITIES[found.group().lower()].ljust(len(found.group()), "\0"), normal)
    stretched = STRETCHED.search(normal) is not None
    for match in WORD.finditer(normal):
        before = normal[previous_end:match.start()]
        previous_end = match.end()
        word = match.group().lower()
        if stretched:
            word = STRETCHED.sub(r"\1\1", word)
        die = DIE.fullmatch(word)
        if die:  # "d20" is a die with 20 sides; "2d6" two of them
            parts = ([die.group(1)] if die.group(1) else []) + ["d", die.group(2)]
            for index, part in enumerate(parts):
                found.append(Token(part, match.start(), match.end(), before if index == 0 else ""))
            continue
        for index, part in enumerate(_expand(word)):
            found.append(Token(part, match.start(), match.end(), before if index == 0 else ""))
    return found


def breaks_before(token: Token) -> bool:
    """Whether punctuation stands between this token and the one before it ("login, high", "ticket - the VPN")."""
    return any(char in SEPARATORS for char in token.before) or DASH.search(token.before) is not None


# --- what words carry -------------------------------------------------------------------------------------------

# Politeness and hedges: they carry nothing wherever they are.
FILLERS = (
    "please", "pls", "plz", "kindly", "just", "um", "uh", "erm", "hmm", "oh", "ah", "maybe", "perhaps", "yet",
    "already", "quickly", "again", "actually", "really", "quite", "pretty", "very", "thanks", "thank you", "thx",
    "cheers", "possibly", "still", "currently", "btw", "by the way",
)
# Words that say when or how much, which carry nothing of a request ("the tickets I opened last week" are my tickets,
# "almost done?" asks if it is done) but are words of a text that starts with them ("yesterday the VPN was down")
QUALIFIERS = (
    "almost", "kind of", "sort of", "kinds of", "sorts of", "type of", "types of",
    "today", "yesterday", "tonight", "this morning", "this afternoon", "this evening", "last night", "this week",
    "last week", "this month", "last month", "this year", "last year", "recently", "so far", "earlier",
    "the other day",
)
# The ways of asking: they carry nothing at the start or the end of a request ("can you roll a die for me"), but
# inside one they are words of it ("what can you do").
ASKING = (
    "so", "well", "now", "ok", "okay", "alright", "ok so", "okay so", "can you", "could you", "would you",
    "will you", "can u", "could u",
    "would you mind", "do you mind", "would you please", "could you please", "can you please",
    "would you be able to", "are you able to", "help me", "can you help me", "could you help me",
    "please help me", "i would like to", "i would love to", "i want to", "i need to",
    "i have to", "i would like you to", "i want you to", "i need you to", "i would like", "i want", "i need",
    "i wish to", "i would love", "i would like to know", "i want to know", "i need to know", "i wonder",
    "i was wondering", "do you know", "can i", "could i", "may i", "let us", "go ahead and", "try to", "for me",
    "tell me", "for us", "me please", "if you can", "if you could", "if possible", "when you can", "real quick",
    "right now", "you know", "back to me", "back to us", "out loud", "or not", "or what",
)
# Politeness that closes a request, left out of the free text before it ("a ticket about the login page for me")
TRAILING = ("please", "pls", "plz", "for me", "thanks", "thank you", "thx", "cheers", "now", "right now",
            "real quick", "quickly", "if you can", "if you could", "if possible", "when you can", "for us",
            "me please", "again", "back to me", "back to us", "out loud", "aloud")
# The names people call the bot by when they talk to it: addressing it says nothing about the request.
ADDRESSING = frozenset({"parley", "bot", "everyone", "everybody", "team", "folks", "guys", "yall", "partner",
                        "friend", "buddy", "mate", "people"})

# Function words: they carry a little (a sentence of them alone means nothing much).
LIGHT = 0.15
SOME = 0.3
WEAK = {
    **dict.fromkeys(("a", "an", "the", "is", "am", "are", "was", "were", "be", "been", "being", "it", "its", "to",
                     "of", "do", "does", "did", "that", "this", "these", "those", "some", "any", "all", "and", "or",
                     "in", "on", "at", "with", "by", "for", "from", "as", "there", "here", "then", "too", "also",
                     "one", "i", "me", "myself", "you", "we", "us", "they", "them", "he", "him", "she", "against",
                     "into", "onto", "via", "per", "across", "through", "within", "toward", "towards"), LIGHT),
    **dict.fromkeys(("my", "mine", "your", "yours", "our", "ours", "their", "his", "her", "what", "which", "who",
                     "how", "where", "when", "can", "could", "would", "will", "should", "shall", "may",
                     "might", "must", "have", "has", "had", "good", "number", "thing", "things", "something",
                     "anything", "about", "if", "out", "let", "like", "want", "need", "know", "got", "get", "go",
                     "going"), SOME),
}
# Past forms that do not end in -ed ("the request I sent", "the count I ran")
IRREGULAR_PAST = frozenset({"sent", "made", "got", "ran", "began", "gave", "wrote", "took", "brought", "bought",
                            "found", "kept", "did", "said", "told", "saw", "left", "built", "threw", "rolled"})
# Words before a noun: an intent's verb after one of these is a noun ("I'm on a roll", "this link is broken"); a
# verb followed by one has its object ("roll a die", "link my phone")
DETERMINERS = frozenset({"a", "an", "the", "my", "your", "his", "her", "its", "our", "their", "this", "these", "those",
                         "every", "each", "another", "some"})
OBJECTS = frozenset({*DETERMINERS, "that", "me", "us", "them", "him", "it"})
# ... and the subjects before a verb that make it a statement, not a request ("who says that?")
SUBJECTS = frozenset({"who", "he", "she", "they", "which", "someone", "somebody", "everyone", "nobody"})
# What a question may leave out at its start, understood ("[is it] still running?", "[are you] done yet?"): the
# auxiliaries and the subject, never the question's word ("how", "what")
ELLIPTIC = frozenset({"is", "are", "am", "was", "were", "do", "does", "did", "has", "have", "had", "will", "can",
                      "it", "you", "i", "we", "they", "this", "that", "there"})
# Saying no to something turns a request around: an unexplained negation counts more than a word.
NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "none"})
NEGATION_WEIGHT = 1.2
# Adverbs of phrasal verbs: "roll back", "roll over", "show up" are other verbs than roll and show ("in" and "on"
# are left out: they are prepositions as often, "a ticket in the search component")
PARTICLES = frozenset({"back", "over", "out", "up", "down", "off", "away", "around", "along"})

# Words people use for the same request: each group's first word is its key. Phrases are matched before words.
SAME = (
    ("open", "create", "file", "raise", "start", "make", "submit", "log", "lodge", "add", "open up"),
    ("show", "list", "display", "view", "see", "give", "fetch", "check", "find", "get", "pull up", "bring up",
     "show me", "give me", "get me", "let me see", "let me know", "look up", "look at", "a list of", "list of",
     "examples of", "an example of", "some examples of", "an overview of"),
    ("about", "regarding", "concerning", "re", "with regard to", "in regard to", "relating to", "related to",
     "on the subject of"),
    ("count", "how many", "number of", "tally", "calculate", "compute", "count up", "how much"),
    ("roll", "throw", "toss"),
    ("die", "dice", "d"),
    ("below", "under", "beneath", "underneath", "less than", "smaller than", "fewer than", "lower than",
     "up to", "<"),
    ("above", "over", "more than", "greater than", "bigger than", "larger than", "higher than", ">"),
    ("hello", "hi", "hey", "hiya", "heya", "howdy", "yo", "greetings", "hallo", "hullo", "sup", "what is up",
     "whats up", "hey there", "hi there", "hello there", "good day", "how are you", "how are you doing",
     "how do you do", "how is your day", "how is your day going", "how was your day",
     "nice to meet you", "pleased to meet you", "good to see you", "anyone there", "anybody there",
     "is anyone there", "is anybody there", "are you there", "you there"),
    ("help", "assist", "assistance", "help out", "help me out", "guidance", "tips", "hints", "support"),
    ("can", "able to", "capable of", "good at", "good for", "supposed to", "meant to"),
    # thanking for something asks for nothing: "thanks for the help" is no request for help
    ("thanks for", "thank you for", "thx for", "cheers for", "thanks so much for", "thank you so much for",
     "thanks again for", "appreciate the"),
    # what a question asks for, said as a noun: "things you can do" is "what you can do"
    ("what", "things", "the things", "stuff", "the stuff", "kind of stuff", "kind of things"),
    ("done", "finished", "complete", "completed", "ready"),
    # the ways of asking how long something has left
    ("eta", "how long will it take", "how long will it be", "how long will that take", "how long does it take",
     "how much longer", "how much longer will it take", "how much longer will it be", "how long left",
     "how long is left", "how much time is left", "how much time left", "how much more time", "how much time",
     "how long until it is done", "how long till it is done", "how long until it is ready", "how long to go",
     "how long until", "how long till", "how long before",
     "when will it be done", "when will it be ready", "when will it finish", "when will it be finished",
     "when will you be done", "when will you finish", "time left", "time remaining", "how soon"),
    ("job", "task"),
    ("say", "repeat", "echo", "parrot", "say back", "repeat back", "echo back", "parrot back", "read back",
     "say it back", "repeat it back", "say that back", "repeat that back"),
)
# The verbs of SAME that read well in each other's place, for generated sample utterances ("throw a die" beside
# "roll a die"): narrower than SAME, which also reads the looser ways people put it ("give me", "make a ticket").
VERBS = (
    ("open", "create", "file", "raise", "start", "submit", "log"),
    ("show", "list", "display", "view", "check", "get"),
    ("count", "calculate", "compute"),
    ("roll", "throw", "toss"),
    ("say", "repeat", "echo"),
)
# Verbs that mostly wrap a request ("show me the status", "check status", "find the primes"): unexplained, they
# weigh like a function word.
WRAPPING_KEYS = frozenset({"show"})


# --- stems ------------------------------------------------------------------------------------------------------

IRREGULAR = {"dice": "die", "d": "die", "an": "a", "mine": "my",
             "is": "be", "am": "be", "are": "be", "was": "be", "were": "be", "been": "be",
             "being": "be", "has": "have", "had": "have", "having": "have", "does": "do", "did": "do", "doing": "do",
             "went": "go", "gone": "go", "made": "make", "got": "get", "sent": "send", "news": "news", "data": "data",
             "morning": "morning", "evening": "evening", "during": "during", "anything": "anything",
             "something": "something", "nothing": "nothing", "everything": "everything", "thing": "thing",
             "things": "thing", "status": "status", "us": "us", "yes": "yes", "this": "this", "his": "his"}
# Endings that make another word, not another form of it: "helpful" is no way of saying "help"
DERIVED = ("ful", "fully", "fulness", "ness")
_stems: dict[str, str] = {}
_stemmer = None
MAX_CACHED_STEMS = 50_000


def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word, with a few irregular forms first; cached."""
    found = _stems.get(word)
    if found is not None:
        return found
    global _stemmer
    if _stemmer is None:
        import Stemmer  # PyStemmer: loaded with the first word, not on import

        _stemmer = Stemmer.Stemmer("english")
    found = IRREGULAR.get(word) or (word if len(word) <= 2 or not word.isalpha() or word.endswith(DERIVED)
                                    else _stemmer.stemWord(word))
    if len(_stems) >= MAX_CACHED_STEMS:
        _stems.clear()
    _stems[word] = found
    return found


def stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(word) for word in words)


@functools.lru_cache(maxsize=4096)
def phrase_words(phrase: str) -> tuple[str, ...]:
    """A phrase of this module or of an intent as the words `tokens` would make of it."""
    return tuple(token.text for token in tokens(phrase))


@functools.lru_cache(maxsize=64)
def phrase_stems(phrases: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The stems of each of these phrases, as a set to look word sequences up in."""
    return frozenset(stems(phrase_words(phrase)) for phrase in phrases)


class Lexicon:
    """The language tables as stems, built once: the phrase and key lookups the recogniser runs."""

    def __init__(self) -> None:
        self.same: dict[tuple[str, ...], str] = {}  # stems of a word or phrase -> the key of its group
        for group in SAME:
            key = stem(phrase_words(group[0])[0])
            for member in group:
                self.same[stems(phrase_words(member))] = key
        self.qualifiers = {stems(phrase_words(phrase)) for phrase in QUALIFIERS}
        self.fillers = {stems(phrase_words(filler)) for filler in FILLERS} | self.qualifiers
        self.asking = {stems(phrase_words(phrase)) for phrase in ASKING}
        self.weak = {stem(word): weight for word, weight in WEAK.items()}
        self.negations = {stem(word) for word in NEGATIONS}
        self.determiners = {stem(word) for word in DETERMINERS}
        self.not_before_verbs = self.determiners | {stem(word) for word in SUBJECTS}
        self.objects = {stem(word) for word in OBJECTS}
        self.elliptic = {stem(word) for word in ELLIPTIC}
        self.particles = {stem(word) for word in PARTICLES}
        self.addressing = {stem(word) for word in ADDRESSING}
        self.trailing = {stems(phrase_words(phrase)) for phrase in TRAILING}
        self.longest = max(len(phrase) for phrase in (*self.same, *self.fillers, *self.asking))

    def weight(self, key: str) -> float:
        if key in self.negations:
            return NEGATION_WEIGHT
        if key in WRAPPING_KEYS:
            return SOME
        return self.weak.get(key, 1.0)

    def words(self) -> set[str]:
        """Every word these tables name (the recogniser's vocabulary for typo matching)."""
        found = {word for group in SAME for member in group for word in phrase_words(member)}
        found |= {word for filler in (*FILLERS, *QUALIFIERS, *ASKING) for word in phrase_words(filler)}
        found |= {word for phrase in (*LEADS, *GLUE, *YES, *NO) for word in phrase_words(phrase)}
        return found | set(WEAK) | NEGATIONS | PARTICLES | ADDRESSING | NUMBER_WORDS


_lexicon: Lexicon | None = None


def lexicon() -> Lexicon:
    global _lexicon
    if _lexicon is None:
        _lexicon = Lexicon()
    return _lexicon


# --- corrections and answers ------------------------------------------------------------------------------------

# How people start an answer or a correction mid-dialog ("no, 8 sides", "actually the topic is login"): said
# before the new value, they carry nothing of it.
LEADS = ("no", "nope", "nah", "actually", "sorry", "oops", "wait", "hold on", "i mean", "i meant", "i said",
         "rather", "instead", "well", "hmm", "um", "uh", "oh", "ok", "okay", "yes", "yeah", "but", "and", "also")
# The words around a corrected value that only say that it changes ("make it high", "change the priority to
# high", "set sides to 8", "it should be normal"): explained by the value they bring.
GLUE = ("make it", "make that", "make the", "change it to", "change that to", "change to", "change the",
        "set it to", "set the", "set to", "it should be", "should be", "it is", "it will be", "let us say",
        "how about", "what about", "go with", "switch to", "use", "is", "to", "be", "set", "change", "make", "it",
        "that", "the", "a", "an", "one", "of", "for", "with", "its", "not", "but", "instead", "rather", "please")
# Words that introduce free text in place of an example's own anchor ("a ticket for the printer", "a ticket on
# the VPN", "a ticket saying it is down"), left out of the text
STAND_INS = ("for", "on", "with", "that", "saying", "to", "because", "since", "as")
# Words that frame the text to be said or written before a colon, rather than being part of it ("say this back to
# me: ...", "parrot the following: ...", "a ticket about this: ...")
FRAMING = ("this", "that", "it", "these", "these words", "the following", "following", "the words", "the text",
           "this text", "this message", "the message", "back", "to me", "after me", "for me", "exactly", "verbatim",
           "word for word", "out loud", "aloud", "the line", "this line")
# Questions that, set off at the end of a sentence, ask the listener about what it says ("echo $PATH is empty in my
# container, any idea why?"): not part of a text to take down, and no request ("why" carries a whole word's weight)
QUESTION_TAILS = ("why", "any idea why", "any idea", "any ideas", "any clue", "any clue why", "how come",
                  "what gives", "what is wrong", "what is going on", "any thoughts", "any suggestions", "any advice",
                  "is that normal", "is this normal", "is that a bug", "is this a bug", "why is that", "why not",
                  "right", "is it not", "is not it", "do not you think")
# What links a slot's name to its new value ("the topic is login", "set the priority to high")
COPULA = ("is", "be", "should be", "will be", "to", "it is", "becomes", "equals")
# What people say to steer a conversation rather than to answer it: never taken as a free-text answer outright
CONTROL = ("cancel", "stop", "quit", "never mind", "nevermind", "forget it", "start over", "restart", "exit",
           "abort", "go back", "undo", "help", "what", "huh", "i do not understand")
# Sentences that start with these correct another slot: they are not the free-text answer to the one asked
GLUE_OPENINGS = ("make it", "make that", "make the", "change it to", "change that to", "change the",
                 "set it to", "set the", "it should be", "switch to", "go with", "how about", "what about")

YES = ("yes", "y", "yeah", "yea", "yep", "yup", "ya", "yah", "aye", "sure", "sure thing", "ok", "okay", "k", "kk",
       "alright", "all right", "go ahead", "go for it", "do it", "please do", "confirm", "confirmed", "correct",
       "right", "that is right", "exactly", "absolutely", "definitely", "of course", "certainly", "sounds good",
       "looks good", "fine", "why not", "affirmative", "indeed", "let us do it", "let us go", "yes do it",
       "ship it", "proceed", "go", "i do", "that is it", "perfect", "great", "good", "cool")
NO = ("no", "n", "nope", "nah", "naw", "no thanks", "no thank you", "not now", "not yet", "not really",
      "do not", "do not do it", "please do not", "negative", "no way", "never", "wrong", "incorrect", "not that",
      "i do not", "not right now", "maybe later", "later", "skip it", "no need", "not needed")
_POLITE = ("please", "thanks", "thank you", "thx", "parley", "bot", "then", "just", "oh", "ok then")


def _cover(words: Sequence[str], phrases: set[tuple[str, ...]]) -> bool:
    """Whether `words` can be cut into phrases of `phrases` (longest first)."""
    if not words:
        return True
    for length in range(min(5, len(words)), 0, -1):
        if tuple(words[:length]) in phrases and _cover(words[length:], phrases):
            return True
    return False


_YES = {phrase_words(phrase) for phrase in YES}
_NO = {phrase_words(phrase) for phrase in NO}
_POLITENESS = {phrase_words(phrase) for phrase in _POLITE}


def affirmation(text: str) -> Literal["yes", "no"] | None:
    """A plain yes ("yep", "sure", "go ahead", "yes please") or no ("nope", "not now", "no thanks") to a yes/no
    question; None for anything that says more ("no wait, make it normal") or something else."""
    words = [token.text for token in tokens(text)]
    if not words:
        return None
    if _cover(words, _YES | _POLITENESS) and not _cover(words, _POLITENESS):
        return "yes"
    if _cover(words, _NO | _POLITENESS) and not _cover(words, _POLITENESS):
        return "no"
    return None
