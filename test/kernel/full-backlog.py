#!/usr/bin/env python3
# A listener whose accept queue is full, for the probe's ETIMEDOUT test: it listens with backlog 0 on
# 127.0.0.1:PORT, never accepts, and fills its one-entry queue with a connection of its own. From then
# on the kernel drops every SYN to it (tcp_conn_request: a full accept queue drops the SYN and counts
# ListenOverflows, whatever tcp_syncookies says), so a client's connect() is never answered. Run it
# only inside a throwaway network namespace; prints READY, holds everything until stdin closes.
import socket
import sys

port = int(sys.argv[1])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(0)
filler = socket.create_connection(("127.0.0.1", port))
print("READY", flush=True)
sys.stdin.read()
