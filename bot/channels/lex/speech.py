"""A reply as Amazon Lex V2 messages: SSML for a voice, PlainText and a response card for a keyboard.

Standard library only (besides `limits.py`, which is plain integers), and nothing from `typing` (as in
slack_blocks): Lex waits for its code hook synchronously, so every import is paid for on a cold start.

Lex's limits are `limits.py` (each with its AWS page), and this keeps to them:
- a message's `content` (MESSAGE_CONTENT): longer text becomes several messages, cut at line and sentence
  breaks; spoken text becomes several complete `<speak>` documents (the tags count too).
- a response card (CARD_TITLE, CARD_BUTTONS, BUTTON_TEXT, BUTTON_VALUE): titles and button texts are cut
  with an ellipsis. A button `value` is never cut: it is what Lex hears when the button is pressed, and a
  cut one would be a different request. A button whose value does not fit is left off the card and offered
  in words, like buttons beyond the last the card takes. No subtitle: the PlainText message says it.

The SSML keeps to tags Amazon Polly supports with every voice: speak, s, break and say-as
(characters, cardinal).
"""

from __future__ import annotations

import re

from bot.channels.lex.limits import BUTTON_TEXT, BUTTON_VALUE, CARD_BUTTONS, CARD_TITLE, MESSAGE_CONTENT

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers read the name)
if TYPE_CHECKING:
    from bot.conversation.reply import Button, Reply

ELLIPSIS = "…"
NO_TEXT_TITLE = "Choose one"  # a card needs a title, and a reply may be buttons alone

LONG_SENTENCE = 80  # spoken characters; a longer sentence pauses at its commas and semicolons
PAUSE = '<break time="300ms"/>'
SPEAK_OPEN, SPEAK_CLOSE = "<speak>", "</speak>"
SENTENCE_OPEN, SENTENCE_CLOSE = "<s>", "</s>"
DOCUMENT_ROOM = MESSAGE_CONTENT - len(SPEAK_OPEN) - len(SPEAK_CLOSE)
SENTENCE_ROOM = DOCUMENT_ROOM - len(SENTENCE_OPEN) - len(SENTENCE_CLOSE)

# Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/FFFF), and the private-use
# planes 15-16, which stand in for protected pieces while the markup is taken apart.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\U000f0000-\U0010ffff]")
PLACEHOLDER_FIRST, PLACEHOLDER_LAST = 0xF0000, 0x10FFFD
PLACEHOLDER = re.compile("[\U000f0000-\U0010fffd]")

CODE_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
# Slack's angle-bracket tokens: <@U1>, <#C1|general>, <!here>, <https://x|label>. Any other "<" is text.
ANGLE = re.compile(r"<([@#!][^<>|\n]*|(?:https?|mailto|tel):[^<>|\s]+)(?:\|([^<>\n]*))?>")
HOST = re.compile(r"[a-z][a-z0-9+.-]*://([^/?#:@]+)", re.IGNORECASE)
# Slack's pairing rules, roughly: a marker opens before a non-space, closes after one, outside words.
MARKERS = tuple(re.compile(rf"(?<![\w{mark}]){mark}(?!\s)([^\n{mark}]+?)(?<!\s){mark}(?![\w{mark}])")
                for mark in (r"\*", "_", "~"))
SHORTCODE = re.compile(r"(?<![\w:])(?::[a-z0-9_+'-]+:)+(?![\w:])")  # :tada:, :wave::skin-tone-2:
SLACK_ENTITY = re.compile(r"&(lt|gt|amp);")
SLACK_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}
SPACES = re.compile(r"[ \t]+")

BULLET_START = re.compile(r"^(?:[•◦▪‣*-]|>)\s+")  # also "- " lists and "> " quotes, said as plain lines
INNER_BULLET = re.compile(r"\s*[•◦▪‣]\s*")
# A sentence ends at . ! ? or … (maybe inside a quote or bracket) before a capital, a digit or an opening quote.
SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)\]]))\s+(?=[\"“‘(\[]?[A-Z0-9])")
CLAUSE_BREAK = re.compile(r"(?<=[,;])\s+")  # "16,252,325" has no space after its commas, so stays whole
SAY_AS = re.compile(
    # 16,252,325: a number with thousands separators, said as one number
    r"(?P<number>(?<![\w.,])[0-9]{1,3}(?:,[0-9]{3})+(?![\w,]|\.[0-9]))"
    # PAR-1A2B3C, A5EF78, U123: capitals and digits with a capital and a dash or digit, said letter by letter
    r"|(?P<id>(?<![\w-])(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*[0-9-])[A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-]))"
)

# Where long typed text may be cut, best first; each gives where the piece before it ends.
TEXT_BREAKS = (
    (re.compile(r"\n"), "start"),
    (re.compile(r"[.!?…][\"”’)\]]*(?=\s)"), "end"),
    (re.compile(r"[,;](?=\s)"), "end"),
    (re.compile(r"\s"), "start"),
)


def lex_messages(reply: Reply, *, spoken: bool) -> list[dict]:
    """The `messages` of a Lex V2 code-hook response (messageVersion 1.0) that say `reply`.

    Spoken: SSML documents (usually one). Typed: PlainText (several when long), then an
    ImageResponseCard when the reply has buttons. A reply with nothing to say gives no message:
    Lex refuses empty content, and it then uses the bot's own prompt if the dialog action needs one.
    """
    return _spoken(reply) if spoken else _typed(reply)


def plain_text(text: str) -> str:
    """`text` with Slack-style markup reduced to plain text: *bold*, _italic_, ~strike~ and `code`
    markers dropped, "• " bullets kept, links as "label (url)", mentions as "@name", emoji shortcodes
    dropped and Slack's &lt; &gt; &amp; unescaped. No length limit: `lex_messages` splits long text."""
    return _inline(text, spoken=False).strip()


def ssml(text: str) -> str:
    """`text` as one `<speak>` document: markup removed, XML-escaped, in short `<s>` sentences.

    One document whatever the length, so the caller must keep `text` short (the whole document counts
    against Lex's MESSAGE_CONTENT); `lex_messages` splits long text into several documents instead.
    """
    return SPEAK_OPEN + "".join(_sentence_elements(_text_sentences(text))) + SPEAK_CLOSE


# --- spoken ---

def _spoken(reply: Reply) -> list[dict]:
    sentences = _text_sentences(reply.text)
    for field in reply.fields:
        said = ": ".join(part for part in (_speakable(field.label), _speakable(field.value)) if part)
        if said:
            sentences.append(_full_stop(said))
    choices = [choice for choice in (_speakable(_said(button)) for button in reply.buttons) if choice]
    if choices:
        sentences.append(f"You can say {_or_list(choices)}.")
    return [{"contentType": "SSML", "content": document} for document in _documents(_sentence_elements(sentences))]


def _text_sentences(text: str) -> list[str]:
    """The sentences to say, in order: each line (a bullet too) is one or more sentences."""
    sentences: list[str] = []
    for line in _inline(text, spoken=True).split("\n"):
        line = _spoken_line(line)
        sentences.extend(sentence for sentence in SENTENCE_BREAK.split(line) if sentence)
    return sentences


def _speakable(text: str) -> str:
    """Marked-up text (a field, a choice) as one line to say."""
    return _spoken_line(" ".join(_inline(text, spoken=True).split("\n")))


def _spoken_line(line: str) -> str:
    """A line, markup already taken out, without what a voice would read out as symbols."""
    text = BULLET_START.sub("", line.strip())
    # Markers left unpaired, and snake_case names ("my_tickets" is said "my tickets")
    text = text.replace("*", "").replace("`", "").replace("~", "").replace("_", " ")
    text = INNER_BULLET.sub(", ", text)
    return " ".join(text.split())


def _sentence_elements(sentences: list[str]) -> list[str]:
    """Each sentence as `<s>` elements that each fit in one document (one element unless very long)."""
    elements: list[str] = []
    for sentence in sentences:
        parts = CLAUSE_BREAK.split(sentence) if len(sentence) > LONG_SENTENCE else [sentence]
        units = [(PAUSE if index and not piece else " ", chunk)
                 for index, part in enumerate(parts) if part
                 for piece, chunk in enumerate(_fit(part, SENTENCE_ROOM))]
        current = ""
        for joiner, chunk in units:
            if current and len(current) + len(joiner) + len(chunk) <= SENTENCE_ROOM:
                current += joiner + chunk
                continue
            if current:
                elements.append(SENTENCE_OPEN + current + SENTENCE_CLOSE)
            current = chunk
        if current:
            elements.append(SENTENCE_OPEN + current + SENTENCE_CLOSE)
    return elements


def _fit(text: str, room: int) -> list[str]:
    """`text` as SSML in pieces of at most `room` characters, cut at the space nearest the middle."""
    said = _say(text)
    if len(said) <= room or len(text) < 2:
        return [said]
    middle = len(text) // 2
    spaces = [found.start() for found in re.finditer(" ", text)]
    cut = min(spaces, key=lambda space: abs(space - middle)) if spaces else middle
    head, tail = text[:cut].strip(), text[cut:].strip()
    if not head or not tail:
        head, tail = text[:middle], text[middle:]
    return _fit(head, room) + _fit(tail, room)


def _say(text: str) -> str:
    """Plain text as SSML: escaped, with ids spelled out and separated numbers said as numbers."""
    out: list[str] = []
    position = 0
    for found in SAY_AS.finditer(text):
        out.append(_xml(text[position:found.start()]))
        if found.group("number"):
            out.append(f'<say-as interpret-as="cardinal">{found.group().replace(",", "")}</say-as>')
        else:
            out.append(f'<say-as interpret-as="characters">{_xml(found.group())}</say-as>')
        position = found.end()
    out.append(_xml(text[position:]))
    return "".join(out)


def _documents(elements: list[str]) -> list[str]:
    documents: list[str] = []
    current = ""
    for element in elements:
        if current and len(current) + len(element) > DOCUMENT_ROOM:
            documents.append(SPEAK_OPEN + current + SPEAK_CLOSE)
            current = ""
        current += element
    if current:
        documents.append(SPEAK_OPEN + current + SPEAK_CLOSE)
    return documents


def _xml(text: str) -> str:
    # All five, quotes too: Polly's documentation asks for them escaped, and it costs nothing.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


# --- typed ---

def _typed(reply: Reply) -> list[dict]:
    on_card: list[dict] = []
    in_words: list[str] = []
    for button in reply.buttons:
        value = _one_line(plain_text(_said(button)))
        if not value:
            continue  # nothing to say and nothing to send: no way to offer it
        if len(on_card) < CARD_BUTTONS and len(value) <= BUTTON_VALUE:
            text = _one_line(plain_text(button.label)) or value
            on_card.append({"text": truncate(text, BUTTON_TEXT), "value": value})
        else:
            in_words.append(value)
    text = plain_text(reply.text)
    lines = [text] if text else []
    for field in reply.fields:
        line = ": ".join(part for part in (_one_line(plain_text(field.label)), _one_line(plain_text(field.value)))
                         if part)
        if line:
            lines.append(line)
    if in_words:
        lines.append(f"Other choices: {_or_list(in_words)}.")
    messages = [{"contentType": "PlainText", "content": piece} for piece in _split("\n".join(lines), MESSAGE_CONTENT)]
    if on_card:
        # The card's title is the reply's last line, usually the question the buttons answer, so the card
        # still makes sense on a channel that shows it apart from the text.
        last = next((line for line in reversed(text.split("\n")) if line.strip()), "")
        title = truncate(last.strip() or NO_TEXT_TITLE, CARD_TITLE)
        messages.append({"contentType": "ImageResponseCard",
                         "imageResponseCard": {"title": title, "buttons": on_card}})
    return messages


def _split(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at a line break, else a sentence end, else a
    comma or semicolon, else a space; a word longer than `limit` is the one thing cut in the middle."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _cut(text: str, limit: int) -> int:
    for pattern, edge in TEXT_BREAKS:
        best = 0
        for found in pattern.finditer(text, 0, limit + 1):
            position = found.start() if edge == "start" else found.end()
            if position <= limit and text[:position].strip():
                best = position
        if best:
            return best
    return limit


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut shown by an ellipsis."""
    return text if len(text) <= limit else text[:limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


# --- shared ---

def _inline(text: str, *, spoken: bool) -> str:
    """Slack-style markup taken out of `text`; lines kept. Code and Slack's angle-bracket tokens are set
    aside first (as placeholder characters) so that no marker inside them is mistaken for emphasis."""
    text = UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept: list[str] = []

    def keep(piece: str) -> str:
        if PLACEHOLDER_FIRST + len(kept) > PLACEHOLDER_LAST:
            return piece  # more pieces than placeholders: unprotected, still readable
        kept.append(piece)
        return chr(PLACEHOLDER_FIRST + len(kept) - 1)

    text = CODE_BLOCK.sub(lambda found: keep(_unescape(found.group(1))), text)
    text = CODE_SPAN.sub(lambda found: keep(_unescape(found.group(1))), text)
    text = ANGLE.sub(lambda found: keep(_angle(found.group(1), found.group(2), spoken=spoken)), text)
    text = _unmark(SHORTCODE.sub("", text))
    text = "\n".join(SPACES.sub(" ", line).strip() for line in _unescape(text).split("\n"))
    return PLACEHOLDER.sub(lambda found: kept[ord(found.group()) - PLACEHOLDER_FIRST], text)


def _unmark(text: str) -> str:
    # Again until nothing changes, for nested emphasis such as _*both*_
    while True:
        before = text
        for marker in MARKERS:
            text = marker.sub(r"\1", text)
        if text == before:
            return text


def _angle(target: str, label: str | None, *, spoken: bool) -> str:
    """A Slack token as words. A voice gets no ids or URLs: a mention's name, a link's label or host."""
    label = _unmark(_unescape(label or "")).strip()
    target = _unescape(target)
    kind = target[0]
    if kind in "@#":
        name = label.lstrip(kind)
        if spoken:
            return name or ("someone" if kind == "@" else "a channel")
        return kind + (name or target[1:])
    if kind == "!":
        keyword = target[1:].split("^")[0]
        if spoken:
            return "everyone" if keyword in ("here", "channel", "everyone") else label.lstrip("@") or keyword
        return label or ("@" + keyword if keyword in ("here", "channel", "everyone") else keyword)
    if spoken:
        host = HOST.match(target)
        return label or (host.group(1) if host else target.split(":", 1)[1])
    return f"{label} ({target})" if label and label != target else target


def _unescape(text: str) -> str:
    # Slack escapes only these three; one pass, so "&amp;lt;" stays "&lt;"
    return SLACK_ENTITY.sub(lambda found: SLACK_ENTITIES[found.group(1)], text)


def _said(button: Button) -> str:
    # What pressing the button says. An intent button says nothing a matcher would surely understand;
    # its label is the best words there are.
    return button.say or button.label


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _full_stop(text: str) -> str:
    return text if text[-1] in ".!?…" else text + "."


def _or_list(items: list[str]) -> str:
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + ", or " + items[-1]
