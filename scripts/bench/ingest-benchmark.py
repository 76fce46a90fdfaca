#!/usr/bin/env python3
"""Ingest throughput and memory against a running stack (`make run`; settings from .local/env).

1. Generates synthetic CloudTrail delivery files (the record shape of generate-cloudtrail.py, deterministic for a seed,
   every eventID unique), gzip-compressed, in memory; creates a fresh tenant (POST /v1/tenants, operator key), so runs
   never collide on deduplication.
2. Webhook: POSTs every file (Content-Encoding: gzip) to /v1/events/cloudtrail from --concurrency threads on keep-alive
   connections. The gateway answers only after JetStream acknowledged every record, so a request's latency is its
   acknowledgement latency. Prints events/s, request latency percentiles, and the peak RSS (VmHWM) of the ingestor
   and the gateway before and after (plus the highest VmRSS sampled during the phase).
3. S3 + SQS: creates a bucket and a queue in moto, connects an account for the tenant (POST /v1/accounts, development
   keys), uploads a separate set of files under AWSLogs/<account>/CloudTrail/us-east-1/YYYY/MM/DD/, sends one S3
   ObjectCreated notification per file and measures until the ingestor has published every record (counted on
   cl.events.<tenant>.cloudtrail in JetStream stream CL_EVENTS) and the queue is empty. A small probe file goes first,
   so the ingestor's queue-refresh delay (CL_SQS_REFRESH_SECONDS, 30 s) is not part of the measurement.
4. Prints a summary against the targets (webhook >= 50,000 events/s, peak RSS < 200 MB). A missed target never fails
   the run; exit status 1 means something did not work (an error, a timeout, or counts that do not add up).

Usage:
    scripts/bench/ingest-benchmark.py [--records 1000000] [--per-file 1000] [--concurrency 16] [--s3-records 100000]
    scripts/bench/ingest-benchmark.py --records 2000 --s3-records 2000 --dry-run     # generate only, report sizes
Needs only the standard library and boto3 (for moto); JetStream is queried with a minimal NATS client built in."""
import argparse, concurrent.futures, datetime, gzip, http.client, importlib.util, json, math, os, random, socket, sys
import threading, time, urllib.error, urllib.parse, urllib.request, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
LOCAL = os.path.join(ROOT, ".local")
STREAM = "CL_EVENTS"
REGION = "us-east-1"
MIB = 1024 * 1024   # file sizes
MB = 1_000_000      # memory: the target says MB, read as 10^6 bytes (the stricter reading)
TARGET_EVENTS_PER_S = 50_000
TARGET_RSS_MB = 200
# Namespace of the benchmark's eventIDs (uuid5 of seed, set and record number): unique within a run; a fresh tenant
# per run keeps repeated runs apart.
EVENT_NS = uuid.UUID("6f1d3c52-8a47-4b0e-9d1e-3c6b2a9f0e11")


def load_generator():
    spec = importlib.util.spec_from_file_location("cl_generate_cloudtrail", os.path.join(HERE, "generate-cloudtrail.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()
ACCOUNT = GEN.ACCOUNT


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ------------------------------------------------------------------------------------------------ delivery files

class DeliveryFile:
    __slots__ = ("index", "records", "raw_bytes", "body", "name", "key", "etag")

    def __init__(self, index, records, raw_bytes, body, name, key):
        self.index, self.records, self.raw_bytes, self.body, self.name, self.key = index, records, raw_bytes, body, name, key
        self.etag = None


def make_file(task):
    """One gzip delivery file: records [first, first + count) of set `kind` ("webhook", "s3", "probe")."""
    kind, seed, index, first, count = task
    random.seed(f"{seed}:{kind}:{index}")  # generate-cloudtrail.py draws from the module-level generator
    records = []
    for i in range(count):
        n = first + i
        minute = n + 1
        t = f"2026-11-{1 + (minute // 1440) % 28:02d}T{(minute // 60) % 24:02d}:{minute % 60:02d}:{i % 60:02d}Z"
        user = random.choice(GEN.USERS)
        if random.random() < 0.01:
            source, name, make = random.choice(GEN.RISKY)
            r = GEN.record(t, source, name, make(), user)
        else:
            source, name, params = random.choice(GEN.NOISE)
            r = GEN.record(t, source, name, params, user)
        r["eventID"] = str(uuid.uuid5(EVENT_NS, f"{seed}:{kind}:{n}"))
        records.append(r)
    raw = json.dumps({"Records": records}, separators=(",", ":")).encode()
    body = gzip.compress(raw, compresslevel=6, mtime=0)
    # Delivery time one minute per file from 2026-11-20 00:00 (a valid stamp, unlike the generator's T<index>Z).
    delivered = datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=index)
    suffix = uuid.uuid5(EVENT_NS, f"{seed}:{kind}:file:{index}").hex[:16]
    fname = f"{ACCOUNT}_CloudTrail_{REGION}_{delivered:%Y%m%dT%H%MZ}_{suffix}.json.gz"
    key = f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{delivered:%Y/%m/%d}/{fname}"
    return DeliveryFile(index, count, len(raw), body, fname, key)


def plan(kind, seed, total, per_file):
    tasks, first, index = [], 0, 0
    while first < total:
        count = min(per_file, total - first)
        tasks.append((kind, seed, index, first, count))
        first += count
        index += 1
    return tasks


def generate(sets, jobs):
    """sets: {kind: [tasks]} -> {kind: [DeliveryFile]}, generated on `jobs` processes."""
    out = {kind: [] for kind in sets}
    tasks = [t for ts in sets.values() for t in ts]
    if not tasks:
        return out
    if jobs <= 1 or len(tasks) == 1:
        files = [make_file(t) for t in tasks]
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            files = list(pool.map(make_file, tasks, chunksize=max(1, min(16, len(tasks) // (jobs * 4)))))
    for task, f in zip(tasks, files):
        out[task[0]].append(f)
    return out


def describe_set(label, files, max_body):
    if not files:
        return
    recs = sum(f.records for f in files)
    raw = sum(f.raw_bytes for f in files)
    gz = sum(len(f.body) for f in files)
    largest = max(len(f.body) for f in files)
    print(f"{label}: {recs:,} records in {len(files):,} files; {raw / MIB:,.1f} MiB JSON, {gz / MIB:,.1f} MiB gzip "
          f"({raw / max(gz, 1):.1f}x); largest file {largest / 1024:,.0f} KiB gzip")
    if label.startswith("webhook") and largest > max_body:
        print(f"  WARNING: {largest:,} bytes is over the gateway's body limit ({max_body:,} bytes, CL_MAX_BODY_BYTES): "
              f"lower --per-file")


# ------------------------------------------------------------------------------------------------ settings and REST

def read_env(path):
    if not os.path.isfile(path):
        raise BenchError(f"{path} not found: run make run first (it starts the stack and writes that file)")
    out = {}
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip().strip("'\"")
    missing = [k for k in ("CL_GATEWAY_URL", "CL_OPERATOR_KEY", "CL_AWS_ENDPOINT") if not out.get(k)]
    if missing:
        raise BenchError(f"{path} lacks {', '.join(missing)}: run make run again")
    out.setdefault("NATS_URL", "nats://127.0.0.1:4222")
    return out


def call(method, url, key, body=None, timeout=30):
    """JSON request; answers (status, parsed JSON or None). Raises BenchError on a connection failure."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, method=method, data=data, headers={"Authorization": f"Bearer {key}",
                                                                        "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        raise BenchError(f"{method} {url}: {getattr(e, 'reason', e)} (is the stack running? make run)") from None
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, {"raw": text[:300].decode(errors="replace")}


def expect(status, body, want, what):
    if status != want:
        raise BenchError(f"{what}: HTTP {status}: {json.dumps(body)[:500]}")
    return body


# ------------------------------------------------------------------------------------------------ NATS (JetStream API)

class Nats:
    """A minimal NATS client for request/reply (the JetStream API): enough to count messages on one subject."""

    def __init__(self, url, timeout=10.0):
        self.url, self.timeout, self.sock = url, timeout, None
        self._connect()

    def _connect(self):
        self.close()
        first = self.url.split(",")[0].strip()
        u = urllib.parse.urlsplit(first if "://" in first else "nats://" + first)
        timeout = self.timeout
        try:
            self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 4222), timeout=timeout)
        except OSError as e:
            raise BenchError(f"cannot connect to NATS at {first}: {e} (is the stack running? make run)") from None
        self.buf = b""
        line = self._line()
        if not line.startswith(b"INFO"):
            raise BenchError(f"{first} does not speak NATS (first line {line[:60]!r})")
        info = json.loads(line[4:])
        if info.get("tls_required"):
            raise BenchError(f"{first} requires TLS, which this benchmark's NATS client does not do")
        opts = {"verbose": False, "pedantic": False, "lang": "python-stdlib", "version": "1", "protocol": 1,
                "headers": False, "name": "cl-ingest-benchmark"}
        if u.username and u.password:
            opts["user"], opts["pass"] = urllib.parse.unquote(u.username), urllib.parse.unquote(u.password)
        elif u.username:
            opts["auth_token"] = urllib.parse.unquote(u.username)
        self.inbox = "_INBOX." + uuid.uuid4().hex
        self.n = 0
        self._send(b"CONNECT " + json.dumps(opts).encode() + b"\r\nPING\r\n")
        while True:
            line = self._line()
            if line == b"PONG":
                break
            if line.startswith(b"-ERR"):
                raise BenchError(f"NATS refused the connection: {line.decode(errors='replace')}")
        self._send(f"SUB {self.inbox}.* 1\r\n".encode())

    def _send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise BenchError(f"NATS connection lost: {e}") from None

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise BenchError(f"NATS did not answer within {self.timeout:.0f} s") from None
        except OSError as e:
            raise BenchError(f"NATS connection lost: {e}") from None
        if not chunk:
            raise BenchError("NATS closed the connection")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _payload(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def request(self, subject, payload):
        self.n += 1
        reply = f"{self.inbox}.{self.n}"
        self._send(f"PUB {subject} {reply} {len(payload)}\r\n".encode() + payload + b"\r\n")
        deadline = time.monotonic() + self.timeout
        while True:
            if time.monotonic() > deadline:
                raise BenchError(f"no answer to {subject} within {self.timeout:.0f} s (is JetStream enabled?)")
            line = self._line()
            if line.startswith(b"MSG "):
                parts = line.split()
                data = self._payload(int(parts[-1]))
                if parts[1].decode() == reply:
                    return data
            elif line == b"PING":
                self._send(b"PONG\r\n")
            elif line.startswith(b"-ERR"):
                raise BenchError(f"NATS error: {line.decode(errors='replace')}")

    def subject_count(self, subject):
        """Messages stored on exactly `subject` in CL_EVENTS (STREAM.INFO with subjects_filter: per-subject counts).
        Reconnects once if the connection was lost (the server drops a client that left its PINGs unanswered for
        minutes, as this one does while the webhook phase runs)."""
        api, payload = f"$JS.API.STREAM.INFO.{STREAM}", json.dumps({"subjects_filter": subject}).encode()
        try:
            data = self.request(api, payload)
        except BenchError as e:
            if "connection lost" not in str(e) and "closed the connection" not in str(e):
                raise
            self._connect()
            data = self.request(api, payload)
        r = json.loads(data)
        if "error" in r:
            hint = " (the ingestor creates it when it starts)" if r["error"].get("code") == 404 else ""
            raise BenchError(f"JetStream stream info for {STREAM}: {r['error']}{hint}")
        return int(((r.get("state") or {}).get("subjects") or {}).get(subject, 0))

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


# ------------------------------------------------------------------------------------------------ memory of services

class Services:
    """The ingestor's and gateway's pids from .local/pids, their VmHWM / VmRSS, and a sampler of VmRSS."""

    def __init__(self, names, pids_dir):
        self.pids, self.notes = {}, {}
        for name in names:
            path = os.path.join(pids_dir, f"{name}.pid")
            try:
                pid = int(open(path).readline().strip())
                argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
                exe = [os.path.basename(a.decode(errors="replace")) for a in argv[:2]]
                if name not in exe:
                    self.notes[name] = f"pid {pid} from {path} is not {name}"
                    continue
                self.pids[name] = pid
            except FileNotFoundError:
                self.notes[name] = f"no {path} or process gone"
            except (ValueError, OSError) as e:
                self.notes[name] = f"{path}: {e}"
        self.peaks, self.stop, self.thread = {}, threading.Event(), None

    def status(self, name):
        """{"VmRSS": bytes, "VmHWM": bytes} or None."""
        pid = self.pids.get(name)
        if pid is None:
            return None
        out = {}
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith(("VmRSS:", "VmHWM:")):
                        k, v = line.split(":", 1)
                        out[k] = int(v.split()[0]) * 1024
        except OSError:
            return None
        return out

    def hwm(self):
        return {n: (self.status(n) or {}).get("VmHWM") for n in self.pids}

    def start_sampling(self, every=0.2):
        self.peaks = {n: 0 for n in self.pids}
        self.stop.clear()

        def run():
            while not self.stop.wait(every):
                for n in self.pids:
                    s = self.status(n)
                    if s and s.get("VmRSS", 0) > self.peaks[n]:
                        self.peaks[n] = s["VmRSS"]

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def stop_sampling(self):
        self.stop.set()
        if self.thread:
            self.thread.join()
        return dict(self.peaks)

    def report(self, before, after, sampled):
        for n in sorted(set(self.pids) | set(self.notes)):
            if n not in self.pids:
                print(f"  {n:<9} peak RSS: n/a ({self.notes.get(n, 'unknown pid')})")
                continue
            b, a = before.get(n), after.get(n)
            print(f"  {n:<9} peak RSS (VmHWM since start): before {mb(b)}, after {mb(a)}; "
                  f"highest VmRSS sampled during the phase {mb(sampled.get(n))}")


def mb(v):
    return "n/a" if v is None else f"{v / MB:,.1f} MB"


def pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)  # nearest rank
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


# ------------------------------------------------------------------------------------------------ webhook

def run_webhook(files, gateway, key, concurrency, timeout, retries):
    u = urllib.parse.urlsplit(gateway)
    conn_class = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    host, port = u.hostname, u.port or (443 if u.scheme == "https" else 80)
    path = u.path.rstrip("/") + "/v1/events/cloudtrail"
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Content-Encoding": "gzip",
               "Connection": "keep-alive"}
    results = [None] * len(files)  # (latency s, accepted, duplicates, rejected, attempts, first error)
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "records": 0, "retried": 0, "fatal": None}
    abort = threading.Event()

    def worker():
        conn = None
        while not abort.is_set():
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= len(files):
                break
            f, last = files[i], None
            for attempt in range(1, retries + 2):
                if abort.is_set():
                    break
                if attempt > 1:
                    with lock:
                        state["retried"] += 1
                    time.sleep(min(5.0, 0.2 * 2 ** (attempt - 2)) * random.uniform(0.5, 1.0))
                try:
                    if conn is None:
                        conn = conn_class(host, port, timeout=timeout)
                    t0 = time.perf_counter()
                    conn.request("POST", path, body=f.body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    latency = time.perf_counter() - t0
                except (OSError, http.client.HTTPException) as e:
                    last = f"{type(e).__name__}: {e}"
                    if conn is not None:
                        conn.close()
                    conn = None
                    continue
                if resp.will_close:
                    conn.close()
                    conn = None
                if resp.status in (429, 502, 503, 504):
                    last = f"HTTP {resp.status}: {data[:300].decode(errors='replace')}"
                    continue
                if resp.status != 200:
                    with lock:
                        state["fatal"] = f"file {i}: HTTP {resp.status}: {data[:500].decode(errors='replace')}"
                    abort.set()
                    break
                try:
                    r = json.loads(data)
                    accepted, duplicates, rejected = int(r["accepted"]), int(r["duplicates"]), int(r["rejected"])
                except (ValueError, KeyError, TypeError):
                    with lock:
                        state["fatal"] = f"file {i}: unexpected answer {data[:300]!r}"
                    abort.set()
                    break
                err = (r.get("errors") or [None])[0]
                results[i] = (latency, accepted, duplicates, rejected, attempt, err)
                with lock:
                    state["done"] += 1
                    state["records"] += f.records
                break
            else:
                with lock:
                    state["fatal"] = f"file {i}: gave up after {retries + 1} attempts; last: {last}"
                abort.set()
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    t_start = time.perf_counter()
    for t in threads:
        t.start()
    last_report = t_start
    while any(t.is_alive() for t in threads):
        time.sleep(0.2)
        now = time.perf_counter()
        if now - last_report >= 10:
            last_report = now
            with lock:
                done, recs = state["done"], state["records"]
            log(f"  webhook: {done:,}/{len(files):,} files, {recs:,} records, {recs / (now - t_start):,.0f} events/s so far")
    for t in threads:
        t.join()
    wall = time.perf_counter() - t_start
    if state["fatal"]:
        raise BenchError(f"webhook: {state['fatal']}")
    return results, wall, state["retried"]


# ------------------------------------------------------------------------------------------------ S3 + SQS

def s3_notification(bucket, f):
    obj = {"key": urllib.parse.quote_plus(f.key, safe="/"), "size": len(f.body), "eTag": f.etag,
           "sequencer": f"{0x0055AED6DCD90281E5 + f.index:018X}"}
    record = {"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
              "eventTime": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
              "eventName": "ObjectCreated:Put", "userIdentity": {"principalId": "AWS:AROAEXAMPLE:regionalDeliverySession"},
              "requestParameters": {"sourceIPAddress": "192.0.2.10"},
              "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper()},
              "s3": {"s3SchemaVersion": "1.0", "configurationId": "cloudtrail-delivery",
                     "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A1EXAMPLE"}, "arn": f"arn:aws:s3:::{bucket}"},
                     "object": obj}}
    return json.dumps({"Records": [record]}, separators=(",", ":"))


def queue_depth(sqs, queue_url):
    a = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(a.get("ApproximateNumberOfMessages", 0)), int(a.get("ApproximateNumberOfMessagesNotVisible", 0))


def wait_count(nats, subject, base, want, what, timeout, stall, options=("--s3-timeout", "--stall-timeout"), progress_every=10.0):
    """Polls the subject's count until it is `want` above `base`; answers (count - base, seconds it took from now).
    Raises BenchError on the overall timeout or when the count did not move for `stall` seconds."""
    t0 = time.perf_counter()
    last_count, last_move, last_report = None, t0, t0
    while True:
        count = nats.subject_count(subject) - base
        now = time.perf_counter()
        if count >= want:
            return count, now - t0
        if count != last_count:
            last_count, last_move = count, now
        if now - t0 > timeout:
            raise BenchError(f"{what}: {count:,} of {want:,} after {timeout:.0f} s ({options[0]})")
        if now - last_move > stall:
            raise BenchError(f"{what}: stuck at {count:,} of {want:,} for {stall:.0f} s ({options[1]})")
        if now - last_report >= progress_every:
            last_report = now
            log(f"  {what}: {count:,} of {want:,} after {now - t0:.0f} s")
        time.sleep(0.1)


def run_s3(args, env, tenant_key, subject, files, probe, nats, svc):
    import boto3
    from botocore.config import Config

    aws = env["CL_AWS_ENDPOINT"]
    cfg = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=10, read_timeout=120,
                 max_pool_connections=max(10, args.upload_jobs))
    kw = dict(endpoint_url=aws, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing", config=cfg)
    s3, sqs = boto3.client("s3", **kw), boto3.client("sqs", **kw)
    suffix = uuid.uuid4().hex[:10]
    bucket = f"cl-ingest-bench-{suffix}"
    account_uuid, queue_url, uploaded = None, None, []
    out = {}
    try:
        s3.create_bucket(Bucket=bucket)
        # A visibility timeout well above a batch's processing time, so slow moto reads do not cause redeliveries.
        queue_url = sqs.create_queue(QueueName=f"cl-ingest-bench-{suffix}",
                                     Attributes={"VisibilityTimeout": str(args.visibility_timeout)})["QueueUrl"]
        status, body = call("POST", env["CL_GATEWAY_URL"] + "/v1/accounts", tenant_key, {
            "name": f"ingest-bench-{suffix}", "account_id": ACCOUNT, "regions": [REGION], "access_key_id": "testing",
            "secret_access_key": "testing", "endpoint_url": aws, "sqs_queue_url": queue_url, "cloudtrail_bucket": bucket})
        account_uuid = expect(status, body, 201, "POST /v1/accounts")["id"]
        print(f"  bucket s3://{bucket}, queue {queue_url}, account {account_uuid}")

        t0 = time.perf_counter()

        def put(f):
            r = s3.put_object(Bucket=bucket, Key=f.key, Body=f.body, ContentType="application/json")
            f.etag = r["ETag"].strip('"')
            return f

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.upload_jobs) as pool:
            for f in pool.map(put, [probe] + files):
                uploaded.append(f.key)
        print(f"  uploaded {len(files) + 1:,} files ({sum(len(f.body) for f in files) / MIB:,.1f} MiB) to moto "
              f"in {time.perf_counter() - t0:.1f} s (not measured)")

        # Probe: the ingestor re-reads its queue list every CL_SQS_REFRESH_SECONDS; wait until it polls this queue.
        base = nats.subject_count(subject)
        sqs.send_message(QueueUrl=queue_url, MessageBody=s3_notification(bucket, probe))
        try:
            _, waited = wait_count(nats, subject, base, probe.records, "probe file (waiting for the ingestor to poll the queue)",
                                   args.warmup_timeout, args.warmup_timeout, options=("--warmup-timeout", "--warmup-timeout"))
        except BenchError:
            diagnose(env, tenant_key, sqs, queue_url)
            raise
        print(f"  the ingestor picked up the queue after {waited:.1f} s (probe file of {probe.records} records, not measured)")

        # Measured: first notification sent -> last record published.
        base = nats.subject_count(subject)
        svc_before = svc.hwm()
        svc.start_sampling()
        try:
            t_start = time.perf_counter()
            for i in range(0, len(files), 10):
                entries = [{"Id": str(j), "MessageBody": s3_notification(bucket, f)} for j, f in enumerate(files[i:i + 10])]
                r = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
                if r.get("Failed"):
                    raise BenchError(f"SQS SendMessageBatch failed: {r['Failed'][:3]}")
            t_sent = time.perf_counter() - t_start
            try:
                count, _ = wait_count(nats, subject, base, sum(f.records for f in files), "S3 records published", args.s3_timeout, args.stall_timeout)
            except BenchError:
                diagnose(env, tenant_key, sqs, queue_url)
                raise
            t_published = time.perf_counter() - t_start
            # A message is deleted after its records were acknowledged: the queue empties right after.
            deadline = time.perf_counter() + args.drain_timeout
            while True:
                visible, in_flight = queue_depth(sqs, queue_url)
                if visible + in_flight == 0:
                    break
                if time.perf_counter() > deadline:
                    raise BenchError(f"the queue still holds {visible} visible and {in_flight} in-flight messages "
                                     f"{args.drain_timeout:.0f} s after every record was published (--drain-timeout)")
                time.sleep(0.2)
            t_drained = time.perf_counter() - t_start
        finally:
            sampled = svc.stop_sampling()
        svc_after = svc.hwm()
        records = sum(f.records for f in files)
        out = {"records": records, "published": count, "files": len(files), "sent_s": t_sent,
               "published_s": t_published, "drained_s": t_drained, "events_per_s": records / t_published,
               "hwm_before": svc_before, "hwm_after": svc_after, "sampled": sampled}
        return out
    finally:
        if not args.keep:
            cleanup(env, tenant_key, s3, sqs, bucket, queue_url, account_uuid, uploaded)


def diagnose(env, key, sqs, queue_url):
    try:
        visible, in_flight = queue_depth(sqs, queue_url)
        print(f"  queue: {visible} visible, {in_flight} in flight")
    except Exception as e:  # noqa: BLE001 - diagnostics only
        print(f"  queue depth unavailable: {e}")
    status, body = call("GET", env["CL_GATEWAY_URL"] + "/v1/ingest/deadletters?limit=5", key)
    if status == 200:
        dl = (body or {}).get("dead_letters") or []
        print(f"  dead letters (first page, up to 5): {len(dl)}")
        for d in dl:
            print(f"    {d.get('source')} {d.get('request_id')}: {str(d.get('reason'))[:200]}")
    print("  see .local/logs/ingestor.log")


def cleanup(env, key, s3, sqs, bucket, queue_url, account_uuid, keys):
    """Disconnects the account (so the ingestor stops polling the queue) and deletes what the run created in moto."""
    if account_uuid:
        try:
            status, body = call("DELETE", env["CL_GATEWAY_URL"] + f"/v1/accounts/{account_uuid}", key)
            if status != 204:
                log(f"cleanup: DELETE /v1/accounts/{account_uuid}: HTTP {status} {body}")
        except BenchError as e:
            log(f"cleanup: {e}")
    try:
        if queue_url:
            sqs.delete_queue(QueueUrl=queue_url)
        for i in range(0, len(keys), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
        s3.delete_bucket(Bucket=bucket)
    except Exception as e:  # noqa: BLE001 - best effort
        log(f"cleanup of moto resources: {e}")


# ------------------------------------------------------------------------------------------------ main

def main():
    p = argparse.ArgumentParser(
        description="Ingest benchmark: webhook and S3+SQS throughput, acknowledgement latency and service memory "
                    "against a stack started with `make run` (reads .local/env).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--records", type=int, default=1_000_000, help="records posted to the webhook")
    p.add_argument("--per-file", type=int, default=1000, help="records per delivery file (webhook and S3)")
    p.add_argument("--concurrency", type=int, default=16, help="webhook client threads (one keep-alive connection each)")
    p.add_argument("--s3-records", type=int, default=100_000, help="records delivered through S3 + SQS (moto is slow)")
    p.add_argument("--seed", type=int, default=7, help="generator seed (records and eventIDs are deterministic)")
    p.add_argument("--gen-jobs", type=int, default=os.cpu_count() or 1, help="processes generating files")
    p.add_argument("--skip-webhook", action="store_true", help="only the S3 + SQS path")
    p.add_argument("--skip-s3", action="store_true", help="only the webhook path")
    p.add_argument("--dry-run", action="store_true", help="only generate the files and report their sizes (no stack needed)")
    p.add_argument("--env", default=os.path.join(LOCAL, "env"), help="settings written by make run")
    p.add_argument("--pids-dir", default=os.path.join(LOCAL, "pids"), help="where make run records the services' pids (<name>.pid)")
    p.add_argument("--max-body-bytes", type=int, default=1_048_576, help="the gateway's CL_MAX_BODY_BYTES (checked up front)")
    p.add_argument("--request-timeout", type=float, default=120, help="seconds per webhook request")
    p.add_argument("--retries", type=int, default=3, help="retries of a webhook request on 429/502/503/504 or a broken connection")
    p.add_argument("--upload-jobs", type=int, default=4, help="threads uploading files to moto")
    p.add_argument("--visibility-timeout", type=int, default=120, help="VisibilityTimeout of the benchmark's SQS queue (s)")
    p.add_argument("--warmup-timeout", type=float, default=120, help="seconds to wait for the ingestor to start polling the queue")
    p.add_argument("--s3-timeout", type=float, default=1800, help="seconds to wait for every S3 record to be published")
    p.add_argument("--stall-timeout", type=float, default=180, help="give up when the published count does not move for this long")
    p.add_argument("--drain-timeout", type=float, default=120, help="seconds to wait for the queue to empty after the last record")
    p.add_argument("--nats-timeout", type=float, default=30, help="seconds per JetStream API request")
    p.add_argument("--keep", action="store_true", help="keep the account, queue and bucket (default: remove them at the end)")
    args = p.parse_args()
    for name in ("records", "s3_records"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must not be negative")
    for name in ("per_file", "concurrency", "gen_jobs", "upload_jobs"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    do_webhook = not args.skip_webhook and args.records > 0
    do_s3 = not args.skip_s3 and args.s3_records > 0
    if not (do_webhook or do_s3):
        p.error("nothing to do: both paths are skipped")

    env, nats = None, None
    if not args.dry_run:
        # Before the generation (half a minute for a million records): fail fast without a stack.
        env = read_env(args.env)
        if do_s3:
            try:
                import boto3  # noqa: F401
            except ImportError:
                raise BenchError("boto3 is needed for the S3 + SQS path: pip install boto3 (or --skip-s3)") from None
        status, body = call("GET", env["CL_GATEWAY_URL"].rstrip("/") + "/readyz", "", timeout=10)
        if status != 200:
            raise BenchError(f"the gateway is not ready (GET /readyz: HTTP {status} {json.dumps(body)[:200]}); see .local/logs/")
        nats = Nats(env["NATS_URL"], timeout=args.nats_timeout)
        nats.subject_count("cl.events.ingest-benchmark-preflight.cloudtrail")  # CL_EVENTS exists, subjects_filter works

    sets = {}
    if do_webhook:
        sets["webhook"] = plan("webhook", args.seed, args.records, args.per_file)
    if do_s3:
        sets["s3"] = plan("s3", args.seed, args.s3_records, args.per_file)
        sets["probe"] = plan("probe", args.seed, min(10, args.per_file), args.per_file)
    log(f"generating {sum(len(t) for t in sets.values()):,} files on {args.gen_jobs} process(es)...")
    t0 = time.perf_counter()
    files = generate(sets, args.gen_jobs)
    gen_s = time.perf_counter() - t0
    total = sum(f.records for fs in files.values() for f in fs)
    print(f"generated {total:,} records in {gen_s:.1f} s ({total / max(gen_s, 1e-9):,.0f} records/s, "
          f"{args.gen_jobs} process(es), seed {args.seed})")
    describe_set("webhook set", files.get("webhook", []), args.max_body_bytes)
    describe_set("S3 set", files.get("s3", []), args.max_body_bytes)
    if args.dry_run:
        ids = [f.key for fs in files.values() for f in fs]
        assert len(set(ids)) == len(ids), "object keys repeat"
        return 0
    if do_webhook and max(len(f.body) for f in files["webhook"]) > args.max_body_bytes:
        raise BenchError(f"a webhook file is over {args.max_body_bytes:,} bytes (the gateway's body limit): lower --per-file")

    gateway = env["CL_GATEWAY_URL"].rstrip("/")
    status, body = call("POST", gateway + "/v1/tenants", env["CL_OPERATOR_KEY"], {"name": f"ingest-bench-{uuid.uuid4().hex[:8]}"})
    tenant = expect(status, body, 201, "POST /v1/tenants (operator key)")
    tenant_id, key = tenant["tenant_id"], tenant["api_key"]
    subject = f"cl.events.{tenant_id}.cloudtrail"
    print(f"tenant {tenant_id} ({tenant.get('name')}); events on {subject}")
    svc = Services(["ingestor", "gateway"], args.pids_dir)
    problems, summary = [], {}

    try:
        if do_webhook:
            try:
                wf = files["webhook"]
                n = sum(f.records for f in wf)
                print(f"\n== webhook: {n:,} records in {len(wf):,} gzip files, {args.concurrency} connections ==")
                before = svc.hwm()
                svc.start_sampling()
                try:
                    results, wall, retried = run_webhook(wf, gateway, key, args.concurrency, args.request_timeout, args.retries)
                finally:
                    sampled = svc.stop_sampling()
                after = svc.hwm()
                lat = [r[0] * 1000 for r in results]
                accepted = sum(r[1] for r in results)
                duplicates = sum(r[2] for r in results)
                rejected = sum(r[3] for r in results)
                stored = nats.subject_count(subject)
                eps = n / wall
                print(f"  {n:,} records in {wall:.2f} s: {eps:,.0f} events/s ({len(wf) / wall:,.1f} requests/s)")
                print(f"  accepted {accepted:,}, duplicates {duplicates:,}, rejected {rejected:,}; JetStream holds {stored:,} "
                      f"on the subject; {retried} retried request(s)")
                print(f"  request (= acknowledgement) latency ms: p50 {pct(lat, 0.50):.1f}  p90 {pct(lat, 0.90):.1f}  "
                      f"p99 {pct(lat, 0.99):.1f}  max {max(lat):.1f}")
                svc.report(before, after, sampled)
                if rejected:
                    first = next(r[5] for r in results if r[3])
                    problems.append(f"webhook: {rejected:,} records rejected (first: {first})")
                if accepted != n and not (retried and accepted + duplicates == n):
                    # (A retry of a request whose first attempt was stored comes back as duplicates: that is correct.)
                    problems.append(f"webhook: accepted {accepted:,} of {n:,} (duplicates {duplicates:,})")
                if stored != n:
                    problems.append(f"webhook: JetStream holds {stored:,} messages on {subject}, expected {n:,}")
                summary["webhook"] = {"eps": eps, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "after": after}
            except BenchError as e:
                print(f"  error: {e}")
                problems.append(f"webhook: {e}")

        if do_s3:
            try:
                sf = files["s3"]
                m = sum(f.records for f in sf)
                print(f"\n== S3 + SQS: {m:,} records in {len(sf):,} delivery files, one ObjectCreated notification each ==")
                r = run_s3(args, env, key, subject, sf, files["probe"][0], nats, svc)
                print(f"  notifications sent in {r['sent_s']:.2f} s; all {r['published']:,} records published after "
                      f"{r['published_s']:.2f} s: {r['events_per_s']:,.0f} events/s ({r['files'] / r['published_s']:,.1f} files/s); "
                      f"queue empty after {r['drained_s']:.2f} s")
                svc.report(r["hwm_before"], r["hwm_after"], r["sampled"])
                if r["published"] != m:
                    problems.append(f"S3: {r['published']:,} records published, expected {m:,}")
                summary["s3"] = r
            except Exception as e:  # noqa: BLE001 - BenchError, or botocore's errors talking to moto
                msg = str(e) if isinstance(e, BenchError) else f"{type(e).__name__}: {e}"
                print(f"  error: {msg}")
                problems.append(f"S3: {msg}")
    finally:
        nats.close()

    # ---- summary
    print("\n== summary (targets from the issue; a missed target does not fail the run) ==")
    rows = []
    if "webhook" in summary:
        w = summary["webhook"]
        rows.append((f"webhook throughput >= {TARGET_EVENTS_PER_S:,} events/s", f"{w['eps']:,.0f} events/s",
                     "yes" if w["eps"] >= TARGET_EVENTS_PER_S else "NO"))
        rows.append(("webhook acknowledgement latency p50 / p99", f"{w['p50']:.0f} / {w['p99']:.0f} ms", "-"))
    if "s3" in summary:
        rows.append(("S3 + SQS throughput (moto-bound; no target)", f"{summary['s3']['events_per_s']:,.0f} events/s", "-"))
    final = {}
    for phase in ("webhook", "s3"):
        if phase in summary:
            after = summary[phase]["hwm_after"] if phase == "s3" else summary[phase]["after"]
            for name, v in after.items():
                if v is not None:
                    final[name] = max(final.get(name, 0), v)
    for name in ("ingestor", "gateway"):
        v = final.get(name)
        met = "unknown" if v is None else ("yes" if v < TARGET_RSS_MB * MB else "NO")
        rows.append((f"{name} peak RSS (VmHWM) < {TARGET_RSS_MB} MB", mb(v), met))
    width = max(len(r[0]) for r in rows)
    print(f"  {'target':<{width}}  {'measured':>22}  met")
    for name, measured, met in rows:
        print(f"  {name:<{width}}  {measured:>22}  {met}")
    print("  (VmHWM is the peak since the service started, so it includes earlier runs and the other path.)")
    for name, note in sorted(svc.notes.items()):
        print(f"  {name}: RSS unknown: {note}")
    if problems:
        print("\nPROBLEMS:")
        for pr in problems:
            print(f"  - {pr}")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"ingest-benchmark: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("ingest-benchmark: interrupted", file=sys.stderr)
        sys.exit(130)
