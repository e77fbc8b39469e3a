"""Allow `python -m kabar_tui`."""

from kabar_tui.cli import main

raise SystemExit(main())
