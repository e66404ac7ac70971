"""Методсеть: the virtual methodical cabinet of a district and region."""
