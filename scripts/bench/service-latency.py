#!/usr/bin/env python3
"""Service-path latency: CloudTrail events posted to the gateway at a fixed rate, each one producing a finding;
a poller watches GET /v1/findings and records when each finding becomes visible through the API.
Prints throughput and the latency percentiles (post sent -> finding visible), measured, not modelled.

Needs a running stack: `make run` (reads .local/env). Usage:
    scripts/bench/service-latency.py [--rate 2000] [--seconds 20] [--batch 100] [--poll-ms 10]
The poll interval bounds the measurement error: a latency is over-stated by at most one poll interval."""
import argparse, json, os, threading, time, urllib.request, uuid

def env():
    path = os.path.join(os.path.dirname(__file__), "..", "..", ".local", "env")
    out = {}
    for line in open(path):
        if "=" in line and not line.startswith("#"):
            k, v = line.strip().split("=", 1)
            out[k] = v.strip("'\"")
    return out

def call(method, url, key, body=None):
    req = urllib.request.Request(url, method=method, data=body,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())

def record(event_id, bucket):
    return {"eventVersion": "1.09", "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/bench",
            "accountId": "123456789012", "userName": "bench"}, "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "eventSource": "s3.amazonaws.com", "eventName": "PutBucketAcl", "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.9", "userAgent": "bench",
            "requestParameters": {"bucketName": bucket, "AccessControlPolicy": {"AccessControlList": {"Grant": [
                {"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}}},
            "responseElements": None, "eventID": event_id, "readOnly": False, "eventType": "AwsApiCall",
            "managementEvent": True, "recipientAccountId": "123456789012"}

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=int, default=2000, help="events per second")
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--batch", type=int, default=100, help="events per POST")
    p.add_argument("--poll-ms", type=int, default=10)
    a = p.parse_args()
    e = env()
    url = e["CL_GATEWAY_URL"]
    tenant = call("POST", url + "/v1/tenants", e["CL_OPERATOR_KEY"], json.dumps({"name": f"bench-{uuid.uuid4().hex[:6]}"}).encode())
    key = tenant["api_key"]
    sent = {}           # event id -> monotonic send time
    seen = {}           # event id -> monotonic time visible
    lock = threading.Lock()
    done = threading.Event()
    total = a.rate * a.seconds

    def poster():
        interval = a.batch / a.rate
        start = time.monotonic()
        for i in range(0, total, a.batch):
            target = start + (i // a.batch) * interval
            delay = target - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ids = [str(uuid.uuid4()) for _ in range(a.batch)]
            body = json.dumps({"Records": [record(x, f"bench-{x[:13]}") for x in ids]}).encode()
            t = time.monotonic()
            with lock:
                for x in ids:
                    sent[x] = t
            r = call("POST", url + "/v1/events/cloudtrail", key, body)
            assert r["accepted"] == a.batch, r
        done.set()

    def poller():
        deadline = None
        while True:
            r = call("GET", url + "/v1/findings?limit=500", key)
            now = time.monotonic()
            with lock:
                for f in r["findings"]:
                    for x in f["event_ids"]:
                        if x in sent and x not in seen:
                            seen[x] = now
                finished = len(seen) >= total
            if finished:
                return
            if done.is_set():
                deadline = deadline or now + 30
                if now > deadline:
                    return
                # After the last post, also sweep every page: a finding that fell out of the newest 500 before a
                # poll saw it is still counted (at the time of the sweep, so its latency is over-, not under-stated).
                token = None
                while True:
                    page = call("GET", url + "/v1/findings?limit=500" + (f"&page_token={token}" if token else ""), key)
                    t = time.monotonic()
                    with lock:
                        for f in page["findings"]:
                            for x in f["event_ids"]:
                                if x in sent and x not in seen:
                                    seen[x] = t
                    token = page.get("next_page_token")
                    if not token:
                        break
            time.sleep(a.poll_ms / 1000)

    t0 = time.monotonic()
    threads = [threading.Thread(target=poster), threading.Thread(target=poller)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.monotonic() - t0
    lat = sorted((seen[x] - sent[x]) * 1000 for x in seen)
    def pct(q): return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
    last = max(seen.values()) - min(sent.values()) if seen else float("nan")
    print(f"events posted: {total} at a target of {a.rate}/s in batches of {a.batch}; visible: {len(seen)}; "
          f"first post to last finding visible {last:.1f} s ({len(seen) / last:.0f} findings/s end to end)")
    print(f"latency post -> visible in GET /v1/findings (ms): p50 {pct(0.50):.1f}  p95 {pct(0.95):.1f}  "
          f"p99 {pct(0.99):.1f}  max {lat[-1] if lat else float('nan'):.1f}   (poll every {a.poll_ms} ms)")

if __name__ == "__main__":
    main()
