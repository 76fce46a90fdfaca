#!/usr/bin/env python3
"""Reference check for our HCL parser: parses every `.tf` file under a folder with python-hcl2 and prints, one JSON
object per line and per file (sorted by path), whether python-hcl2 accepts it:

    {"file": "modules/vpc/main.tf", "ok": true, "error": null}
    {"file": "broken.tf", "ok": false, "error": "Unexpected token Token('EQUAL', '=') at line 3, column 9. ..."}

A summary goes to stderr. Compare the accept/reject column with Shared/HCL's once the CLI can print its own verdicts
(`cloudloom scan-iac --format json` lists parse errors per file).

python-hcl2 is a separate implementation with known gaps, so a disagreement is a lead, not a verdict: it rejects
template strip markers (`${~ x ~}`, `%{ if c ~}`) and inline `/* */` comments between a block's type and labels or
right after `=`, all of which the HCL specification allows.

    pip install python-hcl2          (PyPI)
    scripts/hcl/compare-python-hcl2.py FOLDER [--timeout SECONDS]

Exit status: 0 when every file was checked, 2 for a usage error (no such folder, python-hcl2 missing)."""
import argparse
import json
import multiprocessing
import os
import sys


def parse_one(path):
    """Returns (ok, error) for one file; runs in a worker process so that a pathological file can be timed out."""
    import hcl2

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return False, f"not valid UTF-8: {error}"
        hcl2.loads(text)
        return True, None
    except Exception as error:  # python-hcl2 raises lark exceptions and plain ValueErrors alike
        message = " ".join(str(error).split())
        return False, f"{type(error).__name__}: {message[:500]}"


def tf_files(root):
    found = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in (".terraform", ".git"))
        for name in files:
            if name.endswith(".tf"):
                found.append(os.path.join(directory, name))
    return sorted(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="folder to search for .tf files (recursively)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds allowed per file (default 20)")
    args = parser.parse_args()

    if not os.path.isdir(args.folder):
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    try:
        import hcl2  # noqa: F401
    except ImportError:
        print("error: python-hcl2 is not installed; run `pip install python-hcl2`", file=sys.stderr)
        return 2

    files = tf_files(args.folder)
    accepted = rejected = 0
    pool = multiprocessing.Pool(processes=1, maxtasksperchild=200)
    try:
        for path in files:
            relative = os.path.relpath(path, args.folder)
            pending = pool.apply_async(parse_one, (path,))
            try:
                ok, error = pending.get(timeout=args.timeout)
            except multiprocessing.TimeoutError:
                ok, error = False, f"timed out after {args.timeout:g} seconds"
                # The worker is stuck in the file: replace it.
                pool.terminate()
                pool = multiprocessing.Pool(processes=1, maxtasksperchild=200)
            accepted += ok
            rejected += not ok
            print(json.dumps({"file": relative, "ok": ok, "error": error}), flush=True)
    finally:
        pool.terminate()
    try:
        from importlib.metadata import version

        tool = f"python-hcl2 {version('python-hcl2')}"
    except Exception:
        tool = "python-hcl2"
    print(f"{tool}: {len(files)} files, {accepted} accepted, {rejected} rejected", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
