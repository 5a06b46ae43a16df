"""Reconnect delays for workers: exponential growth with jitter.

The n-th consecutive failure (n from 0) waits a random time in [d/2, d] where
d = min(maximum, initial * multiplier**n), so that workers that lost the same server do not all
come back in the same instant. Pure apart from the random generator, which tests may seed.
"""
import random


class Backoff:
    def __init__(self, initial=0.1, maximum=10.0, multiplier=2.0, rng=None):
        if initial <= 0 or maximum < initial or multiplier < 1:
            raise ValueError("backoff needs 0 < initial <= maximum and multiplier >= 1")
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self._rng = rng or random.Random()

    def delay(self, failures):
        """Seconds to wait after `failures` consecutive failed connections (0: the first)."""
        ceiling = min(self.maximum, self.initial * self.multiplier ** min(failures, 64))
        return self._rng.uniform(ceiling / 2, ceiling)
