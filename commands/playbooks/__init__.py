"""Playbooks: named sets of steps (a task each, owned by a role, due N days after the
trigger) started by a trigger: a stage change, a renewal window, a new key account, a
health colour change, or by hand.

``model`` holds the definitions, ``loader`` reads and validates them (built-in, an admin's
folder, chat), ``engine`` starts runs exactly once and reads their progress, ``text``
renders them in both languages.
"""
