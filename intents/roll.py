import random

from bot.conversation import Number, Reply, Slot, intent

_dice = random.SystemRandom()


@intent(
    "roll",
    title="Roll a die",
    public=True,  # a roll is for everyone to see: a slash command shows it to the channel
    workflow_step=True,  # a step in Workflow Builder: `sides` in, the roll's text out
    description="Roll a die with as many sides as you like.",
    examples=["roll {sides}", "roll a d{sides}", "roll a {sides} sided die", "roll a die"],
    slots=[Slot("sides", Number(minimum=2, maximum=1000), prompt="How many sides should the die have?", example="6")],
)
def roll(sides: int) -> Reply:
    return Reply(f"You rolled a {_dice.randint(1, sides)} (d{sides}).")
