"""The worker: SQS jobs in, Bolt listeners run, replies out through the Slack Web API."""
