#!/usr/bin/env python3
# Makes real TCP sockets over 127.0.0.1 in every state the kernel reports for a connection, in the
# network namespace it runs in (run it only inside a throwaway one), and holds them until stdin
# closes. Prints one line `READY {json}` with the number of sockets it made per state.
#
# Loopback answers every segment at once, so the states that exist only while a segment is
# unanswered are made by dropping segments at one socket with a classic BPF socket filter
# (SO_ATTACH_FILTER): the kernel runs a TCP socket's filter on every segment delivered to it, also on
# a listener for the SYN and for the handshake's final ACK (tcp_v4_rcv → tcp_filter). No qdisc,
# iptables or sysctl is needed (docs/kernel.md, "Making every TCP state on loopback").
#
#   SYN_SENT    connect to a listener whose filter drops everything: the SYN is never answered
#   SYN_RECV    a listener whose filter accepts only SYN segments: it answers the SYN, the client
#               becomes ESTABLISHED, its ACK is dropped, so the request socket stays in SYN_RECV
#   FIN_WAIT1   X drops everything; Y shuts down (its FIN is lost, Y: FIN_WAIT1); then X shuts
#   + CLOSING   down: X's FIN reaches Y without acknowledging Y's FIN — a simultaneous close, Y:
#               CLOSING — and Y's ACK of it is lost, so X stays in FIN_WAIT1
#   LAST_ACK    C shuts down (C: FIN_WAIT2, S: CLOSE_WAIT); C then drops everything; S shuts down:
#               its FIN is never acknowledged (S: LAST_ACK)
#   FIN_WAIT2 / CLOSE_WAIT   C shuts down, S never closes
#   FIN_WAIT2 (orphan)       C closes its descriptor, S never closes: C becomes a timewait object
#                            whose sub-state is FIN_WAIT2 (reported as FIN_WAIT2), S is CLOSE_WAIT
#   TIME_WAIT   the client closes first, then the server
#   ESTABLISHED, LISTEN      the obvious way
import ctypes
import errno
import json
import socket
import struct
import sys
import time

SO_ATTACH_FILTER = 26
HOST = '127.0.0.1'

spec = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
N = {k: int(spec.get(k, d)) for k, d in {
    'established': 3, 'synSent': 2, 'synRecv': 4, 'closing': 2, 'halfClosed': 5,
    'lastAck': 3, 'orphanFinWait2': 1, 'timeWait': 7}.items()}

held = []  # sockets and filter buffers kept alive until exit


def insn(code, jt, jf, k):
    return struct.pack('HBBI', code, jt, jf, k)


DROP_ALL = [insn(0x06, 0, 0, 0)]  # ret #0
SYN_ONLY = [
    insn(0x30, 0, 0, 13),          # ldb [13]          (TCP flags: data starts at the TCP header)
    insn(0x45, 0, 1, 0x02),        # jset #SYN, accept, drop
    insn(0x06, 0, 0, 0xFFFFFFFF),  # accept: ret #-1
    insn(0x06, 0, 0, 0),           # drop: ret #0
]


def attach(sock, prog):
    buf = ctypes.create_string_buffer(b''.join(prog))
    held.append(buf)
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack('HL', len(prog), ctypes.addressof(buf)))


def listener(prog=None, backlog=64):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, 0))
    if prog:
        attach(s, prog)
    s.listen(backlog)
    held.append(s)
    return s


def pair(lst):
    c = socket.create_connection(lst.getsockname())
    s, _ = lst.accept()
    held.extend([c, s])
    return c, s


def connect_nowait(lst):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setblocking(False)
    rc = c.connect_ex(lst.getsockname())
    if rc not in (0, errno.EINPROGRESS):
        raise OSError(rc, 'connect failed')
    held.append(c)
    return c


def settle():
    time.sleep(0.05)


def main():
    made = {s: 0 for s in ('ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
                           'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING')}
    lst = listener()
    made['LISTEN'] += 1

    for _ in range(N['established']):
        pair(lst)
        made['ESTABLISHED'] += 2

    for _ in range(N['halfClosed']):
        c, s = pair(lst)
        c.shutdown(socket.SHUT_WR)
        made['FIN_WAIT2'] += 1
        made['CLOSE_WAIT'] += 1

    for _ in range(N['timeWait']):
        c, s = pair(lst)
        c.close()
        settle()
        s.close()
        made['TIME_WAIT'] += 1

    for _ in range(N['orphanFinWait2']):
        c, s = pair(lst)
        c.close()  # orphan: FIN_WAIT1 → FIN_WAIT2 held as a timewait object (tcp_fin_timeout)
        made['FIN_WAIT2'] += 1
        made['CLOSE_WAIT'] += 1

    for _ in range(N['lastAck']):
        c, s = pair(lst)
        c.shutdown(socket.SHUT_WR)
        settle()
        attach(c, DROP_ALL)
        s.shutdown(socket.SHUT_WR)
        made['FIN_WAIT2'] += 1
        made['LAST_ACK'] += 1

    for _ in range(N['closing']):
        x, y = pair(lst)
        attach(x, DROP_ALL)
        y.shutdown(socket.SHUT_WR)
        settle()
        x.shutdown(socket.SHUT_WR)
        made['FIN_WAIT1'] += 1
        made['CLOSING'] += 1

    if N['synSent']:
        black = listener(DROP_ALL)
        made['LISTEN'] += 1
        for _ in range(N['synSent']):
            connect_nowait(black)
            made['SYN_SENT'] += 1

    if N['synRecv']:
        half = listener(SYN_ONLY)
        made['LISTEN'] += 1
        for _ in range(N['synRecv']):
            connect_nowait(half)
            made['SYN_RECV'] += 1
            made['ESTABLISHED'] += 1  # the client got the SYN-ACK

    time.sleep(0.3)  # let the last segments land
    sys.stdout.write('READY ' + json.dumps({'made': made}) + '\n')
    sys.stdout.flush()
    sys.stdin.read()  # hold everything until stdin closes


main()
