#!/usr/bin/env python3
"""Generate Tests/AWSTests/Resources/sigv4-vectors.json from botocore.

Every vector is signed by botocore's own signer classes (``SigV4Auth`` and
``S3SigV4Auth`` from ``botocore/auth.py``) at the fixed instant 2024-01-02
03:04:05 UTC, so the file is a byte-for-byte reproducible statement of what
botocore sends.  Run it again and diff, or run it with ``--check``::

    python3 scripts/aws/generate-sigv4-vectors.py           # (re)write the JSON
    python3 scripts/aws/generate-sigv4-vectors.py --check   # exit 1 if it differs

Written against botocore 1.43.11 (the rules below were read from that
version's auth.py / awsrequest.py / utils.py and confirmed by the vectors).

Each vector holds the *input* exactly as handed to botocore (method, url,
headers in order, body, credentials, signing name, region, signer kind,
unsigned_payload; "note" says what the vector covers) and the *output*
under "expected": the Authorization header; ``x_amz_date``,
``x_amz_content_sha256`` and ``x_amz_security_token`` = the value of that
header on the request after signing, or null if it is not there (so a
caller-supplied header that botocore leaves alone shows up too); the
canonical request; the string to sign; the signed-header list; the bare
signature; and ``headers_after_signing`` = every header, in order, after
signing (Host is not among them unless the caller gave one: botocore only
derives it for signing).  A body that is not UTF-8 is given as
"body_base64" instead of "body".  ``unsigned_payload`` means: for the "sigv4"
signer, ``request.context['payload_signing_enabled'] = False`` (what botocore
does for operations with the ``unsignedPayload`` trait); for the "s3" signer,
``Config(s3={'payload_signing_enabled': False})`` on the client.

How botocore's SigV4 works, rule by rule
========================================

Timestamp
  ``add_auth`` reads the clock once, via ``get_current_datetime()``
  (botocore.compat, imported into botocore.auth; it calls
  ``datetime.datetime.now(timezone.utc)``), and formats it as
  ``%Y%m%dT%H%M%SZ`` (UTC).  The credential-scope date is the first 8
  characters of that string.  This script freezes the clock by patching both
  ``botocore.auth.get_current_datetime`` and ``botocore.auth.datetime.datetime``
  (the latter alone also works, because it is the shared ``datetime`` module).

What add_auth does to the headers before it computes anything (in this order)
  1. Deletes any ``Authorization`` header (so retries re-sign cleanly).
  2. Date: if the request already has a ``Date`` header, botocore replaces it
     with ``email.utils.formatdate(ts)``, which is ``Tue, 02 Jan 2024 03:04:05
     -0000`` (note: "-0000", not "GMT"), deletes any ``X-Amz-Date``, and does
     not add one.  Otherwise it deletes any ``X-Amz-Date`` and appends
     ``X-Amz-Date: <ts>``.  Either way the *string to sign* uses the
     ``YYYYMMDDTHHMMSSZ`` form.
  3. If the credentials carry a session token: deletes any
     ``X-Amz-Security-Token`` and appends ``X-Amz-Security-Token: <token>``.
     That header is then signed like any other.  Without a token in the
     credentials an ``X-Amz-Security-Token`` header already on the request is
     left as it is (and signed).
  4. If ``context['payload_signing_enabled']`` is False: replaces any
     ``X-Amz-Content-SHA256`` with ``UNSIGNED-PAYLOAD`` (plain SigV4 too).
  5. S3 signer only: always deletes any ``X-Amz-Content-SHA256`` and appends
     ``X-Amz-Content-SHA256: <payload hash>`` (rules below).  A caller-supplied
     value is therefore overwritten for S3, but NOT for other services.
  Finally ``Authorization`` is appended.  Headers are an
  ``http.client.HTTPMessage``: names are case-insensitive, duplicates are
  kept in insertion order, and ``del`` removes every occurrence.

Which headers are signed
  *Every* header on the request at signing time, except the names in
  ``SIGNED_HEADERS_BLACKLIST`` (compared lower-cased): ``connection``,
  ``expect``, ``keep-alive``, ``proxy-authenticate``, ``proxy-authorization``,
  ``te``, ``trailer``, ``transfer-encoding``, ``upgrade``, ``user-agent``,
  ``x-amzn-trace-id``.  Nothing else is skipped: ``content-type``,
  ``content-md5``, ``x-amz-meta-*``, ``x-amz-target``, custom headers, a
  caller-supplied ``host`` -- all signed.  If no ``Host`` header is present,
  a ``host`` entry is synthesised from the URL (below) and signed; it is not
  added to the request headers.
  In a real client call botocore adds ``Content-Length`` (in
  ``AWSRequest.prepare``), ``amz-sdk-invocation-id`` and ``amz-sdk-request``
  only AFTER signing, so those are never signed by botocore's clients;
  ``User-Agent``, ``Expect: 100-continue``, ``X-Amzn-Trace-Id`` and
  ``Transfer-Encoding`` are present but blacklisted.  If you put any of the
  first three on the request before signing, botocore *would* sign them.

Host value (``_host_from_url``)
  ``urlsplit(url).hostname`` (always lower-cased, userinfo dropped, IPv6 put
  back in ``[...]``), plus ``:port`` only when the URL has an explicit port
  that is not the scheme default (80 for http, 443 for https).  So
  ``http://127.0.0.1:5000/`` signs ``host:127.0.0.1:5000`` and
  ``https://iam.amazonaws.com:443/`` signs ``host:iam.amazonaws.com``.

Canonical headers / signed headers
  Names lower-cased; one line per distinct name, names sorted by code point;
  value = each occurrence trimmed by ``' '.join(value.split())`` (Python's
  ``str.split()`` with no argument: strips both ends and collapses every run
  of whitespace -- space, tab, CR, LF, VT, FF and also \\x1c-\\x1f, \\x85,
  \\xa0 and other Unicode spaces -- into one space; quotes are not special),
  then the occurrences joined with ``,`` in their original order (not
  sorted).  Values keep their case.  The block ends with ``\\n`` and is
  followed by the ``;``-joined sorted lower-case names.

Canonical URI
  Taken from ``urlsplit(url).path`` (fragment and query removed).
  * Every service except S3 (``SigV4Auth``):
    ``quote(remove_dot_segments(path), safe='/~')``.  ``remove_dot_segments``
    drops empty segments (``//`` collapses), drops ``.``, pops on ``..`` (only
    literal dots, not ``%2E``), keeps a leading ``/`` and keeps a trailing
    ``/`` only if at least one segment survives; an empty path becomes ``/``.
    ``quote`` then percent-encodes every byte outside ``A-Z a-z 0-9 - _ . ~ /``
    with UPPER-case hex, *including ``%``*.  The URL path is already
    percent-encoded by botocore's serializers, so the result is DOUBLE
    encoded: ``/functions/arn%3Aaws%3A...`` signs as
    ``/functions/arn%253Aaws%253A...``; a raw space signs as ``%20``.
  * S3 (``S3SigV4Auth``, also used for S3 Control with signing name ``s3``):
    the path exactly as it appears in the URL -- no normalisation (``a/./b``,
    ``a/../b``, ``//double`` stay), no decoding, no re-encoding (single
    encoding).  botocore's REST serializer has already encoded object keys
    with ``percent_encode(key, safe='/~')``: space ``%20``, ``+`` ``%2B``,
    ``=`` ``%3D``, ``*`` ``%2A``, UTF-8 bytes ``%XX``, ``~`` and ``/`` left
    alone.  (Quirk: an S3 URL with no path at all would sign an empty
    canonical URI; botocore always produces at least ``/``.)

Canonical query string
  If ``request.params`` is non-empty (not the case for requests built by
  botocore clients): each key and value is ``quote(str(x), safe='-_.~')``,
  pairs sorted, joined with ``&``.  Otherwise (the normal case) it is built
  from the raw query of the URL *without any decoding or re-encoding*: split
  on ``&``, each piece ``partition('=')`` (so ``?acl`` -> ``acl=``, and an
  empty piece from ``&&`` would become a bare ``=``), pairs sorted as
  ``(key, value)`` tuples by code point -- i.e. by key first, then by value
  for repeated keys -- and re-joined as ``key=value`` with ``&``.  Tuple
  order is not the same as sorting the joined ``key=value`` strings:
  ``Param=..`` sorts before ``Param-3=..`` here although ``-`` < ``=``.
  Because nothing is re-encoded, whatever encoding the URL carries is what is
  signed (``+`` stays ``+``, lower-case ``%2f`` stays lower-case); botocore's
  serializers always emit ``percent_encode`` output (``safe='-_.~'``, upper
  hex, space as ``%20``), so URLs in these vectors are written that way.

Payload hash (last line of the canonical request)
  * Plain SigV4: if the request has an ``X-Amz-Content-SHA256`` header, its
    value is used verbatim (not checked against the body).  When
    ``context['payload_signing_enabled']`` is False, step 4 has put
    ``X-Amz-Content-SHA256: UNSIGNED-PAYLOAD`` there, so the payload hash is
    ``UNSIGNED-PAYLOAD`` over http and https alike.  Otherwise:
    ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` if the checksum context asks for a
    trailer, else the lower-case hex SHA-256 of the body bytes (a str body is
    UTF-8 encoded; an empty or absent body gives ``e3b0c442...b855``).  Plain
    SigV4 never adds an ``X-Amz-Content-SHA256`` header except in the
    unsigned case.
  * S3: the value that step 5 put in ``X-Amz-Content-SHA256``:
    ``STREAMING-UNSIGNED-PAYLOAD-TRAILER`` for aws-chunked uploads with a
    trailing checksum (what ``put_object``/``upload_part`` do by default over
    https since botocore 1.36: ``Content-Encoding: aws-chunked``,
    ``X-Amz-Trailer``, ``X-Amz-Decoded-Content-Length`` -- not covered by
    these vectors); otherwise an explicit ``Config(s3={'payload_signing_
    enabled': ...})`` wins, even over plain http (False ->
    ``UNSIGNED-PAYLOAD``); otherwise the body is hashed when the URL does not
    start with ``https`` or there is no ``Content-MD5`` (or flexible-checksum)
    header; with https AND such a checksum header it is ``UNSIGNED-PAYLOAD``
    if the operation has streaming input or
    ``context['payload_signing_enabled']`` is False, else the hash.  So plain
    S3 GETs carry ``X-Amz-Content-SHA256: e3b0c442...b855``.

String to sign and signature
  ``AWS4-HMAC-SHA256\\n<ts>\\n<yyyymmdd>/<region>/<service>/aws4_request\\n``
  ``<hex sha256 of the UTF-8 canonical request>`` (no trailing newline).
  Key: ``kDate = HMAC("AWS4" + secret, yyyymmdd)``, then region, service,
  ``aws4_request``; signature = lower-case hex HMAC of the string to sign.
  Header: ``AWS4-HMAC-SHA256 Credential=<akid>/<scope>, SignedHeaders=<list>,
  Signature=<hex>`` (comma + space between the three parts).

Other things found while building these vectors
  * Query-protocol bodies (IAM, EC2, STS) are form-encoded by
    ``urllib.parse.urlencode`` (spaces as ``+``, ``~`` kept); only the body
    hash is signed, the body itself is never canonicalised.  Content-Type is
    ``application/x-www-form-urlencoded; charset=utf-8`` and is signed.
  * botocore's SQS client (JSON 1.0) also sends and signs
    ``x-amzn-query-mode: true``.
  * ``lambda.list_functions`` uses ``/2015-03-31/functions`` (no trailing
    slash, per the model); the ``.../functions/`` vector is the hand-written
    form of the same call.  ``s3.list_objects_v2`` adds ``encoding-type=url``.
  * S3 Control (``s3control`` client) signs with the S3 signer and signing
    name ``s3``, sends ``x-amz-account-id`` and the account id as a host
    prefix.
  * AWS's own test suite (Tests/AWSTests/Resources/sigv4-testsuite.json, see
    scripts/aws/import-sigv4-testsuite.py) agrees with botocore on 29 of its
    33 cases, the normalize-path ones included.  The 4 others feed botocore
    raw, unencoded query strings (``?\u1234=bar``, spaces, ``#``) or a folded
    header -- input botocore's serializers never produce.  Match botocore on
    the vectors here, and the suite on the agreeing cases.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
from unittest import mock
from urllib.parse import urlencode

import botocore
import botocore.auth
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(REPO_ROOT, 'Tests', 'AWSTests', 'Resources', 'sigv4-vectors.json')

FIXED_NOW = datetime.datetime(2024, 1, 2, 3, 4, 5)
TIMESTAMP = '20240102T030405Z'

# AWS's documented example keys (not real credentials).
AK = 'AKIAIOSFODNN7EXAMPLE'
SK = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+token/with=chars=='
TOKEN2 = 'FwoGZXIvYXdzEXAMPLEsessionTOKEN+/abc=='
MOTO_AK = 'testing'
MOTO_SK = 'testing'
MOTO_TOKEN = 'testing'

UA = 'Botocore/1.43.11 ua/2.1 os/linux md/arch#x86_64 lang/python#3.11.7'
FORM = 'application/x-www-form-urlencoded; charset=utf-8'


def form(pairs):
    """Form-encode like botocore's AWSRequestPreparer (urlencode, doseq)."""
    return urlencode(pairs, doseq=True)


def V(name, service, region, method, url, headers=(), body='', signer='sigv4',
      unsigned_payload=False, access_key=AK, secret_key=SK, session_token=None,
      note=''):
    return {
        'name': name,
        'service': service,
        'region': region,
        'signer': signer,
        'unsigned_payload': unsigned_payload,
        'method': method,
        'url': url,
        'headers': [list(h) for h in headers],
        'body': body,
        'access_key': access_key,
        'secret_key': secret_key,
        'session_token': session_token,
        'note': note,
    }


def vector_table():
    vs = []
    add = vs.append

    # ------------------------------------------------------------------ query
    add(V('iam-list-users', 'iam', 'us-east-1', 'POST', 'https://iam.amazonaws.com/',
          [('Content-Type', FORM), ('User-Agent', UA)],
          form([('Action', 'ListUsers'), ('Version', '2010-05-08')]),
          note='Query protocol, global IAM endpoint; User-Agent is present but not signed.'))
    add(V('iam-list-roles-encoded-form-body', 'iam', 'us-east-1', 'POST', 'https://iam.amazonaws.com/',
          [('Content-Type', FORM)],
          form([('Action', 'ListRoles'), ('Version', '2010-05-08'),
                ('PathPrefix', '/a b+c=d~\u00e9*/')]),
          note='Form body with space, /, +, =, ~, * and UTF-8 (encoded the way botocore does: urlencode).'))
    add(V('iam-get-query-in-url-encoded', 'iam', 'us-east-1', 'GET',
          'https://iam.amazonaws.com/?Version=2010-05-08&PathPrefix=%2Fservice%20role%2Fa%2Bb%3Dc~%C3%A9%2F&Action=ListRoles',
          note='Query API called with GET; query already percent-encoded, botocore only sorts it.'))
    add(V('iam-list-access-keys-session-token', 'iam', 'us-east-1', 'POST', 'https://iam.amazonaws.com/',
          [('Content-Type', FORM)],
          form([('Action', 'ListAccessKeys'), ('Version', '2010-05-08'), ('UserName', 'alice')]),
          session_token=TOKEN,
          note='Session credentials: X-Amz-Security-Token is added after X-Amz-Date and signed.'))
    add(V('iam-uppercase-host-default-port', 'iam', 'us-east-1', 'POST', 'https://IAM.AmazonAWS.com:443/',
          [('Content-Type', FORM)],
          form([('Action', 'GetUser'), ('Version', '2010-05-08')]),
          note='Host is lower-cased and the default port 443 is dropped from the signed host.'))
    add(V('ec2-describe-instances-eu-west-1', 'ec2', 'eu-west-1', 'POST', 'https://ec2.eu-west-1.amazonaws.com/',
          [('Content-Type', FORM)],
          form([('Action', 'DescribeInstances'), ('Version', '2016-11-15'),
                ('Filter.1.Name', 'tag:Name'), ('Filter.1.Value.1', 'web server/\u03c0+1=2~'),
                ('Filter.2.Name', 'instance-state-name'), ('Filter.2.Value.1', 'running'),
                ('Filter.2.Value.2', 'stopped')]),
          note='Regional EC2 query call; body values need encoding (space, /, unicode, +, =, ~).'))
    add(V('ec2-describe-regions-get-query', 'ec2', 'eu-west-1', 'GET',
          'https://ec2.eu-west-1.amazonaws.com/?Action=DescribeRegions&Version=2016-11-15&RegionName.2=us-east-1&RegionName.1=eu-west-1&Filter.1.Name=opt-in-status&Filter.1.Value.1=opt%20in%2Fnot%2Brequired%3D~%E2%9C%93',
          note='EC2 query in the URL: indexed keys sorted by code point, values left as encoded.'))
    add(V('sts-get-caller-identity-global', 'sts', 'us-east-1', 'POST', 'https://sts.amazonaws.com/',
          [('Content-Type', FORM)],
          form([('Action', 'GetCallerIdentity'), ('Version', '2011-06-15')]),
          note='Global STS endpoint signs for us-east-1.'))
    add(V('sts-get-caller-identity-regional', 'sts', 'eu-west-1', 'POST', 'https://sts.eu-west-1.amazonaws.com/',
          [('Content-Type', FORM)],
          form([('Action', 'GetCallerIdentity'), ('Version', '2011-06-15')]),
          note='Regional STS endpoint.'))
    add(V('sts-assume-role-session-token', 'sts', 'us-west-2', 'POST', 'https://sts.us-west-2.amazonaws.com/',
          [('Content-Type', FORM), ('User-Agent', UA)],
          form([('Action', 'AssumeRole'), ('Version', '2011-06-15'),
                ('RoleArn', 'arn:aws:iam::123456789012:role/path/CloudLoomAudit'),
                ('RoleSessionName', 'cloudloom scan+1=ok~'), ('DurationSeconds', '900')]),
          session_token=TOKEN2,
          note='AssumeRole with session credentials; ARN and session name need encoding in the body.'))
    add(V('sts-url-without-path', 'sts', 'us-east-1', 'POST', 'https://sts.amazonaws.com',
          [('Content-Type', FORM)],
          form([('Action', 'GetCallerIdentity'), ('Version', '2011-06-15')]),
          note='URL with no path at all: canonical URI is "/" for non-S3 services.'))

    # ------------------------------------------------------------------ json
    add(V('sqs-receive-message-json10', 'sqs', 'us-east-1', 'POST', 'https://sqs.us-east-1.amazonaws.com/',
          [('X-Amz-Target', 'AmazonSQS.ReceiveMessage'), ('Content-Type', 'application/x-amz-json-1.0'),
           ('x-amzn-query-mode', 'true'), ('User-Agent', UA)],
          json.dumps({'QueueUrl': 'https://sqs.us-east-1.amazonaws.com/123456789012/cloudloom-events',
                      'MaxNumberOfMessages': 10, 'WaitTimeSeconds': 20}),
          note='AWS JSON 1.0 with X-Amz-Target; header set as botocore\'s SQS client sends it.'))
    add(V('sqs-receive-message-session-token-eu', 'sqs', 'eu-west-1', 'POST', 'https://sqs.eu-west-1.amazonaws.com/',
          [('X-Amz-Target', 'AmazonSQS.ReceiveMessage'), ('Content-Type', 'application/x-amz-json-1.0')],
          json.dumps({'QueueUrl': 'https://sqs.eu-west-1.amazonaws.com/123456789012/q'}),
          session_token=TOKEN,
          note='JSON 1.0 with a session token.'))
    add(V('cloudtrail-describe-trails-json11', 'cloudtrail', 'us-east-1', 'POST',
          'https://cloudtrail.us-east-1.amazonaws.com/',
          [('X-Amz-Target', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails'),
           ('Content-Type', 'application/x-amz-json-1.1'), ('User-Agent', UA)],
          json.dumps({'includeShadowTrails': False}),
          note='AWS JSON 1.1, CloudTrail.'))
    add(V('cloudtrail-lookup-events-moto', 'cloudtrail', 'us-east-1', 'POST', 'http://127.0.0.1:5000/',
          [('X-Amz-Target', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents'),
           ('Content-Type', 'application/x-amz-json-1.1')],
          json.dumps({'LookupAttributes': [{'AttributeKey': 'EventName', 'AttributeValue': 'StopLogging'}],
                      'MaxResults': 50}),
          access_key=MOTO_AK, secret_key=MOTO_SK,
          note='Moto endpoint over http with an explicit port: host:127.0.0.1:5000.'))
    add(V('kms-list-keys-json11', 'kms', 'us-east-1', 'POST', 'https://kms.us-east-1.amazonaws.com/',
          [('X-Amz-Target', 'TrentService.ListKeys'), ('Content-Type', 'application/x-amz-json-1.1')],
          json.dumps({}),
          note='AWS JSON 1.1, KMS, body "{}".'))
    add(V('kms-encrypt-utf8-body', 'kms', 'eu-central-1', 'POST', 'https://kms.eu-central-1.amazonaws.com/',
          [('X-Amz-Target', 'TrentService.Encrypt'), ('Content-Type', 'application/x-amz-json-1.1')],
          json.dumps({'KeyId': 'alias/cloudloom', 'Plaintext': 'aGVsbG8=',
                      'EncryptionContext': {'purpose': 't\u00ebst \u2713'}}, ensure_ascii=False),
          session_token=TOKEN,
          note='Body with raw UTF-8 (the payload hash is over the UTF-8 bytes).'))
    add(V('kms-list-keys-ipv6-moto', 'kms', 'us-east-1', 'POST', 'http://[::1]:5000/',
          [('X-Amz-Target', 'TrentService.ListKeys'), ('Content-Type', 'application/x-amz-json-1.1')],
          '{}', access_key=MOTO_AK, secret_key=MOTO_SK, session_token=MOTO_TOKEN,
          note='IPv6 literal with port: host:[::1]:5000.'))

    # ------------------------------------------------------------- rest-json
    add(V('lambda-list-functions-trailing-slash', 'lambda', 'us-east-1', 'GET',
          'https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/?MaxItems=50&Marker=eyJrIjoiYS9iIn0%3D',
          note='REST-JSON GET with query; Marker value carries an encoded "=".'))
    add(V('lambda-list-functions-as-botocore-client', 'lambda', 'us-east-1', 'GET',
          'https://lambda.us-east-1.amazonaws.com/2015-03-31/functions?MaxItems=5&Marker=x%2Fy%2Bz',
          note='Exactly the URL botocore\'s lambda client builds (no trailing slash, query in model order).'))
    add(V('lambda-get-policy', 'lambda', 'us-east-1', 'GET',
          'https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-fn/policy',
          [('User-Agent', UA)],
          note='REST-JSON path parameter.'))
    add(V('lambda-get-policy-arn-double-encoded', 'lambda', 'eu-west-1', 'GET',
          'https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Amy-fn/policy',
          note='Non-S3 path is encoded again: %3A in the URL signs as %253A.'))
    add(V('lambda-get-function-session-token', 'lambda', 'us-east-2', 'GET',
          'https://lambda.us-east-2.amazonaws.com/2015-03-31/functions/my-fn?Qualifier=%24LATEST',
          session_token=TOKEN,
          note='REST-JSON GET with session token; $ in the query stays %24.'))
    add(V('lambda-list-functions-moto-localhost', 'lambda', 'us-east-1', 'GET',
          'http://localhost:5000/2015-03-31/functions/',
          access_key=MOTO_AK, secret_key=MOTO_SK,
          note='Moto on localhost:5000.'))
    add(V('lambda-invoke-post-body', 'lambda', 'us-east-1', 'POST',
          'https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-fn/invocations',
          [('X-Amz-Invocation-Type', 'RequestResponse'), ('X-Amz-Log-Type', 'None'),
           ('Content-Type', 'application/json')],
          json.dumps({'detail-type': 'AWS API Call via CloudTrail', 'n': 1}),
          note='REST-JSON POST with a body and x-amz-* headers.'))

    # ---------------------------------------------------------------- rest-xml S3
    add(V('s3-path-style-get-object', 's3', 'us-east-1', 'GET',
          'https://s3.us-east-1.amazonaws.com/bucket/key', signer='s3',
          note='Path-style S3; S3 signer adds X-Amz-Content-SHA256 = hash of empty body.'))
    add(V('s3-virtual-hosted-get-object', 's3', 'eu-west-1', 'GET',
          'https://bucket.s3.eu-west-1.amazonaws.com/key', signer='s3',
          note='Virtual-hosted-style S3 in eu-west-1.'))
    add(V('s3-key-space-unicode-plus-equals', 's3', 'eu-west-1', 'GET',
          'https://bucket.s3.eu-west-1.amazonaws.com/a%20b/%C3%BC%2B%3D~%2A', signer='s3',
          note='Key "a b/\u00fc+=~*" encoded as botocore does; S3 signs the path as-is (single encoding).'))
    add(V('s3-key-double-slash-virtual', 's3', 'us-east-1', 'GET',
          'https://bucket.s3.us-east-1.amazonaws.com///double', signer='s3',
          note='Key "//double": S3 paths are not normalised.'))
    add(V('s3-key-double-slash-path-style', 's3', 'us-east-1', 'GET',
          'https://s3.us-east-1.amazonaws.com/bucket//double//x', signer='s3',
          note='Path-style key with repeated slashes kept.'))
    add(V('s3-key-dot-segments', 's3', 'us-east-1', 'GET',
          'https://s3.us-east-1.amazonaws.com/bucket/a/./b/../c', signer='s3',
          note='"." and ".." segments must NOT be removed for S3.'))
    add(V('s3-key-tilde-star', 's3', 'us-east-1', 'HEAD',
          'https://bucket.s3.us-east-1.amazonaws.com/~user/%2A.txt', signer='s3',
          note='~ stays literal, * is %2A; HEAD method.'))
    add(V('s3-get-bucket-acl', 's3', 'us-east-1', 'GET',
          'https://bucket.s3.us-east-1.amazonaws.com/?acl', signer='s3',
          note='Sub-resource without value: canonical query "acl=".'))
    add(V('s3-get-bucket-policy', 's3', 'eu-west-1', 'GET',
          'https://bucket.s3.eu-west-1.amazonaws.com/?policy', signer='s3',
          note='?policy sub-resource.'))
    add(V('s3-get-public-access-block', 's3', 'us-east-1', 'GET',
          'https://bucket.s3.us-east-1.amazonaws.com/?publicAccessBlock', signer='s3',
          note='?publicAccessBlock sub-resource.'))
    add(V('s3-list-objects-v2', 's3', 'us-east-1', 'GET',
          'https://bucket.s3.us-east-1.amazonaws.com/?list-type=2&prefix=a%20b&continuation-token=1%2FabC%2Bd%3D%3D&encoding-type=url',
          [('User-Agent', UA)], signer='s3',
          note='ListObjectsV2: keys sorted, already-encoded values untouched.'))
    add(V('s3-put-object-with-body', 's3', 'us-east-1', 'PUT',
          'https://bucket.s3.us-east-1.amazonaws.com/reports/2024/01/report%201.json',
          [('Content-Type', 'application/json'), ('x-amz-meta-Owner', 'CloudLoom'),
           ('Expect', '100-continue')],
          json.dumps({'findings': 3}), signer='s3',
          note='PUT with a body: payload hash = SHA-256 of the body; Expect is not signed; meta header name lower-cased.'))
    add(V('s3-put-object-content-md5', 's3', 'us-east-1', 'PUT',
          'https://bucket.s3.us-east-1.amazonaws.com/k',
          [('Content-MD5', base64.b64encode(hashlib.md5(b'hello\n').digest()).decode()),
           ('Content-Type', 'text/plain')],
          'hello\n', signer='s3',
          note='Content-MD5 over https without streaming input: still SHA-256 signed; Content-MD5 is signed.'))
    add(V('s3-put-object-unsigned-payload', 's3', 'us-east-1', 'PUT',
          'https://bucket.s3.us-east-1.amazonaws.com/big.bin',
          [('Content-Type', 'application/octet-stream')],
          'not hashed', signer='s3', unsigned_payload=True,
          note='Config(s3={"payload_signing_enabled": False}): X-Amz-Content-SHA256: UNSIGNED-PAYLOAD.'))
    add(V('s3-get-object-session-token', 's3', 'us-west-2', 'GET',
          'https://bucket.s3.us-west-2.amazonaws.com/logs/AWSLogs/123456789012/CloudTrail/x.json.gz',
          [('Range', 'bytes=0-1023')], signer='s3', session_token=TOKEN,
          note='S3 with a session token and a Range header.'))
    add(V('s3-moto-path-style-acl', 's3', 'us-east-1', 'GET', 'http://127.0.0.1:5000/bucket?acl',
          signer='s3', access_key=MOTO_AK, secret_key=MOTO_SK,
          note='Moto path-style with port; exactly the URL botocore builds for get_bucket_acl.'))
    add(V('s3-moto-put-unsigned-over-http', 's3', 'us-east-1', 'PUT', 'http://127.0.0.1:5000/bucket/obj',
          [('Content-Type', 'text/plain')], 'data', signer='s3', unsigned_payload=True,
          access_key=MOTO_AK, secret_key=MOTO_SK,
          note='An explicit payload_signing_enabled=False beats the "always sign over http" rule.'))
    add(V('s3-moto-list-session-token', 's3', 'us-east-1', 'GET',
          'http://127.0.0.1:5000/bucket?list-type=2&prefix=logs%2F&max-keys=1000',
          signer='s3', access_key=MOTO_AK, secret_key=MOTO_SK, session_token=MOTO_TOKEN,
          note='Moto list with a session token.'))
    add(V('s3-binary-body', 's3', 'us-east-1', 'PUT',
          'https://bucket.s3.us-east-1.amazonaws.com/blob',
          [('Content-Type', 'application/octet-stream')],
          bytes(range(256)), signer='s3',
          note='Non-UTF-8 body, given as body_base64.'))
    add(V('s3-caller-content-sha256-overwritten', 's3', 'us-east-1', 'PUT',
          'https://bucket.s3.us-east-1.amazonaws.com/k2',
          [('X-Amz-Content-SHA256', 'UNSIGNED-PAYLOAD')], 'abc', signer='s3',
          note='The S3 signer replaces a caller-supplied X-Amz-Content-SHA256 with its own value.'))
    add(V('s3control-get-public-access-block', 's3', 'us-east-1', 'GET',
          'https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/configuration/publicAccessBlock',
          [('x-amz-account-id', '123456789012'), ('User-Agent', UA)], signer='s3',
          note='S3 Control account-level block public access: S3 signer, signing name "s3".'))
    add(V('s3control-put-public-access-block', 's3', 'us-east-1', 'PUT',
          'https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/configuration/publicAccessBlock',
          [('x-amz-account-id', '123456789012')],
          '<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">'
          '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>'
          '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>'
          '</PublicAccessBlockConfiguration>', signer='s3', session_token=TOKEN,
          note='S3 Control PUT with an XML body and a session token.'))

    # ------------------------------------------------------------ edge cases
    api = 'https://abc123.execute-api.us-east-1.amazonaws.com'
    add(V('query-multi-value-same-key', 'execute-api', 'us-east-1', 'GET',
          api + '/prod/items?tag=b&tag=a&tag=B&empty=&flag',
          note='Repeated key sorted by value (code point: B < a < b); empty value and bare key both give "k=".'))
    add(V('query-key-prefix-sort', 'execute-api', 'us-east-1', 'GET',
          api + '/prod/items?Param-3=Value3&Param=Value2&%E1%88%B4=Value1',
          note='Sorted as (key, value) tuples: Param before Param-3 although "-" < "=".'))
    add(V('headers-whitespace-and-mixed-case', 'execute-api', 'us-east-1', 'GET', api + '/prod/items',
          [('X-Custom-Header', '  a   b\t\tc  '), ('x-MiXeD-CaSe', 'Value With  Caps'),
           ('X-Dup', 'one'), ('x-dup', '  two  '), ('X-Quoted', '"a   b"')],
          note='Names lower-cased; values trimmed and inner whitespace (incl. tabs, inside quotes) collapsed; duplicates joined with "," in order.'))
    add(V('headers-blacklisted-not-signed', 'execute-api', 'us-east-1', 'POST', api + '/prod/items',
          [('User-Agent', UA), ('Expect', '100-continue'), ('X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793'),
           ('Connection', 'keep-alive'), ('Keep-Alive', 'timeout=5'), ('Transfer-Encoding', 'chunked'),
           ('TE', 'trailers'), ('Trailer', 'x-amz-checksum-crc32'), ('Upgrade', 'h2c'),
           ('Proxy-Authorization', 'Basic Zm9vOmJhcg=='), ('Proxy-Authenticate', 'Basic'),
           ('Content-Type', 'application/json'), ('amz-sdk-invocation-id', '2c0e5ef5-0d6b-4d5b-9e3b-6c1d0b1f2a3b')],
          '{}',
          note='All eleven blacklisted headers are skipped; amz-sdk-invocation-id IS signed if present before signing.'))
    add(V('date-header-instead-of-x-amz-date', 'execute-api', 'us-east-1', 'GET', api + '/prod/items',
          [('Date', 'Mon, 01 Jan 2001 00:00:00 GMT'), ('X-Amz-Date', '20010101T000000Z')],
          note='With a Date header botocore rewrites it (formatdate, "-0000") and drops X-Amz-Date.'))
    add(V('explicit-host-header', 'execute-api', 'us-east-1', 'GET', 'http://127.0.0.1:4566/prod/items',
          [('Host', 'abc123.execute-api.us-east-1.amazonaws.com')],
          note='A caller-supplied Host header is signed instead of the URL host.'))
    add(V('non-s3-path-normalization', 'execute-api', 'us-east-1', 'GET',
          api + '/prod/a/./b/../c//d/%7Euser/my%20item/',
          note='Non-S3: dot segments removed, // collapsed, trailing / kept, % re-encoded (%7E -> %257E).'))
    add(V('non-s3-raw-space-and-unicode-path', 'execute-api', 'us-east-1', 'GET',
          api + '/prod/caf\u00e9 menu',
          note='Raw (unencoded) characters in a non-S3 path are encoded once by the signer.'))
    add(V('sigv4-unsigned-payload', 'execute-api', 'us-east-1', 'POST', api + '/prod/upload',
          [('Content-Type', 'application/octet-stream')], 'payload not hashed', unsigned_payload=True,
          note='Plain SigV4 with context payload_signing_enabled=False: adds and signs X-Amz-Content-SHA256: UNSIGNED-PAYLOAD.'))
    add(V('sigv4-caller-content-sha256-used-verbatim', 'execute-api', 'us-east-1', 'POST', api + '/prod/upload',
          [('X-Amz-Content-SHA256', hashlib.sha256(b'something else').hexdigest())], 'body',
          note='Plain SigV4 takes a caller-supplied X-Amz-Content-SHA256 as the payload hash without checking it.'))
    add(V('resign-replaces-old-auth-headers', 'sqs', 'us-east-1', 'POST', 'https://sqs.us-east-1.amazonaws.com/',
          [('X-Amz-Target', 'AmazonSQS.ListQueues'), ('Content-Type', 'application/x-amz-json-1.0'),
           ('Authorization', 'AWS4-HMAC-SHA256 Credential=old'), ('X-Amz-Date', '20000101T000000Z'),
           ('X-Amz-Security-Token', 'old-token')],
          '{}', session_token=TOKEN,
          note='A retry: old Authorization, X-Amz-Date and X-Amz-Security-Token are removed and re-added at the end.'))
    add(V('stale-security-token-without-credential-token', 'sts', 'us-east-1', 'POST', 'https://sts.amazonaws.com/',
          [('Content-Type', FORM), ('X-Amz-Security-Token', 'token-from-header')],
          form([('Action', 'GetCallerIdentity'), ('Version', '2011-06-15')]),
          note='Credentials without a token leave an existing X-Amz-Security-Token header alone (and sign it).'))
    return vs


class _CapturingMixin:
    """Record the canonical request / string to sign exactly as add_auth computes them."""

    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.captured = (canonical_request, sts)
        return sts


class CapturingSigV4Auth(_CapturingMixin, SigV4Auth):
    pass


class CapturingS3SigV4Auth(_CapturingMixin, S3SigV4Auth):
    pass


class _FixedDateTime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED_NOW if tz is None else FIXED_NOW.replace(tzinfo=tz)

    @classmethod
    def utcnow(cls):
        return FIXED_NOW


def body_bytes(v):
    b = v['body']
    return b if isinstance(b, bytes) else b.encode('utf-8')


def independent_signature(secret, date, region, service, sts):
    def h(key, msg):
        return hmac.new(key, msg.encode('utf-8'), hashlib.sha256).digest()
    k = h(('AWS4' + secret).encode('utf-8'), date)
    k = h(k, region)
    k = h(k, service)
    k = h(k, 'aws4_request')
    return hmac.new(k, sts.encode('utf-8'), hashlib.sha256).hexdigest()


def sign(v):
    creds = Credentials(v['access_key'], v['secret_key'], v['session_token'])
    cls = CapturingS3SigV4Auth if v['signer'] == 's3' else CapturingSigV4Auth
    auth = cls(creds, v['service'], v['region'])
    req = AWSRequest(method=v['method'], url=v['url'], data=body_bytes(v))
    for name, value in v['headers']:
        req.headers[name] = value  # HTTPMessage: appends, keeps duplicates and order
    if v['unsigned_payload']:
        if v['signer'] == 's3':
            req.context['client_config'] = Config(s3={'payload_signing_enabled': False})
        else:
            req.context['payload_signing_enabled'] = False

    patches = [mock.patch.object(botocore.auth.datetime, 'datetime', _FixedDateTime)]
    if hasattr(botocore.auth, 'get_current_datetime'):
        patches.append(mock.patch.object(botocore.auth, 'get_current_datetime',
                                         lambda *a, **k: FIXED_NOW))
    for p in patches:
        p.start()
    try:
        auth.add_auth(req)
        creq, sts = auth.captured
        # Recompute with the public methods on the signed request (minus the
        # Authorization header, which add_auth had not yet added when it
        # computed them): must be identical.
        again = AWSRequest(method=req.method, url=req.url, data=body_bytes(v))
        for name, value in req.headers.items():
            if name.lower() != 'authorization':
                again.headers[name] = value
        again.context = dict(req.context)
        creq2 = auth.canonical_request(again)
        sts2 = auth.string_to_sign(again, creq2)
        sig = auth.signature(sts, req)
    finally:
        for p in reversed(patches):
            p.stop()

    assert creq2 == creq, (v['name'], creq, creq2)
    assert sts2 == sts, v['name']
    authz = req.headers['Authorization']
    assert req.context['timestamp'] == TIMESTAMP, v['name']
    assert authz.endswith('Signature=' + sig), (v['name'], authz, sig)
    assert sig == independent_signature(v['secret_key'], TIMESTAMP[:8], v['region'], v['service'], sts), v['name']
    assert sts.split('\n')[-1] == hashlib.sha256(creq.encode('utf-8')).hexdigest(), v['name']
    signed_headers = creq.split('\n')[-2]
    assert ('SignedHeaders=%s,' % signed_headers) in authz, v['name']
    assert authz == ('AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s'
                     % (v['access_key'], TIMESTAMP[:8], v['region'], v['service'], signed_headers, sig)), v['name']

    out = dict(v)
    out['headers'] = [list(h) for h in v['headers']]
    if isinstance(v['body'], bytes):
        try:
            v['body'].decode('utf-8')
            raise AssertionError('bytes body that is valid UTF-8: give it as str')
        except UnicodeDecodeError:
            pass
        del out['body']
        out['body_base64'] = base64.b64encode(v['body']).decode('ascii')
    out['timestamp'] = TIMESTAMP
    out['expected'] = {
        'authorization': authz,
        'x_amz_date': req.headers.get('X-Amz-Date'),
        'x_amz_content_sha256': req.headers.get('X-Amz-Content-SHA256'),
        'x_amz_security_token': req.headers.get('X-Amz-Security-Token'),
        'canonical_request': creq,
        'string_to_sign': sts,
        'signed_headers': signed_headers,
        'signature': sig,
        'headers_after_signing': [[k, val] for k, val in req.headers.items()],
    }
    return out


def render():
    vectors = [sign(v) for v in vector_table()]
    names = [v['name'] for v in vectors]
    assert len(names) == len(set(names)), 'duplicate vector names'
    return json.dumps(vectors, indent=1, sort_keys=True, ensure_ascii=False) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='compare with the committed file instead of writing it')
    ap.add_argument('--output', default=OUTPUT)
    args = ap.parse_args()
    text = render()
    if args.check:
        with open(args.output, encoding='utf-8') as f:
            current = f.read()
        if current != text:
            print('%s is out of date (botocore %s)' % (args.output, botocore.__version__), file=sys.stderr)
            return 1
        print('%s is current (%d vectors, botocore %s)' % (args.output, text.count('"canonical_request"'), botocore.__version__))
        return 0
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    print('wrote %s (%d vectors, botocore %s)' % (args.output, len(json.loads(text)), botocore.__version__))
    return 0


if __name__ == '__main__':
    sys.exit(main())
