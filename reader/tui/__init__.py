"""The pieces of the terminal UI that are neither widgets nor screens: the
messages workers post, and the objects that own the app's state (the dwell
tracker, the detail pages built ahead, the view state) and its families of
actions. The core never imports this package (pyproject.toml's contracts).
"""
