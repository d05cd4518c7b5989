"""ZeroCloud's proxy filter: run a job on the object servers that hold its data.

Placed after the auth filter and before ``proxy-server`` in the proxy's
pipeline (docs/zerocloud.md).  It takes only ``POST`` requests that carry
``X-Zerovm-Execute``:

  POST /v1/<account>                 body: a job (JSON list of nodes)
  POST /v1/<account>/<cont>/<obj>    body: a job of one node; its stdin is
                                     that object

The job is planned by zvjob itself (``zvjob --plan``, the planner the
command-line runner uses): this module only asks Swift what the caller may
do and where objects are, moves requests and answers, and stores outputs.

1. The caller must be allowed to POST on the account (Swift's auth filter
   says: 401 without a valid token, 403 otherwise).
2. Containers that wildcards read are listed by GET subrequests through
   the rest of the pipeline, with the caller's identity.
3. zvjob --plan --listing expands the job into nodes.
4. Every object a node reads is checked with a HEAD (the one it runs next
   to) or fetched with a GET (its program and any other object it reads:
   pushed to the object server), every object it writes is checked against
   the container's write ACL: all through the pipeline, so Swift's own
   answers (401, 403, 404) are the job's.
5. Each node goes, as a POST, to an object server holding its input object
   (the ring's primaries, then handoffs, on 404, 507, 5xx or a connection
   error); a node without one goes to any object server.  objectd.py runs
   it there.  All nodes are sent at once.  A job with ``connect`` gets a
   name server of its own (zvns, on ``nameserver_ip``), passed to the
   object servers in X-Zerovm-Nameserver, so that each node's network
   channels find its peers wherever they run; it is stopped when the job
   ends.  A node of a connected component that fails stops the other nodes
   of its component (their connections are closed: the object servers stop
   them), as zvjob does on one machine.
6. When every node has an answer from the filter, the objects written by
   nodes that ended well are stored by PUT subrequests with the caller's
   identity; the answer is the collected output of the nodes in node order
   with the nodes' reports joined in X-Nexe-* headers, and
   X-Zerocloud-Placement saying which object server ran each node.

Nothing here sends X-Timestamp to an object server.
"""
import io
import json
import os
import random
import shutil
import socket
import tarfile
import tempfile
import time

import eventlet
from eventlet.green import subprocess

from swift.common.bufferedhttp import http_connect
from swift.common.exceptions import ConnectionTimeout
from swift.common.http import is_success
from swift.common.storage_policy import POLICIES
from swift.common.swob import HTTPException, HTTPInternalServerError, \
    HTTPMethodNotAllowed, Request, Response, RESPONSE_REASONS
from swift.common.utils import get_logger, quote, split_path
from swift.common.wsgi import make_env, make_subrequest
from swift.proxy.controllers.base import get_container_info

from zcutil import client_gone, client_socket

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), 'build')
JOB_MAX = 1 << 20          # bytes of a job
STOP_GRACE = 0.5           # s a failed node's peers have to answer for themselves before they are stopped
READ_DEVICES = ('stdin', 'input', 'image')  # in the order a node is attached to one


class JobError(Exception):
    """An answer to give the client: status and message."""

    def __init__(self, status, msg):
        Exception.__init__(self, msg)
        self.status = status
        self.msg = msg


def status_line(code):
    return '%d %s' % (code, RESPONSE_REASONS.get(code, ('Error',))[0])


def swift_path(obj):
    """'a/c/o' -> '/v1/a/c/o', quoted."""
    return quote('/v1/' + obj)


def wildcard_containers(job):
    """The (account, container) pairs that a '*' in a read device lists."""
    out = []
    nodes = job if isinstance(job, list) else []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        devs = node.get('devices', node.get('file_list', []))
        for d in devs if isinstance(devs, list) else []:
            if not isinstance(d, dict):
                continue
            name, path = d.get('name', d.get('device')), d.get('path')
            if name in READ_DEVICES and isinstance(path, str) and path.startswith('swift://') and '*' in path:
                parts = path[len('swift://'):].split('/', 2)
                if len(parts) == 3 and (parts[0], parts[1]) not in out:
                    out.append((parts[0], parts[1]))
    return out


class ProxyFilter(object):

    def __init__(self, app, conf):
        self.app = app
        self.conf = conf
        self.logger = get_logger(conf, log_route='zerocloud-proxy')
        self.zvjob = conf.get('zvjob', os.path.join(BUILD, 'zvjob'))
        self.zvns = conf.get('zvns', os.path.join(BUILD, 'zvns'))
        # The address the job's name server listens on, which the object
        # servers' nodes must reach: the proxy's own bind_ip when it names
        # one, else loopback (an all-in-one cluster).
        bind_ip = conf.get('bind_ip', '')
        self.ns_ip = conf.get('nameserver_ip') or \
            (bind_ip if bind_ip and bind_ip not in ('0.0.0.0', '::') and ':' not in bind_ip else '127.0.0.1')
        self.swift_dir = conf.get('swift_dir', '/etc/swift')
        self.conn_timeout = float(conf.get('conn_timeout', 2))
        self.node_timeout = float(conf.get('node_timeout', 600))
        self.tmp_dir = conf.get('tmp_dir') or None

    def __call__(self, env, start_response):
        if 'HTTP_X_ZEROVM_EXECUTE' not in env:
            return self.app(env, start_response)
        req = Request(env)
        try:
            resp = self.job(req)
        except JobError as e:
            resp = Response(status=e.status, body=('zerocloud: %s\n' % e.msg).encode(), content_type='text/plain')
        except HTTPException as e:
            resp = e
        except Exception:
            self.logger.exception('zerocloud: job failed')
            resp = HTTPInternalServerError(body=b'zerocloud: internal error (see the proxy log)\n')
        return resp(env, start_response)

    # -- asking Swift, as the caller ----------------------------------------

    def sub(self, req, method, path, headers=None):
        sreq = make_subrequest(req.environ, method, path, headers=headers, swift_source='ZC')
        return sreq.get_response(self.app)

    def check(self, resp, what):
        if not is_success(resp.status_int):
            raise JobError(resp.status, '%s: %s' % (what, resp.status))
        return resp

    def authorize_account(self, req, account):
        auth = req.environ.get('swift.authorize')
        if not auth:
            return
        areq = Request(make_env(req.environ, 'POST', '/v1/' + account))
        denied = auth(areq)
        if denied:
            raise JobError(denied.status, 'running a job in account %s: %s' % (account, denied.status))

    def listing(self, req, account, container):
        names, marker = [], ''
        while True:
            path = '%s?format=json&marker=%s' % (quote('/v1/%s/%s' % (account, container)), quote(marker))
            resp = self.check(self.sub(req, 'GET', path), 'listing %s/%s' % (account, container))
            page = json.loads(resp.body)
            if not page:
                return names
            names += [o['name'] for o in page if 'name' in o]
            marker = page[-1].get('name', page[-1].get('subdir', ''))

    def authorize_write(self, req, obj):
        a, c, _ = obj.split('/', 2)
        env = make_env(req.environ, 'PUT', swift_path(obj))
        info = get_container_info(env, self.app, swift_source='ZC')
        if not is_success(info.get('status', 0)):
            code = int(info.get('status') or 503)
            raise JobError(status_line(code), 'writing swift://%s: container %s/%s: %s'
                           % (obj, a, c, status_line(code)))
        auth = req.environ.get('swift.authorize')
        if auth:
            wreq = Request(env)
            wreq.acl = info.get('write_acl')
            denied = auth(wreq)
            if denied:
                raise JobError(denied.status, 'writing swift://%s: %s' % (obj, denied.status))

    # -- the job ------------------------------------------------------------

    def job(self, req):
        if req.method != 'POST':
            raise HTTPMethodNotAllowed(body=b'zerocloud: jobs are POSTed\n')
        if req.headers.get('X-Zerovm-Execute') != '1.0':
            raise JobError('400 Bad Request', 'X-Zerovm-Execute: expected 1.0')
        try:
            _ver, account, container, obj = split_path(req.path, 2, 4, True)
        except ValueError:
            raise JobError('400 Bad Request', 'expected POST /v1/<account> or /v1/<account>/<container>/<object>')
        if container and not obj:
            raise JobError('400 Bad Request', 'POST a job to /v1/<account>, or to an object (its stdin)')
        self.authorize_account(req, account)
        if req.content_length is not None and req.content_length > JOB_MAX:
            raise JobError('413 Request Entity Too Large', 'a job is at most %d bytes' % JOB_MAX)
        text = req.body_file.read(JOB_MAX + 1)
        if len(text) > JOB_MAX:
            raise JobError('413 Request Entity Too Large', 'a job is at most %d bytes' % JOB_MAX)
        try:
            job = json.loads(text)
        except ValueError as e:
            raise JobError('400 Bad Request', 'the job is not JSON: %s' % e)
        if obj:
            job = self.short_form(job, '%s/%s/%s' % (account, container, obj))
            text = json.dumps(job).encode()
        listing = {}
        for a, c in wildcard_containers(job):
            listing['%s/%s' % (a, c)] = self.listing(req, a, c)
        work = tempfile.mkdtemp(prefix='zerocloud-job-', dir=self.tmp_dir)
        try:
            return self.run_job(req, work, text, listing)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def short_form(self, job, stdin):
        node = job[0] if isinstance(job, list) and len(job) == 1 else job
        if not isinstance(node, dict):
            raise JobError('400 Bad Request', 'POST to an object: the job is one node (an object, or a list of one)')
        key = 'file_list' if 'file_list' in node else 'devices'
        devs = node.setdefault(key, [])
        if not isinstance(devs, list):
            raise JobError('400 Bad Request', '%s: expected a list' % key)
        for d in devs:
            if isinstance(d, dict) and d.get('name', d.get('device')) == 'stdin':
                if d.get('path') not in (None, 'swift://' + stdin):
                    raise JobError('400 Bad Request', 'POST to an object: its stdin is that object, '
                                   'not %s' % d.get('path'))
                d['path'] = 'swift://' + stdin
                break
        else:
            devs.append({'name': 'stdin', 'path': 'swift://' + stdin})
        if 'name' not in node:
            node['name'] = 'node'
        return [node]

    def plan(self, work, text, listing):
        jpath, lpath = os.path.join(work, 'job.json'), os.path.join(work, 'listing.json')
        with open(jpath, 'wb') as f:
            f.write(text)
        with open(lpath, 'w') as f:
            json.dump(listing, f)
        p = subprocess.Popen([self.zvjob, '--plan', '--listing', lpath, jpath], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = p.communicate()
        if p.returncode == 2:
            msg = err.decode('utf-8', 'replace').strip().replace('zvjob: ', '', 1)
            raise JobError('400 Bad Request', msg or 'the job was refused')
        if p.returncode != 0:
            raise JobError('500 Internal Error', 'zvjob --plan: exit %d: %s' % (p.returncode, err.decode()))
        return json.loads(out)

    def run_job(self, req, work, text, listing):
        plan = self.plan(work, text, listing)
        nodes = plan['nodes']
        heads, fetched = {}, {}
        for n in nodes:
            n['_attach'] = 'none'
            for name in READ_DEVICES:
                d = [x for x in n['devices'] if x['name'] == name and x.get('object')]
                if d:
                    n['_attach'], n['_object'] = name, d[0]['object']
                    break
            push = []
            if n['exec'].get('object'):
                push.append(n['exec']['object'])
            for d in n['devices']:
                o = d.get('object')
                if not o:
                    continue
                if d['access'] == 'write':
                    self.authorize_write(req, o)
                elif o != n.get('_object'):
                    push.append(o)
                elif o not in heads:
                    heads[o] = self.check(self.sub(req, 'HEAD', swift_path(o)), 'swift://' + o)
            for o in push:
                if o not in fetched:
                    fetched[o] = self.fetch(req, work, o)
            n['_push'] = push
        connected = [n for n in nodes if n['channels']['in'] or n['channels']['out']]
        ns = NameServer(self, work, len(nodes)) if connected else None
        try:
            return self.run_nodes(req, work, plan, nodes, text, listing, fetched, ns)
        finally:
            if ns:
                ns.stop()

    def run_nodes(self, req, work, plan, nodes, text, listing, fetched, ns):
        """Dispatch every node at once and wait for their answers.  A node
        of a connected component that fails (an error answer, or a node
        that did not end well) stops the other nodes of its component, as
        zvjob does on one machine: they would wait for it, or read a cut
        stream, until their timeout."""
        t0 = time.time()
        address = ns.start() if ns else None
        jobs = {n['id']: {'conns': [], 'where': None} for n in nodes}
        results = {}

        def one(n):
            results[n['id']] = self.dispatch(req, work, plan, n, text, listing, fetched, address, jobs[n['id']])

        threads = {n['id']: eventlet.spawn(one, n) for n in nodes}
        by_id = {n['id']: n for n in nodes}
        sock = client_socket(req.environ)
        seen = set()
        # Peers of a failed node, stopped once STOP_GRACE has passed
        # without their own answer: a peer that failed too (a writer that
        # crashed, whose reader then saw its stream cut) is reported with
        # its own failure, not as stopped, whichever answer comes first.
        to_stop = {}
        while not all(t.dead for t in threads.values()):
            if client_gone(sock):
                # The object servers see their connection close and stop their nodes.
                self.logger.info('zerocloud: client went away: ending the job')
                for nid in threads:
                    self.stop_node(threads, jobs, nid)
                raise JobError('499 Client Disconnect', 'the client went away')
            for nid in [i for i in results if i not in seen]:
                seen.add(nid)
                n = by_id[nid]
                if not (n['channels']['in'] or n['channels']['out']) or node_ok(results[nid]):
                    continue
                why = 'stopped: node %s failed' % n['name']
                for peer in nodes:
                    if peer['component'] == n['component'] and peer['id'] not in results:
                        to_stop.setdefault(peer['id'], (time.time() + STOP_GRACE, why, n['name']))
            now = time.time()
            for pid, (when, why, failed) in list(to_stop.items()):
                if pid in results:
                    del to_stop[pid]
                elif now >= when:
                    del to_stop[pid]
                    peer = by_id[pid]
                    self.logger.info('zerocloud: node %s failed: stopping %s', failed, peer['name'])
                    self.stop_node(threads, jobs, pid)
                    results[pid] = stopped(peer, why, jobs[pid]['where'])
                    seen.add(pid)
            eventlet.sleep(0.02)
        return self.answer(req, nodes, [results[n['id']] for n in nodes], time.time() - t0)

    @staticmethod
    def stop_node(threads, jobs, nid):
        """End node nid's dispatch: its object server sees the connection
        close and stops the node."""
        threads[nid].kill()
        for c in jobs[nid]['conns']:
            try:
                c.sock.shutdown(socket.SHUT_RDWR)
            except (AttributeError, OSError):
                pass
            c.close()

    def fetch(self, req, work, obj):
        """GET obj as the caller, into a file in work: its path."""
        resp = self.check(self.sub(req, 'GET', swift_path(obj)), 'swift://' + obj)
        fd, path = tempfile.mkstemp(dir=work, prefix='push-')
        with os.fdopen(fd, 'wb') as f:
            for chunk in resp.app_iter:
                f.write(chunk)
        return path

    # -- the object servers -------------------------------------------------

    def servers(self, req, n):
        """(ip, port, device, partition, path, policy index) to try, in order."""
        if n['_attach'] != 'none':
            a, c, o = n['_object'].split('/', 2)
            info = get_container_info(make_env(req.environ, 'HEAD', quote('/v1/%s/%s' % (a, c))), self.app,
                                      swift_source='ZC')
            idx = int(info.get('storage_policy') or 0)
            ring = POLICIES.get_object_ring(idx, self.swift_dir)
            part, primaries = ring.get_nodes(a, c, o)
            path = '/%s/%s/%s' % (a, c, o)
            for dev in list(primaries) + list(ring.get_more_nodes(part)):
                yield dev, part, path, idx
            return
        ring = POLICIES.get_object_ring(0, self.swift_dir)
        devs = [d for d in ring.devs if d]
        random.shuffle(devs)
        for dev in devs:
            yield dev, 0, '/zerocloud/job/%s' % quote(n['name']), 0

    def body(self, work, n, text, listing, fetched):
        f = tempfile.TemporaryFile(dir=work)
        with tarfile.open(fileobj=f, mode='w|') as tar:
            for name, data in (('job.json', text), ('listing.json', json.dumps(listing).encode()),
                               ('node.json', json.dumps({k: v for k, v in n.items() if not k.startswith('_')})
                                .encode())):
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                tar.addfile(ti, io.BytesIO(data))
            for o in n['_push']:
                tar.add(fetched[o], 'objects/' + o)
        size = f.tell()
        return f, size

    def dispatch(self, req, work, plan, n, text, listing, fetched, ns, state):
        """Send node n to the first object server that takes it: (status,
        headers, body file or message, where).  state['conns'] holds the
        connections opened, state['where'] the server tried last."""
        f, size = self.body(work, n, text, listing, fetched)
        connected = bool(n['channels']['in'] or n['channels']['out'])
        errors = []  # answers of servers that did not run it, in the order tried
        for dev, part, path, idx in self.servers(req, n):
            where = '%s:%s/%s' % (dev['ip'], dev['port'], dev['device'])
            state['where'] = where
            headers = {'X-Zerovm-Execute': '1.0', 'X-Zerovm-Node': str(n['id']),
                       'X-Zerovm-Attach': n['_attach'], 'Content-Length': str(size),
                       'Content-Type': 'application/x-tar',
                       'X-Backend-Storage-Policy-Index': str(idx)}
            if 'X-Zerovm-Timeout' in req.headers:
                headers['X-Zerovm-Timeout'] = req.headers['X-Zerovm-Timeout']
            if ns:
                headers['X-Zerovm-Nameserver'] = ns
            sent = False
            try:
                with ConnectionTimeout(self.conn_timeout):
                    conn = http_connect(dev['ip'], dev['port'], dev['device'], part, 'POST', path, headers)
                state['conns'].append(conn)
                f.seek(0)
                with eventlet.Timeout(self.node_timeout):
                    while True:
                        chunk = f.read(1 << 16)
                        if not chunk:
                            break
                        conn.send(chunk)
                    sent = True
                    resp = conn.getresponse()
                    out = tempfile.TemporaryFile(dir=work)
                    while True:
                        chunk = resp.read(1 << 16)
                        if not chunk:
                            break
                        out.write(chunk)
                    out.seek(0)
            except (Exception, eventlet.Timeout) as e:
                self.logger.info('zerocloud: node %s on %s: %s', n['name'], where, e)
                err = (status_line(503), {}, 'object server %s: %s' % (where, e), where)
                if connected and sent:
                    # The node may have registered with the job's name
                    # server: run again elsewhere, it would be refused.
                    return err
                errors.append(err)
                continue
            hdrs = {k.title(): v for k, v in resp.getheaders()}
            if resp.status == 200 and 'X-Nexe-Status' in hdrs:
                return resp.status, hdrs, out, where
            msg = out.read(4096).decode('utf-8', 'replace').strip()
            if 'X-Zerovm-Filter' not in hdrs:
                # An object server that does not know exec requests: try the next.
                errors.append((status_line(503), {}, 'object server %s has no ZeroCloud filter '
                               '(it answered %d: %s)' % (where, resp.status, msg), where))
                continue
            err = (status_line(resp.status), {}, msg, where)
            if resp.status in (404, 507) or resp.status >= 500:
                errors.append(err)  # not there, or not now: the next server may
                continue
            return err  # the request itself is refused: no other server will take it
        # The first answer that is not "not here" says the most.
        for e in errors:
            if not e[0].startswith('404'):
                return e
        return errors[0] if errors else (status_line(503), {}, 'no object server for node %s' % n['name'], None)

    # -- the answer ---------------------------------------------------------

    def answer(self, req, nodes, results, wall):
        for n, (status, hdrs, body, where) in zip(nodes, results):
            if not isinstance(status, int):
                raise JobError(status, 'node %s: %s' % (n['name'], body.replace('zerocloud: ', '', 1)))
        stdout, stored = [], []
        for n, (status, hdrs, body, where) in zip(nodes, results):
            if body is None:
                continue  # stopped before it answered
            with tarfile.open(fileobj=body, mode='r|') as tar:
                for m in tar:
                    src = tar.extractfile(m)
                    if m.name == 'stdout':
                        stdout.append(src.read())
                    elif m.name.startswith('objects/') and hdrs.get('X-Zerovm-Node-Ok') == 'yes':
                        obj = m.name[len('objects/'):]
                        self.store(req, obj, src, m.size)
                        stored.append(obj)
        def join(h):
            return ','.join(hdrs.get(h, '') for _, hdrs, _, _ in results)
        headers = {
            'X-Nexe-System': join('X-Nexe-System'),
            'X-Nexe-Status': join('X-Nexe-Status'),
            'X-Nexe-Retcode': join('X-Nexe-Retcode'),
            'X-Nexe-Etag': join('X-Nexe-Etag'),
            'X-Nexe-Validation': join('X-Nexe-Validation'),
            'X-Nexe-Cdr-Line': '%.3f, %s' % (wall, ', '.join(h.get('X-Nexe-Cdr-Line', '') for _, h, _, _ in results)),
            'X-Zerocloud-Placement': ', '.join('%s=%s' % (n['name'], r[3]) for n, r in zip(nodes, results)),
        }
        if stored:
            headers['X-Zerocloud-Stored'] = ', '.join(quote(o) for o in stored)
        return Response(status=200, body=b''.join(stdout), headers=headers, content_type='text/plain')

    def store(self, req, obj, src, size):
        sreq = make_subrequest(req.environ, 'PUT', swift_path(obj), swift_source='ZC')
        sreq.environ['wsgi.input'] = src
        sreq.content_length = size
        sreq.headers['Content-Type'] = 'application/octet-stream'
        resp = sreq.get_response(self.app)
        if not is_success(resp.status_int):
            raise JobError(resp.status, 'storing swift://%s: %s' % (obj, resp.status))


def node_ok(result):
    """Whether a dispatch result is a node that ended well."""
    status, hdrs, _body, _where = result
    return status == 200 and hdrs.get('X-Zerovm-Node-Ok') == 'yes'


def stopped(n, why, where):
    """The result of node n, stopped by the proxy before it answered."""
    return (0, {'X-Nexe-System': n['name'], 'X-Nexe-Status': why, 'X-Nexe-Retcode': '-',
                'X-Nexe-Etag': 'disabled', 'X-Nexe-Validation': '-', 'X-Nexe-Cdr-Line': '0.000, '},
            None, where)


class NameServer(object):
    """The job's name server: zvns (docs/zvns.1.md) for the job's node ids,
    listening on the filter's nameserver_ip, a UDP port of its choosing.
    Started before the nodes are sent, stopped when the job ends whatever
    happened (and by zvns itself when the proxy process dies, or after the
    job's longest possible life)."""

    START_SECONDS = 5

    def __init__(self, filt, work, nnodes):
        self.filt, self.work, self.nnodes = filt, work, nnodes
        self.proc = None

    def start(self):
        """Start zvns: 'udp:IP:PORT' for the object servers."""
        f = self.filt
        port_file = os.path.join(self.work, 'zvns.port')
        argv = [f.zvns, '--nodes', str(self.nnodes), '--listen', f.ns_ip, '--port-file', port_file,
                '--timeout', str(int(f.node_timeout) + 60)]
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, close_fds=True)
        except OSError as e:
            raise JobError('500 Internal Error', 'connect: cannot run the name server %s: %s' % (f.zvns, e))
        deadline = time.time() + self.START_SECONDS
        while time.time() < deadline:
            try:
                with open(port_file) as pf:
                    port = int(pf.read().strip())
                return 'udp:%s:%d' % (f.ns_ip, port)
            except (OSError, ValueError):
                pass
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode('utf-8', 'replace').strip()
                raise JobError('500 Internal Error', 'connect: the name server exited (%d): %s'
                               % (self.proc.returncode, err))
            eventlet.sleep(0.01)
        raise JobError('500 Internal Error', 'connect: the name server did not say its port within %d s'
                       % self.START_SECONDS)

    def stop(self):
        p = self.proc
        if p is None or p.poll() is not None:
            return
        p.terminate()
        for _ in range(100):
            if p.poll() is not None:
                return
            eventlet.sleep(0.01)
        p.kill()
        p.wait()


def filter_factory(global_conf, **local_conf):
    conf = dict(global_conf)
    conf.update(local_conf)

    def factory(app):
        return ProxyFilter(app, conf)
    return factory
