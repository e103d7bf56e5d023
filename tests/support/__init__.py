"""Helpers only the tests use (fakes, fixtures, rule checkers): kept out of `bot/`, so out of the Lambda zip."""
