"""``python -m prevention.corpus``: see ``prevention.corpus.cli``."""

import sys

from prevention.corpus.cli import main

sys.exit(main())
