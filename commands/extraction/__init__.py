"""Meeting notes to actions and decisions, the way people write them (see commands.extract)."""
