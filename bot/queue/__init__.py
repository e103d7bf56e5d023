"""The job queue: a lean SQS client for the ingress, and the job envelope both Lambdas share."""
