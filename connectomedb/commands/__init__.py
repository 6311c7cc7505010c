"""Subcommands of the CLI, one module per area; each exposes ``register(group)``."""
