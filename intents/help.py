from bot.conversation import Registry, Reply, Turn, intent
from bot.conversation.help import describe


@intent(
    "help",
    title="Show what I can do",
    description="List what I can do, with examples.",
    examples=["help", "what can you do", "commands", "what do you do", "how do I use you", "how does this work",
              "what can I ask you", "what can I say", "how can you help me", "what are you capable of", "I'm lost",
              "what can I do", "I don't know what to do"],
    synonyms={"commands": ("options", "features", "capabilities", "abilities", "skills", "instructions", "menu",
                           "examples", "usage", "manual", "docs", "documentation", "guide", "tutorial"),
              "say": ("type", "write", "ask"), "lost": ("stuck", "confused", "new here", "new to this")},
)
def help_(turn: Turn, registry: Registry) -> Reply:
    return describe(registry, prefix=turn.command)  # `/parley roll 6` in answer to the slash command
