"""Operability: metrics, tracing, following one message, what nobody understood, recordings to replay."""
