#!/usr/bin/env python3
"""Runs a command and prints, as JSON, every change Linux's inotify reports in one folder while it runs.

Usage: watch-folder.py FOLDER COMMAND [ARG...]. The watch is set before the command starts, and every event is read
after it ends (inotify queues them), so nothing is missed however fast the command is: the output is
{"status": <exit status>, "events": [{"name": ..., "events": [...]}, ...]} in the order the kernel reported them.
Through ctypes (no package): inotify_init1, inotify_add_watch, and `struct inotify_event` (inotify(7)).
"""
import ctypes
import json
import os
import struct
import subprocess
import sys

MASKS = {0x2: 'MODIFY', 0x8: 'CLOSE_WRITE', 0x40: 'MOVED_FROM', 0x80: 'MOVED_TO', 0x100: 'CREATE', 0x200: 'DELETE'}

libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
if fd < 0 or libc.inotify_add_watch(fd, sys.argv[1].encode(), sum(MASKS)) < 0:
    sys.exit(f'inotify: {os.strerror(ctypes.get_errno())}')
status = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL).returncode
events = []
while True:
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        break
    offset = 0
    while offset < len(data):
        _, mask, _, length = struct.unpack_from('iIII', data, offset)
        name = data[offset + 16:offset + 16 + length].rstrip(b'\0').decode()
        events.append({'name': name, 'events': [label for bit, label in MASKS.items() if mask & bit]})
        offset += 16 + length
print(json.dumps({'status': status, 'events': events}))
