/* Unit tests for devices/kernel_cfg.c: what -kernel/-initrd/-append put
 * into fw_cfg, read back through the I/O bus as the BIOS reads it.  The
 * expected addresses are QEMU's (pc machine, 128 MiB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/fw_cfg.h"
#include "devices/kernel_cfg.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static void sel(uint16_t key) { iobus_write(bus, 0x510, key, 2); }
static void readn(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)iobus_read(bus, 0x511, 1);
}
static uint32_t item32(uint16_t key)
{
    uint8_t b[4];
    sel(key);
    readn(b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
/* 1 if item `key` holds exactly data[0..n). */
static int item_is(uint16_t key, const void *data, size_t n)
{
    uint8_t *b = malloc(n + 1);
    if (!b)
        return 0;
    sel(key);
    readn(b, n + 1); /* one more: past the end reads 0 */
    int r = !memcmp(b, data, n) && b[n] == 0;
    free(b);
    return r;
}

static FwCfg *fresh(void)
{
    static FwCfg *f;
    if (f)
        fw_cfg_free(f);
    iobus_free(bus);
    bus = iobus_new();
    f = fw_cfg_new();
    if (!bus || !f || fw_cfg_register(f, bus, 0x510) < 0) {
        printf("Bail out! setup\n");
        exit(1);
    }
    return f;
}

#define RAM (128u << 20)

/* A fake bzImage: setup_sects, protocol, loadflags; pm bytes after the
 * setup filled with 0x5A. */
static uint8_t *linux_image(unsigned sects, unsigned proto, uint8_t lflags,
                            size_t pm, size_t *size)
{
    size_t setup = ((sects ? sects : 4) + 1) * 512;
    uint8_t *k = calloc(1, setup + pm);
    if (!k)
        exit(1);
    k[0x1F1] = (uint8_t)sects;
    k[0x1FE] = 0x55;
    k[0x1FF] = 0xAA;
    memcpy(k + 0x202, "HdrS", 4);
    k[0x206] = (uint8_t)proto;
    k[0x207] = (uint8_t)(proto >> 8);
    k[0x211] = lflags;
    put32(k + 0x22C, 0x7FFFFFFF);
    memset(k + setup, 0x5A, pm);
    *size = setup + pm;
    return k;
}

int main(void)
{
    uint8_t buf[4096];
    size_t ksize;

    /* ---- Linux, protocol 2.06, loaded high, with an initrd */
    FwCfg *f = fresh();
    uint8_t *k = linux_image(4, 0x206, 0x01, 0x3010, &ksize);
    uint8_t initrd[70000];
    for (size_t i = 0; i < sizeof initrd; i++)
        initrd[i] = (uint8_t)(i * 7);
    KernelSpec ks = {k, ksize, "bz", "console=ttyS0 x", initrd,
                     sizeof initrd, 1, NULL, NULL};
    ok(fw_cfg_load_kernel(f, &ks, RAM) == NULL, "bzImage 2.06 accepted");
    ok(item32(FW_CFG_SETUP_SIZE) == 2560, "setup size (4 + 1) * 512");
    ok(item32(FW_CFG_SETUP_ADDR) == 0x10000, "setup at 0x10000");
    ok(item32(FW_CFG_KERNEL_ADDR) == 0x100000, "kernel at 1 MiB");
    ok(item32(FW_CFG_KERNEL_SIZE) == 0x3010, "kernel size: the rest");
    ok(item_is(FW_CFG_KERNEL_DATA, k + 2560, 0x3010), "kernel data");
    ok(item32(FW_CFG_CMDLINE_ADDR) == 0x20000, "command line at 0x20000");
    ok(item32(FW_CFG_CMDLINE_SIZE) == 16, "command line size with NUL");
    ok(item_is(FW_CFG_CMDLINE_DATA, "console=ttyS0 x", 15),
       "command line data");
    /* initrd_max = 128 MiB - 128 KiB - 1; (max - size) & ~4095 */
    ok(item32(FW_CFG_INITRD_ADDR) == 0x7FCE000, "initrd at 0x7FCE000 (QEMU's)");
    ok(item32(FW_CFG_INITRD_SIZE) == sizeof initrd, "initrd size");
    ok(item_is(FW_CFG_INITRD_DATA, initrd, sizeof initrd), "initrd data");
    sel(FW_CFG_SETUP_DATA);
    readn(buf, 2560);
    ok(!memcmp(buf, k, 0x1F0) && !memcmp(buf + 0x202, "HdrS", 4),
       "setup data: the file's first sectors");
    ok(buf[0x210] == 0xB0, "type_of_loader 0xB0");
    ok(buf[0x211] == 0x81, "loadflags: LOADED_HIGH | CAN_USE_HEAP");
    ok(buf[0x224] == 0x00 && buf[0x225] == 0xFE, "heap_end_ptr 0xFE00");
    ok(le32(buf + 0x228) == 0x20000, "cmd_line_ptr 0x20000");
    ok(le32(buf + 0x218) == 0x7FCE000 && le32(buf + 0x21C) == sizeof initrd,
       "ramdisk_image/size");
    free(k);

    /* ---- protocol 2.01: setup at 0x90000, old command line protocol */
    f = fresh();
    k = linux_image(0, 0x201, 0x01, 100, &ksize);
    ks = (KernelSpec){k, ksize, "old", "ab", NULL, 0, 0, NULL, NULL};
    ok(fw_cfg_load_kernel(f, &ks, RAM) == NULL, "bzImage 2.01 accepted");
    ok(item32(FW_CFG_SETUP_SIZE) == 2560, "setup_sects 0 means 4");
    ok(item32(FW_CFG_SETUP_ADDR) == 0x90000, "2.01: setup at 0x90000");
    ok(item32(FW_CFG_CMDLINE_ADDR) == 0x9A000 - 3,
       "2.01: command line at 0x9A000 - size");
    sel(FW_CFG_SETUP_DATA);
    readn(buf, 2560);
    ok(buf[0x20] == 0x3F && buf[0x21] == 0xA3 && buf[0x22] == 0xFD &&
       buf[0x23] == 0x9F, "cmd_line_magic 0xA33F, offset 0x9FFD");
    ok(item32(FW_CFG_INITRD_SIZE) == 0, "no initrd");
    free(k);

    /* ---- Multiboot: whole file, "NAME CMDLINE", module list */
    f = fresh();
    uint8_t mb[9000];
    memset(mb, 0xEE, sizeof mb);
    put32(mb + 4096, 0x1BADB002);
    put32(mb + 4100, 0x00000003);
    put32(mb + 4104, (uint32_t)-(0x1BADB002u + 3u));
    uint8_t mods[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    size_t msz[2] = {4, 6};
    const char *mnames[2] = {"m1 a b", "m2"};
    ks = (KernelSpec){mb, sizeof mb, "dir/k.elf", "hello world", mods, 10, 2,
                      msz, mnames};
    ok(fw_cfg_load_kernel(f, &ks, RAM) == NULL, "Multiboot kernel accepted");
    ok(item32(FW_CFG_SETUP_SIZE) == 0, "Multiboot: setup size 0");
    ok(item32(FW_CFG_KERNEL_SIZE) == sizeof mb, "Multiboot: the whole file");
    ok(item_is(FW_CFG_KERNEL_DATA, mb, sizeof mb), "Multiboot: kernel data");
    ok(item_is(FW_CFG_CMDLINE_DATA, "dir/k.elf hello world", 21),
       "Multiboot: command line 'NAME CMDLINE'");
    ok(item_is(FW_CFG_INITRD_DATA, mods, 10), "Multiboot: module data");
    {
        /* the file directory: find etc/x86pc/modules */
        uint8_t d[64];
        sel(FW_CFG_FILE_DIR);
        readn(d, 4);
        uint32_t n = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
        uint16_t key = 0;
        uint32_t len = 0;
        for (uint32_t i = 0; i < n && i < 100; i++) {
            readn(d, 64);
            if (!strcmp((char *)d + 8, "etc/x86pc/modules")) {
                len = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
                key = (uint16_t)(d[4] << 8 | d[5]);
            }
        }
        static const uint8_t want[] = {4, 0, 0, 0, 'm', '1', ' ', 'a', ' ',
                                       'b', 0, 6, 0, 0, 0, 'm', '2', 0};
        ok(key && len == sizeof want && item_is(key, want, sizeof want),
           "Multiboot: etc/x86pc/modules lists sizes and strings");
    }
    /* a bad checksum is no Multiboot header, and no HdrS either */
    f = fresh();
    put32(mb + 4104, 0);
    ks = (KernelSpec){mb, sizeof mb, "k", NULL, NULL, 0, 0, NULL, NULL};
    const char *e = fw_cfg_load_kernel(f, &ks, RAM);
    ok(e && strstr(e, "not a Linux"), "bad checksum: not a kernel");
    /* a header past the first 8 KiB does not count */
    put32(mb + 8192, 0x1BADB002);
    put32(mb + 8196, 0);
    put32(mb + 8200, (uint32_t)-0x1BADB002u);
    ok(fw_cfg_load_kernel(f, &ks, RAM) != NULL,
       "Multiboot header beyond 8 KiB ignored");
    /* tiny and truncated files */
    ks = (KernelSpec){mb, 100, "k", NULL, NULL, 0, 0, NULL, NULL};
    ok(fw_cfg_load_kernel(f, &ks, RAM) != NULL, "100-byte file refused");
    k = linux_image(40, 0x206, 0x01, 0, &ksize);
    ks = (KernelSpec){k, 3000, "k", NULL, NULL, 0, 0, NULL, NULL};
    e = fw_cfg_load_kernel(f, &ks, RAM);
    ok(e && strstr(e, "setup size"), "setup larger than the file refused");
    /* an initrd for a kernel without initrd support / that does not fit */
    free(k);
    k = linux_image(4, 0x1FF, 0x00, 16, &ksize);
    ks = (KernelSpec){k, ksize, "k", NULL, initrd, 100, 1, NULL, NULL};
    ok(fw_cfg_load_kernel(f, &ks, RAM) != NULL,
       "initrd with boot protocol < 2.00 refused");
    free(k);
    k = linux_image(4, 0x206, 0x01, 16, &ksize);
    ks = (KernelSpec){k, ksize, "k", NULL, initrd, sizeof initrd, 1, NULL,
                      NULL};
    ok(fw_cfg_load_kernel(f, &ks, 64 * 1024) != NULL,
       "initrd larger than RAM refused");
    free(k);

    fw_cfg_free(fresh());
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures != 0;
}
