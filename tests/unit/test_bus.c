/* Unit tests for the port-I/O bus (devices/bus.c).  TAP output. */
#include <stdio.h>
#include <string.h>

#include "devices/bus.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

/* A device that logs every access it receives. */
typedef struct Log {
    int n;
    struct {
        int write;
        uint16_t port;
        uint32_t val;
        unsigned size;
    } a[16];
    uint32_t read_val; /* returned (unmasked) by every read */
} Log;

static void log_add(Log *l, int write, uint16_t port, uint32_t val,
                    unsigned size)
{
    if (l->n < 16) {
        l->a[l->n].write = write;
        l->a[l->n].port = port;
        l->a[l->n].val = val;
        l->a[l->n].size = size;
    }
    l->n++;
}

static uint32_t log_read(void *opaque, uint16_t port, unsigned size)
{
    Log *l = opaque;
    log_add(l, 0, port, 0, size);
    return l->read_val;
}

static void log_write(void *opaque, uint16_t port, uint32_t val,
                      unsigned size)
{
    log_add(opaque, 1, port, val, size);
}

/* Reads return the low byte of the port number plus 0x10. */
static uint32_t byte_read(void *opaque, uint16_t port, unsigned size)
{
    Log *l = opaque;
    log_add(l, 0, port, 0, size);
    return (port & 0xFF) + 0x10;
}

static int has(const Log *l, int i, int write, uint16_t port, uint32_t val,
               unsigned size)
{
    return i < l->n && l->a[i].write == write && l->a[i].port == port &&
           l->a[i].val == val && l->a[i].size == size;
}

static void test_register_overlap(void)
{
    IOBus *b = iobus_new();
    Log l = {0};
    ok(iobus_register(b, 0x100, 8, IO_8, log_read, log_write, &l) == 0,
       "register 0x100-0x107");
    ok(iobus_register(b, 0x107, 1, IO_8, log_read, log_write, &l) == -1,
       "overlap at the last port rejected");
    ok(iobus_register(b, 0x0FC, 8, IO_8, log_read, log_write, &l) == -1,
       "overlap at the first port rejected");
    ok(iobus_register(b, 0x0F8, 8, IO_8, log_read, log_write, &l) == 0,
       "adjacent range below accepted");
    ok(iobus_register(b, 0x108, 1, IO_8, log_read, log_write, &l) == 0,
       "adjacent range above accepted");
    ok(iobus_register(b, 0xFFFF, 2, IO_8, log_read, log_write, &l) == -1,
       "range past 0xFFFF rejected");
    ok(iobus_register(b, 0x200, 0, IO_8, log_read, log_write, &l) == -1,
       "empty range rejected");
    ok(iobus_register(b, 0x200, 1, 0, log_read, log_write, &l) == -1,
       "no access width rejected");
    ok(iobus_register(b, 0xFFFF, 1, IO_8, log_read, log_write, &l) == 0,
       "port 0xFFFF can be registered");
    /* A rejected registration must not have claimed any port. */
    iobus_read(b, 0x200, 1);
    ok(l.n == 0, "rejected registrations left ports unassigned");
    iobus_free(b);
}

static void test_unassigned(void)
{
    IOBus *b = iobus_new();
    ok(iobus_read(b, 0x1234, 1) == 0xFF, "unassigned 8-bit read = 0xFF");
    ok(iobus_read(b, 0x1234, 2) == 0xFFFF, "unassigned 16-bit read = 0xFFFF");
    ok(iobus_read(b, 0x1234, 4) == 0xFFFFFFFFu,
       "unassigned 32-bit read = 0xFFFFFFFF");
    ok(iobus_read(b, 0xFFFF, 4) == 0xFFFFFFFFu,
       "unassigned 32-bit read wrapping past 0xFFFF = 0xFFFFFFFF");
    iobus_write(b, 0x1234, 0x55, 1); /* must simply be ignored */
    ok(1, "unassigned write ignored");
    iobus_free(b);
}

static void test_split(void)
{
    IOBus *b = iobus_new();
    Log l = {0};
    iobus_register(b, 0x60, 4, IO_8, byte_read, log_write, &l);

    uint32_t v = iobus_read(b, 0x60, 4);
    ok(v == 0x73727170u, "32-bit read from byte device assembled "
                         "little-endian (0x73727170)");
    ok(l.n == 4 && has(&l, 0, 0, 0x60, 0, 1) && has(&l, 1, 0, 0x61, 0, 1) &&
           has(&l, 2, 0, 0x62, 0, 1) && has(&l, 3, 0, 0x63, 0, 1),
       "32-bit read became 4 byte reads at 0x60..0x63 in order");

    l.n = 0;
    iobus_write(b, 0x60, 0xAABBCCDDu, 4);
    ok(l.n == 4 && has(&l, 0, 1, 0x60, 0xDD, 1) &&
           has(&l, 1, 1, 0x61, 0xCC, 1) && has(&l, 2, 1, 0x62, 0xBB, 1) &&
           has(&l, 3, 1, 0x63, 0xAA, 1),
       "32-bit write became 4 byte writes, low byte first");

    l.n = 0;
    v = iobus_read(b, 0x62, 4);
    ok(v == 0xFFFF7372u && l.n == 2,
       "32-bit read straddling the device end: missing bytes read 0xFF");

    /* Port addresses wrap: a 16-bit read at 0xFFFF covers 0xFFFF and 0. */
    iobus_register(b, 0xFFFF, 1, IO_8, byte_read, log_write, &l);
    iobus_register(b, 0x0000, 1, IO_8, byte_read, log_write, &l);
    l.n = 0;
    v = iobus_read(b, 0xFFFF, 2);
    ok(v == 0x100F && l.n == 2 && has(&l, 0, 0, 0xFFFF, 0, 1) &&
           has(&l, 1, 0, 0x0000, 0, 1),
       "16-bit read at 0xFFFF wraps to port 0");
    iobus_free(b);
}

static void test_width_masks(void)
{
    IOBus *b = iobus_new();
    Log w = {0}, d = {0}, x = {0};
    /* 8+16-bit device at 0x1F0..0x1F3; 32-bit-only device at 0xCF8. */
    iobus_register(b, 0x1F0, 4, IO_8 | IO_16, log_read, log_write, &w);
    iobus_register(b, 0xCF8, 4, IO_32, log_read, log_write, &d);
    /* 16-bit-only device at 0x300..0x301. */
    iobus_register(b, 0x300, 2, IO_16, log_read, log_write, &x);

    w.read_val = 0xDEADBEEFu;
    ok(iobus_read(b, 0x1F0, 2) == 0xBEEF && w.n == 1 &&
           has(&w, 0, 0, 0x1F0, 0, 2),
       "16-bit read delivered whole; result masked to 16 bits");
    ok(iobus_read(b, 0x1F1, 1) == 0xEF, "8-bit read masked to 8 bits");

    w.n = 0;
    iobus_write(b, 0x1F0, 0x12345678u, 4);
    ok(w.n == 2 && has(&w, 0, 1, 0x1F0, 0x5678, 2) &&
           has(&w, 1, 1, 0x1F2, 0x1234, 2),
       "32-bit write to an 8/16-bit device became two 16-bit writes");

    w.n = 0;
    iobus_write(b, 0x1F0, 0xFFFFFF12u, 1);
    ok(w.n == 1 && has(&w, 0, 1, 0x1F0, 0x12, 1),
       "8-bit write value masked to 8 bits");

    d.read_val = 0x80001234u;
    ok(iobus_read(b, 0xCF8, 4) == 0x80001234u && d.n == 1,
       "32-bit-only device gets 32-bit reads");
    d.n = 0;
    ok(iobus_read(b, 0xCF8, 1) == 0xFF && iobus_read(b, 0xCFA, 2) == 0xFFFF &&
           d.n == 0,
       "narrower reads of a 32-bit-only device read all-ones, unseen");
    iobus_write(b, 0xCF8, 0x12, 1);
    ok(d.n == 0, "narrower write to a 32-bit-only device dropped");

    x.read_val = 0xA5A5;
    ok(iobus_read(b, 0x300, 4) == 0xFFFFA5A5u && x.n == 1 &&
           has(&x, 0, 0, 0x300, 0, 2),
       "32-bit read over a 16-bit device: one 16-bit read + unassigned");
    iobus_free(b);
}

static void test_unregister(void)
{
    IOBus *b = iobus_new();
    Log a = {0}, c = {0};
    a.read_val = 0x11;
    c.read_val = 0x22;
    iobus_register(b, 0xC000, 16, IO_8, log_read, log_write, &a);
    ok(iobus_unregister(b, 0xC001, 15) == -1 &&
           iobus_unregister(b, 0xC000, 8) == -1 &&
           iobus_unregister(b, 0xC100, 16) == -1 &&
           iobus_read(b, 0xC00F, 1) == 0x11,
       "unregister needs the exact base and count of a registration");
    ok(iobus_unregister(b, 0xC000, 16) == 0, "unregister 0xC000-0xC00F");
    a.n = 0;
    ok(iobus_read(b, 0xC000, 1) == 0xFF && iobus_read(b, 0xC00F, 1) == 0xFF &&
           a.n == 0,
       "unregistered ports read 0xFF and reach no device");
    ok(iobus_unregister(b, 0xC000, 16) == -1, "second unregister fails");
    /* A moving BAR: register/unregister many times; slots are reused. */
    int good = 1;
    for (unsigned i = 0; i < 70000; i++) {
        uint16_t base = (uint16_t)(0xD000 + (i % 64) * 16);
        if (iobus_register(b, base, 16, IO_8, log_read, log_write, &c) ||
            iobus_unregister(b, base, 16))
            good = 0;
    }
    ok(good, "70000 register/unregister cycles do not exhaust the table");
    ok(iobus_register(b, 0xC008, 16, IO_8, log_read, log_write, &c) == 0 &&
           iobus_read(b, 0xC008, 1) == 0x22 && iobus_read(b, 0xC007, 1) == 0xFF,
       "freed ports can be registered again by another device");
    iobus_free(b);
}

/* The optional observer of accesses nobody answers (-d unimp). */
typedef struct Unimp {
    int n;
    uint16_t port[8];
    int write[8];
    uint8_t val[8];
} Unimp;

static void unimp_cb(void *opaque, uint16_t port, int write, uint8_t val)
{
    Unimp *u = opaque;
    if (u->n < 8) {
        u->port[u->n] = port;
        u->write[u->n] = write;
        u->val[u->n] = val;
    }
    u->n++;
}

static void test_unassigned_hook(void)
{
    IOBus *b = iobus_new();
    Log l = {0};
    Unimp u = {0};
    iobus_register(b, 0x100, 2, IO_8, log_read, log_write, &l);
    iobus_set_unassigned(b, unimp_cb, &u);
    (void)iobus_read(b, 0x100, 1);
    ok(u.n == 0, "hook: an answered access is not reported");
    ok(iobus_read(b, 0x300, 1) == 0xFF && u.n == 1 && u.port[0] == 0x300 &&
           !u.write[0],
       "hook: unassigned read reported (and still reads 0xFF)");
    iobus_write(b, 0x0FF, 0xA1B2, 2);
    ok(u.n == 2 && u.port[1] == 0x0FF && u.write[1] && u.val[1] == 0xB2,
       "hook: only the unassigned byte of a split write is reported");
    iobus_set_unassigned(b, NULL, NULL);
    (void)iobus_read(b, 0x300, 4);
    ok(u.n == 2, "hook removed: nothing reported");
    iobus_free(b);
}

int main(void)
{
    printf("1..38\n");
    test_register_overlap();
    test_unassigned();
    test_split();
    test_width_masks();
    test_unregister();
    test_unassigned_hook();
    if (test_no != 38)
        printf("# planned 38 tests but ran %d\n", test_no);
    return failures || test_no != 38;
}
