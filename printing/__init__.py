"""Receipts and documents: PDF, ESC/POS and QR, plus the bundled CJK font."""
