"""Lean, standard-library-only AWS clients for the ack path (SigV4, the AWS JSON 1.0 protocol, SQS, DynamoDB)."""
