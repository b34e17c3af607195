/* Unit tests for the socket and pseudo-terminal back-ends of -serial
 * (frontend/chardev.c): option parsing, a TCP server exchanging bytes with
 * a client socket, a TCP client, and a pty exchanging bytes with its
 * slave.  TAP output. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "frontend/chardev.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

/* Reads exactly n bytes (waiting up to 2 s). */
static int read_all(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 2000) <= 0)
            return -1;
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

static int connect_local(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void test_parse(void)
{
    HostTcpSpec s;
    char err[200];
    ok(hostchr_tcp_parse(":4444,server,nowait", &s, err, sizeof err) == 0 &&
           !strcmp(s.host, "") && !strcmp(s.port, "4444") && s.server &&
           !s.wait,
       "tcp::4444,server,nowait");
    ok(hostchr_tcp_parse("127.0.0.1:5555,server=on,wait=on", &s, err,
                         sizeof err) == 0 &&
           !strcmp(s.host, "127.0.0.1") && s.server && s.wait,
       "tcp:127.0.0.1:5555,server=on,wait=on");
    ok(hostchr_tcp_parse("localhost:23", &s, err, sizeof err) == 0 &&
           !s.server && !strcmp(s.host, "localhost"),
       "client spec");
    ok(hostchr_tcp_parse("[::1]:23", &s, err, sizeof err) == 0 &&
           !strcmp(s.host, "::1") && !strcmp(s.port, "23"),
       "[IPv6]:PORT");
    ok(hostchr_tcp_parse("1234", &s, err, sizeof err) == -1 &&
           strstr(err, "PORT"),
       "no HOST:PORT refused");
    ok(hostchr_tcp_parse(":70000,server", &s, err, sizeof err) == -1 &&
           strstr(err, "70000"),
       "port out of range refused");
    ok(hostchr_tcp_parse(":1,server,bogus", &s, err, sizeof err) == -1 &&
           strstr(err, "bogus"),
       "unknown option refused");
    ok(hostchr_tcp_parse(":1,nowait", &s, err, sizeof err) == -1,
       "nowait without server refused");
}

static void test_tcp(void)
{
    HostTcpSpec s;
    char err[200];
    hostchr_tcp_parse("127.0.0.1:0,server,nowait", &s, err, sizeof err);
    int lfd = hostchr_tcp_listen(&s, err, sizeof err);
    int port = lfd >= 0 ? hostchr_local_port(lfd) : -1;
    ok(lfd >= 0 && port > 0, "server listens on an ephemeral port");
    ok(hostchr_tcp_accept(lfd, 0) == -1, "no client yet: accept returns -1");
    int cl = connect_local(port);
    ok(cl >= 0, "client connects");
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; i++) {
        fd = hostchr_tcp_accept(lfd, 0);
        if (fd < 0)
            usleep(5000);
    }
    ok(fd >= 0, "server accepts the client (non-blocking)");
    ok(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK), "client socket is non-blocking");
    char buf[16];
    ok(write(fd, "hello\r\n", 7) == 7 && read_all(cl, buf, 7) == 0 &&
           !memcmp(buf, "hello\r\n", 7),
       "server -> client bytes unchanged");
    ok(write(cl, "\x00\xFFxy", 4) == 4 && read_all(fd, buf, 4) == 0 &&
           !memcmp(buf, "\x00\xFFxy", 4),
       "client -> server bytes unchanged (binary)");
    close(cl);
    char c;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    poll(&p, 1, 2000);
    ok(read(fd, &c, 1) == 0, "client close seen as EOF");
    close(fd);

    /* client mode against our own listener */
    snprintf(s.port, sizeof s.port, "%d", port);
    s.server = 0;
    int c2 = hostchr_tcp_connect(&s, err, sizeof err);
    int a2 = hostchr_tcp_accept(lfd, 1);
    ok(c2 >= 0 && a2 >= 0 && write(a2, "Z", 1) == 1 &&
           read_all(c2, buf, 1) == 0 && buf[0] == 'Z',
       "client mode connects and receives");
    if (c2 >= 0)
        close(c2);
    if (a2 >= 0)
        close(a2);
    close(lfd);
    s.port[0] = '1';
    s.port[1] = '\0';
    ok(hostchr_tcp_connect(&s, err, sizeof err) == -1 && strstr(err, "connect"),
       "connection refused reported");
}

static void test_pty(void)
{
    char name[128], err[200];
    int m = hostchr_pty_open(name, sizeof name, err, sizeof err);
    if (m < 0) {
        printf("ok %d - # SKIP no pseudo-terminals here: %s\n", ++test_no, err);
        return;
    }
    ok(!strncmp(name, "/dev/", 5), "pty path reported");
    char buf[16];
    ok(write(m, "x", 1) <= 1, "write with no slave open does not block");
    int sl = open(name, O_RDWR | O_NOCTTY);
    ok(sl >= 0, "slave opens");
    /* drain whatever the early write left */
    struct pollfd p = {.fd = sl, .events = POLLIN};
    if (poll(&p, 1, 100) > 0)
        (void)read(sl, buf, sizeof buf);
    ok(write(m, "a\nb\r", 4) == 4 && read_all(sl, buf, 4) == 0 &&
           !memcmp(buf, "a\nb\r", 4),
       "master -> slave raw (no CR/LF translation)");
    ok(write(sl, "q\r\x03", 3) == 3 && read_all(m, buf, 3) == 0 &&
           !memcmp(buf, "q\r\x03", 3),
       "slave -> master raw (no echo, ^C passed through)");
    close(sl);
    close(m);
}

int main(void)
{
    test_parse();
    test_tcp();
    test_pty();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
