import gc

# Importing the hub makes tens of thousands of objects that live as long as the process (modules, classes, their
# functions); the cyclic collector would walk them again and again while they are made, and find no garbage.
gc.disable()
from hub.cli import main  # noqa: E402

gc.enable()

raise SystemExit(main())
