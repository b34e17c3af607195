/* Device state save/restore buffers (see snap.h). */
#include "devices/snap.h"
#include <stdlib.h>
#include <string.h>

void snap_writer_init(SnapWriter *w) { memset(w, 0, sizeof(*w)); }

void snap_writer_free(SnapWriter *w)
{
    free(w->buf);
    memset(w, 0, sizeof(*w));
}

void snap_reader_init(SnapReader *r, const uint8_t *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->pos = 0;
    r->err = 0;
}

void snap_put_bytes(SnapWriter *w, const void *p, size_t n)
{
    if (w->err)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *nb = realloc(w->buf, cap);
        if (!nb) {
            w->err = 1;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    if (n)
        memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put_le(SnapWriter *w, uint64_t v, unsigned n)
{
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    snap_put_bytes(w, b, n);
}

void snap_put_u8(SnapWriter *w, uint8_t v) { put_le(w, v, 1); }
void snap_put_u16(SnapWriter *w, uint16_t v) { put_le(w, v, 2); }
void snap_put_u32(SnapWriter *w, uint32_t v) { put_le(w, v, 4); }
void snap_put_u64(SnapWriter *w, uint64_t v) { put_le(w, v, 8); }

void snap_begin(SnapWriter *w, const char tag[4], uint32_t version)
{
    snap_put_bytes(w, tag, 4);
    snap_put_u32(w, version);
}

void snap_get_bytes(SnapReader *r, void *p, size_t n)
{
    if (r->err || n > r->len - r->pos) {
        r->err = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, r->buf + r->pos, n);
    r->pos += n;
}

static uint64_t get_le(SnapReader *r, unsigned n)
{
    uint8_t b[8];
    uint64_t v = 0;
    snap_get_bytes(r, b, n);
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

uint8_t snap_get_u8(SnapReader *r) { return (uint8_t)get_le(r, 1); }
uint16_t snap_get_u16(SnapReader *r) { return (uint16_t)get_le(r, 2); }
uint32_t snap_get_u32(SnapReader *r) { return (uint32_t)get_le(r, 4); }
uint64_t snap_get_u64(SnapReader *r) { return get_le(r, 8); }

uint32_t snap_expect(SnapReader *r, const char tag[4], uint32_t max_version)
{
    char t[4];
    snap_get_bytes(r, t, 4);
    uint32_t v = snap_get_u32(r);
    if (memcmp(t, tag, 4) != 0 || v > max_version)
        r->err = 1;
    return v;
}

int snap_check(SnapReader *r, int cond)
{
    if (!cond)
        r->err = 1;
    return cond;
}
