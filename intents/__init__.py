"""What Parley can do. Importing this package declares every intent in `bot.conversation.registry`.

To add an intent: write a module here with a handler decorated by `@intent(...)` and import it below.
"""

import os

from intents import access, echo, hello, help, link, primes, remind, requests, roll, status, tickets

__all__ = ["access", "echo", "hello", "help", "link", "primes", "remind", "requests", "roll", "status", "tickets"]

if os.environ.get("PARLEY_FAULT_INTENTS") == "1":  # the reliability suite's local stack only
    from intents import faults  # noqa: F401
