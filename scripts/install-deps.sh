#!/usr/bin/env bash
# Install what CloudLoom needs to build, test and run locally (Debian 12). Idempotent: when everything is
# present it prints only "dependencies present". Runs as root, or through sudo when that exists.
set -euo pipefail

APT_PACKAGES=(
    nats-server libnats-dev libpq-dev libcurl4-openssl-dev libssl-dev protobuf-compiler
    postgresql bubblewrap pkg-config curl zlib1g-dev libdeflate-dev bc libxml2
)
# pip requirement -> a Python import that proves it is installed
PIP_PACKAGES=("moto[server]" "openapi-spec-validator" "PyYAML" "boto3")
PIP_CHECK='import moto.server, flask, flask_cors, openapi_spec_validator, yaml, boto3, botocore'

die() { echo "install-deps: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    fi
fi

as_root() {
    if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
        die "need root to run: $* (run this script as root or install sudo)"
    fi
    "${SUDO[@]}" "$@"
}

installed_something=0

# ---------------------------------------------------------------- Debian packages
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    if ! as_root apt-get update >"$log" 2>&1; then
        cat "$log" >&2
        die "apt-get update failed (see above); could not install: ${missing[*]}"
    fi
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
        cat "$log" >&2
        die "apt-get install failed (see above) for: ${missing[*]}"
    fi
    for pkg in "${missing[@]}"; do
        echo "installed $pkg (apt)"
    done
    installed_something=1
fi

# ---------------------------------------------------------------- Python packages
command -v python3 >/dev/null 2>&1 || die "python3 not found"

if ! python3 -c "$PIP_CHECK" >/dev/null 2>&1; then
    if python3 -m pip --version >/dev/null 2>&1; then
        pip=(python3 -m pip)
    elif command -v pip3 >/dev/null 2>&1; then
        pip=(pip3)
    else
        die "pip is missing: install python3-pip, then run this again"
    fi
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    # Debian 12 marks the system Python as externally managed (PEP 668); --break-system-packages is
    # accepted by pip >= 23.0.1 and needed there. Older pips reject the flag, so try without it too.
    if ! as_root "${pip[@]}" install --quiet --break-system-packages "${PIP_PACKAGES[@]}" >"$log" 2>&1 \
        && ! as_root "${pip[@]}" install --quiet "${PIP_PACKAGES[@]}" >>"$log" 2>&1; then
        cat "$log" >&2
        die "pip install failed for: ${PIP_PACKAGES[*]}"
    fi
    python3 -c "$PIP_CHECK" >/dev/null 2>&1 || die "pip installed ${PIP_PACKAGES[*]} but '$PIP_CHECK' still fails"
    for pkg in "${PIP_PACKAGES[@]}"; do
        echo "installed $pkg (pip)"
    done
    installed_something=1
fi

if [ "$installed_something" -eq 0 ]; then
    echo "dependencies present"
fi
