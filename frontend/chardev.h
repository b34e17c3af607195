/* Host character back-ends that need sockets or terminals, for the front
 * end's -serial (and -debugcon) options: a pseudo-terminal (-serial pty)
 * and TCP (-serial tcp:[HOST]:PORT[,server][,nowait], QEMU's spelling).
 * These helpers only open file descriptors; main.c's HostChar does the
 * byte I/O on them (non-blocking: output a peer does not read is dropped).
 * POSIX hosts only (sockets, posix_openpt). */
#ifndef X86PC_CHARDEV_H
#define X86PC_CHARDEV_H
#include <stddef.h>

typedef struct HostTcpSpec {
    char host[256]; /* "" = every interface (server) / localhost (client) */
    char port[16];  /* decimal 0..65535 (0: any free port, for tests) */
    int server;     /* listen (server, server=on) instead of connecting */
    int wait;       /* server: wait for a client before the guest starts
                     * (default; nowait / wait=off: accept later) */
} HostTcpSpec;

/* Parses what follows "tcp:": [HOST]:PORT and the options server,
 * server=on|off, nowait, wait=on|off.  0, or -1 with a message (no
 * prefix) in err. */
int hostchr_tcp_parse(const char *spec, HostTcpSpec *out, char *err,
                      size_t errlen);
/* A non-blocking listening socket; -1 with a message on failure. */
int hostchr_tcp_listen(const HostTcpSpec *s, char *err, size_t errlen);
/* Accepts one client: blocking (waits) or not (-1 if none is waiting).
 * The client socket is made non-blocking. */
int hostchr_tcp_accept(int listen_fd, int block);
/* Connects to HOST:PORT (blocking), then makes the socket non-blocking;
 * -1 with a message on failure. */
int hostchr_tcp_connect(const HostTcpSpec *s, char *err, size_t errlen);
/* The local port a socket is bound to, or -1. */
int hostchr_local_port(int fd);

/* Opens a pseudo-terminal master in raw mode (non-blocking) and writes
 * the slave's path (/dev/pts/N) to name.  -1 with a message on failure. */
int hostchr_pty_open(char *name, size_t namelen, char *err, size_t errlen);
#endif
