{
  # Built by `npm ci` / `npm install` through the "install" script (scripts/build-native.mjs).
  "targets": [
    {
      # netlink sock_diag reader used by electron/collector/sources/netlink.ts (N-API: loads in Node and Electron)
      "target_name": "waitline_sockdiag",
      "sources": ["native/sockdiag.c"],
      "cflags": ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      # makes N sockets of each state on loopback, for `npm run bench` (run inside a throwaway netns)
      "target_name": "wl-sockmaker",
      "type": "executable",
      "sources": ["native/sockmaker.c"],
      "cflags": ["-O2", "-std=gnu11", "-Wall", "-Wextra"]
    },
    {
      # runs a command with socket(AF_NETLINK, *, NETLINK_SOCK_DIAG) refused by seccomp (fallback tests)
      "target_name": "wl-deny-sockdiag",
      "type": "executable",
      "sources": ["native/deny-sockdiag.c"],
      "cflags": ["-O2", "-std=gnu11", "-Wall", "-Wextra"]
    }
  ]
}
