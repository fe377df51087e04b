"""The bundled `vcollect` executable (PyInstaller entry): the command line."""

import sys

from ui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
