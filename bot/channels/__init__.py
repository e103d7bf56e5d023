"""Channels: how a turn arrives from, and a reply goes back to, each place people talk to the bot."""
