# What cannot work in the sandbox fails with Python's own exceptions
# (tests/func/dynamic.sh): one process, no network; a thread runs.
import socket, subprocess, threading

for name, f in [
    ("thread", lambda: (t := threading.Thread(target=print, args=("in a thread",))).start() or t.join()),
    ("subprocess", lambda: subprocess.run(["true"])),
    ("socket", lambda: socket.socket()),
]:
    try:
        f()
        print(name, "worked")
    except Exception as e:
        print(f"{name}: {type(e).__name__}: {e}")
