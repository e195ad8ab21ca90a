"""Sleeps long enough to be killed from outside."""

import time


def nap(seconds):
    time.sleep(seconds)
    return "woke up"
