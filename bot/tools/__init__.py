"""Build and operations commands (`python -m bot.tools.<name>`): the Lex bot, the Slack manifest, redrive.

None of them ships in the Lambda zip; what the running functions need of them lives in the channels.
"""
