"""Benchmarks that print figures; not part of `make test` (the machine is shared and noisy)."""
