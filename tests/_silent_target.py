"""A "target" that starts and never answers: for the launcher's start-up timeout test."""

import time

time.sleep(120)
