"""Parley: a Slack and voice bot backend for AWS Lambda.

The path of one message, by file: `ingress/handler.py` (HTTP ack) -> `queue/` (SQS job) ->
`worker/handler.py` (batch) -> `worker/app.py` (Bolt listeners) -> `channels/slack/turns.py` (turn) ->
`conversation/` (intent) -> `channels/slack/replies.py` (reply through the Web API).

This package's __init__ imports nothing: the ingress must stay lean.
"""
