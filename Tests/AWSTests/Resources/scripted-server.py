#!/usr/bin/env python3
"""A scripted HTTP server for the AWS client's retry and error tests (standard library only).

Usage: scripted-server.py PORT SCRIPT.json

SCRIPT.json is a JSON list of canned responses, each
    {"status": 200, "headers": {"Content-Type": "text/xml"}, "body": "...", "delay_ms": 0}
("body_base64" may replace "body" for bytes that are not UTF-8). Requests are answered in order; once the list is
used up, its last entry answers every further request.

Control endpoints (not recorded, not scripted):
    GET  /__requests  every recorded request as JSON: [{"method", "path", "headers": [[name, value], ...], "body"}]
    POST /__script    replaces the script with the JSON list in the body and starts again from its first entry
"""

import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
script = []
position = 0
recorded = []


def next_response():
    global position
    with lock:
        if not script:
            return {"status": 500, "headers": {"Content-Type": "text/plain"}, "body": "empty script"}
        entry = script[min(position, len(script) - 1)]
        position += 1
        return entry


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        sys.stderr.write("scripted-server: " + (format % args) + "\n")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, headers, body):
        self.send_response(status)
        has_length = False
        for name, value in headers.items():
            if name.lower() == "content-length":
                has_length = True
            self.send_header(name, value)
        if not has_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def handle_any(self):
        body = self.read_body()
        if self.path == "/__requests" and self.command == "GET":
            with lock:
                payload = json.dumps(recorded).encode()
            self.send(200, {"Content-Type": "application/json"}, payload)
            return
        if self.path == "/__script" and self.command == "POST":
            global script, position
            new_script = json.loads(body.decode("utf-8"))
            with lock:
                script = new_script
                position = 0
            self.send(200, {"Content-Type": "application/json"}, b"{}")
            return
        with lock:
            recorded.append({
                "method": self.command,
                "path": self.path,
                "headers": [[name, value] for name, value in self.headers.items()],
                "body": body.decode("utf-8", errors="replace"),
            })
        entry = next_response()
        delay = entry.get("delay_ms", 0) or 0
        if delay > 0:
            time.sleep(delay / 1000.0)
        if "body_base64" in entry:
            data = base64.b64decode(entry["body_base64"])
        else:
            data = (entry.get("body") or "").encode("utf-8")
        try:
            self.send(int(entry.get("status", 200)), entry.get("headers") or {}, data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test): nothing to answer any more.
            self.close_connection = True

    do_GET = handle_any
    do_POST = handle_any
    do_PUT = handle_any
    do_DELETE = handle_any
    do_HEAD = handle_any
    do_PATCH = handle_any


def main():
    global script
    if len(sys.argv) not in (3, 4):
        sys.stderr.write("usage: scripted-server.py PORT SCRIPT.json [PORT_FILE]\n")
        sys.exit(2)
    port = int(sys.argv[1])
    with open(sys.argv[2], "r", encoding="utf-8") as f:
        script = json.load(f)
    # Port 0 lets the kernel choose (no race with other tests picking "free" ports); the chosen one is written to
    # PORT_FILE once the socket listens.
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if len(sys.argv) == 4:
        tmp = sys.argv[3] + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        import os
        os.replace(tmp, sys.argv[3])
    sys.stderr.write(f"scripted-server: listening on 127.0.0.1:{port} with {len(script)} responses\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
