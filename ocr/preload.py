"""What every page worker needs, built once in the page pool's forkserver (ocr.pipeline.PagePool
preloads this module) and inherited by each worker it forks, instead of built again in every
worker: the Vietnamese lexicon of post-correction (~0.25 s of CPU and ~25 MB a worker)."""

from ocr.vietnamese.lexicon import lexicon

lexicon()
