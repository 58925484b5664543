"""Questions answered from the account record, with and without a language model.

intents (what is asked) -> facts (the account's record) -> answers (deterministic Reply)
-> context / postprocess (what a model sees, and what of its answer survives) -> service
(the orchestration the `ask` verb calls). summarize / narrative: the other model features,
each with its deterministic fallback. port: the model interface (no openai import here).
"""
