import sys

from simworld.cli import main

sys.exit(main())
