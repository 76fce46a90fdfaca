#!/usr/bin/env bash
# Benchmark: `cloudloom lint-policy` against parliament on the same set of policies in the same run: every AWS
# managed policy that moto ships (about 1,500 real documents, many of them large).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=.local/bench/iam-managed
if [ ! -d "$DATA" ]; then
    python3 - "$DATA" <<'PY'
import json, os, sys
import moto.iam.aws_managed_policies as m
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, p in json.loads(m.aws_managed_policies_data).items():
    with open(os.path.join(out, name + ".json"), "w") as fh:
        json.dump(p["Document"], fh, indent=2)
PY
fi
python3 -c 'import parliament' 2>/dev/null || pip install -q parliament
swift build -c release --product cloudloom >/dev/null 2>&1
BIN="$(swift build -c release --show-bin-path)/cloudloom"
COUNT=$(ls "$DATA" | wc -l)
BYTES=$(du -sb "$DATA" | cut -f1)

t0=$(date +%s.%N)
set +e; "$BIN" lint-policy --format json "$DATA"/*.json > .local/bench/lint-out.json; STATUS=$?; set -e
t1=$(date +%s.%N)
OURS=$(python3 -c "print($t1 - $t0)")

t0=$(date +%s.%N)
python3 - "$DATA" <<'PY'
import glob, sys
from parliament import analyze_policy_string
n = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.json")):
    try:
        n += len(analyze_policy_string(open(path).read()).findings)
    except Exception:
        pass
print(n, file=sys.stderr)
PY
t1=$(date +%s.%N)
PARLIAMENT=$(python3 -c "print($t1 - $t0)")

python3 - "$COUNT" "$BYTES" "$OURS" "$PARLIAMENT" "$STATUS" <<'PY'
import json, sys
count, size, ours, par, status = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
d = json.load(open(".local/bench/lint-out.json"))
findings = sum(len(r["findings"]) for r in d["results"])
print(f"\n{count} AWS managed policies ({size // 1000} kB)")
print(f"{'tool':36} {'seconds':>8} {'policies/s':>11}")
print(f"{'cloudloom lint-policy (whole run)':36} {ours:8.2f} {count / ours:11.0f}")
print(f"{'parliament analyze_policy_string':36} {par:8.2f} {count / par:11.0f}")
print(f"\ncloudloom: {len(d['results'])} policies linted, {findings} findings, exit {status}; {par / ours:.1f}x faster than parliament")
PY
