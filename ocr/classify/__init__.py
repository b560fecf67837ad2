"""Page classification: title rules + a statistical model → P(type) and P(starts a document).

>>> from ocr.classify import load_model, score_pages
>>> scores = score_pages(pages)            # list[ocr.split.PageScores]

`ocr.classify.scores` combines them; `rules` reads printed titles, `model` is the trained model,
`features` what it sees of a page.
"""

from ocr.classify.model import MODEL_VERSION, PageModel
from ocr.classify.rules import DOC_TYPES
from ocr.classify.scores import (
    is_blank,
    is_unreadable,
    load_model,
    rule_scores,
    score_pages,
)

__all__ = [
    "DOC_TYPES",
    "MODEL_VERSION",
    "PageModel",
    "is_blank",
    "is_unreadable",
    "load_model",
    "rule_scores",
    "score_pages",
]
