"""Roster: importing county exports and searching households and people."""
