"""Extract → transform → load. ``frames`` holds the typed data the stages pass along."""
