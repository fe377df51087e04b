"""Sync: the wire protocol, the device client and the county server."""
