/* QEMU-compatible fw_cfg, port interface.  See fw_cfg.h. */
#include "devices/fw_cfg.h"

#include <stdlib.h>
#include <string.h>

typedef struct FwItem {
    uint16_t key; /* with bit 15 for architecture-local items */
    uint8_t *data;
    size_t len;
} FwItem;

typedef struct FwFile {
    char name[FW_CFG_FILE_NAME_LEN];
    uint16_t key;
} FwFile;

struct FwCfg {
    FwItem *items;
    size_t nitems, capitems;
    FwFile files[FW_CFG_MAX_FILES];
    unsigned nfiles;
    uint16_t base; /* selector port */
    /* Guest-visible state. */
    uint16_t selector;
    uint32_t offset;
};

static FwItem *find_item(const FwCfg *f, uint16_t key)
{
    for (size_t i = 0; i < f->nitems; i++)
        if (f->items[i].key == key)
            return &f->items[i];
    return NULL;
}

/* Item addressed by a selector value (the write bit is not part of it). */
static uint16_t sel_key(uint16_t sel)
{
    return (uint16_t)(sel & (FW_CFG_ARCH_LOCAL | FW_CFG_KEY_MASK));
}

static int set_item(FwCfg *f, uint16_t key, const void *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    FwItem *it = find_item(f, key);
    if (!it) {
        if (f->nitems == f->capitems) {
            size_t nc = f->capitems ? f->capitems * 2 : 32;
            FwItem *n = realloc(f->items, nc * sizeof *n);
            if (!n) {
                free(copy);
                return -1;
            }
            f->items = n;
            f->capitems = nc;
        }
        it = &f->items[f->nitems++];
        it->key = key;
    } else {
        free(it->data);
    }
    it->data = copy;
    it->len = len;
    /* A new value rewinds a reader that has it selected. */
    if (sel_key(f->selector) == key && f->offset > len)
        f->offset = (uint32_t)len;
    return 0;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Rebuilds the directory item: u32 count, then per file (sorted by name)
 * u32 size, u16 key, u16 reserved, char name[56], all big-endian. */
static int rebuild_dir(FwCfg *f)
{
    size_t len = 4 + (size_t)f->nfiles * 64;
    uint8_t *d = calloc(1, len);
    unsigned order[FW_CFG_MAX_FILES];
    if (!d)
        return -1;
    for (unsigned i = 0; i < f->nfiles; i++) {
        unsigned j = i;
        while (j > 0 && strcmp(f->files[order[j - 1]].name, f->files[i].name) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    put_be32(d, f->nfiles);
    for (unsigned i = 0; i < f->nfiles; i++) {
        const FwFile *fl = &f->files[order[i]];
        const FwItem *it = find_item(f, fl->key);
        uint8_t *e = d + 4 + (size_t)i * 64;
        put_be32(e, it ? (uint32_t)it->len : 0);
        e[4] = (uint8_t)(fl->key >> 8);
        e[5] = (uint8_t)fl->key;
        memcpy(e + 8, fl->name, FW_CFG_FILE_NAME_LEN);
    }
    int r = set_item(f, FW_CFG_FILE_DIR, d, len);
    free(d);
    return r;
}

FwCfg *fw_cfg_new(void)
{
    FwCfg *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    uint8_t id[4];
    put_le(id, 1, 4); /* traditional interface, no DMA */
    if (set_item(f, FW_CFG_SIGNATURE, "QEMU", 4) < 0 ||
        set_item(f, FW_CFG_ID, id, 4) < 0 || rebuild_dir(f) < 0) {
        fw_cfg_free(f);
        return NULL;
    }
    return f;
}

void fw_cfg_free(FwCfg *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nitems; i++)
        free(f->items[i].data);
    free(f->items);
    free(f);
}

void fw_cfg_reset(FwCfg *f)
{
    f->selector = 0;
    f->offset = 0;
}

static uint32_t fw_read(void *opaque, uint16_t port, unsigned size)
{
    FwCfg *f = opaque;
    (void)size;
    /* The selector reads as 0 (QEMU's port is write-only). */
    if (port == f->base)
        return 0;
    const FwItem *it = find_item(f, sel_key(f->selector));
    if (!it || f->offset >= it->len)
        return 0;
    return it->data[f->offset++];
}

static void fw_write(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    FwCfg *f = opaque;
    if (port == f->base) {
        /* Selector (a byte write sets a key below 0x100). */
        f->selector = (uint16_t)(size == 1 ? (val & 0xff) : (val & 0xffff));
        f->offset = 0;
    }
    /* Data-port writes: the write channel is not supported. */
}

int fw_cfg_register(FwCfg *f, IOBus *bus, uint16_t base)
{
    if (base > 0xfffe)
        return -1;
    /* One range for both ports so that a 16-bit selector write at base is
     * delivered whole; the handlers tell the ports apart by parity. */
    if (iobus_register(bus, base, 2, IO_8 | IO_16, fw_read, fw_write, f) < 0)
        return -1;
    f->base = base;
    return 0;
}

int fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, size_t len)
{
    if ((key & FW_CFG_WRITE_CHANNEL) || key == FW_CFG_FILE_DIR)
        return -1;
    if (len > UINT32_MAX || (len && !data))
        return -1;
    return set_item(f, key, data, len);
}

int fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t v)
{
    uint8_t b[2];
    put_le(b, v, 2);
    return fw_cfg_add_bytes(f, key, b, 2);
}

int fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t v)
{
    uint8_t b[4];
    put_le(b, v, 4);
    return fw_cfg_add_bytes(f, key, b, 4);
}

int fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t v)
{
    uint8_t b[8];
    put_le(b, v, 8);
    return fw_cfg_add_bytes(f, key, b, 8);
}

int fw_cfg_add_file(FwCfg *f, const char *name, const void *data, size_t len)
{
    if (!name)
        return -1;
    size_t nl = strlen(name);
    if (nl == 0 || nl >= FW_CFG_FILE_NAME_LEN || len > UINT32_MAX ||
        (len && !data))
        return -1;
    unsigned i;
    for (i = 0; i < f->nfiles; i++)
        if (!strcmp(f->files[i].name, name))
            break;
    if (i == f->nfiles) {
        if (f->nfiles == FW_CFG_MAX_FILES)
            return -1;
        memset(f->files[i].name, 0, FW_CFG_FILE_NAME_LEN);
        memcpy(f->files[i].name, name, nl);
        f->files[i].key = (uint16_t)(FW_CFG_FILE_FIRST + i);
    }
    uint16_t key = f->files[i].key;
    if (set_item(f, key, data, len) < 0)
        return -1;
    if (i == f->nfiles)
        f->nfiles++;
    if (rebuild_dir(f) < 0)
        return -1;
    return key;
}

void fw_cfg_e820_entry(uint8_t out[FW_CFG_E820_ENTRY_SIZE], uint64_t addr,
                       uint64_t len, uint32_t type)
{
    put_le(out, addr, 8);
    put_le(out + 8, len, 8);
    put_le(out + 16, type, 4);
}

void fw_cfg_save(const FwCfg *f, SnapWriter *w)
{
    snap_begin(w, "FWCF", 1);
    snap_put_u16(w, f->selector);
    snap_put_u32(w, f->offset);
}

int fw_cfg_load(FwCfg *f, SnapReader *r)
{
    snap_expect(r, "FWCF", 1);
    uint16_t sel = snap_get_u16(r);
    uint32_t off = snap_get_u32(r);
    if (r->err) {
        fw_cfg_reset(f);
        return -1;
    }
    const FwItem *it = find_item(f, sel_key(sel));
    if (!snap_check(r, off <= (it ? it->len : 0))) {
        fw_cfg_reset(f);
        return -1;
    }
    f->selector = sel;
    f->offset = off;
    return 0;
}
