#!/usr/bin/env bash
# Regenerates Shared/Wire/Generated/*.pb.swift from proto/cloudloom/v1/*.proto.
# Needs protoc (apt-get install protobuf-compiler) and protoc-gen-swift; set PROTOC_GEN_SWIFT to its path, or this
# script builds it from the swift-protobuf checkout that SwiftPM resolved (swift build --product protoc-gen-swift).
# `generate.sh --check` regenerates into a temporary folder and fails if the committed files differ.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/Shared/Wire/Generated"
check=0
[[ "${1:-}" == "--check" ]] && check=1

command -v protoc >/dev/null || { echo "protoc is missing: apt-get install -y protobuf-compiler" >&2; exit 2; }
plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
  src="$root/.build/checkouts/swift-protobuf"
  [[ -d "$src" ]] || (cd "$root" && swift package resolve >/dev/null)
  (cd "$src" && swift build -c release --product protoc-gen-swift >/dev/null)
  plugin="$src/.build/release/protoc-gen-swift"
fi

target="$out"
if [[ $check == 1 ]]; then target="$(mktemp -d)"; fi
mkdir -p "$target"
protoc --plugin=protoc-gen-swift="$plugin" -I "$here" \
  --swift_out="$target" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  "$here"/cloudloom/v1/*.proto
if [[ $check == 1 ]]; then
  if diff -r "$target" "$out" >/dev/null; then echo "generated Swift is current"; else
    echo "generated Swift is stale: run proto/generate.sh" >&2; diff -r "$target" "$out" | head -20 >&2; exit 1; fi
fi
