"""Class colours shared by every figure of the report, and the order classes are shown in.

A class keeps the same position and the same colour in every figure. The orders are those of
:mod:`connectomedb.vocabulary`; names that are not listed (``Unknown``, ``Undefined``, codes
missing from the files) follow in alphabetical order in grey tones.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from connectomedb.vocabulary import AXON_CLASS_ORDER, SYNAPSE_TYPE_ORDER, TARGET_CLASS_ORDER

# Colour-blind-safe palette (Okabe-Ito), one fixed colour per class, in the vocabulary's order.
AXON_CLASS_COLOURS: dict[str, str] = dict(
    zip(AXON_CLASS_ORDER, ("#0072B2", "#E69F00", "#D55E00", "#7F7F7F"), strict=True)
)
TARGET_CLASS_COLOURS: dict[str, str] = dict(
    zip(
        TARGET_CLASS_ORDER,
        ("#000000", "#56B4E9", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#8C564B", "#BCBD22"),
        strict=True,
    )
)
SYNAPSE_TYPE_COLOURS: dict[str, str] = dict(
    zip(SYNAPSE_TYPE_ORDER, ("#009E73", "#56B4E9", "#D55E00", "#000000"), strict=True)
)
_GREYS = ("#A0A0A0", "#C0C0C0", "#606060", "#D8D8D8", "#404040")

#: Colours of the two samples of the ASI-similarity figure.
OBSERVED_COLOUR = "#0072B2"
CONTROL_COLOUR = "#BBBBBB"


def ordered(names: Iterable[object], order: tuple[str, ...]) -> list[str]:
    """The distinct ``names`` in the fixed ``order``; unlisted names follow alphabetically."""
    present = {str(n) for n in names}
    known = [n for n in order if n in present]
    return known + sorted(present - set(known))


def colour_map(names: list[str], fixed: dict[str, str]) -> dict[str, str]:
    """A colour per name: the fixed colour, or a grey chosen by the name itself (so an unlisted
    class such as ``Unknown`` has the same grey in every figure)."""
    return {
        name: fixed.get(name) or _GREYS[zlib.crc32(name.encode()) % len(_GREYS)] for name in names
    }
