"""Fake platform servers (Slack, Telegram, OpenAI) that listen on 127.0.0.1 only."""
