"""Every table Parley keeps, one module per table: a Protocol, a memory version (unit tests, the console) and a
DynamoDB version. Every key carries the channel and the workspace it belongs to (`bot.stores.keys`), so two Slack
workspaces, or a Slack user and a Lex caller, never share a record by accident.

The package's __init__ imports nothing: the ingress reads dedup markers from here and must stay lean.
"""
