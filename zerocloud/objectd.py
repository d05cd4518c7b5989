"""ZeroCloud's object-server filter: run one node of a job next to its object.

Placed before ``object-server`` in the object servers' pipeline
(docs/zerocloud.md).  It takes only ``POST`` requests that carry
``X-Zerovm-Execute``; everything else goes to the object server untouched.

The proxy filter (proxy.py) sends each node of a job to the object server
that holds the node's input object, as a POST to that object's path
(``/<device>/<partition>/<account>/<container>/<object>``), with:

  X-Zerovm-Execute: 1.0
  X-Zerovm-Node: <id>            the node's id in the plan (zvjob --plan)
  X-Zerovm-Attach: stdin|input|image|none
                                 which device of the node is the object of
                                 the path ("none": a node without one)
  X-Zerovm-Timeout: <seconds>    optional, at most the filter's timeout
  X-Zerovm-Nameserver: udp:IP:PORT
                                 the job's name server, for network channels
  X-Backend-Storage-Policy-Index

and a tar body: ``job.json`` (the job's text), ``listing.json`` (the
container listings its wildcards were planned with), ``node.json`` (the
node's entry of the plan), then ``objects/<account>/<container>/<object>``
for each object the node reads that is not the attached one (its program
when ``exec.path`` is ``swift://``), read by the proxy with the caller's
authority.

The node runs as ``zvjob --node ID`` on a private root folder (with
``--connect SOCKET`` when ``pool_socket`` names a ``zerovm --serve`` socket
that is there: the node's session then runs in a sandbox that server made
ready beforehand; when the socket is absent, or nobody listens on it, the
node runs in a zerovm of its own, and the log says so): the attached
object is a symbolic link to ``/proc/<this process>/fd/<N>``, where N is the
object's data file opened once here (the same inode whatever happens to the
object meanwhile: Swift never rewrites a data file in place, it writes a new
one); pushed objects are files; what the node writes lands in its folders,
renamed into place by zvjob only when the node ended well.

The answer is 200 with the node's report in headers (X-Nexe-System, -Status,
-Retcode, -Etag, -Validation, -Cdr-Line) and a tar body: ``stdout`` (what
the node's collected streams printed), ``stderr`` (zvjob's and the node's
messages) and ``objects/...`` for every object the node wrote (only when it
ended well).  The proxy stores those with the caller's authority.  A request
that cannot run is answered 400 (bad request, program not allowed), 404
(no such object), 503 (no slot) or 500, with a text body saying why.  A
node with network channels is never queued for a slot: its peers, running
elsewhere, would wait for it while it waited for them; it is answered 503
at once and the proxy tries another server or ends the job.

Nothing here ever sets X-Timestamp, and requests without X-Zerovm-Execute
pass through, so an exec request reaching a server without this filter is
refused by the object server (400) and changes nothing.
"""
import json
import os
import shutil
import signal
import stat
import tarfile
import tempfile
import time

import eventlet
from eventlet.green import subprocess
from eventlet.semaphore import Semaphore

from swift.common.request_helpers import get_name_and_placement
from swift.common.swob import HTTPBadRequest, HTTPException, HTTPInternalServerError, HTTPNotFound, \
    HTTPServiceUnavailable, HTTPInsufficientStorage, Request, Response
from swift.common.utils import config_true_value, get_logger
from swift.obj.diskfile import DiskFileRouter

from zcutil import client_gone, client_socket
from swift.common.exceptions import DiskFileNotExist, DiskFileDeviceUnavailable

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), 'build')
ATTACH = ('stdin', 'input', 'image', 'none')
BODY_MAX = 1 << 30  # of a request's tar: the job, the listing, pushed objects


def split_object(name):
    """'a/c/o' -> (a, c, o), refusing what cannot be a path under a root."""
    parts = name.split('/', 2)
    if len(parts) != 3 or not all(parts):
        raise ValueError('not account/container/object: %r' % name)
    for seg in name.split('/'):
        if seg in ('', '.', '..') or any(ord(ch) < 32 for ch in seg):
            raise ValueError('not a usable object name: %r' % name)
    return parts


class Slots(object):
    """At most `running` nodes at a time, `queued` more waiting: else None."""

    def __init__(self, running, queued):
        self.sem = Semaphore(running)
        self.queued = queued
        self.waiting = 0

    def take(self, queue=True):
        if self.sem.acquire(blocking=False):
            return True
        if not queue or self.waiting >= self.queued:
            return False
        self.waiting += 1
        try:
            self.sem.acquire()
        finally:
            self.waiting -= 1
        return True

    def give(self):
        self.sem.release()


class ObjectFilter(object):

    def __init__(self, app, conf):
        self.app = app
        self.conf = conf
        self.logger = get_logger(conf, log_route='zerocloud-object')
        self.zvjob = conf.get('zvjob', os.path.join(BUILD, 'zvjob'))
        self.zerovm = conf.get('zerovm', os.path.join(BUILD, 'zerovm'))
        # Host programs a job may name in exec.path (absolute paths).
        self.programs = set(p for p in conf.get('programs', '').replace(',', ' ').split() if p)
        self.timeout = int(conf.get('timeout', 60))
        self.memory = conf.get('memory', '1G')
        self.slots = Slots(int(conf.get('max_running', 10)), int(conf.get('max_queued', 3)))
        self.tmp_dir = conf.get('tmp_dir') or None
        self.keep = config_true_value(conf.get('keep_tmp', 'false'))
        # A zerovm --serve socket (same user as this server) to run nodes in.
        self.pool_socket = conf.get('pool_socket') or None
        self.router = DiskFileRouter(conf, self.logger)

    def __call__(self, env, start_response):
        if env.get('REQUEST_METHOD') != 'POST' or 'HTTP_X_ZEROVM_EXECUTE' not in env:
            return self.app(env, start_response)
        req = Request(env)
        try:
            resp = self.execute(req)
        except HTTPException as e:
            resp = e
        except Exception:
            self.logger.exception('zerocloud: exec request failed')
            resp = HTTPInternalServerError(body=b'zerocloud: internal error (see the object server log)\n')
        resp.headers['X-Zerovm-Filter'] = '1'  # the proxy tells its answers from the object server's own
        return resp(env, start_response)

    # -- the request -------------------------------------------------------

    def execute(self, req):
        if req.headers.get('X-Zerovm-Execute') != '1.0':
            raise HTTPBadRequest(body=b'X-Zerovm-Execute: expected 1.0\n')
        attach = req.headers.get('X-Zerovm-Attach', 'none')
        if attach not in ATTACH:
            raise HTTPBadRequest(body=('X-Zerovm-Attach: expected one of %s\n' % ', '.join(ATTACH)).encode())
        try:
            node_id = int(req.headers['X-Zerovm-Node'])
            timeout = min(int(req.headers.get('X-Zerovm-Timeout', self.timeout)), self.timeout)
        except (KeyError, ValueError):
            raise HTTPBadRequest(body=b'X-Zerovm-Node (a node id) and X-Zerovm-Timeout (seconds) are numbers\n')
        if timeout < 1:
            raise HTTPBadRequest(body=b'X-Zerovm-Timeout: 1 second or more\n')
        ns = req.headers.get('X-Zerovm-Nameserver')
        work = tempfile.mkdtemp(prefix='zerocloud-', dir=self.tmp_dir)
        fd = None
        try:
            root = os.path.join(work, 'root')
            os.mkdir(root)
            node = self.read_body(req, work, root)
            if attach != 'none':
                fd = self.open_attached(req, node, attach, root)
            self.check_program(node)
            for dev in node.get('devices', []):
                if dev.get('access') == 'write' and dev.get('object'):
                    a, c, _ = split_object(dev['object'])
                    os.makedirs(os.path.join(root, a, c), exist_ok=True)
            # A node with network channels is never queued: its peers,
            # running elsewhere, would wait for it, and it for them, while
            # it waited behind nodes that may be its peers (a deadlock).
            # Without a slot now it is refused, and the proxy tries another
            # server or ends the job.
            chans = node.get('channels') or {}
            connected = bool(chans.get('in') or chans.get('out'))
            if not self.slots.take(queue=not connected):
                raise HTTPServiceUnavailable(body=b'zerocloud: slot not available (too many nodes running%s)\n'
                                             % (b'; a connected node is not queued' if connected else b''))
            try:
                return self.run(req, work, root, node_id, node, timeout, ns)
            finally:
                self.slots.give()
        finally:
            if fd is not None:
                os.close(fd)
            if not self.keep:
                shutil.rmtree(work, ignore_errors=True)

    def read_body(self, req, work, root):
        """job.json, listing.json, node.json into work; objects/ under root."""
        length = req.content_length
        if length is not None and length > BODY_MAX:
            raise HTTPBadRequest(body=b'zerocloud: request body too large\n')
        node = None
        try:
            with tarfile.open(fileobj=req.environ['wsgi.input'], mode='r|') as tar:
                for m in tar:
                    if not m.isfile():
                        raise HTTPBadRequest(body=b'zerocloud: the tar holds something else than files\n')
                    src = tar.extractfile(m)
                    if m.name in ('job.json', 'listing.json', 'node.json'):
                        dst = os.path.join(work, m.name)
                    elif m.name.startswith('objects/'):
                        a, c, o = split_object(m.name[len('objects/'):])
                        os.makedirs(os.path.join(root, a, c, os.path.dirname(o)), exist_ok=True)
                        dst = os.path.join(root, a, c, o)
                    else:
                        raise HTTPBadRequest(body=('zerocloud: unexpected tar member %r\n' % m.name).encode())
                    with open(dst, 'wb') as out:
                        shutil.copyfileobj(src, out, 1 << 20)
        except (tarfile.TarError, ValueError) as e:
            raise HTTPBadRequest(body=('zerocloud: bad request body: %s\n' % e).encode())
        for name in ('job.json', 'listing.json', 'node.json'):
            if not os.path.exists(os.path.join(work, name)):
                raise HTTPBadRequest(body=('zerocloud: the request body lacks %s\n' % name).encode())
        try:
            with open(os.path.join(work, 'node.json')) as f:
                node = json.load(f)
        except ValueError as e:
            raise HTTPBadRequest(body=('zerocloud: node.json: %s\n' % e).encode())
        return node

    def open_attached(self, req, node, attach, root):
        """Open the object of the path once; link it under root as the
        device's object.  Returns the descriptor (closed by the caller)."""
        try:
            device, partition, account, container, obj, policy = get_name_and_placement(req, 5, 5, True)
        except HTTPException:
            raise HTTPBadRequest(body=b'zerocloud: the path is not /device/partition/account/container/object\n')
        want = '%s/%s/%s' % (account, container, obj)
        dev = [d for d in node.get('devices', []) if d.get('name') == attach]
        if not dev or dev[0].get('object') != want:
            raise HTTPBadRequest(body=('zerocloud: node has no %s device reading %s\n' % (attach, want)).encode())
        try:
            df = self.router[policy].get_diskfile(device, partition, account, container, obj, policy=policy)
            with df.open():
                fd = os.dup(df._fp.fileno())
        except DiskFileNotExist:
            raise HTTPNotFound(body=('zerocloud: %s: no such object here\n' % want).encode())
        except DiskFileDeviceUnavailable:
            raise HTTPInsufficientStorage(drive=device)
        a, c, o = split_object(want)
        os.makedirs(os.path.join(root, a, c, os.path.dirname(o)), exist_ok=True)
        os.symlink('/proc/%d/fd/%d' % (os.getpid(), fd), os.path.join(root, a, c, o))
        return fd

    def check_program(self, node):
        ex = node.get('exec', {})
        path = ex.get('path', '')
        if ex.get('object'):
            return  # pushed by the proxy, read with the caller's authority
        if path not in self.programs:
            raise HTTPBadRequest(body=('zerocloud: exec.path %r is not allowed here: give a swift:// object, '
                                       'or one of the programs the operator allows: %s\n'
                                       % (path, ' '.join(sorted(self.programs)) or '(none)')).encode())

    # -- the run -----------------------------------------------------------

    def run(self, req, work, root, node_id, node, timeout, ns):
        report = os.path.join(work, 'report.json')
        argv = [self.zvjob, '--node', str(node_id), '--root', root,
                '--listing', os.path.join(work, 'listing.json'), '--report', report,
                '--timeout', str(timeout), '--memory', self.memory]
        if ns:
            argv += ['--nameserver', ns]
        pool = self.pool()
        job = os.path.join(work, 'job.json')
        env = {'PATH': '/usr/bin:/bin', 'ZEROVM': self.zerovm, 'TMPDIR': work}
        t0 = time.time()
        code = self.spawn(req, argv + (['--connect', pool] if pool else []) + [job], env, node, t0, timeout)
        if pool and code != 0 and self.no_server(work, pool):
            # The socket is there but no server listens (one killed
            # without removing it): no session started and the node left
            # nothing, so it runs again in a zerovm of its own.
            self.logger.warning('zerocloud: pool_socket %s: no server listens there; the node runs in a zerovm of '
                                'its own', pool)
            code = self.spawn(req, argv + [job], env, node, t0, timeout)
        wall = time.time() - t0
        rep = {}
        try:
            with open(report) as f:
                rep = json.load(f)
        except (OSError, ValueError):
            pass
        return self.answer(work, root, node, rep, code, wall)

    @staticmethod
    def no_server(work, pool):
        """Whether zvjob's node failed because zerovm --connect found no
        server at pool (zvjob.1.md, --connect): zerovm's own words."""
        said = ('zerovm: server %s: no server listens there' % pool).encode()
        try:
            with open(os.path.join(work, 'stderr'), 'rb') as f:
                return said in f.read(1 << 16)
        except OSError:
            return False

    def spawn(self, req, argv, env, node, t0, timeout):
        """zvjob on argv, its streams into work's stdout and stderr (made
        anew), stopped when the client goes or past the timeout: its exit
        code."""
        work = env['TMPDIR']
        out_path, err_path = os.path.join(work, 'stdout'), os.path.join(work, 'stderr')
        sock = client_socket(req.environ)
        with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
            try:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                        close_fds=True)
            except OSError as e:
                raise HTTPInternalServerError(body=('zerocloud: cannot run %s: %s\n' % (self.zvjob, e)).encode())
            deadline = t0 + timeout + 10
            gone = False
            while proc.poll() is None:
                if not gone and client_gone(sock):
                    gone = True  # the client went: end the node (zvjob passes SIGTERM on, and cleans up)
                    self.logger.info('zerocloud: client went away: stopping node %s', node.get('name'))
                    proc.send_signal(signal.SIGTERM)
                if time.time() > deadline:
                    proc.kill()
                eventlet.sleep(0.02)
        return proc.returncode

    def pool(self):
        """The pool's socket when one is configured and there, else None
        (said in the log: the node then starts a zerovm of its own)."""
        if not self.pool_socket:
            return None
        try:
            if stat.S_ISSOCK(os.stat(self.pool_socket).st_mode):
                return self.pool_socket
            why = 'not a socket'
        except OSError as e:
            why = e.strerror
        self.logger.warning('zerocloud: pool_socket %s: %s; the node runs in a zerovm of its own',
                            self.pool_socket, why)
        return None

    def answer(self, work, root, node, rep, code, wall):
        n = (rep.get('nodes') or [{}])[0]
        ok = code == 0 and n.get('status') == 'ok'
        acc = n.get('accounting') or {}
        keys = ('system_time', 'user_time', 'local_reads', 'local_bytes_read', 'local_writes',
                'local_bytes_written', 'net_reads', 'net_bytes_read', 'net_writes', 'net_bytes_written')
        cdr = ' '.join(('%.2f' % acc[k]) if k.endswith('time') else str(acc[k]) for k in keys if k in acc)
        etags = n.get('etags') or {}
        status = n.get('exit_state') or n.get('reason') or 'zvjob exit code %d' % code
        if n.get('status') == 'stopped':
            status = n.get('reason') or status
        headers = {
            'X-Nexe-System': node.get('name', ''),
            'X-Nexe-Status': status.replace('\n', ' ')[:1000],
            'X-Nexe-Retcode': str(n['return_code']) if n.get('return_code') is not None else '-',
            'X-Nexe-Etag': ' '.join('%s %s' % kv for kv in sorted(etags.items())) or 'disabled',
            'X-Nexe-Validation': str(n['validator']) if n.get('validator') is not None else '-',
            'X-Nexe-Cdr-Line': '%.3f, %s' % (n.get('wall_time', wall), cdr),
            'X-Zerovm-Node-Ok': 'yes' if ok else 'no',
            'X-Zerovm-Zvjob-Exit': str(code),
        }
        out = tempfile.TemporaryFile(dir=work)
        with tarfile.open(fileobj=out, mode='w|') as tar:
            tar.add(os.path.join(work, 'stdout'), 'stdout')
            tar.add(os.path.join(work, 'stderr'), 'stderr')
            if ok:
                for dev in node.get('devices', []):
                    if dev.get('access') == 'write' and dev.get('object'):
                        p = os.path.join(root, *split_object(dev['object']))
                        if os.path.isfile(p) and not os.path.islink(p):
                            tar.add(p, 'objects/' + dev['object'])
        size = out.tell()
        out.seek(0)
        resp = Response(status=200, headers=headers, content_type='application/x-tar')
        resp.app_iter = iter(lambda: out.read(1 << 16), b'')
        resp.content_length = size
        return resp


def filter_factory(global_conf, **local_conf):
    conf = dict(global_conf)
    conf.update(local_conf)

    def factory(app):
        return ObjectFilter(app, conf)
    return factory
