# python-zygote.py - Python's zygote (docs/python.md, "Warm starts"): in the
# Python image at /usr/lib/zvm/zygote.py (scripts/python-image.sh).
#
# zvsh runs `python3 /usr/lib/zvm/zygote.py` with `zerovm --snapshot`:
# Python initialises, this script imports what running a program needs,
# then reads the runtime's fork file, /dev/fork, where the snapshot is
# taken (docs/zrt.md, "Snapshots"). The read answers with the session's
# arguments and environment: in a session resumed from the snapshot, the
# new session's. The script then behaves as `python3 ARGS` would for the
# forms it knows: -c CMD, -m MOD, SCRIPT, - and no argument (stdin); with
# sys.argv, sys.orig_argv, sys.path[0], os.environ and a fresh __main__
# as python3 sets them, tracebacks without a frame of this script, exit
# statuses as python3's. zvsh runs anything else cold (options such as
# -I -S -E -O -u -X -W, PYTHON* variables, an interactive stdin).
#
# When the arguments are its own (python3 /usr/lib/zvm/zygote.py, what
# the run that takes the snapshot is given), it ends at once, status 0.
# `python3 /usr/lib/zvm/zygote.py ARGS` runs ARGS as `python3 ARGS`.
import builtins
import importlib.machinery
import os
import runpy  # noqa: F401 (for -m, imported before the snapshot)
import sys
import types

_ZYGOTE = "/usr/lib/zvm/zygote.py"


def _session():
    """The fork file, read whole: (args, env) of the session."""
    fd = os.open("/dev/fork", os.O_RDONLY)
    parts = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        parts.append(b)
    os.close(fd)
    words = b"".join(parts).split(b"\0")
    nargs = int(words[0])
    args = [os.fsdecode(w) for w in words[1 : 1 + nargs]]
    nenv = int(words[1 + nargs])
    env = words[2 + nargs : 2 + nargs + nenv]
    return args, env


def _fresh_main(loader):
    main = types.ModuleType("__main__")
    main.__annotations__ = {}
    main.__builtins__ = builtins
    main.__loader__ = loader
    sys.modules["__main__"] = main
    return main


def _run(code, main):
    exec(code, main.__dict__)


def _excepthook(exc):
    """Print an exception as python3 does, without this script's frames."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == _ZYGOTE:
        tb = tb.tb_next
    sys.excepthook(type(exc), exc.with_traceback(tb), tb)


def main():
    args, env = _session()
    if len(args) >= 2 and args[1] == _ZYGOTE:
        args = args[:1] + args[2:]
        if len(args) == 1:
            return 0  # the run that takes the snapshot
    os.environ.clear()
    for e in env:
        k, _, v = e.partition(b"=")
        os.environb[k] = v
    sys.orig_argv[:] = args
    rest = args[1:]
    builtin = importlib.machinery.BuiltinImporter
    try:
        if rest[:1] == ["-c"] and len(rest) >= 2:
            sys.argv[:] = ["-c"] + rest[2:]
            sys.path[0] = ""
            _run(compile(rest[1], "<string>", "exec"), _fresh_main(builtin))
        elif rest[:1] == ["-m"] and len(rest) >= 2:
            sys.argv[:] = ["-m"] + rest[2:]
            sys.path[0] = os.getcwd()
            _fresh_main(builtin)
            runpy._run_module_as_main(rest[1], True)
        elif not rest or rest[0] == "-":
            sys.argv[:] = rest if rest else [""]
            sys.path[0] = ""
            m = _fresh_main(builtin)
            m.__file__ = "<stdin>"
            m.__cached__ = None
            _run(compile(sys.stdin.buffer.read(), "<stdin>", "exec"), m)
        elif not rest[0].startswith("-"):
            sys.argv[:] = rest
            # As python3 makes the script's path absolute: the working
            # directory, "/" and the path as given, not normalised.
            path = rest[0] if rest[0].startswith("/") else os.getcwd() + "/" + rest[0]
            try:
                with open(path, "rb") as f:
                    source = f.read()
            except OSError as e:
                print(
                    "%s: can't open file %r: [Errno %d] %s" % (args[0], path, e.errno, e.strerror),
                    file=sys.stderr,
                )
                return 2
            sys.path[0] = os.path.dirname(os.path.realpath(rest[0]))
            m = _fresh_main(importlib.machinery.SourceFileLoader("__main__", path))
            m.__file__ = path
            m.__cached__ = None
            _run(compile(source, path, "exec"), m)
        else:
            print("zygote: python3 %s: not a form the zygote runs" % " ".join(rest), file=sys.stderr)
            return 2
    except SystemExit:
        raise
    except BaseException as exc:
        _excepthook(exc)
        return 1
    return 0


sys.exit(main())
