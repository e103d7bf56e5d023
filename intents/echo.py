from bot.conversation import Reply, Slot, Text, intent


@intent(
    "echo",
    title="Say something back",
    description="Say back what you tell me to.",
    examples=["echo {text}", "say {text}", "repeat {text}", "repeat after me {text}"],
    slots=[Slot("text", Text(max_length=3000), prompt="What should I say?", example="hi there")],
    workflow_step=True,
)
def echo(text: str) -> Reply:
    return Reply(text)
