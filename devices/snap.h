/* Device state save/restore (snapshots).
 *
 * Every device has
 *     void X_save(const X *x, SnapWriter *w);
 *     int  X_load(X *x, SnapReader *r);     0, or -1 if the data is bad
 * X_save starts with snap_begin(w, "TAG", version) and writes every field
 * of the device's state with the fixed-width little-endian putters below;
 * X_load checks the tag with snap_expect() and reads them back in the same
 * order.  A load must validate everything the guest could not have produced
 * (indices, counts, enum values) and return -1 rather than store an
 * out-of-range value: snapshots are untrusted input.  After a failed load
 * the device must still be safe to use (reset it).  Host-side attachments
 * (file descriptors, callbacks) are not part of the state.
 *
 * The reader never reads past the end: a short buffer sets r->err and the
 * getters return 0. */
#ifndef X86PC_SNAP_H
#define X86PC_SNAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct SnapWriter {
    uint8_t *buf;
    size_t len, cap;
    int err; /* out of memory */
} SnapWriter;

typedef struct SnapReader {
    const uint8_t *buf;
    size_t len, pos;
    int err; /* short data, bad tag or a failed check */
} SnapReader;

void snap_writer_init(SnapWriter *w);
void snap_writer_free(SnapWriter *w);
void snap_reader_init(SnapReader *r, const uint8_t *buf, size_t len);

void snap_put_u8(SnapWriter *w, uint8_t v);
void snap_put_u16(SnapWriter *w, uint16_t v);
void snap_put_u32(SnapWriter *w, uint32_t v);
void snap_put_u64(SnapWriter *w, uint64_t v);
void snap_put_bytes(SnapWriter *w, const void *p, size_t n);
/* A 4-character tag and a version number. */
void snap_begin(SnapWriter *w, const char tag[4], uint32_t version);

uint8_t snap_get_u8(SnapReader *r);
uint16_t snap_get_u16(SnapReader *r);
uint32_t snap_get_u32(SnapReader *r);
uint64_t snap_get_u64(SnapReader *r);
void snap_get_bytes(SnapReader *r, void *p, size_t n);
/* Checks the tag; returns the version (and sets r->err on a mismatch or if
 * the version is above max_version). */
uint32_t snap_expect(SnapReader *r, const char tag[4], uint32_t max_version);
/* Marks the data bad unless cond holds; returns cond. */
int snap_check(SnapReader *r, int cond);
#endif
