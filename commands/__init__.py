"""Platform-neutral command handlers and the domain rules they use."""
