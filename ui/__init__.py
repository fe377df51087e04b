"""The faces: the PySide6 desktop and the vcollect command line."""
