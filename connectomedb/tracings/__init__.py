"""Skeleton tracings (webKnossos NML): reading, storing, the graph copy, synthetic ones."""
