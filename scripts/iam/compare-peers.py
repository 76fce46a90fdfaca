#!/usr/bin/env python3
"""Runs parliament, cloudsplaining and `cloudloom lint-policy` over a policy corpus (default: the repo's own,
Tests/Fixtures/iam) and prints, per document, what each tool reports and where they agree or differ on the
risks all three look for: privilege escalation, data exfiltration, credentials exposure, resource exposure /
permissions management, and wildcard write access.

    pip install parliament cloudsplaining      (PyPI)
    scripts/iam/compare-peers.py [FILES...]"""
import glob, json, os, subprocess, sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))

def cloudloom_bin():
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return os.path.join(out, "cloudloom")

def main():
    from parliament import analyze_policy_string
    from cloudsplaining.scan.policy_document import PolicyDocument
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "iam", "*.json")))
    out = subprocess.run([cloudloom_bin(), "lint-policy", "--format", "json", *files], capture_output=True, text=True)
    ours = {r["file"]: r for r in json.loads(out.stdout or '{"results":[]}')["results"]}
    topics = ["privesc", "exfiltration", "credentials", "permissions/exposure", "write-wildcard"]
    agree = {t: 0 for t in topics}
    compared = 0
    print(f"{'document':38} {'cloudloom (score, categories)':58} {'parliament':34} cloudsplaining")
    for f in files:
        name = os.path.basename(f)
        text = open(f).read()
        try:
            doc = json.loads(text)
        except ValueError:
            print(f"{name:38} not JSON"); continue
        r = ours.get(f)
        cats = sorted({x["category"] for x in r["findings"]}) if r else ["(rejected)"]
        try:
            par = sorted({x.issue for x in analyze_policy_string(text).findings})
        except Exception as e:  # parliament raises on some documents
            par = [f"error: {type(e).__name__}"]
        try:
            pd = PolicyDocument(doc)
            cs = {"privesc": bool(pd.allows_privilege_escalation), "exfiltration": bool(pd.allows_data_exfiltration_actions),
                  "credentials": bool(pd.credentials_exposure), "permissions/exposure": bool(pd.permissions_management_without_constraints),
                  "write-wildcard": bool(pd.write_actions_without_constraints)}
        except Exception as e:
            cs = None
        admin = "admin-access" in cats  # full access implies every narrower risk; we report it once
        mine = {"privesc": admin or "privilege-escalation" in cats, "exfiltration": admin or "data-exfiltration" in cats,
                "credentials": admin or "credentials-exposure" in cats,
                "permissions/exposure": any(c in cats for c in ("resource-exposure", "admin-access")),
                "write-wildcard": any(c in cats for c in ("resource-wildcard-write", "admin-access", "service-wildcard"))}
        score = f"{r['score']:>3} {r['grade']} " if r else "      "
        print(f"{name:38} {(score + ','.join(cats))[:58]:58} {','.join(par)[:34]:34} "
              + (",".join(t for t in topics if cs[t]) if cs else "error"))
        if cs:
            compared += 1
            for t in topics:
                if cs[t] == mine[t]:
                    agree[t] += 1
                else:
                    print(f"{'':38}   differs on {t}: cloudloom {'yes' if mine[t] else 'no'}, cloudsplaining {'yes' if cs[t] else 'no'}")
    print(f"\nagreement with cloudsplaining over {compared} documents: "
          + ", ".join(f"{t} {agree[t]}/{compared}" for t in topics))

if __name__ == "__main__":
    main()
