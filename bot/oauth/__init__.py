"""The `oauth` Lambda (oauth mode only): "Add to Slack" and the OAuth redirect that installs Parley in a workspace.

`GET /slack/install` sends the installer to Slack's authorize page with a signed, expiring, single-use `state`;
`GET /slack/oauth_redirect` checks that state, trades Slack's code for the installation's tokens (oauth.v2.access) and
stores them, then shows what happened. Bolt's OAuth flow does the work (flow.py); this package gives it Parley's
settings, stores, pages and HTTP API plumbing. Heavy imports are fine here: no Slack request waits on this function.
"""
