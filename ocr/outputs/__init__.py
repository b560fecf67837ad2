"""Archival outputs of a recognised page: searchable PDF, ALTO XML, hOCR, plain text."""

from ocr.outputs.alto import page_alto
from ocr.outputs.hocr import page_hocr
from ocr.outputs.pdf import page_pdf, save, write_merged

__all__ = ["page_alto", "page_hocr", "page_pdf", "save", "write_merged"]
