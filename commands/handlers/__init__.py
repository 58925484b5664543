"""Command handlers, one module per area; discovered by commands.registry."""
