"""The job engine for running at scale: kambot's scheduled and slow work as jobs of
Procrastinate, a PostgreSQL-backed queue, run by `kambot worker` processes.

- :mod:`bot.tasks.engine`: the Procrastinate app on DATABASE_URL, the worker, the
  setting that turns the engine on (KAMBOT_JOB_ENGINE).
- :mod:`bot.tasks.definitions`: the jobs themselves. They call the work the composition
  root hands them (:class:`~bot.tasks.definitions.Work`), so this package imports neither
  bot.app nor the scheduler, and they import nothing of it.

The embedded APScheduler (bot/scheduler.py) stays the scheduler of a single process on
SQLite; with the engine on, the serving processes run no scheduler and the workers do it
all. Either way the delivery ledger (storage/ledger.py) is what makes a post happen once.
"""
