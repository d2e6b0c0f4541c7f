// waitline_sockdiag: dumps the kernel's TCP sockets through netlink sock_diag (docs/kernel.md,
// "Reading sockets through sock_diag"), the way `ss` reads them, and hands JavaScript one packed,
// columnar ArrayBuffer.
//
// Why an addon: the dump itself is a few syscalls, but decoding 100,000 netlink records one by one
// in JavaScript (or parsing /proc/net/tcp text) costs more than the kernel's work. Here the records
// are scattered straight into columns and addresses are interned, so JavaScript only wraps typed
// array views around the buffer and formats each distinct address once.
//
// What a read costs is mostly the kernel's walk of its connection hash (docs/performance.md): every
// bucket of the host-wide established table is visited, whatever the namespace and whatever the
// number of sockets. So a read of both families is ONE walk: the inet_diag request of the original
// interface (TCPDIAG_GETSOCK, struct inet_diag_req) dumps with no family filter, IPv4 and IPv6
// sockets together, where the per-family SOCK_DIAG_BY_FAMILY request (what `ss` sends, once per
// family) walks the table twice. A kernel that refuses that request gets the two per-family dumps.
// The work buffers (rows, address table, receive buffer) are kept between calls in a small pool, so
// a steady table is read without allocating or faulting in fresh memory each time.
//
// tcp_info for a few states only (CLOSE_WAIT, for "how long ago did the peer close"): after the main
// dump, each such socket is looked up on its own by its 4-tuple and cookie (one non-dump request
// each, batched; a hash lookup in the kernel, no walk), asking for INET_DIAG_INFO. Beyond
// INFO_LOOKUP_MAX such sockets, one dump filtered in the kernel to those states replaces the lookups.
// So 100,000 TIME_WAIT entries and no CLOSE_WAIT cost nothing more, and 50 CLOSE_WAIT sockets cost 50
// lookups. The entries are kept apart (inode, cookie and the start of struct tcp_info, undecoded:
// JavaScript reads the fields it needs — docs/kernel.md, "CLOSE_WAIT age").
//
// N-API only (no V8/Node internals), so the same binary loads in Node and in Electron.
//
// Layout of the returned ArrayBuffer (little-endian host order; see electron/collector/sources/
// sockdiag-layout.ts, which must agree):
//   header, 16 × u32:
//     [0] magic 'WLSD'  [1] layout version  [2] rows  [3] distinct addresses
//     [4] malformed records skipped  [5] rows with a state code outside 1..13
//     [6] flags (bit 0: the kernel flagged the dump as interrupted — NLM_F_DUMP_INTR)
//     [7] IPv4 rows (they come first)
//     [8] tcp_info entries  [9] tcp_info flags (bit 0: the tcp_info read ran, bit 1: it failed, bit 2:
//         it was done by lookups, not by a filtered dump)
//     [10] bytes of the tcp_info read's error text (at the very end)
//     [11] reserved (0)
//     [12] bytes of the buffer this result uses (the rest is spare room: see dump()'s `reuse`)
//     [13..15] reserved
//   columns, each starting on an 8-byte boundary, n = rows:
//     cookie u64[n] · inode f64[n] · txQueue, rxQueue, timerLeftMs, retransmits, uid,
//     localAddrIndex, remoteAddrIndex u32[n] · localPort, remotePort u16[n] ·
//     family, state, timer u8[n]
//   address table, 20 bytes per distinct address: u8 family (4|6), 3 pad, 16 bytes network order
//     (IPv4: first 4 bytes).
//   tcp_info entries, from an 8-byte boundary, 80 bytes each: u64 cookie, u32 inode, u32 length of
//     the kernel's INET_DIAG_INFO payload, then its first 64 bytes (zero-filled when shorter).
//   the tcp_info read's error text (ASCII, no terminator), header[10] bytes.
//
// connInfo(requests) — per-connection details (docs/conn-info.md): for a handful of exact 4-tuples (a
// page of the connection view, at most CI_MAX_REQUESTS), one non-dump SOCK_DIAG_BY_FAMILY request
// each (NLM_F_REQUEST without NLM_F_DUMP: the kernel looks the one socket up in its hash,
// inet_diag_find_one_icsk, and answers it or ENOENT), sent in batches of CI_BATCH messages per
// sendto. Its cost depends on the number of tuples, never on the size of the table. Returned
// ArrayBuffer (little-endian host order; electron/collector/sources/conn-info-layout.ts must agree):
//   header, 4 × u32: [0] magic 'WLCI'  [1] layout version  [2] entries  [3] reserved
//   entries, one per request in request order, CI_ENTRY_BYTES each:
//     0 u64 cookie (the kernel's) · 8 i32 status: 0 found, else the errno (ENOENT: no such socket —
//     also when the kernel's lookup fell back to a listener on the local port; ESTALE: the tuple
//     belongs to another socket than the cookie asked for) · 12 u32 inode · 16 u32 uid · 20 u32
//     rqueue · 24 u32 wqueue · 28 u8 state · 29 u8 timer · 30 u8 flags (bit 0: INET_DIAG_INFO came,
//     bit 1: INET_DIAG_CONG came) · 31 pad · 32 u32 length of the kernel's INET_DIAG_INFO payload
//     (struct tcp_info: it grows with the kernel) · 36 u32 timer expires (ms) · 40 the congestion
//     control name (NUL-padded, 16 bytes) · 56 the first CI_INFO_MAX_BYTES of struct tcp_info,
//     zero-filled past the kernel's length.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include <node_api.h>

#define WLSD_MAGIC 0x44534c57u /* "WLSD" read as a little-endian u32 */
#define WLSD_VERSION 3u
#define HEADER_WORDS 16
#define ADDR_ENTRY_BYTES 20
#define RECV_BUFFER_BYTES (256 * 1024)
#define SOCKET_RCVBUF_BYTES (4 * 1024 * 1024)
#define TCP_LISTEN_STATE 10
#define INFO_PREFIX_BYTES 64
#define INFO_ENTRY_BYTES (16 + INFO_PREFIX_BYTES)
/* sockets in the infoStates looked up one by one; beyond this many, one filtered dump instead (a
 * lookup costs about a microsecond in the kernel, a walk of the hash a few milliseconds) */
#define INFO_LOOKUP_MAX 2048
/* work buffers kept between calls, per kind (main dump, tcp_info read, countStates): a few, for
 * reads running at once on different threads */
#define POOL_MAX 2
/* a kept buffer is given back when it is over four times what the last read needed and the difference
 * is more than this many entries */
#define SHRINK_SLACK_ROWS 65536

typedef struct {
  uint64_t cookie;
  uint32_t tx, rx, expires, retrans, uid, inode, laddr, raddr;
  uint32_t ifindex; /* the device the socket is bound to (0: none): an exact lookup must name it */
  uint16_t lport, rport;
  uint8_t family, state, timer;
} row_t;

typedef struct {
  uint8_t family;
  uint8_t bytes[16];
} addr_t;

typedef struct {
  uint64_t cookie;
  uint32_t inode, len;
  uint8_t info[INFO_PREFIX_BYTES];
} info_t;

typedef struct {
  uint8_t ext; /* idiag_ext of the request; non-zero: records go to `infos`, not `rows` */
  uint8_t count_only; /* countStates(): records are only counted per state, nothing is kept */
  uint32_t counts[16];
  info_t *infos;
  size_t ninfos, capinfos;
  row_t *rows;
  size_t nrows, caprows;
  addr_t *addrs;
  size_t naddrs, capaddrs;
  uint32_t *slots; /* open addressing: address index + 1, 0 = empty */
  size_t nslots;
  int64_t last_local, last_remote; /* the previous row's address indices (-1: none): most rows repeat them */
  uint8_t *buf; /* RECV_BUFFER_BYTES */
  uint32_t skipped, unknown_states, flags, v4_rows;
  char error[256];
} dump_t;

static void set_error(dump_t *d, const char *what, int err) {
  snprintf(d->error, sizeof d->error, "%s: %s (errno %d)", what, strerror(err), err);
}

static void free_dump(dump_t *d) {
  free(d->infos);
  free(d->rows);
  free(d->addrs);
  free(d->slots);
  free(d->buf);
  memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------ work buffer pool */

enum { WS_MAIN, WS_INFO, WS_COUNT, WS_KINDS };
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static dump_t *pool[WS_KINDS][POOL_MAX];
static int npool[WS_KINDS];

static int ws_kind(uint8_t ext, uint8_t count_only) { return count_only ? WS_COUNT : ext ? WS_INFO : WS_MAIN; }

/* A work area with no rows, its buffers kept from an earlier call of the same kind when there is one
 * (a main dump's buffers never go to a tcp_info read, whose few entries would make them look
 * oversized); NULL when out of memory. */
static dump_t *ws_get(uint8_t ext, uint8_t count_only) {
  dump_t *d = NULL;
  int kind = ws_kind(ext, count_only);
  pthread_mutex_lock(&pool_lock);
  if (npool[kind] > 0) d = pool[kind][--npool[kind]];
  pthread_mutex_unlock(&pool_lock);
  if (!d && !(d = calloc(1, sizeof *d))) return NULL;
  if (d->naddrs && d->slots) memset(d->slots, 0, d->nslots * sizeof *d->slots);
  d->ext = ext;
  d->count_only = count_only;
  memset(d->counts, 0, sizeof d->counts);
  d->ninfos = d->nrows = d->naddrs = 0;
  d->last_local = d->last_remote = -1;
  d->skipped = d->unknown_states = d->flags = d->v4_rows = 0;
  d->error[0] = 0;
  if (!d->buf && !(d->buf = malloc(RECV_BUFFER_BYTES))) {
    free(d);
    return NULL;
  }
  return d;
}

static int oversized(size_t cap, size_t used) { return cap > 4 * used && cap - used > SHRINK_SLACK_ROWS; }

/* Hands a work area back to its kind's pool; a buffer far larger than this read needed is freed. */
static void ws_put(dump_t *d) {
  if (!d) return;
  if (oversized(d->caprows, d->nrows)) {
    free(d->rows);
    d->rows = NULL;
    d->caprows = 0;
  }
  if (oversized(d->capaddrs, d->naddrs)) {
    free(d->addrs);
    free(d->slots);
    d->addrs = NULL;
    d->slots = NULL;
    d->capaddrs = d->nslots = d->naddrs = 0;
  }
  if (oversized(d->capinfos, d->ninfos)) {
    free(d->infos);
    d->infos = NULL;
    d->capinfos = 0;
  }
  int kind = ws_kind(d->ext, d->count_only);
  pthread_mutex_lock(&pool_lock);
  int kept = npool[kind] < POOL_MAX;
  if (kept) pool[kind][npool[kind]++] = d;
  pthread_mutex_unlock(&pool_lock);
  if (!kept) {
    free_dump(d);
    free(d);
  }
}

/* ------------------------------------------------------------------ the dump */

static uint32_t hash_addr(uint8_t family, const uint8_t *b) {
  uint32_t w[4];
  memcpy(w, b, 16);
  uint32_t h = (w[0] * 0x9e3779b1u) ^ (w[1] * 0x85ebca77u) ^ (w[2] * 0xc2b2ae3du) ^ (w[3] * 0x27d4eb2fu) ^ family;
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  return h ^ (h >> 13);
}

static int grow_slots(dump_t *d) {
  size_t n = d->nslots ? d->nslots * 2 : 1024;
  uint32_t *s = calloc(n, sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < d->naddrs; i++) {
    size_t j = hash_addr(d->addrs[i].family, d->addrs[i].bytes) & (n - 1);
    while (s[j]) j = (j + 1) & (n - 1);
    s[j] = (uint32_t)i + 1;
  }
  free(d->slots);
  d->slots = s;
  d->nslots = n;
  return 0;
}

/* Index of the address in the table, adding it if new; -1 when out of memory. `last`: the index this
 * column had in the previous row, checked first. */
static int64_t intern(dump_t *d, uint8_t family, const uint32_t *words, int64_t last) {
  uint8_t b[16] = {0};
  memcpy(b, words, family == 4 ? 4 : 16);
  if (last >= 0 && d->addrs[last].family == family && memcmp(d->addrs[last].bytes, b, 16) == 0) return last;
  if ((d->naddrs + 1) * 2 > d->nslots && grow_slots(d) != 0) return -1;
  size_t j = hash_addr(family, b) & (d->nslots - 1);
  while (d->slots[j]) {
    addr_t *a = &d->addrs[d->slots[j] - 1];
    if (a->family == family && memcmp(a->bytes, b, 16) == 0) return d->slots[j] - 1;
    j = (j + 1) & (d->nslots - 1);
  }
  if (d->naddrs == d->capaddrs) {
    size_t n = d->capaddrs ? d->capaddrs * 2 : 256;
    addr_t *na = realloc(d->addrs, n * sizeof *na);
    if (!na) return -1;
    d->addrs = na;
    d->capaddrs = n;
  }
  d->addrs[d->naddrs].family = family;
  memcpy(d->addrs[d->naddrs].bytes, b, 16);
  d->slots[j] = (uint32_t)d->naddrs + 1;
  return (int64_t)d->naddrs++;
}

static int push_info(dump_t *d, uint64_t cookie, uint32_t inode, uint32_t len, const void *data) {
  if (d->ninfos == d->capinfos) {
    size_t n = d->capinfos ? d->capinfos * 2 : 256;
    info_t *ni = realloc(d->infos, n * sizeof *ni);
    if (!ni) return -1;
    d->infos = ni;
    d->capinfos = n;
  }
  info_t *w = &d->infos[d->ninfos++];
  memset(w, 0, sizeof *w);
  w->cookie = cookie;
  w->inode = inode;
  w->len = len;
  memcpy(w->info, data, len < INFO_PREFIX_BYTES ? len : INFO_PREFIX_BYTES);
  return 0;
}

/* Keeps the INET_DIAG_INFO attribute (struct tcp_info) of one record; a record without it (the
 * kernel omits it for timewait and request sockets) is skipped. Returns 0, or -1 when out of memory. */
static int add_info(dump_t *d, const struct nlmsghdr *h, const struct inet_diag_msg *m) {
  int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *m);
  for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if ((a->rta_type & NLA_TYPE_MASK) != INET_DIAG_INFO) continue;
    uint64_t cookie = (uint64_t)m->id.idiag_cookie[0] | ((uint64_t)m->id.idiag_cookie[1] << 32);
    return push_info(d, cookie, m->idiag_inode, RTA_PAYLOAD(a), RTA_DATA(a));
  }
  return 0;
}

static int add_row(dump_t *d, const struct inet_diag_msg *m) {
  if (d->nrows == d->caprows) {
    size_t n = d->caprows ? d->caprows * 2 : 4096;
    row_t *nr = realloc(d->rows, n * sizeof *nr);
    if (!nr) return -1;
    d->rows = nr;
    d->caprows = n;
  }
  uint8_t family = m->idiag_family == AF_INET ? 4 : 6;
  int64_t l = intern(d, family, m->id.idiag_src, d->last_local);
  int64_t r = intern(d, family, m->id.idiag_dst, d->last_remote);
  if (l < 0 || r < 0) return -1;
  d->last_local = l;
  d->last_remote = r;
  row_t *w = &d->rows[d->nrows++];
  if (family == 4) d->v4_rows++;
  w->family = family;
  w->state = m->idiag_state;
  if (w->state < 1 || w->state > 13) {
    w->state = 0;
    d->unknown_states++;
  }
  w->timer = m->idiag_timer;
  w->expires = m->idiag_timer ? m->idiag_expires : 0;
  /* idiag_retrans is icsk_retransmits only under the retransmit timer (for keepalive/probe timers it
   * carries probes_out); /proc's retrnsmt column is icsk_retransmits, so keep the two comparable. */
  w->retrans = m->idiag_timer == 1 ? m->idiag_retrans : 0;
  w->rx = m->idiag_rqueue;
  /* for LISTEN sock_diag puts the backlog limit in wqueue; /proc shows 0 there */
  w->tx = m->idiag_state == TCP_LISTEN_STATE ? 0 : m->idiag_wqueue;
  w->uid = m->idiag_uid;
  w->inode = m->idiag_inode;
  w->ifindex = m->id.idiag_if;
  w->lport = ntohs(m->id.idiag_sport);
  w->rport = ntohs(m->id.idiag_dport);
  w->laddr = (uint32_t)l;
  w->raddr = (uint32_t)r;
  w->cookie = (uint64_t)m->id.idiag_cookie[0] | ((uint64_t)m->id.idiag_cookie[1] << 32);
  return 0;
}

/* returned by dump_family when the kernel refused the family-less request before answering anything */
#define DUMP_ALL_REFUSED (-2)

/* One dump of TCP sockets whose state bit is in `states`: of one family (AF_INET, AF_INET6) through
 * SOCK_DIAG_BY_FAMILY, or of both (AF_UNSPEC) through TCPDIAG_GETSOCK, which the kernel serves with
 * no family filter in one walk of its hash. Returns 0, DUMP_ALL_REFUSED, or -1 with d->error set. */
static int dump_family(dump_t *d, int fd, uint8_t family, uint32_t states, uint32_t seq) {
  union {
    struct {
      struct nlmsghdr nlh;
      struct inet_diag_req_v2 r;
    } v2;
    struct {
      struct nlmsghdr nlh;
      struct inet_diag_req r;
    } all;
  } req;
  memset(&req, 0, sizeof req);
  size_t reqlen;
  if (family == AF_UNSPEC) {
    reqlen = sizeof req.all;
    req.all.nlh.nlmsg_len = sizeof req.all;
    req.all.nlh.nlmsg_type = TCPDIAG_GETSOCK;
    req.all.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.all.nlh.nlmsg_seq = seq;
    req.all.r.idiag_family = AF_INET; /* not a filter: this request's dump takes every family */
    req.all.r.idiag_ext = d->ext;
    req.all.r.idiag_states = states;
    req.all.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    req.all.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  } else {
    reqlen = sizeof req.v2;
    req.v2.nlh.nlmsg_len = sizeof req.v2;
    req.v2.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.v2.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.v2.nlh.nlmsg_seq = seq;
    req.v2.r.sdiag_family = family;
    req.v2.r.sdiag_protocol = IPPROTO_TCP;
    req.v2.r.idiag_ext = d->ext; /* main dump: 0, everything needed is in inet_diag_msg */
    req.v2.r.idiag_states = states;
    req.v2.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    req.v2.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  }

  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  ssize_t sent;
  do sent = sendto(fd, &req, reqlen, 0, (struct sockaddr *)&kernel, sizeof kernel);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    set_error(d, "sending the sock_diag dump request", errno);
    return -1;
  }

  uint8_t *buf = d->buf;
  size_t records = 0;
  for (;;) {
    struct iovec iov = {.iov_base = buf, .iov_len = RECV_BUFFER_BYTES};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      set_error(d, "receiving the sock_diag dump", errno);
      return -1;
    }
    if (msg.msg_flags & MSG_TRUNC) {
      snprintf(d->error, sizeof d->error, "receiving the sock_diag dump: a message was truncated");
      return -1;
    }
    if (n == 0) {
      snprintf(d->error, sizeof d->error, "receiving the sock_diag dump: the kernel closed the socket");
      return -1;
    }
    size_t len = (size_t)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq) continue;
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) d->flags |= 1u;
      if (h->nlmsg_type == NLMSG_DONE) {
        if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
          int err = *(int *)NLMSG_DATA(h);
          if (err < 0) {
            set_error(d, "the sock_diag dump ended with an error", -err);
            return -1;
          }
        }
        return 0;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e)) {
          snprintf(d->error, sizeof d->error, "sock_diag: a truncated error message");
          return -1;
        }
        if (e->error == 0) continue; /* an ACK */
        if (family == AF_UNSPEC && records == 0) return DUMP_ALL_REFUSED;
        /* No handler for this family (IPv6 compiled out or not loaded): it has no sockets. */
        if (family == AF_INET6 && e->error == -ENOENT) return 0;
        set_error(d, family == AF_INET ? "sock_diag refused the IPv4 TCP dump"
                     : family == AF_INET6 ? "sock_diag refused the IPv6 TCP dump"
                                          : "sock_diag refused the TCP dump",
                  -e->error);
        return -1;
      }
      if (h->nlmsg_type != (family == AF_UNSPEC ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY) ||
          h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
        d->skipped++;
        continue;
      }
      records++;
      const struct inet_diag_msg *m = NLMSG_DATA(h);
      if (d->count_only) {
        d->counts[m->idiag_state & 15u]++;
        continue;
      }
      if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6) {
        d->skipped++;
        continue;
      }
      if (d->ext ? add_info(d, h, m) != 0 : add_row(d, m) != 0) {
        snprintf(d->error, sizeof d->error, "out of memory while collecting %zu sockets", d->nrows);
        return -1;
      }
    }
  }
}

/* A NETLINK_SOCK_DIAG socket with a receive buffer of `rcvbuf` bytes (best effort) and a receive
 * timeout of `timeout_s` seconds (never hang the caller); -1 with errno set when it cannot be opened. */
static int open_diag_socket(int rcvbuf, int timeout_s) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct timeval tv = {.tv_sec = timeout_s, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/* Runs the dump of `families` (bit 0 IPv4, bit 1 IPv6) on a new netlink socket: both families in one
 * walk when the kernel takes the family-less request, else one dump per family. Returns 0, or -1 with
 * d->error set. */
static int run_dump(dump_t *d, uint32_t states, uint32_t families) {
  families &= 3u;
  if (!families) return 0;
  int fd = open_diag_socket(SOCKET_RCVBUF_BYTES, 10);
  if (fd < 0) {
    set_error(d, "opening a NETLINK_SOCK_DIAG socket", errno);
    return -1;
  }
  int rc = families == 3u ? dump_family(d, fd, AF_UNSPEC, states, 3) : DUMP_ALL_REFUSED;
  if (rc == DUMP_ALL_REFUSED) {
    rc = (families & 1u) ? dump_family(d, fd, AF_INET, states, 1) : 0;
    if (rc == 0 && (families & 2u)) rc = dump_family(d, fd, AF_INET6, states, 2);
  }
  close(fd);
  return rc;
}

static size_t align8(size_t x) { return (x + 7) & ~(size_t)7; }

/* Bytes the packed result needs (layout above): `d` the main dump, `ninfos` tcp_info entries. */
static size_t packed_size(const dump_t *d, size_t ninfos, size_t errlen) {
  size_t n = d->nrows, off = HEADER_WORDS * 4;
  off = align8(off + 8 * n);     /* cookie */
  off = align8(off + 8 * n);     /* inode */
  off = align8(off + 4 * n * 7); /* tx rx expires retrans uid laddr raddr */
  off = align8(off + 2 * n * 2); /* lport rport */
  off = align8(off + n * 3);     /* family state timer */
  off = align8(off + d->naddrs * ADDR_ENTRY_BYTES);
  return off + ninfos * INFO_ENTRY_BYTES + errlen;
}

/* Packs the rows into `out` (packed_size bytes), IPv4 rows first (a family-less dump interleaves them). */
static void pack(const dump_t *d, const info_t *infos, size_t ninfos, uint32_t info_flags, const char *err,
                 size_t errlen, uint8_t *out) {
  size_t n = d->nrows;
  uint32_t *hdr = (uint32_t *)out;
  memset(hdr, 0, HEADER_WORDS * 4);
  hdr[0] = WLSD_MAGIC;
  hdr[1] = WLSD_VERSION;
  hdr[2] = (uint32_t)n;
  hdr[3] = (uint32_t)d->naddrs;
  hdr[4] = d->skipped;
  hdr[5] = d->unknown_states;
  hdr[6] = d->flags;
  hdr[7] = d->v4_rows;
  hdr[8] = (uint32_t)ninfos;
  hdr[9] = info_flags;
  hdr[10] = (uint32_t)errlen;
  size_t off = HEADER_WORDS * 4;
  uint64_t *cookie = (uint64_t *)(out + off);
  off = align8(off + 8 * n);
  double *inode = (double *)(out + off);
  off = align8(off + 8 * n);
  uint32_t *u32 = (uint32_t *)(out + off);
  uint32_t *tx = u32, *rx = u32 + n, *exp = u32 + 2 * n, *ret = u32 + 3 * n, *uid = u32 + 4 * n,
           *la = u32 + 5 * n, *ra = u32 + 6 * n;
  off = align8(off + 4 * n * 7);
  uint16_t *lp = (uint16_t *)(out + off), *rp = lp + n;
  off = align8(off + 2 * n * 2);
  uint8_t *fam = out + off, *st = fam + n, *tm = fam + 2 * n;
  off = align8(off + n * 3);
  size_t next4 = 0, next6 = d->v4_rows;
  for (size_t k = 0; k < n; k++) {
    const row_t *r = &d->rows[k];
    size_t i = r->family == 4 ? next4++ : next6++;
    cookie[i] = r->cookie;
    inode[i] = (double)r->inode;
    tx[i] = r->tx;
    rx[i] = r->rx;
    exp[i] = r->expires;
    ret[i] = r->retrans;
    uid[i] = r->uid;
    la[i] = r->laddr;
    ra[i] = r->raddr;
    lp[i] = r->lport;
    rp[i] = r->rport;
    fam[i] = r->family;
    st[i] = r->state;
    tm[i] = r->timer;
  }
  uint8_t *at = out + off;
  memset(at, 0, d->naddrs * ADDR_ENTRY_BYTES);
  for (size_t i = 0; i < d->naddrs; i++) {
    at[i * ADDR_ENTRY_BYTES] = d->addrs[i].family;
    memcpy(at + i * ADDR_ENTRY_BYTES + 4, d->addrs[i].bytes, 16);
  }
  uint8_t *it = out + align8(off + d->naddrs * ADDR_ENTRY_BYTES);
  for (size_t i = 0; i < ninfos; i++, it += INFO_ENTRY_BYTES) {
    const info_t *e = &infos[i];
    memcpy(it, &e->cookie, 8);
    memcpy(it + 8, &e->inode, 4);
    memcpy(it + 12, &e->len, 4);
    memcpy(it + 16, e->info, INFO_PREFIX_BYTES);
  }
  if (errlen) memcpy(it, err, errlen);
}

static napi_value throw_error(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

/* ------------------------------------------------------------------ connInfo */

#define WLCI_MAGIC 0x49434c57u /* "WLCI" read as a little-endian u32 */
#define WLCI_VERSION 1u
#define CI_HEADER_BYTES 16
#define CI_MAX_REQUESTS 200
/* requests per sendto: all their answers are queued before sendto returns (netlink runs the kernel
 * side in the sender's context); 32 answers of a few KB of truesize each stay well inside the default
 * 208 KB receive buffer, so nothing is dropped even where SO_RCVBUF cannot be raised */
#define CI_BATCH 32
#define CI_INFO_MAX_BYTES 320
#define CI_CONG_BYTES 16
#define CI_ENTRY_BYTES (56 + CI_INFO_MAX_BYTES)
#define CI_RECV_BYTES (64 * 1024)
/* the lookup socket's receive buffer (best effort: the default 208 KB is enough for a batch) */
#define CI_RCVBUF_BYTES (1024 * 1024)

typedef struct {
  uint8_t family; /* AF_INET or AF_INET6 */
  uint8_t has_cookie;
  uint16_t sport, dport; /* host order */
  uint32_t src[4], dst[4];
  uint32_t ifindex; /* the bound device, 0 for none (the kernel's lookup matches a bound socket only with it) */
  uint64_t cookie;
} ci_req_t;

typedef struct {
  uint8_t *entries; /* CI_ENTRY_BYTES each */
  uint8_t *answered;
  char error[256];
} ci_out_t;

/* Both addresses as 16 bytes, IPv4 v4-mapped, so an IPv4 answer to a v4-mapped IPv6 request compares. */
static void ci_norm(uint8_t family, const uint32_t *words, uint8_t out[16]) {
  if (family == AF_INET) {
    memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    memcpy(out + 12, words, 4);
  } else {
    memcpy(out, words, 16);
  }
}

/* Did the kernel answer with the socket asked for? Its lookup falls back to a listener bound to the
 * local port when no connection has the tuple (inet_lookup); that listener is not the connection. */
static int ci_same_tuple(const ci_req_t *q, const struct inet_diag_msg *m) {
  if (ntohs(m->id.idiag_sport) != q->sport || ntohs(m->id.idiag_dport) != q->dport) return 0;
  uint8_t a[16], b[16];
  ci_norm(q->family, q->src, a);
  ci_norm(m->idiag_family, m->id.idiag_src, b);
  if (memcmp(a, b, 16) != 0) return 0;
  ci_norm(q->family, q->dst, a);
  ci_norm(m->idiag_family, m->id.idiag_dst, b);
  return memcmp(a, b, 16) == 0;
}

static void ci_fill(uint8_t *e, const ci_req_t *q, const struct nlmsghdr *h, const struct inet_diag_msg *m) {
  memset(e, 0, CI_ENTRY_BYTES);
  if (!ci_same_tuple(q, m)) {
    int32_t status = ENOENT;
    memcpy(e + 8, &status, 4);
    return;
  }
  uint64_t cookie = (uint64_t)m->id.idiag_cookie[0] | ((uint64_t)m->id.idiag_cookie[1] << 32);
  uint32_t u[4] = {m->idiag_inode, m->idiag_uid, m->idiag_rqueue, m->idiag_wqueue};
  memcpy(e, &cookie, 8);
  memcpy(e + 12, u, sizeof u);
  e[28] = m->idiag_state;
  e[29] = m->idiag_timer;
  uint32_t expires = m->idiag_timer ? m->idiag_expires : 0;
  memcpy(e + 36, &expires, 4);
  uint8_t flags = 0;
  int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *m);
  for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    int type = a->rta_type & NLA_TYPE_MASK;
    size_t plen = RTA_PAYLOAD(a);
    if (type == INET_DIAG_INFO) {
      uint32_t l = (uint32_t)plen;
      memcpy(e + 32, &l, 4);
      memcpy(e + 56, RTA_DATA(a), plen < CI_INFO_MAX_BYTES ? plen : CI_INFO_MAX_BYTES);
      flags |= 1u;
    } else if (type == INET_DIAG_CONG) {
      size_t n = strnlen(RTA_DATA(a), plen < CI_CONG_BYTES - 1 ? plen : CI_CONG_BYTES - 1);
      memcpy(e + 40, RTA_DATA(a), n);
      flags |= 2u;
    }
  }
  e[30] = flags;
}

/* One batch: requests [first, first + count) in one sendto, then their answers (one each: the
 * socket, or an NLMSG_ERROR). Returns 0, or -1 with o->error set. */
static int ci_batch(int fd, const ci_req_t *reqs, size_t first, size_t count, ci_out_t *o, uint8_t *buf) {
  typedef struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 r;
  } msg_t;
  msg_t msgs[CI_BATCH];
  memset(msgs, 0, sizeof msgs);
  for (size_t i = 0; i < count; i++) {
    const ci_req_t *q = &reqs[first + i];
    msg_t *m = &msgs[i];
    m->nlh.nlmsg_len = sizeof *m;
    m->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    m->nlh.nlmsg_flags = NLM_F_REQUEST; /* no NLM_F_DUMP: an exact lookup */
    m->nlh.nlmsg_seq = (uint32_t)(first + i + 1);
    m->r.sdiag_family = q->family;
    m->r.sdiag_protocol = IPPROTO_TCP;
    m->r.idiag_ext = (1u << (INET_DIAG_INFO - 1)) | (1u << (INET_DIAG_CONG - 1));
    m->r.idiag_states = ~0u; /* not consulted by an exact lookup */
    m->r.id.idiag_sport = htons(q->sport);
    m->r.id.idiag_dport = htons(q->dport);
    memcpy(m->r.id.idiag_src, q->src, 16);
    memcpy(m->r.id.idiag_dst, q->dst, 16);
    m->r.id.idiag_if = q->ifindex;
    m->r.id.idiag_cookie[0] = q->has_cookie ? (uint32_t)q->cookie : INET_DIAG_NOCOOKIE;
    m->r.id.idiag_cookie[1] = q->has_cookie ? (uint32_t)(q->cookie >> 32) : INET_DIAG_NOCOOKIE;
  }
  _Static_assert(sizeof(msg_t) % NLMSG_ALIGNTO == 0, "netlink messages must be packed back to back");

  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  ssize_t sent;
  do sent = sendto(fd, msgs, count * sizeof(msg_t), 0, (struct sockaddr *)&kernel, sizeof kernel);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    snprintf(o->error, sizeof o->error, "sending the sock_diag lookups: %s (errno %d)", strerror(errno), errno);
    return -1;
  }

  size_t pending = count;
  while (pending > 0) {
    struct iovec iov = {.iov_base = buf, .iov_len = CI_RECV_BYTES};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      snprintf(o->error, sizeof o->error, "receiving the sock_diag lookups (%zu of %zu unanswered): %s (errno %d)",
               pending, count, strerror(errno), errno);
      return -1;
    }
    if (n == 0 || (msg.msg_flags & MSG_TRUNC)) {
      snprintf(o->error, sizeof o->error, "receiving the sock_diag lookups: %s",
               n == 0 ? "the kernel closed the socket" : "a message was truncated");
      return -1;
    }
    size_t len = (size_t)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq < first + 1 || h->nlmsg_seq > first + count) continue;
      size_t k = h->nlmsg_seq - 1;
      if (o->answered[k]) continue;
      uint8_t *e = o->entries + k * CI_ENTRY_BYTES;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *err = NLMSG_DATA(h);
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof *err)) continue;
        if (err->error == 0) continue; /* an ACK (not asked for) */
        memset(e, 0, CI_ENTRY_BYTES);
        int32_t status = -err->error;
        memcpy(e + 8, &status, 4);
      } else if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
        ci_fill(e, &reqs[k], h, NLMSG_DATA(h));
      } else {
        continue;
      }
      o->answered[k] = 1;
      pending--;
    }
  }
  return 0;
}

static int ci_get_u32(napi_env env, napi_value obj, const char *name, uint32_t *out) {
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok || t != napi_number)
    return -1;
  return napi_get_value_uint32(env, v, out) == napi_ok ? 0 : -1;
}

/* Reads request `i` ({family: 4|6, local, localPort, remote, remotePort, cookie?: bigint}); 0 or -1
 * with `why` set. */
static int ci_parse(napi_env env, napi_value obj, ci_req_t *q, char *why, size_t whylen) {
  uint32_t family = 0, lport = 0, rport = 0;
  if (ci_get_u32(env, obj, "family", &family) != 0 || (family != 4 && family != 6)) {
    snprintf(why, whylen, "family must be 4 or 6");
    return -1;
  }
  if (ci_get_u32(env, obj, "localPort", &lport) != 0 || lport > 65535 ||
      ci_get_u32(env, obj, "remotePort", &rport) != 0 || rport > 65535) {
    snprintf(why, whylen, "localPort and remotePort must be numbers 0..65535");
    return -1;
  }
  memset(q, 0, sizeof *q);
  q->family = family == 4 ? AF_INET : AF_INET6;
  q->sport = (uint16_t)lport;
  q->dport = (uint16_t)rport;
  const char *names[2] = {"local", "remote"};
  uint32_t *dest[2] = {q->src, q->dst};
  for (int k = 0; k < 2; k++) {
    napi_value v;
    napi_valuetype t;
    char text[64];
    size_t n = 0;
    if (napi_get_named_property(env, obj, names[k], &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok ||
        t != napi_string || napi_get_value_string_utf8(env, v, text, sizeof text, &n) != napi_ok || n >= sizeof text - 1 ||
        inet_pton(q->family, text, dest[k]) != 1) {
      snprintf(why, whylen, "%s must be an IPv%u address", names[k], family);
      return -1;
    }
  }
  napi_value c;
  napi_valuetype ct;
  if (napi_get_named_property(env, obj, "cookie", &c) == napi_ok && napi_typeof(env, c, &ct) == napi_ok &&
      ct != napi_undefined && ct != napi_null) {
    bool lossless = false;
    if (ct != napi_bigint || napi_get_value_bigint_uint64(env, c, &q->cookie, &lossless) != napi_ok || !lossless) {
      snprintf(why, whylen, "cookie must be an unsigned 64-bit bigint");
      return -1;
    }
    q->has_cookie = 1;
  }
  return 0;
}

/* connInfo(requests: {family, local, localPort, remote, remotePort, cookie?}[]) → ArrayBuffer
 *   (layout in the header comment). At most CI_MAX_REQUESTS requests (connInfoMax). */
static napi_value ConnInfo(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  bool is_array = false;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array)
    return throw_error(env, "ERR_WLSD_ARGS", "connInfo(requests) needs an array of 4-tuples");
  uint32_t count = 0;
  napi_get_array_length(env, argv[0], &count);
  if (count > CI_MAX_REQUESTS) {
    char msg[160];
    snprintf(msg, sizeof msg, "connInfo: %u tuples asked for, at most %d per call (one page)", count, CI_MAX_REQUESTS);
    return throw_error(env, "ERR_WLSD_TOO_MANY", msg);
  }
  ci_req_t reqs[CI_MAX_REQUESTS];
  for (uint32_t i = 0; i < count; i++) {
    napi_value obj;
    napi_valuetype t;
    char why[96], msg[160];
    if (napi_get_element(env, argv[0], i, &obj) != napi_ok || napi_typeof(env, obj, &t) != napi_ok || t != napi_object) {
      snprintf(msg, sizeof msg, "connInfo: request %u is not an object", i);
      return throw_error(env, "ERR_WLSD_ARGS", msg);
    }
    if (ci_parse(env, obj, &reqs[i], why, sizeof why) != 0) {
      snprintf(msg, sizeof msg, "connInfo: request %u: %s", i, why);
      return throw_error(env, "ERR_WLSD_ARGS", msg);
    }
  }

  size_t size = CI_HEADER_BYTES + (size_t)count * CI_ENTRY_BYTES;
  void *data = NULL;
  napi_value ab;
  if (napi_create_arraybuffer(env, size, &data, &ab) != napi_ok)
    return throw_error(env, "ERR_WLSD_MEMORY", "could not allocate the result buffer");
  uint8_t *out = data;
  memset(out, 0, size);
  uint32_t hdr[4] = {WLCI_MAGIC, WLCI_VERSION, count, 0};
  memcpy(out, hdr, sizeof hdr);
  if (count == 0) return ab;

  ci_out_t o;
  memset(&o, 0, sizeof o);
  o.entries = out + CI_HEADER_BYTES;
  uint8_t answered[CI_MAX_REQUESTS] = {0};
  o.answered = answered;
  int fd = open_diag_socket(CI_RCVBUF_BYTES, 5);
  if (fd < 0) {
    snprintf(o.error, sizeof o.error, "opening a NETLINK_SOCK_DIAG socket: %s (errno %d)", strerror(errno), errno);
    return throw_error(env, "ERR_WLSD_NETLINK", o.error);
  }
  uint8_t *buf = malloc(CI_RECV_BYTES);
  int rc = 0;
  if (!buf) {
    snprintf(o.error, sizeof o.error, "out of memory for the receive buffer");
    rc = -1;
  }
  for (size_t first = 0; rc == 0 && first < count; first += CI_BATCH) {
    size_t n = count - first < CI_BATCH ? count - first : CI_BATCH;
    rc = ci_batch(fd, reqs, first, n, &o, buf);
  }
  free(buf);
  close(fd);
  if (rc != 0) return throw_error(env, "ERR_WLSD_NETLINK", o.error);
  return ab;
}


/* ------------------------------------------------------------------ dump() and countStates() */

/* The tcp_info of the main dump's `count` sockets in `info_states` (of `families`), into `t` (a work
 * area asking for INET_DIAG_INFO): each looked up by its 4-tuple and cookie, in batches of CI_BATCH
 * requests per sendto, when there are at most INFO_LOOKUP_MAX of them; else one dump filtered to
 * those states. A socket gone (or reused) since the dump is simply not answered. Returns 0, or -1
 * with t->error set. */
static int read_infos(const dump_t *d, dump_t *t, uint32_t info_states, uint32_t families, size_t count) {
  if (count > INFO_LOOKUP_MAX) return run_dump(t, info_states, families);
  int fd = open_diag_socket(CI_RCVBUF_BYTES, 5);
  if (fd < 0) {
    set_error(t, "opening a NETLINK_SOCK_DIAG socket", errno);
    return -1;
  }
  ci_req_t reqs[CI_BATCH];
  uint8_t entries[CI_BATCH * CI_ENTRY_BYTES];
  uint8_t answered[CI_BATCH];
  ci_out_t o = {.entries = entries, .answered = answered};
  int rc = 0;
  size_t k = 0;
  while (rc == 0 && k < d->nrows) {
    size_t n = 0;
    for (; k < d->nrows && n < CI_BATCH; k++) {
      const row_t *r = &d->rows[k];
      if (!(info_states & (1u << r->state))) continue;
      ci_req_t *q = &reqs[n++];
      memset(q, 0, sizeof *q);
      q->family = r->family == 4 ? AF_INET : AF_INET6;
      q->sport = r->lport;
      q->dport = r->rport;
      memcpy(q->src, d->addrs[r->laddr].bytes, 16);
      memcpy(q->dst, d->addrs[r->raddr].bytes, 16);
      q->ifindex = r->ifindex;
      q->cookie = r->cookie;
      q->has_cookie = 1;
    }
    if (n == 0) break;
    memset(answered, 0, sizeof answered);
    rc = ci_batch(fd, reqs, 0, n, &o, t->buf);
    for (size_t i = 0; rc == 0 && i < n; i++) {
      const uint8_t *e = entries + i * CI_ENTRY_BYTES;
      int32_t status;
      memcpy(&status, e + 8, 4);
      if (status == ENOENT || status == ESTALE) continue; /* gone (or its tuple reused) since the dump */
      if (status != 0) {
        snprintf(o.error, sizeof o.error, "the kernel refused a tcp_info lookup: %s (errno %d)", strerror(status), status);
        rc = -1;
        break;
      }
      if (!(e[30] & 1u)) continue; /* answered without tcp_info */
      uint64_t cookie;
      uint32_t inode, len;
      memcpy(&cookie, e, 8);
      memcpy(&inode, e + 12, 4);
      memcpy(&len, e + 32, 4);
      if (push_info(t, cookie, inode, len, e + 56) != 0) {
        snprintf(o.error, sizeof o.error, "out of memory while keeping the tcp_info entries");
        rc = -1;
      }
    }
  }
  close(fd);
  if (rc != 0) memcpy(t->error, o.error, sizeof t->error);
  return rc;
}

/* A work area of the main or countStates kind with the dump run into it; NULL after throwing the
 * reason (out of memory, or the kernel's refusal). */
static dump_t *dump_or_throw(napi_env env, uint8_t count_only, uint32_t states, uint32_t families) {
  dump_t *d = ws_get(0, count_only);
  if (!d) {
    throw_error(env, "ERR_WLSD_MEMORY", "out of memory for the dump's work buffers");
    return NULL;
  }
  if (run_dump(d, states, families) != 0) {
    char error[sizeof d->error];
    memcpy(error, d->error, sizeof error);
    ws_put(d);
    throw_error(env, "ERR_WLSD_NETLINK", error);
    return NULL;
  }
  return d;
}

/* dump(states: number, families: number, infoStates?: number, reuse?: ArrayBuffer) → ArrayBuffer
 *   states: bitmask of 1 << state (TIME_WAIT = 1 << 6); families: bit 0 IPv4, bit 1 IPv6;
 *   infoStates: states whose sockets also get their struct tcp_info (read_infos). A failing tcp_info
 *   read does not fail the call: the result says so (header [9] bit 1) with the reason.
 *   reuse: an earlier result the caller no longer needs; the result is written into it (and it is
 *   returned) when it has room and is not far larger than needed, else a new buffer with some room
 *   to spare is returned. A fresh multi-megabyte buffer costs a page fault per 4 KiB the first time
 *   it is written — on a VM about as much as the rest of the read (docs/performance.md). */
static napi_value Dump(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) return throw_error(env, "ERR_WLSD_ARGS", "dump(states, families) needs two numbers");
  uint32_t states = 0, families = 0, info_states = 0;
  if (napi_get_value_uint32(env, argv[0], &states) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &families) != napi_ok)
    return throw_error(env, "ERR_WLSD_ARGS", "dump(states, families): both must be numbers");
  if (argc >= 3 && napi_get_value_uint32(env, argv[2], &info_states) != napi_ok)
    return throw_error(env, "ERR_WLSD_ARGS", "dump(states, families, infoStates): infoStates must be a number");

  dump_t *d = dump_or_throw(env, 0, states, families);
  if (!d) return NULL;
  uint32_t want_info = info_states & states, info_families = 0, info_flags = 0;
  size_t candidates = 0;
  if (want_info) {
    for (size_t i = 0; i < d->nrows; i++)
      if (want_info & (1u << d->rows[i].state)) {
        candidates++;
        info_families |= d->rows[i].family == 4 ? 1u : 2u;
      }
  }
  dump_t *t = NULL;
  const char *err = "";
  if (candidates) {
    info_flags = 1u;
    t = ws_get(1u << (INET_DIAG_INFO - 1), 0);
    if (!t) {
      info_flags |= 2u;
      err = "out of memory for the tcp_info read";
    } else {
      if (candidates <= INFO_LOOKUP_MAX) info_flags |= 4u;
      if (read_infos(d, t, want_info, info_families, candidates) != 0) {
        info_flags |= 2u;
        err = t->error;
      }
    }
  }
  size_t errlen = (info_flags & 2u) ? strnlen(err, 255) : 0;
  /* a partial answer would look complete */
  size_t ninfos = t && !(info_flags & 2u) ? t->ninfos : 0;
  size_t size = packed_size(d, ninfos, errlen);
  void *data = NULL;
  napi_value ab;
  bool is_ab = false;
  size_t have = 0;
  if (argc >= 4 && napi_is_arraybuffer(env, argv[3], &is_ab) == napi_ok && is_ab &&
      napi_get_arraybuffer_info(env, argv[3], &data, &have) == napi_ok && data && have >= size &&
      have <= 2 * size + (1u << 20)) {
    ab = argv[3];
  } else {
    /* room for an eighth more rows next time, rounded to 4 KiB pages */
    size_t room = size < (1u << 16) ? size : (size + size / 8 + 4095) & ~(size_t)4095;
    data = NULL;
    if (napi_create_arraybuffer(env, room, &data, &ab) != napi_ok) {
      ws_put(d);
      ws_put(t);
      return throw_error(env, "ERR_WLSD_MEMORY", "could not allocate the result buffer");
    }
  }
  pack(d, t ? t->infos : NULL, ninfos, info_flags, err, errlen, data);
  ((uint32_t *)data)[12] = (uint32_t)size;
  ws_put(d);
  ws_put(t);
  return ab;
}

/* countStates(states: number, families: number) → ArrayBuffer of 16 × u32: sockets per kernel state
 * code. The floor `npm run bench` compares the full snapshot with: the same dump (one walk for both
 * families, as dump() runs it) doing nothing with each record but count its state — no row kept, no
 * address interned, no buffer packed. */
static napi_value CountStates(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint32_t states = 0, families = 0;
  if (argc < 2 || napi_get_value_uint32(env, argv[0], &states) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &families) != napi_ok)
    return throw_error(env, "ERR_WLSD_ARGS", "countStates(states, families) needs two numbers");
  dump_t *d = dump_or_throw(env, 1, states, families);
  if (!d) return NULL;
  void *data = NULL;
  napi_value ab;
  if (napi_create_arraybuffer(env, sizeof d->counts, &data, &ab) != napi_ok) {
    ws_put(d);
    return throw_error(env, "ERR_WLSD_MEMORY", "could not allocate the result buffer");
  }
  memcpy(data, d->counts, sizeof d->counts);
  ws_put(d);
  return ab;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn, version, ci, ci_version, ci_max;
  napi_create_function(env, "dump", NAPI_AUTO_LENGTH, Dump, NULL, &fn);
  napi_set_named_property(env, exports, "dump", fn);
  napi_create_uint32(env, WLSD_VERSION, &version);
  napi_set_named_property(env, exports, "layoutVersion", version);
  napi_create_function(env, "connInfo", NAPI_AUTO_LENGTH, ConnInfo, NULL, &ci);
  napi_set_named_property(env, exports, "connInfo", ci);
  napi_create_uint32(env, WLCI_VERSION, &ci_version);
  napi_set_named_property(env, exports, "connInfoLayoutVersion", ci_version);
  napi_create_uint32(env, CI_MAX_REQUESTS, &ci_max);
  napi_set_named_property(env, exports, "connInfoMax", ci_max);
  napi_value cs;
  napi_create_function(env, "countStates", NAPI_AUTO_LENGTH, CountStates, NULL, &cs);
  napi_set_named_property(env, exports, "countStates", cs);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
