#!/usr/bin/env python3
"""Writes realistic CloudTrail delivery files for benchmarks: N records spread over M gzip files named like
AWS's (<account>_CloudTrail_<region>_<time>_<id>.json.gz), a mix of read-only noise and the risky calls our rules
look for, with the nested request parameters real records carry. Deterministic for a given seed."""
import argparse, gzip, json, os, random, uuid

ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
USERS = [f"user{i:03d}" for i in range(200)]
NOISE = [
    ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {"items": [{"name": "tag:env", "valueSet": {"items": [{"value": "prod"}]}}]}}),
    ("s3.amazonaws.com", "GetObject", {"bucketName": "app-assets", "key": "static/js/app.5f2c1.js", "Host": "app-assets.s3.amazonaws.com"}),
    ("s3.amazonaws.com", "ListBuckets", None),
    ("sts.amazonaws.com", "AssumeRole", {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/deploy", "roleSessionName": "ci", "durationSeconds": 3600}),
    ("kms.amazonaws.com", "Decrypt", {"encryptionContext": {"aws:lambda:FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:api"}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
    ("logs.amazonaws.com", "CreateLogStream", {"logGroupName": "/aws/lambda/api", "logStreamName": "2026/11/20/[$LATEST]abc"}),
    ("dynamodb.amazonaws.com", "DescribeTable", {"tableName": "orders"}),
    ("iam.amazonaws.com", "GetRole", {"roleName": "deploy"}),
    ("lambda.amazonaws.com", "GetFunction20150331v2", {"functionName": "api"}),
    ("cloudtrail.amazonaws.com", "DescribeTrails", {"includeShadowTrails": True}),
]
RISKY = [
    ("s3.amazonaws.com", "PutBucketAcl", lambda: {"bucketName": f"bucket-{random.randint(1, 50)}", "AccessControlPolicy": {"AccessControlList": {"Grant": [{"Grantee": {"xsi:type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}, {"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]}}}),
    ("cloudtrail.amazonaws.com", "StopLogging", lambda: {"name": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"}),
    ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", lambda: {"groupId": f"sg-{random.randint(1, 99):04x}", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
    ("iam.amazonaws.com", "AttachUserPolicy", lambda: {"userName": random.choice(USERS), "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    ("iam.amazonaws.com", "CreateAccessKey", lambda: {"userName": random.choice(USERS)}),
]

def record(t, source, name, params, user):
    failed = source != "signin.amazonaws.com" and random.random() < 0.02
    r = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": f"AIDA{user.upper()}", "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
                         "accountId": ACCOUNT, "accessKeyId": f"AKIA{user.upper()}XYZ", "userName": user,
                         "sessionContext": {"attributes": {"creationDate": t, "mfaAuthenticated": "false"}}},
        "eventTime": t, "eventSource": source, "eventName": name, "awsRegion": random.choice(REGIONS),
        "sourceIPAddress": f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}",
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2 prompt/off command/ec2.describe-instances",
        "requestParameters": params, "responseElements": None,
        "requestID": str(uuid.UUID(int=random.getrandbits(128))), "eventID": str(uuid.UUID(int=random.getrandbits(128))),
        "readOnly": name.startswith(("Describe", "Get", "List")), "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": ACCOUNT, "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{source.split('.')[0]}.amazonaws.com"},
    }
    if failed:
        r["errorCode"] = "AccessDenied"
        r["errorMessage"] = f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: {source.split('.')[0]}:{name}"
    return r

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--files", type=int, default=1_000)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    random.seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    per = a.records // a.files
    minute = 0
    for f in range(a.files):
        records = []
        for i in range(per):
            minute += 1
            t = f"2026-11-{1 + (minute // 1440) % 28:02d}T{(minute // 60) % 24:02d}:{minute % 60:02d}:{i % 60:02d}Z"
            user = random.choice(USERS)
            if random.random() < 0.01:
                source, name, make = random.choice(RISKY)
                records.append(record(t, source, name, make(), user))
            else:
                source, name, params = random.choice(NOISE)
                records.append(record(t, source, name, params, user))
        name = f"{ACCOUNT}_CloudTrail_us-east-1_20261120T{f:04d}Z_{uuid.UUID(int=random.getrandbits(128)).hex[:16]}.json.gz"
        with gzip.open(os.path.join(a.out, name), "wb", compresslevel=6) as fh:
            fh.write(json.dumps({"Records": records}, separators=(",", ":")).encode())
    print(f"wrote {per * a.files} records in {a.files} files to {a.out}")

if __name__ == "__main__":
    main()
