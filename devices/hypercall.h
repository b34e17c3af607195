/* Guest hypercall port: a tiny debug device through which a guest (test
 * ROMs, kernels under development) talks to the emulator's tools.
 *
 * Ports (the board maps them at HC_PORT_BASE = 0x8A0, which nothing else on
 * the PC uses):
 *   base+0 (0x8A0) DATA  write: appends a 32-bit argument (8/16-bit writes
 *                        are zero-extended; at most HC_MAX_ARGS, further
 *                        ones make the next command fail with HC_EARGS).
 *                        read: the signature HC_SIGNATURE ("x86H"), for
 *                        detection.
 *   base+4 (0x8A4) CMD   write: runs command N with the arguments queued
 *                        so far, then clears them.  read: the result of
 *                        the last command (HC_OK, HC_E*).
 * Commands:
 *   HC_PRINT   (lin)          print the NUL-terminated string at linear
 *                             address lin (at most HC_MAX_STR bytes; the
 *                             host prints it on a line of its own)
 *   HC_ADDSYM  (value, lin)   define symbol "name at lin" = value (used by
 *                             the debugger and the trace disassembly)
 *   HC_TRACE   (on)           instruction trace on (1) or off (0)
 *   HC_BREAK   ()             stop in the debugger after this instruction
 *                             (like the magic breakpoint); ignored without
 *                             one
 *   HC_EXIT    (status)       the emulator exits with status & 0xFF
 * Guest addresses are linear (through the CPU's current translation); an
 * unreadable string fails with HC_EFAULT.  The device keeps no state that
 * outlives a command except the result, so it has no snapshot state beyond
 * it (save/load cover the queue and the result).
 *
 * Not modelled: anything a real PC has (this port range is unassigned). */
#ifndef X86PC_HYPERCALL_H
#define X86PC_HYPERCALL_H
#include <stdint.h>

#include "devices/bus.h"
#include "devices/snap.h"

#define HC_PORT_BASE 0x8A0
#define HC_SIGNATURE 0x48363878u /* "x86H" in little-endian byte order */
#define HC_MAX_ARGS 4
#define HC_MAX_STR 1024

enum { HC_PRINT = 1, HC_ADDSYM = 2, HC_TRACE = 3, HC_BREAK = 4, HC_EXIT = 5 };
enum { HC_OK = 0, HC_EARGS = 1, HC_ECMD = 2, HC_EFAULT = 3, HC_EHOST = 4 };

typedef struct HypercallOps {
    void *opaque;
    /* Reads guest linear memory; 0 or -1 if unmapped.  Required. */
    int (*read_mem)(void *opaque, uint32_t lin, void *buf, uint32_t len);
    /* Each may be NULL: the command then fails with HC_EHOST. */
    void (*print)(void *opaque, const char *text);
    void (*add_symbol)(void *opaque, uint32_t value, const char *name);
    void (*trace)(void *opaque, int on);
    void (*brk)(void *opaque);
    void (*exit)(void *opaque, int status);
} HypercallOps;

typedef struct Hypercall Hypercall;
Hypercall *hypercall_new(const HypercallOps *ops);
void hypercall_free(Hypercall *h);
void hypercall_reset(Hypercall *h);
/* Registers base+0 and base+4 (4 ports each, 1/2/4-byte accesses). */
int hypercall_register(Hypercall *h, IOBus *bus, uint16_t base);
void hypercall_save(const Hypercall *h, SnapWriter *w);
int hypercall_load(Hypercall *h, SnapReader *r);
#endif
