# What cannot work in the sandbox fails with Python's own exceptions
# (tests/func/dynamic.sh): one process, one thread, no network.
import socket, subprocess, threading

for name, f in [
    ("thread", lambda: threading.Thread(target=print).start()),
    ("subprocess", lambda: subprocess.run(["true"])),
    ("socket", lambda: socket.socket()),
]:
    try:
        f()
        print(name, "worked")
    except Exception as e:
        print(f"{name}: {type(e).__name__}: {e}")
