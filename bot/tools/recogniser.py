"""`python -m bot.tools.recogniser write|remove`: the packaged recogniser (bot/conversation/recogniser_cache.py).

Run by the packaging plugin (`.serverless_plugins/compile-bytecode.js`) beside the bytecode it compiles; a command
apart, so that the functions' own code never imports `intents/` through it.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from bot.conversation import recogniser_cache

    if argv[:1] == ["write"]:
        import intents  # noqa: F401 - declares the intents into the registry
        from bot.conversation.registry import registry

        written = recogniser_cache.write(registry)
        print(f"recogniser packaged: {written.name}")
        return 0
    if argv[:1] == ["remove"]:
        recogniser_cache.remove()
        return 0
    print("usage: python -m bot.tools.recogniser write|remove", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
