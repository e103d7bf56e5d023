from bot.conversation import Reply, intent


@intent(
    "hello",
    title="Say hello",
    description="Say hello.",
    examples=["hello", "hi", "hey", "hello there", "good morning", "good afternoon", "good evening"],
)
def hello() -> Reply:
    return Reply("Hello! I'm Parley. Say `help` to see what I can do.")
