"""The Lex V2 code hook: the same intents, for people who speak to the bot through Amazon Lex."""
