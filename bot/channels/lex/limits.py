"""Amazon Lex V2's limits on what a code hook answers, each stated once, with the AWS page it comes from.

The models (`models.py`), the speech renderer (`speech.py`) and the tests' response rules
(`tests/support/lex_rules.py`) all read these, so they cannot disagree. Where AWS's pages give two
values for one thing, the smaller is kept and the comment says so.

Plain integers and nothing imported: `speech.py` imports this on the Lex hook's cold start.

Sources: the developer guide's Lambda response page (docs.aws.amazon.com/lexv2/latest/dg/lambda-response-format.html)
gives no lengths; its messages, cards and session state are the runtime API's shapes, whose reference pages
(docs.aws.amazon.com/lexv2/latest/APIReference/<page>) do.
"""

# A message's `content` (PlainText, SSML, CustomPayload). API_runtime_Message.html says 1..1024;
# API_PlainTextMessage.html and API_SSMLMessage.html, the same messages where a bot defines them,
# say 1..1000. Kept: 1000. For SSML the whole document counts, tags included.
MESSAGE_CONTENT = 1000

# API_runtime_ImageResponseCard.html: title, subtitle and imageUrl 1..250 characters, 0..5 buttons.
CARD_TITLE = 250
CARD_SUBTITLE = 250
CARD_IMAGE_URL = 250
CARD_BUTTONS = 5

# API_runtime_Button.html: text and value 1..50 characters each.
BUTTON_TEXT = 50
BUTTON_VALUE = 50

# API_runtime_SessionState.html: activeContexts 0..20 items.
ACTIVE_CONTEXTS = 20
