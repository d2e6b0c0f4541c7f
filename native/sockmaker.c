// wl-sockmaker: makes real TCP sockets on loopback in the current network namespace, for the
// benchmark (run it inside a throwaway netns: it leaves up to --time-wait TIME_WAIT entries behind).
//
//   wl-sockmaker [--time-wait N] [--time-wait6 N] [--established N] [--close-wait N] [--ports P]
//                [--base-port B] [--hold-half-closed 1]
//
// --time-wait N      N client-closed connections over 127.0.0.1: the client side stays in TIME_WAIT
// --time-wait6 N     the same over ::1 (skipped with a note if IPv6 loopback is unavailable)
// --established N    N connections held open (2N ESTABLISHED sockets)
// --close-wait N     N connections closed by the client only: server CLOSE_WAIT + client FIN_WAIT2
// --hold-half-closed 1  the client of each of those shuts down its sending side and keeps its fd,
//                    instead of closing it: an orphaned FIN_WAIT2 is destroyed after tcp_fin_timeout
//                    (60 s), a held one stays, so a long measurement sees the same sockets throughout
// --ports P          listening server ports (B … B+P-1); TIME_WAIT is spread over them so one
//                    destination's ephemeral ports are not exhausted (docs/exhaustion.md, "What runs out")
// Prints one JSON line when done, then holds the open sockets until stdin closes or SIGTERM.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(int family, int port) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (family == AF_INET) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = bind(fd, (struct sockaddr *)&a, sizeof a);
  } else {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    a.sin6_addr = in6addr_loopback;
    rc = bind(fd, (struct sockaddr *)&a, sizeof a);
  }
  if (rc != 0 || listen(fd, 4096) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Connects a new client to the listener `lfd` (port `port`) and accepts it. 0 on success. */
static int pair(int family, int lfd, int port, int *client, int *server) {
  int c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c < 0) return -1;
  int rc;
  if (family == AF_INET) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = connect(c, (struct sockaddr *)&a, sizeof a);
  } else {
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    a.sin6_addr = in6addr_loopback;
    rc = connect(c, (struct sockaddr *)&a, sizeof a);
  }
  if (rc != 0) {
    int e = errno;
    close(c);
    errno = e;
    return -1;
  }
  int s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (s < 0) {
    int e = errno;
    close(c);
    errno = e;
    return -1;
  }
  *client = c;
  *server = s;
  return 0;
}

static long arg_value(int argc, char **argv, const char *name, long def) {
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], name) == 0) {
      char *end;
      long v = strtol(argv[i + 1], &end, 10);
      if (*end || v < 0) {
        fprintf(stderr, "wl-sockmaker: %s needs a non-negative integer, got \"%s\"\n", name, argv[i + 1]);
        exit(2);
      }
      return v;
    }
  return def;
}

/* Makes n client-closed connections; returns how many were made (stops at the first failure). */
static long make_time_wait(int family, int *listeners, int nports, int base, long n, int *err) {
  long made = 0;
  for (long i = 0; i < n; i++) {
    int k = (int)(i % nports), c, s;
    if (pair(family, listeners[k], base + k, &c, &s) != 0) {
      *err = errno;
      break;
    }
    close(c); /* the client closes first, so TIME_WAIT lands on the client side */
    close(s);
    made++;
  }
  return made;
}

/* Appends "what: strerror" to a JSON string list. */
static void add_error(char *list, size_t size, const char *what, int err) {
  if (!err) return;
  size_t used = strlen(list);
  snprintf(list + used, size - used, "%s\"%s: %s\"", used ? "," : "", what, strerror(err));
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i += 2) {
    if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
      fprintf(stderr, "wl-sockmaker: unexpected argument \"%s\" (options take a value: --time-wait N …)\n", argv[i]);
      return 2;
    }
  }
  long tw = arg_value(argc, argv, "--time-wait", 0);
  long tw6 = arg_value(argc, argv, "--time-wait6", 0);
  long est = arg_value(argc, argv, "--established", 0);
  long cw = arg_value(argc, argv, "--close-wait", 0);
  int nports = (int)arg_value(argc, argv, "--ports", 8);
  int base = (int)arg_value(argc, argv, "--base-port", 20000);
  int hold_half_closed = arg_value(argc, argv, "--hold-half-closed", 0) != 0;
  if (nports < 1 || nports > 1000 || base < 1 || base + nports > 65536) {
    fprintf(stderr, "wl-sockmaker: --ports must be 1..1000 and the ports must fit below 65536\n");
    return 2;
  }

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    /* the held sockets need 2 fds per pair: as root the hard limit can be raised (up to fs.nr_open,
     * read, never changed); otherwise the soft limit goes up to the hard one */
    rlim_t need = (rlim_t)(2 * (est + cw) + 4 * nports + 64);
    if (need > rl.rlim_max) {
      struct rlimit up = {.rlim_cur = need, .rlim_max = need};
      if (setrlimit(RLIMIT_NOFILE, &up) == 0) rl = up;
    }
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  signal(SIGTERM, on_term);
  signal(SIGPIPE, SIG_IGN);

  int *l4 = calloc(nports, sizeof *l4), *l6 = calloc(nports, sizeof *l6);
  int v6ok = 1;
  for (int k = 0; k < nports; k++) {
    l4[k] = listen_on(AF_INET, base + k);
    if (l4[k] < 0) {
      fprintf(stderr, "wl-sockmaker: cannot listen on 127.0.0.1:%d: %s\n", base + k, strerror(errno));
      return 1;
    }
    l6[k] = tw6 > 0 && v6ok ? listen_on(AF_INET6, base + k) : -1;
    if (tw6 > 0 && l6[k] < 0) v6ok = 0;
  }

  int err4 = 0, err6 = 0, errest = 0, errcw = 0;
  long made_tw = make_time_wait(AF_INET, l4, nports, base, tw, &err4);
  long made_tw6 = v6ok ? make_time_wait(AF_INET6, l6, nports, base, tw6, &err6) : 0;

  int *held = calloc((size_t)(2 * (est + cw) + 1), sizeof *held);
  long nheld = 0, made_est = 0, made_cw = 0;
  for (long i = 0; i < est; i++) {
    int k = (int)(i % nports), c, s;
    if (pair(AF_INET, l4[k], base + k, &c, &s) != 0) {
      errest = errno;
      break;
    }
    held[nheld++] = c;
    held[nheld++] = s;
    made_est++;
  }
  for (long i = 0; i < cw; i++) {
    int k = (int)(i % nports), c, s;
    if (pair(AF_INET, l4[k], base + k, &c, &s) != 0) {
      errcw = errno;
      break;
    }
    if (hold_half_closed) {
      shutdown(c, SHUT_WR); /* client: FIN_WAIT2, held; server: CLOSE_WAIT until we exit */
      held[nheld++] = c;
    } else {
      close(c); /* client: FIN_WAIT2 (orphaned, gone after tcp_fin_timeout); server: CLOSE_WAIT until we exit */
    }
    held[nheld++] = s;
    made_cw++;
  }

  char errors[512] = "";
  add_error(errors, sizeof errors, "time-wait", err4);
  add_error(errors, sizeof errors, "time-wait6", err6);
  add_error(errors, sizeof errors, "established", errest);
  add_error(errors, sizeof errors, "close-wait", errcw);
  printf("{\"ready\":true,\"timeWait\":%ld,\"timeWait6\":%ld,\"established\":%ld,\"closeWait\":%ld,"
         "\"listen\":%d,\"ipv6\":%s,\"errors\":[%s]}\n",
         made_tw, made_tw6, made_est, made_cw, nports + (v6ok && tw6 > 0 ? nports : 0),
         v6ok ? "true" : "false", errors);
  fflush(stdout);

  char b[64];
  while (!stop) {
    ssize_t r = read(0, b, sizeof b);
    if (r == 0) break;
    if (r < 0 && errno != EINTR) break;
  }
  return 0;
}
