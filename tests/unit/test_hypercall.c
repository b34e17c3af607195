/* Unit tests for the guest hypercall port (devices/hypercall.c), driven
 * through the I/O bus as a guest would.  TAP output. */
#include <stdio.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/hypercall.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

typedef struct Host {
    uint8_t mem[4096];
    char printed[2048];
    int prints;
    uint32_t symval;
    char symname[64];
    int trace, traces, brks, exit_status, exits;
} Host;

static int h_read(void *o, uint32_t lin, void *buf, uint32_t len)
{
    Host *h = o;
    if (lin >= sizeof h->mem || len > sizeof h->mem - lin)
        return -1;
    memcpy(buf, h->mem + lin, len);
    return 0;
}
static void h_print(void *o, const char *t)
{
    Host *h = o;
    snprintf(h->printed, sizeof h->printed, "%s", t);
    h->prints++;
}
static void h_sym(void *o, uint32_t v, const char *n)
{
    Host *h = o;
    h->symval = v;
    snprintf(h->symname, sizeof h->symname, "%s", n);
}
static void h_trace(void *o, int on)
{
    Host *h = o;
    h->trace = on;
    h->traces++;
}
static void h_brk(void *o) { ((Host *)o)->brks++; }
static void h_exit(void *o, int st)
{
    Host *h = o;
    h->exit_status = st;
    h->exits++;
}

#define DATA HC_PORT_BASE
#define CMD (HC_PORT_BASE + 4)

int main(void)
{
    static Host host;
    HypercallOps ops = {&host, h_read, h_print, h_sym, h_trace, h_brk, h_exit};
    IOBus *bus = iobus_new();
    Hypercall *hc = hypercall_new(&ops);
    ok(hc && hypercall_register(hc, bus, HC_PORT_BASE) == 0, "registers at 0x8A0");
    ok(iobus_read(bus, DATA, 4) == HC_SIGNATURE, "DATA reads the signature");
    ok(iobus_read(bus, DATA, 1) == 'x' && iobus_read(bus, DATA + 1, 1) == '8' &&
           iobus_read(bus, DATA + 3, 1) == 'H',
       "signature bytes spell x86H");

    strcpy((char *)host.mem + 0x100, "hello from the guest");
    iobus_write(bus, DATA, 0x100, 4);
    iobus_write(bus, CMD, HC_PRINT, 1);
    ok(host.prints == 1 && !strcmp(host.printed, "hello from the guest") &&
           iobus_read(bus, CMD, 4) == HC_OK,
       "PRINT reads the string at the linear address");

    iobus_write(bus, DATA, 0xFF0, 4); /* runs off the end: no NUL */
    memset(host.mem + 0xFF0, 'a', 16);
    iobus_write(bus, CMD, HC_PRINT, 1);
    ok(host.prints == 1 && iobus_read(bus, CMD, 4) == HC_EFAULT,
       "PRINT of an unterminated/unmapped string fails with EFAULT");

    memset(host.mem + 0x200, 'b', sizeof host.mem - 0x200);
    host.mem[0x200 + HC_MAX_STR] = 0; /* NUL just beyond the limit */
    iobus_write(bus, DATA, 0x200, 2);
    iobus_write(bus, CMD, HC_PRINT, 2);
    ok(host.prints == 1 && iobus_read(bus, CMD, 4) == HC_EFAULT,
       "strings longer than HC_MAX_STR are refused");

    strcpy((char *)host.mem + 0x300, "main_loop");
    iobus_write(bus, DATA, 0x12345678, 4);
    iobus_write(bus, DATA, 0x300, 4);
    iobus_write(bus, CMD, HC_ADDSYM, 4);
    ok(host.symval == 0x12345678 && !strcmp(host.symname, "main_loop") &&
           iobus_read(bus, CMD, 1) == HC_OK,
       "ADDSYM passes value and name");

    iobus_write(bus, CMD, HC_ADDSYM, 1);
    ok(iobus_read(bus, CMD, 4) == HC_EARGS, "missing arguments: EARGS");
    for (int k = 0; k < 6; k++)
        iobus_write(bus, DATA, 1, 4);
    iobus_write(bus, CMD, HC_TRACE, 1);
    ok(host.traces == 0 && iobus_read(bus, CMD, 4) == HC_EARGS,
       "too many arguments: EARGS, nothing done");
    iobus_write(bus, DATA, 1, 1);
    iobus_write(bus, CMD, HC_TRACE, 1);
    ok(host.traces == 1 && host.trace == 1, "TRACE on (queue was cleared)");
    iobus_write(bus, DATA, 0, 1);
    iobus_write(bus, CMD, HC_TRACE, 1);
    ok(host.traces == 2 && host.trace == 0, "TRACE off");
    iobus_write(bus, CMD, HC_BREAK, 1);
    ok(host.brks == 1, "BREAK");
    iobus_write(bus, CMD, 99, 1);
    ok(iobus_read(bus, CMD, 4) == HC_ECMD, "unknown command: ECMD");
    iobus_write(bus, DATA, 0x1234, 4);
    iobus_write(bus, CMD, HC_EXIT, 1);
    ok(host.exits == 1 && host.exit_status == 0x34, "EXIT status & 0xFF");

    /* a host without callbacks */
    {
        HypercallOps none = {&host, h_read, NULL, NULL, NULL, NULL, NULL};
        Hypercall *h2 = hypercall_new(&none);
        IOBus *b2 = iobus_new();
        hypercall_register(h2, b2, 0x1000);
        iobus_write(b2, 0x1004, HC_BREAK, 1);
        ok(iobus_read(b2, 0x1004, 4) == HC_EHOST && iobus_read(b2, 0x1000, 4) == HC_SIGNATURE,
           "missing host callback: EHOST (at another base)");
        hypercall_free(h2);
        iobus_free(b2);
    }

    /* snapshot round trip with queued arguments */
    {
        SnapWriter w1, w2;
        SnapReader r;
        iobus_write(bus, DATA, 0x100, 4);
        snap_writer_init(&w1);
        hypercall_save(hc, &w1);
        hypercall_reset(hc);
        snap_reader_init(&r, w1.buf, w1.len);
        ok(hypercall_load(hc, &r) == 0, "load succeeds");
        snap_writer_init(&w2);
        hypercall_save(hc, &w2);
        ok(w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len), "save/load/save identical");
        iobus_write(bus, CMD, HC_PRINT, 1);
        ok(host.prints == 2, "the restored argument queue is used");
        w1.buf[4 + 4] = 9; /* corrupt nargs (after tag + version) */
        snap_reader_init(&r, w1.buf, w1.len);
        ok(hypercall_load(hc, &r) == -1, "out-of-range argument count rejected");
        snap_writer_free(&w1);
        snap_writer_free(&w2);
    }
    hypercall_free(hc);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
