"""Synthetic datasets in the published L4dense layout, with their ground truth.

``generate(scale, seed)`` builds the data in memory; ``write(result, outdir, variant=...)``
writes the files exactly as the published export does (and older or sparser variants of it).
"""

from connectomedb.synth.generate import SynthResult, generate
from connectomedb.synth.params import SCALES
from connectomedb.synth.writer import VARIANTS, write

__all__ = ["SCALES", "VARIANTS", "SynthResult", "generate", "write"]
