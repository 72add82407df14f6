"""``python -m wfm.cli``: the same as the ``wfm`` command."""

import sys

from wfm.cli.app import main

sys.exit(main())
