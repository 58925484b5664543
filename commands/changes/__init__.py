"""The kinds of change the account's history knows: for each audit action, how it reads
(``commands.history.describes``) and how it is taken back (``commands.undo.reverses``).

One module per area; every module here is loaded by ``commands.undo.load_changes``, so a
new kind is a new function in a module of this package and nothing else.
"""
