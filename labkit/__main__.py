"""``python -m labkit``: the same as the ``labkit`` command."""

from .cli import main

raise SystemExit(main())
