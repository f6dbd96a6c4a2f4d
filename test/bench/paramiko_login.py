#!/usr/bin/python3
"""Login-to-prompt timing with paramiko: connect + auth + invoke_shell until the prompt.
Usage: paramiko_login.py PORT N  -> JSON list of milliseconds."""
import json
import sys
import time

import paramiko

port, n = int(sys.argv[1]), int(sys.argv[2])
times = []
for _ in range(n):
    t0 = time.perf_counter()
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=port, username="admin", password="admin", look_for_keys=False,
              allow_agent=False, timeout=10)
    ch = c.invoke_shell(term="vt100", width=80, height=24)
    buf = b""
    end = time.time() + 10
    while not buf.rstrip(b" ").endswith((b">", b"#")) and time.time() < end:
        buf += ch.recv(65536)
    times.append((time.perf_counter() - t0) * 1000)
    c.close()
print(json.dumps(times))
