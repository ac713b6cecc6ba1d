"""`python -m vigil …` runs the `vigil` command (a trial reached for it first)."""

from vigil.cli import main

raise SystemExit(main())
