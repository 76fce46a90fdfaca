#!/usr/bin/env bash
# Benchmark: CloudLoom's SigV4 client beside botocore/boto3, on the same machine against the same moto server in the
# same run. Prints the signing cost per request (one IAM query request with a session token) and STS
# GetCallerIdentity requests per second with 8 calls in flight.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIGNATURES=${SIGNATURES:-20000}
REQUESTS=${REQUESTS:-2000}
CONCURRENCY=${CONCURRENCY:-8}
mkdir -p .local/bench
python3 -c 'import moto.server, boto3' 2>/dev/null || pip install -q 'moto[server]' boto3
swift build -c release --product cloudloom >/dev/null 2>&1
BIN="$(swift build -c release --show-bin-path)/cloudloom"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$PORT" > .local/bench/moto-bench.log 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/moto-api/" >/dev/null && break; sleep 0.2; done
ENDPOINT="http://127.0.0.1:$PORT"

OURS=$("$BIN" aws bench --endpoint "$ENDPOINT" --signatures "$SIGNATURES" --requests "$REQUESTS" --concurrency "$CONCURRENCY")
PEER=$(python3 - "$ENDPOINT" "$SIGNATURES" "$REQUESTS" "$CONCURRENCY" <<'PY'
import json, sys, time, threading
from concurrent.futures import ThreadPoolExecutor
import boto3, botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, signatures, requests, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
creds = Credentials("AKIDBENCH", "benchsecret", "token")
body = "Action=ListRoles&Version=2010-05-08&MaxItems=100"
t0 = time.perf_counter()
for _ in range(signatures):
    req = AWSRequest(method="POST", url="https://iam.amazonaws.com/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(creds, "iam", "us-east-1").add_auth(req)
sign = (time.perf_counter() - t0) / signatures * 1e6
local = threading.local()
def client():
    if not hasattr(local, "c"):
        local.c = boto3.session.Session().client("sts", region_name="us-east-1", endpoint_url=endpoint,
                                                 aws_access_key_id="AKIDBENCH", aws_secret_access_key="benchsecret")
    return local.c
def call(_):
    try:
        client().get_caller_identity(); return 0
    except Exception:
        return 1
with ThreadPoolExecutor(concurrency) as ex:
    list(ex.map(call, range(concurrency)))  # warm up one client per thread
    t0 = time.perf_counter()
    failures = sum(ex.map(call, range(requests)))
    rps = requests / (time.perf_counter() - t0)
print(json.dumps({"sign_us_per_request": round(sign, 2), "requests": requests, "failures": failures, "requests_per_second": round(rps, 1)}))
PY
)
python3 - "$OURS" "$PEER" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{'':28}{'cloudloom':>14}{'botocore/boto3':>16}{'ratio':>9}")
print(f"{'SigV4 sign, us/request':28}{ours['sign_us_per_request']:>14.2f}{peer['sign_us_per_request']:>16.2f}{peer['sign_us_per_request']/ours['sign_us_per_request']:>8.1f}x")
print(f"{'GetCallerIdentity req/s':28}{ours['requests_per_second']:>14.1f}{peer['requests_per_second']:>16.1f}{ours['requests_per_second']/peer['requests_per_second']:>8.2f}x")
print(f"{'failed requests':28}{ours['failures']:>14}{peer['failures']:>16}")
print("(moto answers every request in Python, so the request rate is bounded by the emulator for both clients)")
PY
