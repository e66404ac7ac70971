#!/usr/bin/env python
"""Django's command-line utility; the same as the `metodset` console command."""

from metodset.__main__ import main

if __name__ == "__main__":
    main()
