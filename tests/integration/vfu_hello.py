#!/usr/bin/env python3
"""A minimal vfio-user client: connect to SOCKET, negotiate VERSION 0.1,
print "connected <pid>", then hold the connection until stdin closes (or
a line arrives). What `ccwpass status` shows as the QEMU holding an mdev."""
import os
import socket
import struct
import sys

s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
caps = b'{"capabilities":{"max_msg_fds":8}}\0'
body = struct.pack("<HH", 0, 1) + caps
s.sendall(struct.pack("<HHIII", 1, 1, 16 + len(body), 0, 0) + body)
hdr = s.recv(16)
msg_id, cmd, size, flags, err = struct.unpack("<HHIII", hdr)
s.recv(size - 16)
if err or not (flags & 1):
    print("refused", err, flush=True)
    sys.exit(1)
print("connected", os.getpid(), flush=True)
sys.stdin.readline()
