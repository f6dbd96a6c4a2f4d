#!/usr/bin/python3
"""Parse stdin with an ntc-templates TextFSM template; print JSON rows. argv[1] = template path."""
import json, sys
import textfsm
with open(sys.argv[1]) as f:
    fsm = textfsm.TextFSM(f)
rows = fsm.ParseText(sys.stdin.read())
print(json.dumps([dict(zip(fsm.header, r)) for r in rows]))
