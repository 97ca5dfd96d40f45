#!/usr/bin/env python3
"""Receive datagrams on a unix socket, as systemd does for sd_notify
($NOTIFY_SOCKET) and for the journal's native protocol, and append each
to OUT followed by a line "--". With --view PATH, each message is followed
by "VIEW_MOUNTED=1" or "=0": whether PATH was a mount point when it
arrived (readiness must come after the view is up). OUT.ready appears once
the socket listens."""
import argparse
import array
import os
import socket


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--view")
    a = ap.parse_args()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(a.socket)
    with open(a.out, "ab", buffering=0) as f:
        open(a.out + ".ready", "w").close()
        while True:
            fds = array.array("i")
            data, anc, _, _ = s.recvmsg(1 << 20, socket.CMSG_SPACE(16))
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(payload[: len(payload) - len(payload) % 4])
            for fd in fds:   # a large journal entry comes as a memfd
                os.lseek(fd, 0, os.SEEK_SET)
                data += os.read(fd, 1 << 20)
                os.close(fd)
            if a.view:
                data += b"\nVIEW_MOUNTED=%d" % os.path.ismount(a.view)
            f.write(data + b"\n--\n")


if __name__ == "__main__":
    main()
