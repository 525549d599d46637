"""Bringing a library over from another reader (``newsreader import``)."""
