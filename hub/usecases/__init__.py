"""Every write to a hub's data folder, once: the CLI, the API and the harvester all call these.

A use case checks its input (once, for every edge), calls the domain function that
writes the commit, and then runs the after-write work (``Services.catch_up``: search
index and clone exports to the new HEAD). Domain rules stay in the domain
(``hub.store``, ``hub.federation``, ``hub.adopt``); edges (``hub.api``, ``hub.cli``,
``hub.web``, the command and route modules of ``hub.federation`` and ``hub.adopt``)
never import the domain's write functions: ``tests/test_usecases.py`` fails if one does.

Modules: ``catalogue`` (open and initialise a data folder), ``publish``, ``adoptions``,
``reviews``, ``sources``, ``harvest``, ``tokens``.
"""
