#!/usr/bin/env python
"""Django's usual entry point; `reachable` (the console script) does the same with friendlier names."""

from reachable.cli import main

if __name__ == "__main__":
    main()
