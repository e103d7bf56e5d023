"""Operability: what an on-call engineer reads (metrics, traces, misses, flight recordings), in one package."""
