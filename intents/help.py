from bot.conversation import Reply, Turn, intent, registry
from bot.conversation.help import describe


@intent(
    "help",
    description="List what I can do, with examples.",
    examples=["help", "what can you do", "commands"],
)
def help_(turn: Turn) -> Reply:
    return describe(registry)
