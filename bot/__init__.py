"""kambot's composition root and edges: CLI, settings, adapters, renderers, scheduler, LLM."""
