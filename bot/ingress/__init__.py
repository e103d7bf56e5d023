"""The Slack ingress: verify, answer what must be answered at once, queue, ack. Lean on purpose."""
