"""Workflows: work that outlives a Lambda (approvals, reminders), written as Python steps.

An intent starts one through the `workflows` service it is given (service.py); the workflows function runs it as a
Lambda durable execution (handler.py, flow.py), waiting at no cost for a time or for a person; the worker's button
listeners decide and cancel through the same service. Importing this package imports nothing heavy: the durable
SDK is imported by flow.py and handler.py, which only the workflows function loads.
"""

from bot.workflows.registry import workflow

__all__ = ["workflow"]
