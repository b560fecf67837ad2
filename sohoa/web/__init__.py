"""The staff web app (FastAPI + Jinja2 + HTMX): Vietnamese pages for counter staff, reviewers,
managers and administrators. `create_app` builds it; `sohoa web` serves it."""
