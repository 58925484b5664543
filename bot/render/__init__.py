"""Renderers: the neutral Reply drawn natively for each platform."""
