"""Widgets of the newsreader TUI."""
