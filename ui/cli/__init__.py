"""The vcollect command line."""
