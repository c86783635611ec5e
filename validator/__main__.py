"""`python -m validator` runs the command-line interface."""

from .entry import main

raise SystemExit(main())
