"""``python -m hub`` and the ``hub`` command (``[project.scripts]`` names :func:`run`)."""

import gc


def run() -> int:
    """The ``hub`` command: the CLI imported without the cyclic garbage collector, then run.

    Importing the hub makes tens of thousands of objects that live as long as the process (modules, classes, their
    functions); the collector would walk them again and again while they are made, and find no garbage. The console
    script imports only this module: a child process that multiprocessing's forkserver prepares by importing the
    parent's main script (the console script) therefore loads nothing of the CLI either.
    """
    gc.disable()
    from hub.cli import main

    gc.enable()
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
