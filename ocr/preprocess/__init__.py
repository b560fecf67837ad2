"""Page cleanup before recognition: `prepare(image, dpi)` -> `Prepared` (`ocr.preprocess.cleanup`),
one module per step (textsize, perspective, orientation, deskew, stamps, illumination, denoise,
borders, leaders, blank) measured on an analysis view (`ocr.preprocess.view`)."""

from ocr.preprocess.cleanup import ALL_STEPS, DEFAULT_STEPS, Prepared, prepare

__all__ = ["ALL_STEPS", "DEFAULT_STEPS", "Prepared", "prepare"]
