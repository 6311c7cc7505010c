"""The category code tables of the published files: one definition for every stage.

The extract layer falls back on them when a file lacks a category attribute; the synthetic
generator writes them as the files' attributes. Canonical names are those of
``connectome.csv`` (docs/model.md).
"""

from __future__ import annotations

#: (code, file attribute, canonical name), in code order, exactly as the published files have them.
AXON_CLASSES = (
    (1, "corticocortical", "Corticocortical"),
    (2, "thalamocortical", "Thalamocortical"),
    (3, "inhibitory", "Inhibitory"),
    (4, "other", "Other"),
)
TARGET_CLASSES = (
    (1, "apicaldendrite", "ApicalDendrite"),
    (2, "axoninitialsegment", "AxonInitialSegment"),
    (3, "ignore", "Unknown"),
    (4, "otherdendrite", "OtherDendrite"),
    (5, "smoothdendrite", "SmoothDendrite"),
    (6, "somata", "Somata"),
    (7, "wholecell", "WholeCell"),
    (8, "soma", "Soma"),
    (9, "proximaldendrite", "ProximalDendrite"),
)
SYNAPSE_TYPES = (
    (1, "primaryspine", "PrimarySpine"),
    (2, "secondaryspine", "SecondarySpine"),
    (3, "shaft", "Shaft"),
    (4, "soma", "Soma"),
)
