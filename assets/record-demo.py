#!/usr/bin/env python3
"""Records assets/demo.cast: a scripted flowsim session in a pseudo-terminal, written as an
asciicast v2 file (play it with `asciinema play assets/demo.cast`).

Usage: python3 assets/record-demo.py [path/to/flowsim]   (default: target/release/flowsim)
"""
import json
import os
import pty
import select
import sys
import time

WIDTH, HEIGHT = 100, 36
BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/flowsim"
OUT = os.path.join(os.path.dirname(__file__), "demo.cast")

# (seconds to wait before sending, keys)
SCRIPT = [
    (1.5, ""),
    (0.6, "A"), (0.15, "d"), (0.15, "a"),
    (0.8, "\t"), (0.6, " "),
    (0.6, "\t"), (0.3, "\t"), (0.3, "\t"), (0.3, "\t"),
    (0.8, "\r"),
    (1.0, " "), (0.5, "\t"), (0.5, " "),
    (0.5, "\t"), (0.3, "\t"), (0.3, "\t"), (0.3, " "), (0.4, "\t"),
    (0.8, "\r"),
    (1.5, "\t"), (0.8, "\r"),
    (3.0, "?"),
    (3.0, "?"),
    (1.0, "q"),
]


def main():
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(WIDTH), LINES=str(HEIGHT))
    env.pop("COLORFGBG", None)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(BIN, [BIN, "sample-flows/welcome.json", "--theme", "dark"], env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    start = time.time()
    events = []

    def pump(seconds):
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                return True
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                events.append([round(time.time() - start, 3), "o", data.decode("utf-8", "replace")])

    for wait, keys in SCRIPT:
        if not pump(wait):
            break
        if keys:
            os.write(fd, keys.encode())
    pump(1.0)
    header = {"version": 2, "width": WIDTH, "height": HEIGHT, "timestamp": int(start),
              "title": "flowsim: the welcome sample", "env": {"TERM": "xterm-256color"}}
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(json.dumps(header) + "\n")
        for e in events:
            f.write(json.dumps(e) + "\n")
    print(f"wrote {OUT}: {len(events)} events, {events[-1][0] if events else 0:.1f} s")


if __name__ == "__main__":
    main()
