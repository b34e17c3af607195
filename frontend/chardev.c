/* Socket and pseudo-terminal back-ends (see chardev.h). */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include "frontend/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int on_off(const char *v, int *out)
{
    if (!strcmp(v, "on")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(v, "off")) {
        *out = 0;
        return 0;
    }
    return -1;
}

int hostchr_tcp_parse(const char *spec, HostTcpSpec *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->wait = 1;
    const char *comma = strchr(spec, ',');
    size_t addr_len = comma ? (size_t)(comma - spec) : strlen(spec);
    const char *colon = NULL;
    for (size_t i = 0; i < addr_len; i++) /* the last ':' separates */
        if (spec[i] == ':')
            colon = spec + i;
    if (!colon) {
        snprintf(err, errlen, "expected tcp:[HOST]:PORT");
        return -1;
    }
    size_t hl = (size_t)(colon - spec), pl = addr_len - hl - 1;
    if (hl >= sizeof(out->host) || pl == 0 || pl >= sizeof(out->port)) {
        snprintf(err, errlen, "expected tcp:[HOST]:PORT");
        return -1;
    }
    memcpy(out->host, spec, hl);
    out->host[hl] = '\0';
    if (out->host[0] == '[' && hl >= 2 && out->host[hl - 1] == ']') {
        memmove(out->host, out->host + 1, hl - 2); /* [IPv6] */
        out->host[hl - 2] = '\0';
    }
    memcpy(out->port, colon + 1, pl);
    out->port[pl] = '\0';
    char *end;
    errno = 0;
    unsigned long p = strtoul(out->port, &end, 10);
    if (*end || errno || p > 65535 || out->port[0] < '0' ||
        out->port[0] > '9') {
        snprintf(err, errlen, "port '%s' is not a number from 0 to 65535",
                 out->port);
        return -1;
    }
    int wait_given = 0;
    while (comma) {
        const char *opt = comma + 1;
        comma = strchr(opt, ',');
        size_t n = comma ? (size_t)(comma - opt) : strlen(opt);
        char o[32];
        if (n >= sizeof(o)) {
            snprintf(err, errlen, "unknown option '%.*s'", (int)(n > 40 ? 40 : n),
                     opt);
            return -1;
        }
        memcpy(o, opt, n);
        o[n] = '\0';
        int b;
        if (!strcmp(o, "server"))
            out->server = 1;
        else if (!strcmp(o, "nowait"))
            out->wait = 0, wait_given = 1;
        else if (!strncmp(o, "server=", 7) && on_off(o + 7, &b) == 0)
            out->server = b;
        else if (!strncmp(o, "wait=", 5) && on_off(o + 5, &b) == 0)
            out->wait = b, wait_given = 1;
        else {
            snprintf(err, errlen,
                     "unknown option '%s' (server, nowait, server=on|off, "
                     "wait=on|off)", o);
            return -1;
        }
    }
    if (wait_given && !out->server) {
        snprintf(err, errlen, "nowait/wait= only apply with server");
        return -1;
    }
    if (!out->server && p == 0) {
        snprintf(err, errlen, "a client needs a port number");
        return -1;
    }
    return 0;
}

static struct addrinfo *resolve(const HostTcpSpec *s, int passive, char *err,
                                size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    const char *host = s->host[0] ? s->host : (passive ? NULL : "localhost");
    int rc = getaddrinfo(host, s->port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s:%s: %s", s->host, s->port,
                 gai_strerror(rc));
        return NULL;
    }
    return res;
}

int hostchr_tcp_listen(const HostTcpSpec *s, char *err, size_t errlen)
{
    struct addrinfo *res = resolve(s, 1, err, errlen);
    if (!res)
        return -1;
    int fd = -1, saved = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1) == 0 &&
            set_nonblock(fd) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot listen on %s:%s: %s", s->host, s->port,
                 strerror(saved));
    return fd;
}

int hostchr_tcp_accept(int listen_fd, int block)
{
    if (listen_fd < 0)
        return -1;
    for (;;) {
        if (block) {
            fd_set rd;
            FD_ZERO(&rd);
            FD_SET(listen_fd, &rd);
            if (select(listen_fd + 1, &rd, NULL, NULL, NULL) < 0 &&
                errno != EINTR)
                return -1;
        }
        int fd = accept(listen_fd, NULL, NULL);
        if (fd >= 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            set_nonblock(fd);
            return fd;
        }
        if (!block || (errno != EAGAIN && errno != EWOULDBLOCK &&
                       errno != EINTR && errno != ECONNABORTED))
            return -1;
    }
}

int hostchr_tcp_connect(const HostTcpSpec *s, char *err, size_t errlen)
{
    struct addrinfo *res = resolve(s, 0, err, errlen);
    if (!res)
        return -1;
    int fd = -1, saved = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to %s:%s: %s",
                 s->host[0] ? s->host : "localhost", s->port,
                 strerror(saved));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    set_nonblock(fd);
    return fd;
}

int hostchr_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -1;
}

int hostchr_pty_open(char *name, size_t namelen, char *err, size_t errlen)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open a pseudo-terminal: %s",
                 strerror(errno));
        return -1;
    }
    const char *slave = NULL;
    if (grantpt(fd) < 0 || unlockpt(fd) < 0 || !(slave = ptsname(fd))) {
        snprintf(err, errlen, "cannot set up the pseudo-terminal: %s",
                 strerror(errno));
        close(fd);
        return -1;
    }
    snprintf(name, namelen, "%s", slave);
    /* Raw: bytes pass unchanged in both directions. */
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        t.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
                                 IGNCR | ICRNL | IXON);
        t.c_oflag &= ~(unsigned)OPOST;
        t.c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        t.c_cflag &= ~(unsigned)(CSIZE | PARENB);
        t.c_cflag |= CS8;
        tcsetattr(fd, TCSANOW, &t);
    }
    set_nonblock(fd);
    return fd;
}
