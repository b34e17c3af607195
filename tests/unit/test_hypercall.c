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


/* ---------------------------------------------------------------- fuzz */
static uint32_t rng = 4242;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* The string the device should read at lin, or NULL (EFAULT). */
static const char *model_str(const Host *h, uint32_t lin)
{
    for (uint32_t k = 0; k < HC_MAX_STR; k++) {
        if (lin >= sizeof h->mem || k >= sizeof h->mem - lin)
            return NULL;
        if (!h->mem[lin + k])
            return (const char *)h->mem + lin;
    }
    return NULL;
}

/* Random argument/command/read traffic of every width, random guest memory
 * (strings of every length, unterminated runs, addresses off the end),
 * resets and snapshot round trips with random payloads, against a model of
 * the header's rules: results, callbacks and their arguments must match. */
static void test_fuzz(void)
{
    static Host host;
    HypercallOps ops = {&host, h_read, h_print, h_sym, h_trace, h_brk, h_exit};
    IOBus *bus = iobus_new();
    Hypercall *hc = hypercall_new(&ops);
    hypercall_register(hc, bus, HC_PORT_BASE);
    memset(&host, 0, sizeof host);
    static const unsigned need[] = {0, 1, 2, 1, 0, 1};
    uint32_t margs[HC_MAX_ARGS] = {0};
    unsigned mn = 0;
    uint32_t mres = HC_OK;
    int prints = 0, traces = 0, brks = 0, exits = 0, syms = 0, trace = 0,
        status = 0;
    int bad_res = 0, bad_cb = 0, bad_read = 0, bad_snap = 0;
    unsigned counts[5] = {0};
    for (size_t j = 0; j < sizeof host.mem; j++)
        host.mem[j] = (uint8_t)(rnd() % 16 ? 'a' + rnd() % 26 : 0);
    for (int i = 0; i < 100000; i++) {
        uint32_t k = rnd();
        unsigned size = 1u << ((k >> 4) % 3);
        uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
        switch (k % 12) {
        case 0: case 1: case 2: case 3: {
            /* an argument: mostly a guest address near the memory */
            uint32_t v = (k & 0x80) ? rnd() % 4400 : (rnd() << 8 | (k >> 24));
            iobus_write(bus, DATA, v, size);
            if (mn < HC_MAX_ARGS)
                margs[mn] = v & mask;
            if (mn <= HC_MAX_ARGS)
                mn++;
            break;
        }
        case 4: case 5: {
            uint32_t cmd = (k & 0x100) ? (k >> 9) % 7 : rnd();
            iobus_write(bus, CMD, cmd, size);
            cmd &= mask;
            uint32_t want;
            const char *str = NULL;
            if (cmd < HC_PRINT || cmd > HC_EXIT)
                want = HC_ECMD;
            else if (mn != need[cmd])
                want = HC_EARGS;
            else if (cmd == HC_PRINT)
                want = (str = model_str(&host, margs[0])) ? HC_OK : HC_EFAULT;
            else if (cmd == HC_ADDSYM)
                want = (str = model_str(&host, margs[1])) && str[0] ? HC_OK
                                                                   : HC_EFAULT;
            else
                want = HC_OK;
            if (want == HC_OK) {
                counts[cmd - 1]++;
                switch (cmd) {
                case HC_PRINT:
                    prints++;
                    if (strcmp(host.printed, str))
                        bad_cb++;
                    break;
                case HC_ADDSYM:
                    syms++;
                    if (host.symval != margs[0] ||
                        strncmp(host.symname, str, sizeof host.symname - 1))
                        bad_cb++;
                    break;
                case HC_TRACE: traces++; trace = margs[0] != 0; break;
                case HC_BREAK: brks++; break;
                case HC_EXIT: exits++; status = (int)(margs[0] & 0xFF); break;
                }
            }
            mres = want;
            mn = 0;
            if (iobus_read(bus, CMD, 4) != want)
                bad_res++;
            break;
        }
        case 6: case 7: {
            unsigned off = (k >> 8) & 7;
            uint32_t got = iobus_read(bus, (uint16_t)(HC_PORT_BASE + off), 1);
            uint32_t reg = off < 4 ? HC_SIGNATURE : mres;
            if (got != ((reg >> (8 * (off & 3))) & 0xFF))
                bad_read++;
            if (iobus_read(bus, DATA, 4) != HC_SIGNATURE)
                bad_read++;
            break;
        }
        case 8: {
            /* guest memory changes: a new string, or a long run with no
             * NUL, or random bytes */
            uint32_t at = rnd() % sizeof host.mem;
            uint32_t len = (k & 0x100) ? rnd() % 1200 : rnd() % 40;
            if (len > sizeof host.mem - at)
                len = (uint32_t)sizeof host.mem - at;
            for (uint32_t j = 0; j < len; j++)
                host.mem[at + j] = (uint8_t)(' ' + rnd() % 90);
            if ((k & 0x200) && at + len < sizeof host.mem)
                host.mem[at + len] = 0;
            break;
        }
        case 9:
            if ((k >> 4) % 40 == 0) {
                hypercall_reset(hc);
                mn = 0;
                mres = HC_OK;
            }
            break;
        default:
            if ((k >> 4) % 20 == 0) {
                SnapWriter a, b;
                SnapReader r;
                snap_writer_init(&a);
                snap_writer_init(&b);
                hypercall_save(hc, &a);
                uint8_t junk[64];
                size_t jl = a.len < sizeof junk ? a.len : sizeof junk;
                memcpy(junk, a.buf, jl);
                for (size_t j = 8; j < jl; j++) /* after tag + version */
                    if (rnd() % 3 == 0)
                        junk[j] = (uint8_t)(rnd() % 3 ? rnd() % 8 : rnd());
                if (k & 0x1000)
                    jl = rnd() % (jl + 1);
                snap_reader_init(&r, junk, jl);
                if (hypercall_load(hc, &r) == 0) {
                    /* whatever was accepted must be usable */
                    iobus_write(bus, CMD, HC_TRACE, 1);
                    (void)iobus_read(bus, CMD, 4);
                }
                snap_reader_init(&r, a.buf, a.len);
                if (hypercall_load(hc, &r) != 0)
                    bad_snap++;
                hypercall_save(hc, &b);
                if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
                    bad_snap++;
                snap_writer_free(&a);
                snap_writer_free(&b);
                /* the probe above may have called the host: resync */
                traces = host.traces;
                trace = host.trace;
            }
            break;
        }
        if (host.prints != prints || host.traces != traces ||
            host.brks != brks || host.exits != exits ||
            (traces && host.trace != trace) ||
            (exits && host.exit_status != status))
            bad_cb++;
    }
    printf("# fuzz: OK results by command: print %u, addsym %u, trace %u, "
           "break %u, exit %u\n", counts[0], counts[1], counts[2], counts[3],
           counts[4]);
    ok(!bad_res, "fuzz: every command result equals the model's");
    ok(!bad_cb, "fuzz: host callbacks and their arguments match the model");
    ok(!bad_read, "fuzz: DATA always reads the signature, CMD the result");
    ok(!bad_snap, "fuzz: snapshot round trips, also after random loads");
    ok(counts[0] && counts[1] && counts[2] && counts[3] && counts[4],
       "fuzz: every command succeeded at least once");
    hypercall_free(hc);
    iobus_free(bus);
}

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
    test_fuzz();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
