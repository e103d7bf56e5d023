"""Slack as a channel: requests read as turns, replies rendered as Block Kit, forms, and what the app shows Slack.

Nothing here is imported by the package itself: the ingress loads only the modules it needs (surface, forms).
"""
