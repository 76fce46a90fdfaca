#!/usr/bin/env bash
# Benchmark: `cloudloom detect` against the time python3+orjson takes merely to decompress and decode the same
# files, and against gunzip alone, on the same data in the same run.
#   scripts/bench/detect-benchmark.sh [RECORDS] [FILES]      (default 1,000,000 records in 1,000 files)
set -euo pipefail
cd "$(dirname "$0")/../.."
RECORDS=${1:-1000000}
FILES=${2:-1000}
DATA=".local/bench/cloudtrail-$RECORDS-$FILES"
if [ ! -d "$DATA" ]; then
    python3 scripts/bench/generate-cloudtrail.py --out "$DATA" --records "$RECORDS" --files "$FILES"
fi
python3 -c 'import orjson' 2>/dev/null || pip install -q orjson
swift build -c release --product cloudloom >/dev/null
BIN="$(swift build -c release --show-bin-path)/cloudloom"
BYTES=$(du -sb "$DATA" | cut -f1)

now() { date +%s.%N; }

t0=$(now); gunzip -c "$DATA"/*.json.gz > /dev/null; t1=$(now)
GUNZIP=$(echo "$t1 - $t0" | bc)

t0=$(now)
python3 - "$DATA" <<'PY'
import glob, gzip, orjson, sys
n = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.json.gz")):
    with open(path, "rb") as fh:
        n += len(orjson.loads(gzip.decompress(fh.read()))["Records"])
print(n, file=sys.stderr)
PY
t1=$(now)
ORJSON=$(echo "$t1 - $t0" | bc)

t0=$(now)
set +e
"$BIN" detect "$DATA" --format json > .local/bench/detect-out.json
STATUS=$?
set -e
t1=$(now)
DETECT=$(echo "$t1 - $t0" | bc)
FINDINGS=$(python3 -c 'import json;d=json.load(open(".local/bench/detect-out.json"));print(len(d["findings"]), d["stats"]["events"])')

printf '\n%s records in %s gzip files (%s MB compressed), %s cores\n' "$RECORDS" "$FILES" "$((BYTES / 1000000))" "$(nproc)"
printf '%-44s %9s %14s\n' "tool" "seconds" "records/s"
for row in "gunzip -c (decompress only, one process)|$GUNZIP" "python3 gzip+orjson (decompress+decode only)|$ORJSON" "cloudloom detect (decompress+parse+rules)|$DETECT"; do
    name=${row%|*}; secs=${row#*|}
    printf '%-44s %9.2f %14.0f\n' "$name" "$secs" "$(echo "$RECORDS / $secs" | bc -l)"
done
printf '\ncloudloom detect: exit %s, findings and events: %s\n' "$STATUS" "$FINDINGS"
printf 'detect vs orjson: %.2fx faster;  detect vs gunzip alone: %.2fx the time\n' \
    "$(echo "$ORJSON / $DETECT" | bc -l)" "$(echo "$DETECT / $GUNZIP" | bc -l)"
