"""What Parley shows Slack: its slash command, the events it subscribes to, its scopes, and the ids
its buttons, forms and shortcuts carry. The worker's listeners, the ingress's synchronous answers and
the app manifest all read them from here, so the three cannot disagree.
"""

from __future__ import annotations

SLASH_COMMAND = "/parley"
SLASH_COMMAND_DESCRIPTION = "Ask Parley anything it can do (try: /parley help)"
SLASH_COMMAND_USAGE = "[what you want, e.g. roll 6]"

# The assistant split view ("Agents & AI apps"): its thread opening, and the channel the person views changing.
# Messages in its threads are `message.im`. Both events need the `assistant:write` scope.
ASSISTANT_EVENTS = ("assistant_thread_started", "assistant_thread_context_changed")

# Events API subscriptions (bot events). Channel messages are needed for thread replies that
# continue a dialog without mentioning the bot; top-level channel chatter is dropped at the ingress.
# `app_home_opened`: the Home tab is published when someone opens it; `function_executed`: a Workflow Builder step
# of ours runs (Slack sends it only to apps whose manifest declares the step's function).
HOME_OPENED_EVENT = "app_home_opened"
FUNCTION_EXECUTED_EVENT = "function_executed"
BOT_EVENTS = ("app_mention", "message.im", "message.channels", "message.groups", HOME_OPENED_EVENT,
              FUNCTION_EXECUTED_EVENT, *ASSISTANT_EVENTS)
# The `message` events' channel types those subscriptions bring (`message.channels` is channel_type "channel"); the
# worker's message listener takes these only, so what it handles and what the manifest subscribes stay one list
MESSAGE_CHANNEL_TYPES = tuple({"im": "im", "channels": "channel", "groups": "group", "mpim": "mpim"}[name[8:]]
                              for name in BOT_EVENTS if name.startswith("message."))
# oauth mode: Slack sends these only to apps subscribed to them; the worker then deletes the installation
INSTALLATION_EVENTS = ("app_uninstalled", "tokens_revoked")

BOT_SCOPES = (
    "app_mentions:read",
    "assistant:write",  # the assistant view: its events, suggested prompts and titles
    "channels:history",
    "chat:write",
    "commands",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
)

# OAuth mode (bot/oauth/): where "Add to Slack" starts, and where Slack sends the installer back (the manifest's
# redirect URL). GET routes of the `oauth` function, on the same HTTP API as the events.
INSTALL_PATH = "/slack/install"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"

# action_id of every button Parley renders; the value says what pressing it means
BUTTON_ACTION_PREFIX = "parley:button:"
# action_id of the feedback buttons (thumbs up / down) under an answer; their values name the intent
FEEDBACK_ACTION = "parley:feedback"
# action_ids of a workflow's buttons (bot/workflows/): an approver's decision, the requester's cancel; each button
# gets ":<n>" after it (Slack wants action_ids unique within a message)
WORKFLOW_DECIDE_ACTION = "parley:workflow:decide"
WORKFLOW_CANCEL_ACTION = "parley:workflow:cancel"
# callback_id of the form (modal) that runs an intent, and of the shortcuts that open it
FORM_CALLBACK_PREFIX = "intent:"
MESSAGE_SHORTCUT_SUFFIX = ":message"
# action_id of every input in a form; the block_id is the slot's name
FORM_INPUT_ACTION = "value"
# action_id of a Home tab button that opens an intent's form: the prefix and the intent's name. The ingress opens
# the form itself (views.open), because a trigger_id lives 3 s and a queued job may start later than that.
HOME_FORM_ACTION_PREFIX = "parley:home:form:"
# The output every Workflow Builder step of ours gives: its reply's text
STEP_TEXT_OUTPUT = "text"


def home_form_action_id(intent_name: str) -> str:
    return f"{HOME_FORM_ACTION_PREFIX}{intent_name}"


def form_callback_id(intent_name: str) -> str:
    return f"{FORM_CALLBACK_PREFIX}{intent_name}"


def message_shortcut_callback_id(intent_name: str) -> str:
    return f"{FORM_CALLBACK_PREFIX}{intent_name}{MESSAGE_SHORTCUT_SUFFIX}"


def intent_of_callback(callback_id: str) -> str | None:
    """The intent a form or shortcut callback_id names, or None when it is not one of ours."""
    if not callback_id.startswith(FORM_CALLBACK_PREFIX):
        return None
    return callback_id[len(FORM_CALLBACK_PREFIX):].removesuffix(MESSAGE_SHORTCUT_SUFFIX) or None
