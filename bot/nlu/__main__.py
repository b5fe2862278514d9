"""``python -m bot.nlu``: read messages on stdin, write one JSON query per line."""

import sys

from . import parse_stream

if __name__ == "__main__":
    # Undecodable bytes must not end the stream: they become U+FFFD and parse as noise.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")
    parse_stream(sys.stdin, sys.stdout)
