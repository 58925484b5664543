"""Platform adapters: payload -> Incoming, Reply -> platform message, nothing else."""
