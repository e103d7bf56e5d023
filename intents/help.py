from bot.conversation import Registry, Reply, intent
from bot.conversation.help import describe


@intent(
    "help",
    description="List what I can do, with examples.",
    examples=["help", "what can you do", "commands"],
)
def help_(registry: Registry) -> Reply:
    return describe(registry)
