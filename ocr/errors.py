"""Errors that name what is wrong with an input, so callers can quarantine it with a reason."""


class BadInput(Exception):
    """The input cannot be read as a scan (empty, truncated, encrypted, not an image/PDF...)."""


class MissingDependency(Exception):
    """A required external program or model (tesseract, poppler, a language) is not installed."""
