/* GDB remote serial protocol stub (-gdb tcp::PORT, -s, -S).
 *
 * One connection at a time, one thread, all-stop.  The machine is stopped
 * and resumed through the debugger core (debugger.h); this file is only
 * the protocol.  Supported: qSupported, qXfer:features:read (an i386
 * target description: core with x87, SSE, and the control registers as an
 * "org.x86pc.system" feature; the x87/SSE registers read as zero and
 * ignore writes until x86pc has an FPU), g/G, p/P, m/M/X through the
 * current paging (an unmapped address answers E14), Z0-Z4/z0-z4, vCont
 * c/s, c, s, ?, Ctrl-C, qRcmd (the console debugger's commands), D, k,
 * qAttached, qC, qfThreadInfo/qsThreadInfo, H, T, QStartNoAckMode.
 *
 * Real mode: gdb's $pc is EIP, breakpoints are linear addresses (as with
 * QEMU); use linear addresses (CS*16+IP) for breakpoints there. */
#include "frontend/debugger.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "memory/endian.h"

#define PKT_MAX 0x4000 /* PacketSize we announce */
#ifndef MSG_NOSIGNAL /* (macOS: SO_NOSIGPIPE on the socket instead) */
#define MSG_NOSIGNAL 0
#endif

struct GdbStub {
    Dbg *d;
    int lfd;           /* listening socket */
    int fd;            /* connection or -1 */
    int noack;
    int waiting;       /* gdb sent c/s and waits for a stop reply */
    int ctrlc;         /* the stop was gdb's Ctrl-C */
    char stop_reply[64];
    uint8_t rx[PKT_MAX + 8];
    size_t rxlen, rxpos;
    char pkt[PKT_MAX + 8];
    char last_sent[PKT_MAX * 2 + 8];
    size_t last_len;
};

static const char hexd[] = "0123456789abcdef";

/* ------------------------------------------------------------ target.xml */

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<flags id=\"i386_eflags\" size=\"4\">\n"
    "<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
    "<field name=\"\" start=\"1\" end=\"1\"/>\n"
    "<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
    "<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
    "<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
    "<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
    "<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
    "<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
    "<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
    "<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n"
    "<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "<feature name=\"org.gnu.gdb.i386.sse\">\n"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
    "<union id=\"vec128\">\n"
    "<field name=\"v4_float\" type=\"v4f\"/>\n"
    "<field name=\"v2_double\" type=\"v2d\"/>\n"
    "<field name=\"v16_int8\" type=\"v16i8\"/>\n"
    "<field name=\"v8_int16\" type=\"v8i16\"/>\n"
    "<field name=\"v4_int32\" type=\"v4i32\"/>\n"
    "<field name=\"v2_int64\" type=\"v2i64\"/>\n"
    "<field name=\"uint128\" type=\"uint128\"/>\n"
    "</union>\n"
    "<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"32\"/>\n"
    "<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
    "<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
    "</feature>\n"
    "<feature name=\"org.x86pc.system\">\n"
    "<reg name=\"cr0\" bitsize=\"32\" type=\"int32\" regnum=\"41\" "
    "group=\"system\"/>\n"
    "<reg name=\"cr2\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "<reg name=\"cr3\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "<reg name=\"cr4\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "</feature>\n"
    "</target>\n";

/* Register numbers (as in the description above). */
enum {
    GR_EIP = 8, GR_EFLAGS = 9, GR_CS = 10, GR_GS = 15, GR_ST0 = 16,
    GR_FCTRL = 24, GR_XMM0 = 32, GR_MXCSR = 40, GR_CR0 = 41, GR_NREGS = 45
};
/* gdb's order of the segment registers -> S_* */
static const int gdb_seg[6] = {S_CS, S_SS, S_DS, S_ES, S_FS, S_GS};
static const int cr_num[4] = {0, 2, 3, 4};

static unsigned reg_size(int r)
{
    if (r >= GR_ST0 && r < GR_FCTRL)
        return 10;
    if (r >= GR_XMM0 && r < GR_MXCSR)
        return 16;
    return 4;
}

/* Fills buf with register r (little-endian); returns its size. */
static unsigned reg_get(GdbStub *g, int r, uint8_t *buf)
{
    CPUState *c = dbg_cpu(g->d);
    unsigned n = reg_size(r);
    uint32_t v = 0;
    memset(buf, 0, n);
    if (r < 8)
        v = cpu_get_reg(c, r);
    else if (r == GR_EIP)
        v = cpu_get_eip(c);
    else if (r == GR_EFLAGS)
        v = cpu_get_eflags(c);
    else if (r >= GR_CS && r <= GR_GS) {
        CPUSeg s;
        cpu_get_seg(c, gdb_seg[r - GR_CS], &s);
        v = s.sel;
    } else if (r == GR_FCTRL)
        v = 0x37F; /* FNINIT state until x86pc has an FPU */
    else if (r == GR_FCTRL + 2)
        v = 0xFFFF; /* ftag: all empty */
    else if (r == GR_MXCSR)
        v = 0x1F80;
    else if (r >= GR_CR0 && r < GR_NREGS)
        v = cpu_get_cr(c, cr_num[r - GR_CR0]);
    if (n == 4)
        st_le(buf, v, 4);
    return n;
}

/* Writes register r from little-endian bytes.  Returns 0, or -1 if the
 * register cannot be changed to that value. */
static int reg_set(GdbStub *g, int r, const uint8_t *buf)
{
    CPUState *c = dbg_cpu(g->d);
    uint32_t v = reg_size(r) == 4 ? ld_le(buf, 4) : 0;
    if (r < 8)
        cpu_set_reg(c, r, v);
    else if (r == GR_EIP)
        cpu_set_eip(c, v);
    else if (r == GR_EFLAGS)
        cpu_set_eflags(c, v);
    else if (r >= GR_CS && r <= GR_GS) {
        CPUSeg s;
        int sr = gdb_seg[r - GR_CS];
        cpu_get_seg(c, sr, &s);
        if (s.sel == v)
            return 0;
        /* Only real and virtual-8086 mode can load a selector without a
         * descriptor. */
        if (v > 0xFFFF || ((cpu_get_cr(c, 0) & 1) &&
                           !(cpu_get_eflags(c) & 0x20000)))
            return -1;
        cpu_set_seg_real(c, sr, (uint16_t)v);
    } else if (r >= GR_CR0 && r < GR_NREGS) {
        if (cpu_get_cr(c, cr_num[r - GR_CR0]) != v)
            return -1; /* read-only */
    }
    /* x87/SSE: ignored until x86pc has an FPU */
    return 0;
}

/* ------------------------------------------------------------ I/O */

static void drop_client(GdbStub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->noack = 0;
    g->waiting = 0;
    g->rxlen = g->rxpos = 0;
}

static int send_raw(GdbStub *g, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = send(g->fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Sends $data#cs, escaping as the protocol requires (binary-safe). */
static void send_bin(GdbStub *g, const char *data, size_t len)
{
    char *o = g->last_sent;
    size_t k = 0;
    unsigned sum = 0;
    if (g->fd < 0)
        return;
    o[k++] = '$';
    for (size_t i = 0; i < len && k < sizeof(g->last_sent) - 6; i++) {
        char ch = data[i];
        if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
            o[k++] = '}';
            sum += '}';
            ch ^= 0x20;
        }
        o[k++] = ch;
        sum += (uint8_t)ch;
    }
    o[k++] = '#';
    o[k++] = hexd[(sum >> 4) & 15];
    o[k++] = hexd[sum & 15];
    g->last_len = k;
    if (send_raw(g, o, k) < 0)
        drop_client(g);
}

static void send_str(GdbStub *g, const char *s) { send_bin(g, s, strlen(s)); }

/* Next byte from the connection: blocking (timeout -1) or not (0).
 * Returns the byte, -1 if none (non-blocking), -2 on EOF/error. */
static int get_byte(GdbStub *g, int timeout)
{
    if (g->rxpos < g->rxlen)
        return g->rx[g->rxpos++];
    if (g->fd < 0)
        return -2;
    struct pollfd pfd = {.fd = g->fd, .events = POLLIN};
    int r;
    do
        r = poll(&pfd, 1, timeout);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return -1;
    ssize_t n;
    do
        n = recv(g->fd, g->rx, sizeof(g->rx), 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -2;
    g->rxlen = (size_t)n;
    g->rxpos = 1;
    return g->rx[0];
}

static int unhex(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Reads one packet into g->pkt (NUL-terminated; binary X data may contain
 * NULs, so the length is returned).  Returns the length, -1 on a
 * connection loss, -3 for a Ctrl-C byte. */
static int read_packet(GdbStub *g)
{
    for (;;) {
        int ch = get_byte(g, -1);
        if (ch < 0)
            return -1;
        if (ch == 0x03)
            return -3;
        if (ch == '-') { /* resend */
            if (g->last_len && send_raw(g, g->last_sent, g->last_len) < 0)
                return -1;
            continue;
        }
        if (ch != '$')
            continue; /* '+' and noise */
        size_t n = 0;
        unsigned sum = 0;
        int overflow = 0;
        for (;;) {
            ch = get_byte(g, -1);
            if (ch < 0)
                return -1;
            if (ch == '#')
                break;
            sum += (unsigned)ch;
            if (n < PKT_MAX)
                g->pkt[n++] = (char)ch;
            else
                overflow = 1;
        }
        int h1 = get_byte(g, -1), h2;
        if (h1 < 0 || (h2 = get_byte(g, -1)) < 0)
            return -1;
        int want = unhex(h1) * 16 + unhex(h2);
        g->pkt[n] = '\0';
        if (!g->noack) {
            if (unhex(h1) < 0 || unhex(h2) < 0 || want != (int)(sum & 0xFF) ||
                overflow) {
                if (send_raw(g, "-", 1) < 0)
                    return -1;
                continue;
            }
            if (send_raw(g, "+", 1) < 0)
                return -1;
        }
        return (int)n;
    }
}

/* ------------------------------------------------------------ helpers */

static int parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int n = 0;
    while (unhex((unsigned char)*s) >= 0) {
        if (x >> 60)
            return -1;
        x = x * 16 + (uint64_t)unhex((unsigned char)*s++);
        n++;
    }
    if (!n)
        return -1;
    *p = s;
    *v = x;
    return 0;
}

static void to_hex(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexd[b[i] >> 4];
        out[2 * i + 1] = hexd[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int from_hex(uint8_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h = unhex((unsigned char)s[2 * i]), l;
        if (h < 0 || (l = unhex((unsigned char)s[2 * i + 1])) < 0)
            return -1;
        b[i] = (uint8_t)(h * 16 + l);
    }
    return 0;
}

static void make_stop_reply(GdbStub *g, const DbgStop *st)
{
    const char *sig = "05";
    char extra[40] = "";
    switch (st->reason) {
    case DBG_STOP_BREAK:
        snprintf(extra, sizeof(extra), "%s:;",
                 st->kind == DBG_BP_HW ? "hwbreak" : "swbreak");
        break;
    case DBG_STOP_WATCH:
        snprintf(extra, sizeof(extra), "%s:%x;",
                 st->wtype == DBG_W_WRITE  ? "watch"
                 : st->wtype == DBG_W_READ ? "rwatch"
                                           : "awatch",
                 (unsigned)st->waddr);
        break;
    case DBG_STOP_INTR:
        if (g->ctrlc)
            sig = "02";
        break;
    default:
        break;
    }
    snprintf(g->stop_reply, sizeof(g->stop_reply), "T%s%sthread:01;", sig,
             extra);
}

static int accept_client(GdbStub *g, int timeout)
{
    struct pollfd pfd = {.fd = g->lfd, .events = POLLIN};
    int r;
    do
        r = poll(&pfd, 1, timeout);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return -1;
    int fd = accept(g->lfd, NULL, NULL);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
#ifdef SO_NOSIGPIPE
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
    g->fd = fd;
    g->noack = 0;
    g->waiting = 0;
    g->rxlen = g->rxpos = 0;
    return 0;
}

/* ------------------------------------------------------------ packets */

enum { P_STAY, P_RESUME, P_KILL, P_DETACH };

static void h_read_mem(GdbStub *g, const char *a)
{
    uint64_t addr, len;
    static uint8_t buf[PKT_MAX / 2];
    static char hex[PKT_MAX + 1];
    if (parse_hex(&a, &addr) < 0 || *a++ != ',' || parse_hex(&a, &len) < 0 ||
        addr > 0xFFFFFFFFull) {
        send_str(g, "E01");
        return;
    }
    if (len > sizeof(buf) - 8)
        len = sizeof(buf) - 8;
    if (addr + len > (1ull << 32))
        len = (1ull << 32) - addr;
    if (dbg_read_lin(g->d, (uint32_t)addr, buf, (uint32_t)len) < 0) {
        /* Partial reads: give what is mapped, E14 if nothing is. */
        uint32_t ok = 0;
        while (ok < len && dbg_read_lin(g->d, (uint32_t)(addr + ok),
                                        buf + ok, 1) == 0)
            ok++;
        if (!ok) {
            send_str(g, "E14");
            return;
        }
        len = ok;
    }
    to_hex(hex, buf, (size_t)len);
    send_str(g, hex);
}

static void h_write_mem(GdbStub *g, const char *a, size_t plen, int binary)
{
    const char *start = a - 1;
    uint64_t addr, len;
    static uint8_t buf[PKT_MAX];
    if (parse_hex(&a, &addr) < 0 || *a++ != ',' || parse_hex(&a, &len) < 0 ||
        *a++ != ':' || addr > 0xFFFFFFFFull || len > sizeof(buf) ||
        addr + len > (1ull << 32)) {
        send_str(g, "E01");
        return;
    }
    size_t left = plen - (size_t)(a - start);
    if (binary) {
        size_t k = 0, i = 0;
        while (i < left && k < len) {
            uint8_t ch = (uint8_t)a[i++];
            if (ch == '}' && i < left)
                ch = (uint8_t)a[i++] ^ 0x20;
            buf[k++] = ch;
        }
        if (k != len) {
            send_str(g, "E01");
            return;
        }
    } else if (left < 2 * len || from_hex(buf, a, (size_t)len) < 0) {
        send_str(g, "E01");
        return;
    }
    if (len && dbg_write_lin(g->d, (uint32_t)addr, buf, (uint32_t)len) < 0)
        send_str(g, "E14");
    else
        send_str(g, "OK");
}

static void h_breakpoint(GdbStub *g, const char *p, int insert)
{
    uint64_t type, addr, kind;
    const char *a = p;
    if (parse_hex(&a, &type) < 0 || *a++ != ',' || parse_hex(&a, &addr) < 0 ||
        *a++ != ',' || parse_hex(&a, &kind) < 0 || addr > 0xFFFFFFFFull) {
        send_str(g, "E01");
        return;
    }
    int r;
    switch (type) {
    case 0:
    case 1:
        r = insert ? dbg_bp_add(g->d, type ? DBG_BP_HW : DBG_BP_SW, addr)
                   : dbg_bp_del(g->d, type ? DBG_BP_HW : DBG_BP_SW, addr);
        break;
    case 2:
    case 3:
    case 4: {
        static const int wt[5] = {0, 0, DBG_W_WRITE, DBG_W_READ, DBG_W_ACCESS};
        if (kind != 1 && kind != 2 && kind != 4 && kind != 8) {
            send_str(g, "E01");
            return;
        }
        r = insert ? dbg_watch_add(g->d, wt[type], (uint32_t)addr,
                                   (uint32_t)kind)
                   : dbg_watch_del(g->d, wt[type], (uint32_t)addr,
                                   (uint32_t)kind);
        break;
    }
    default:
        send_str(g, "");
        return;
    }
    /* Removing one that is not there is not an error for gdb. */
    send_str(g, (r >= 0 || !insert) ? "OK" : "E0E");
}

static void h_qxfer(GdbStub *g, const char *annex_off)
{
    const char *pfx = "target.xml:";
    uint64_t off, len;
    static char buf[PKT_MAX];
    if (strncmp(annex_off, pfx, strlen(pfx))) {
        send_str(g, "E00");
        return;
    }
    const char *a = annex_off + strlen(pfx);
    if (parse_hex(&a, &off) < 0 || *a++ != ',' || parse_hex(&a, &len) < 0) {
        send_str(g, "E01");
        return;
    }
    size_t total = sizeof(target_xml) - 1;
    if (len > sizeof(buf) - 2)
        len = sizeof(buf) - 2;
    if (off >= total) {
        send_str(g, "l");
        return;
    }
    size_t n = total - (size_t)off;
    if (n > len)
        n = (size_t)len;
    buf[0] = (off + n >= total) ? 'l' : 'm';
    memcpy(buf + 1, target_xml + off, n);
    send_bin(g, buf, n + 1);
}

static void h_rcmd(GdbStub *g, const char *hexcmd)
{
    char cmd[256];
    static char out[PKT_MAX / 2 - 8];
    static char pkt[PKT_MAX];
    size_t n = strlen(hexcmd) / 2;
    if (n >= sizeof(cmd) || from_hex((uint8_t *)cmd, hexcmd, n) < 0) {
        send_str(g, "E01");
        return;
    }
    cmd[n] = '\0';
    int r = dbg_command(g->d, cmd, out, sizeof(out), 1);
    if (r == DBGCMD_QUIT)
        snprintf(out, sizeof(out), "use gdb's kill command to quit\n");
    if (out[0]) {
        pkt[0] = 'O';
        to_hex(pkt + 1, (const uint8_t *)out, strlen(out));
        send_str(g, pkt);
    }
    send_str(g, "OK");
}

/* Handles one packet; returns P_*. */
static int handle(GdbStub *g, int len)
{
    char *p = g->pkt;
    CPUState *c = dbg_cpu(g->d);
    static char big[PKT_MAX];
    uint8_t rb[16];
    uint64_t v;
    const char *a;

    switch (p[0]) {
    case '?':
        send_str(g, g->stop_reply);
        return P_STAY;
    case 'g': {
        size_t k = 0;
        for (int r = 0; r < GR_NREGS; r++) {
            unsigned n = reg_get(g, r, rb);
            to_hex(big + k, rb, n);
            k += 2 * n;
        }
        send_str(g, big);
        return P_STAY;
    }
    case 'G': {
        size_t k = 1, need = 0;
        for (int r = 0; r < GR_NREGS; r++)
            need += 2 * reg_size(r);
        if ((size_t)len < 1 + need) {
            send_str(g, "E01");
            return P_STAY;
        }
        for (int r = 0; r < GR_NREGS; r++) {
            unsigned n = reg_size(r);
            if (from_hex(rb, p + k, n) < 0) {
                send_str(g, "E01");
                return P_STAY;
            }
            reg_set(g, r, rb); /* unchangeable ones are left as they are */
            k += 2 * n;
        }
        send_str(g, "OK");
        return P_STAY;
    }
    case 'p':
        a = p + 1;
        if (parse_hex(&a, &v) < 0 || v >= GR_NREGS) {
            send_str(g, "E01");
            return P_STAY;
        }
        to_hex(big, rb, reg_get(g, (int)v, rb));
        send_str(g, big);
        return P_STAY;
    case 'P': {
        a = p + 1;
        if (parse_hex(&a, &v) < 0 || v >= GR_NREGS || *a++ != '=' ||
            strlen(a) < 2 * reg_size((int)v) ||
            from_hex(rb, a, reg_size((int)v)) < 0) {
            send_str(g, "E01");
            return P_STAY;
        }
        send_str(g, reg_set(g, (int)v, rb) < 0 ? "E01" : "OK");
        return P_STAY;
    }
    case 'm':
        h_read_mem(g, p + 1);
        return P_STAY;
    case 'M':
        h_write_mem(g, p + 1, (size_t)len, 0);
        return P_STAY;
    case 'X':
        h_write_mem(g, p + 1, (size_t)len, 1);
        return P_STAY;
    case 'Z':
    case 'z':
        h_breakpoint(g, p + 1, p[0] == 'Z');
        return P_STAY;
    case 'c':
    case 's':
        a = p + 1;
        if (*a && parse_hex(&a, &v) == 0)
            cpu_set_eip(c, (uint32_t)v);
        dbg_resume(g->d, p[0] == 's');
        return P_RESUME;
    case 'H':
        send_str(g, "OK");
        return P_STAY;
    case 'T':
        send_str(g, "OK"); /* our one thread is alive */
        return P_STAY;
    case 'D':
        send_str(g, "OK");
        return P_DETACH;
    case 'k':
        return P_KILL;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            send_str(g, "vCont;c;C;s;S");
            return P_STAY;
        }
        if (!strncmp(p, "vCont;", 6)) {
            /* The first action applies to our only thread. */
            char act = p[6];
            if (act == 'c' || act == 'C' || act == 's' || act == 'S') {
                dbg_resume(g->d, act == 's' || act == 'S');
                return P_RESUME;
            }
            send_str(g, "E01");
            return P_STAY;
        }
        if (!strncmp(p, "vKill", 5)) {
            send_str(g, "OK");
            return P_KILL;
        }
        send_str(g, "");
        return P_STAY;
    case 'q':
        if (!strncmp(p, "qSupported", 10)) {
            snprintf(big, sizeof(big),
                     "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
                     "vContSupported+;QStartNoAckMode+",
                     PKT_MAX);
            send_str(g, big);
        } else if (!strncmp(p, "qXfer:features:read:", 20)) {
            h_qxfer(g, p + 20);
        } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
            send_str(g, "1");
        } else if (!strcmp(p, "qC")) {
            send_str(g, "QC01");
        } else if (!strcmp(p, "qfThreadInfo")) {
            send_str(g, "m01");
        } else if (!strcmp(p, "qsThreadInfo")) {
            send_str(g, "l");
        } else if (!strncmp(p, "qRcmd,", 6)) {
            h_rcmd(g, p + 6);
        } else if (!strncmp(p, "qSymbol", 7)) {
            send_str(g, "OK");
        } else {
            send_str(g, "");
        }
        return P_STAY;
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            send_str(g, "OK");
            g->noack = 1;
        } else {
            send_str(g, "");
        }
        return P_STAY;
    default:
        send_str(g, "");
        return P_STAY;
    }
}

/* ------------------------------------------------------------ public */

GdbStub *gdb_new(Dbg *d, const char *spec, char *err, size_t errlen)
{
    char host[256] = "", port[16];
    const char *s = spec;
    if (!strncmp(s, "tcp:", 4))
        s += 4;
    const char *colon = strrchr(s, ':');
    if (colon) {
        size_t hl = (size_t)(colon - s);
        if (hl >= sizeof(host)) {
            snprintf(err, errlen, "-gdb %s: host name too long", spec);
            return NULL;
        }
        memcpy(host, s, hl);
        host[hl] = '\0';
        s = colon + 1;
    }
    char *end;
    unsigned long pn = strtoul(s, &end, 10);
    if (!*s || *end || pn == 0 || pn > 65535) {
        snprintf(err, errlen,
                 "-gdb '%s': expected tcp::PORT or tcp:HOST:PORT", spec);
        return NULL;
    }
    snprintf(port, sizeof(port), "%lu", pn);

    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int e = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (e) {
        snprintf(err, errlen, "-gdb %s: %s", spec, gai_strerror(e));
        return NULL;
    }
    int fd = -1, saved = 0;
    /* Prefer IPv4 for the wildcard address: gdb's ":PORT" is localhost. */
    for (int pass = 0; pass < 2 && fd < 0; pass++)
        for (ai = res; ai && fd < 0; ai = ai->ai_next) {
            if ((ai->ai_family == AF_INET) != (pass == 0))
                continue;
            fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
            if (fd < 0) {
                saved = errno;
                continue;
            }
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
                listen(fd, 1) < 0) {
                saved = errno;
                close(fd);
                fd = -1;
            }
        }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "-gdb %s: cannot listen: %s", spec,
                 strerror(saved));
        return NULL;
    }
    GdbStub *g = calloc(1, sizeof(*g));
    if (!g) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->d = d;
    g->lfd = fd;
    g->fd = -1;
    snprintf(g->stop_reply, sizeof(g->stop_reply), "T05thread:01;");
    return g;
}

void gdb_free(GdbStub *g)
{
    if (!g)
        return;
    drop_client(g);
    close(g->lfd);
    free(g);
}

/* gdb went away or detached: remove its breakpoints and keep running. */
static void detach(GdbStub *g)
{
    dbg_clear_all(g->d);
    drop_client(g);
    dbg_resume(g->d, 0);
}

int gdb_check_interrupt(GdbStub *g)
{
    if (g->fd < 0) {
        if (accept_client(g, 0) == 0) {
            g->ctrlc = 0;
            return 1; /* a new connection stops the machine */
        }
        return 0;
    }
    for (;;) {
        int ch = get_byte(g, 0);
        if (ch == -1)
            return 0;
        if (ch == -2) {
            detach(g);
            return 0;
        }
        if (ch == 0x03) {
            g->ctrlc = 1;
            return 1;
        }
    }
}

int gdb_stopped(GdbStub *g, const DbgStop *st)
{
    make_stop_reply(g, st);
    g->ctrlc = 0;
    if (g->fd >= 0 && g->waiting) {
        send_str(g, g->stop_reply);
        g->waiting = 0;
    }
    for (;;) {
        if (g->fd < 0) {
            fprintf(stderr, "x86pc: waiting for gdb\n");
            while (accept_client(g, -1) < 0)
                ;
        }
        int n = read_packet(g);
        if (n == -3)
            continue; /* Ctrl-C while stopped */
        if (n < 0) {
            detach(g);
            return 0;
        }
        switch (handle(g, n)) {
        case P_RESUME:
            g->waiting = 1;
            return 0;
        case P_KILL:
            drop_client(g);
            return 1;
        case P_DETACH:
            detach(g);
            return 0;
        default:
            break;
        }
    }
}

void gdb_exited(GdbStub *g, int status)
{
    char buf[8];
    if (g->fd < 0)
        return;
    snprintf(buf, sizeof(buf), "W%02x", (unsigned)status & 0xFF);
    send_str(g, buf);
    drop_client(g);
}
