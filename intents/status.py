"""How is the long job I asked for going? (Voice callers hang up before slow work ends.)"""

from bot.conversation import Reply, Turn, intent
from bot.queue.results import JOB_ATTRIBUTE, JOB_RESULT_ATTRIBUTE


@intent(
    "status",
    description="Tell how the long job you asked for is going.",
    examples=["status", "what is the status", "is it done", "how is it going", "is my job done"],
)
def status(turn: Turn) -> Reply:
    if not turn.attributes.get(JOB_ATTRIBUTE):
        # only a voice session waits for results; Slack gets them as soon as they are ready
        return Reply("Nothing of yours is running right now.")
    result = turn.attributes.get(JOB_RESULT_ATTRIBUTE)  # the channel looked it up
    if result is None:
        return Reply("I'm still working on it. Ask me again in a moment.")
    return Reply(f"It's done. {result}")
