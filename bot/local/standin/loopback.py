"""Nothing the stand-in opens, redirects to or is steered from may leave this machine.

The stand-in listens on 127.0.0.1 only, delivers events only to http://127.0.0.1 (or localhost) URLs, and its HTTP
opener ignores proxy settings in the environment, which would otherwise route a loopback request elsewhere.
"""

from __future__ import annotations

import urllib.parse
import urllib.request

HOST = "127.0.0.1"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
# No proxies, whatever the environment says
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def is_loopback(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS


def check_loopback(url: str) -> str:
    """Refuse any URL that would leave this machine."""
    if not is_loopback(url):
        raise ValueError(f"only http://127.0.0.1 URLs are allowed, not {url!r}")
    return url
