"""The local kit: everything `make run` and the tests start on 127.0.0.1. Never shipped to Lambda."""
