"""Statistics over the connectome: motif significance against null models, and the paper's
analyses with their published restrictions and tests (docs/motifs.md, docs/paper.md)."""
