"""Crash and store-fault tests: the real server killed, its store cut off, full or locked."""
