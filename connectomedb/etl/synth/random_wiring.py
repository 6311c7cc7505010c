"""The random wiring of the ``demo`` and ``full`` scales (filled in below)."""

from __future__ import annotations

import numpy as np

from connectomedb.etl.synth.params import ScaleParams
from connectomedb.etl.synth.wiring import Wiring


def random_wiring(rng: np.random.Generator, p: ScaleParams) -> Wiring:
    raise NotImplementedError(p.name)
