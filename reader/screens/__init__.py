"""Screens of the newsreader TUI."""
