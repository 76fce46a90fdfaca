#!/usr/bin/env python3
"""Verify (and optionally import) the AWS SigV4 test suite kept in
Tests/AWSTests/Resources/sigv4-testsuite.json, and record botocore's verdict.

The JSON is the home of the raw test data.  Each entry holds the published
files of one case of AWS's "aws-sig-v4-test-suite" verbatim:

  request            the .req file (request line, headers, blank line, body;
                     LF line endings, no trailing newline, exactly as published)
  canonical_request  the .creq file
  string_to_sign     the .sts file
  authorization      the .authz file
  group              the sub-directory in the suite ("", "normalize-path",
                     "post-sts-token")
  source             where the text was taken from (which public copy of the
                     suite, per file)

All cases use access key AKIDEXAMPLE, secret
wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1, service
"service" and the instant 20150830T123600Z.  The .req already carries
``X-Amz-Date`` (and, for post-sts-header-before, ``X-Amz-Security-Token``).

This script, with no arguments, re-reads the JSON and for every case

  1. checks that the published files agree with each other: SHA-256 of the
     .creq is the last line of the .sts, the .sts signed with the suite key is
     the signature in the .authz, and the SignedHeaders of the .authz are the
     .creq's signed-header line ("published_consistent");
  2. parses the .req (method = text before the first space, HTTP version =
     text after the last space, target = everything between -- so targets with
     spaces survive; "Name:value" header lines, value = everything after the
     first colon, untrimmed; lines starting with a space or tab continue the
     previous header's value, joined with "\\n"; body = everything after the
     first blank line), builds ``https://<Host header><target>`` and signs it
     with botocore's ``SigV4Auth`` (headers added in .req order, same
     credentials, clock frozen at 2015-08-30T12:36:00Z);
  3. writes "botocore_agrees" (botocore's Authorization == the .authz) and,
     where botocore disagrees, "botocore_canonical_request",
     "botocore_authorization" and "botocore_note" (why).

and rewrites the JSON deterministically (sorted keys, indent 1, UTF-8,
trailing newline).  ``--check`` only compares.  ``--from-dir DIR`` first
(re)imports cases from an unpacked copy of the official suite (any layout with
``<case>.req/.creq/.sts/.authz`` files; the parent directory name relative to
DIR becomes "group"), replacing entries of the same name.

Where botocore disagrees it is because botocore signs what its own serializers
produce -- an already percent-encoded query string and well-formed headers --
while these raw requests contain characters that botocore does not re-encode;
see the "botocore_note" of each such case.
"""

import argparse
import datetime
import hashlib
import hmac
import json
import os
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITE_JSON = os.path.join(REPO_ROOT, 'Tests', 'AWSTests', 'Resources', 'sigv4-testsuite.json')

ACCESS_KEY = 'AKIDEXAMPLE'
SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
REGION = 'us-east-1'
SERVICE = 'service'
NOW = datetime.datetime(2015, 8, 30, 12, 36, 0)
TIMESTAMP = '20150830T123600Z'

# Why botocore's answer differs, for every case where it does.  A disagreement
# not listed here makes the script fail, so a botocore upgrade that changes
# behaviour is noticed.
BOTOCORE_NOTES = {
    'get-header-value-multiline':
        'botocore trims each header value with " ".join(value.split()), so the folded lines of '
        'My-Header1 become "value1 value2 value3"; the suite expects the continuation lines '
        'joined with commas ("value1,value2,value3"). botocore never sends folded headers.',
    'get-vanilla-utf8-query':
        'botocore copies the URL query into the canonical query string without encoding it, so '
        'the raw "\u1234=bar" is signed as-is; the suite expects "%E1%88%B4=bar". botocore\'s '
        'serializers always put an already percent-encoded query in the URL, for which botocore '
        'and the suite agree.',
    'post-vanilla-query-nonunreserved':
        'The raw query contains "#", which urlsplit treats as the start of a fragment, and '
        'botocore does not encode the remaining characters; the suite expects every reserved '
        'character percent-encoded.',
    'post-vanilla-query-space':
        'The suite cuts the request target at the first space (query "p=", the rest of the line '
        'is ignored); botocore gets the whole target, and signs "p aram1=val ue1" unencoded.',
}


class _Capturing(SigV4Auth):
    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.captured = (canonical_request, sts)
        return sts


class _FixedDateTime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW if tz is None else NOW.replace(tzinfo=tz)

    @classmethod
    def utcnow(cls):
        return NOW


def parse_request(raw):
    head, sep, body = raw.partition('\n\n')
    lines = head.split('\n')
    request_line = lines[0]
    method, _, rest = request_line.partition(' ')
    target, _, version = rest.rpartition(' ')
    headers = []
    for line in lines[1:]:
        if line[:1] in (' ', '\t') and headers:
            headers[-1][1] += '\n' + line
            continue
        name, _, value = line.partition(':')
        headers.append([name, value])
    return method, target, version, headers, body


def suite_signature(string_to_sign):
    key = ('AWS4' + SECRET_KEY).encode('utf-8')
    for part in (TIMESTAMP[:8], REGION, SERVICE, 'aws4_request'):
        key = hmac.new(key, part.encode('utf-8'), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def published_consistent(case):
    creq, sts, authz = case['canonical_request'], case['string_to_sign'], case['authorization']
    return (hashlib.sha256(creq.encode('utf-8')).hexdigest() == sts.split('\n')[-1]
            and authz.endswith('Signature=' + suite_signature(sts))
            and ('SignedHeaders=%s,' % creq.split('\n')[-2]) in authz)


def sign_with_botocore(raw):
    method, target, _version, headers, body = parse_request(raw)
    host = next(v for n, v in headers if n.lower() == 'host').strip()
    url = 'https://' + host + target
    req = AWSRequest(method=method, url=url, data=body.encode('utf-8'))
    for name, value in headers:
        req.headers[name] = value
    auth = _Capturing(Credentials(ACCESS_KEY, SECRET_KEY), SERVICE, REGION)
    patches = [mock.patch.object(botocore.auth.datetime, 'datetime', _FixedDateTime)]
    if hasattr(botocore.auth, 'get_current_datetime'):
        patches.append(mock.patch.object(botocore.auth, 'get_current_datetime', lambda *a, **k: NOW))
    for p in patches:
        p.start()
    try:
        auth.add_auth(req)
    finally:
        for p in reversed(patches):
            p.stop()
    creq, sts = auth.captured
    authz = req.headers['Authorization']
    assert authz.endswith('Signature=' + suite_signature(sts)), authz
    return creq, sts, authz


def import_dir(directory):
    cases = {}
    for root, _dirs, files in os.walk(directory):
        for f in sorted(files):
            if not f.endswith('.req'):
                continue
            name = f[:-4]
            rel = os.path.relpath(root, directory)
            group = os.path.dirname(rel) if os.path.basename(rel) == name else rel
            group = '' if group in ('.', '') else group.replace(os.sep, '/')
            texts = {}
            for ext in ('req', 'creq', 'sts', 'authz'):
                with open(os.path.join(root, name + '.' + ext), 'rb') as fh:
                    texts[ext] = fh.read().decode('utf-8')
            cases[name] = {
                'name': name, 'group': group, 'request': texts['req'],
                'canonical_request': texts['creq'], 'string_to_sign': texts['sts'],
                'authorization': texts['authz'],
                'source': 'imported from %s' % os.path.join(os.path.relpath(root, directory), name),
            }
    return cases


def process(cases):
    out = []
    unexplained = []
    for case in sorted(cases, key=lambda c: c['name']):
        c = {k: case[k] for k in ('name', 'group', 'request', 'canonical_request',
                                  'string_to_sign', 'authorization', 'source')}
        c['published_consistent'] = published_consistent(c)
        creq, _sts, authz = sign_with_botocore(c['request'])
        c['botocore_agrees'] = (authz == c['authorization'] and creq == c['canonical_request'])
        if not c['botocore_agrees']:
            c['botocore_canonical_request'] = creq
            c['botocore_authorization'] = authz
            note = BOTOCORE_NOTES.get(c['name'])
            if note is None:
                unexplained.append(c['name'])
                note = 'UNEXPLAINED'
            c['botocore_note'] = note
        out.append(c)
    stale = sorted(set(BOTOCORE_NOTES) - {c['name'] for c in out if not c['botocore_agrees']}
                   - (set(BOTOCORE_NOTES) - {c['name'] for c in out}))
    return out, unexplained, stale


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='verify only; exit 1 if the JSON would change')
    ap.add_argument('--from-dir', help='import .req/.creq/.sts/.authz files from this directory first')
    ap.add_argument('--json', default=SUITE_JSON)
    args = ap.parse_args()

    with open(args.json, encoding='utf-8') as f:
        current_text = f.read()
    cases = {c['name']: c for c in json.loads(current_text)}
    if args.from_dir:
        cases.update(import_dir(args.from_dir))
    out, unexplained, stale = process(list(cases.values()))
    text = json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + '\n'

    bad = [c['name'] for c in out if not c['published_consistent']]
    for c in out:
        print('%-40s published_consistent=%-5s botocore_agrees=%s'
              % (c['name'], c['published_consistent'], c['botocore_agrees']))
    status = 0
    if bad:
        print('published files disagree with each other: %s' % ', '.join(bad), file=sys.stderr)
        status = 1
    if unexplained:
        print('botocore disagrees without a note: %s' % ', '.join(unexplained), file=sys.stderr)
        status = 1
    if stale:
        print('botocore now agrees with: %s (remove their notes)' % ', '.join(stale), file=sys.stderr)
        status = 1
    if args.check:
        if text != current_text:
            print('%s would change' % args.json, file=sys.stderr)
            status = 1
        return status
    with open(args.json, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    print('wrote %s (%d cases, %d where botocore disagrees, botocore %s)'
          % (args.json, len(out), sum(not c['botocore_agrees'] for c in out), botocore.__version__))
    return status


if __name__ == '__main__':
    sys.exit(main())
