"""Vietnamese post-correction of OCR output: syllable validation and diacritic repair."""

from .correct import correct_text, correct_words
from .syllables import is_valid_syllable

__all__ = ["correct_text", "correct_words", "is_valid_syllable"]
