"""村医保代收 core: rules and use cases, free of Qt, HTTP and rendering."""

__version__ = "0.1.0"
