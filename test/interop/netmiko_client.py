#!/usr/bin/python3
"""netmiko 2.4.2 cisco_ios against the twin, the way automation uses it.  Prints JSON.
Usage: netmiko_client.py PORT"""
import json
import sys

from netmiko import ConnectHandler

port = int(sys.argv[1])
out = {}
dev = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=port, username="admin",
                     password="admin", secret="cisco", timeout=20, banner_timeout=20,
                     auth_timeout=20)
out["prompt0"] = dev.find_prompt()
dev.enable()
out["prompt_enable"] = dev.find_prompt()
out["show_version"] = dev.send_command("show version")
out["config_set"] = dev.send_config_set([
    "ntp server 192.0.2.10",
    "logging buffered 16384",
    "interface Loopback7",
    " description set by netmiko",
    " ip address 192.0.2.7 255.255.255.255",
])
out["show_run"] = dev.send_command("show running-config")
out["save"] = dev.save_config()
out["prompt_end"] = dev.find_prompt()
dev.disconnect()

# A new session: what was saved to NVRAM?
dev = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=port, username="admin",
                     password="admin", secret="cisco", timeout=20)
dev.enable()
out["show_start"] = dev.send_command("show startup-config")
dev.disconnect()
print(json.dumps(out))
