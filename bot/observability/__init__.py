"""Operability: metrics, tracing, following one message, what nobody understood, flight recordings to replay."""
