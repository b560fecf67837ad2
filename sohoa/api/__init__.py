"""The exchange API for one-stop systems (issue 21): tokens, the /api/v1 routes, webhooks."""
