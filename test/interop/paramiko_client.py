#!/usr/bin/python3
"""Paramiko against the twin: login (password), shell to the prompt, a command, exec channel,
wrong password.  Prints one JSON object.  Usage: paramiko_client.py PORT [USER PASS]"""
import json
import sys
import time

import paramiko

port = int(sys.argv[1])
user = sys.argv[2] if len(sys.argv) > 2 else "admin"
password = sys.argv[3] if len(sys.argv) > 3 else "admin"
out = {}


def client(pw):
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=port, username=user, password=pw, look_for_keys=False,
              allow_agent=False, timeout=10, banner_timeout=10, auth_timeout=10)
    return c


def read_until(chan, pred, timeout=10.0):
    buf = ""
    end = time.time() + timeout
    while time.time() < end:
        if chan.recv_ready():
            buf += chan.recv(65536).decode("utf-8", "replace")
            if pred(buf):
                return buf
        else:
            time.sleep(0.005)
    raise TimeoutError("timeout; got %r" % buf[-300:])


t0 = time.time()
c = client(password)
tr = c.get_transport()
sec = tr.get_security_options()
out["remote_version"] = tr.remote_version
out["cipher"] = tr.remote_cipher
out["mac"] = tr.remote_mac
out["kex"] = tr.kex_engine.__class__.__name__ if getattr(tr, "kex_engine", None) else None
out["host_key_type"] = tr.get_remote_server_key().get_name()
chan = c.invoke_shell(term="vt100", width=80, height=24)
banner = read_until(chan, lambda b: b.rstrip(" ").endswith((">", "#")))
out["login_to_prompt_ms"] = (time.time() - t0) * 1000
out["prompt"] = banner.strip().splitlines()[-1]
chan.send("show clock\n")
out["show_clock"] = read_until(chan, lambda b: b.endswith(out["prompt"]))
chan.send("exit\n")
end = time.time() + 10
while not chan.exit_status_ready() and time.time() < end:
    time.sleep(0.01)
out["shell_exit_status"] = chan.recv_exit_status() if chan.exit_status_ready() else None
c.close()

c = client(password)
stdin, stdout, stderr = c.exec_command("show clock", timeout=10)
out["exec_output"] = stdout.read().decode()
out["exec_status"] = stdout.channel.recv_exit_status()
c.close()

c = client(password)
stdin, stdout, stderr = c.exec_command("show bogus-command", timeout=10)
out["bad_exec_output"] = stdout.read().decode()
out["bad_exec_status"] = stdout.channel.recv_exit_status()
c.close()

try:
    client("definitely-wrong")
    out["wrong_password"] = "accepted"
except paramiko.AuthenticationException:
    out["wrong_password"] = "rejected"
except Exception as e:  # noqa
    out["wrong_password"] = "error: %s" % e

print(json.dumps(out))
