"""The county server: enrolled devices, signed idempotent push, paged pull."""
