"""What both ZeroCloud filters share: telling that a client went away.

A client waiting for a job's answer sends nothing more once its request is
read, so a readable socket whose peek finds no byte is a closed one.
"""
import socket

from eventlet.green import select


def client_socket(env):
    """The client's socket under eventlet's WSGI server, or None."""
    return getattr(env.get('eventlet.input'), '_sock', None)


def client_gone(sock):
    """Whether the client closed its side of sock (None: never)."""
    if sock is None:
        return False
    try:
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b''
    except (OSError, ValueError):
        return True
