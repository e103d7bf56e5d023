"""Amazon Lex V2 as a channel: the code-hook event and response models, speech, and Lex's names for ours."""
