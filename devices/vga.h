/* Standard VGA plus the Bochs VBE "DISPI" extension (QEMU's `-vga std`).
 *
 * Models:
 *   - the VGA register file: misc output, input status 0/1 (vertical retrace
 *     and display-enable computed from the virtual clock), feature control,
 *     sequencer, CRTC (at 0x3B4/5 or 0x3D4/5 per misc bit 0, write protect
 *     of CR0-7), graphics controller, attribute controller (index/data
 *     flip-flop reset by reading input status 1, palette address source
 *     bit), DAC (pel mask, read/write indices, 6-bit RGB triplets);
 *   - 256 KiB of planar memory behind the 0xA0000-0xBFFFF window (memory
 *     map select), write modes 0-3, read modes 0-1, latches, chain-4 and
 *     odd/even addressing;
 *   - Bochs VBE DISPI registers at 0x1CE/0x1CF (ID 0xB0C0-0xB0C5, reports
 *     0xB0C5), 8/15/16/24/32 bpp, virtual width, x/y offsets, 64 KiB banks
 *     in the A0000 window, a linear frame buffer (LFB) the board maps where
 *     the PCI BAR says, the 8-bit DAC bit and GETCAPS;
 *   - rendering into a host RGB32 frame buffer (0x00RRGGBB) with dirty
 *     tracking: text modes (8/9-dot, fonts from plane 2 with character map
 *     select, blink, cursor), 16-colour planar graphics, CGA 4-colour
 *     (shift-register interleave, mode 04h), 256-colour (chain-4 mode 13h
 *     and unchained "mode X"), VBE linear modes.
 *
 * Memory layout (as QEMU): plane p of plane address a is vram[a * 4 + p].
 * Chain-4 accesses use vram[host offset] and odd/even accesses use plane
 * address (host offset >> 1), so text and mode 13h memory is compact; the
 * CRTC then always advances one plane address per character clock and
 * 2 * CR13 plane addresses per row (word/dword mode shifts are implied).
 *
 * Does not model: horizontal pixel panning, line compare (split screen),
 * the underline attribute (monochrome), the vertical retrace interrupt,
 * the DISPI 4 bpp planar mode, the MDA/CGA/EGA-only registers, exact
 * horizontal timing (display-enable is a fixed 80% of each line), and
 * 16-bit accesses are split into byte accesses of the window.  The output
 * is the logical mode size: 40-column text is 360 pixels wide, mode 13h is
 * 320x200 (repeated scan lines are not repeated in the output). */
#ifndef X86PC_VGA_H
#define X86PC_VGA_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/snap.h"
#include "devices/vclock.h"
#include "memory/mem.h"

typedef struct VGAState VGAState;

typedef struct VGAOps {
    /* Retrace timing and blink phases.  May be NULL: status reads then
     * advance a private counter by 1 us each and blink follows the number
     * of vga_render() calls. */
    VClock *clock;
    /* VRAM size in bytes; 0 = 16 MiB.  Rounded up to a power of two,
     * at least 256 KiB, at most 256 MiB. */
    uint32_t vram_size;
} VGAOps;

VGAState *vga_new(const VGAOps *ops);
void vga_free(VGAState *s); /* does not touch the PhysMem it was mapped in */
/* Power-on state: registers cleared, DISPI disabled, VRAM kept. */
void vga_reset(VGAState *s);

/* Ports 0x3B4-0x3B5, 0x3BA, 0x3C0-0x3CF, 0x3D4-0x3D5, 0x3DA (8-bit; wider
 * accesses are split by the bus) and the DISPI ports 0x1CE (index) and 0x1CF
 * (data), 8/16-bit; 0x1D0 is claimed so that a word access at 0x1CF
 * reaches the device whole.
 * 0, or -1 if any of them overlaps another device. */
int vga_register(VGAState *s, IOBus *bus);
/* The legacy window 0xA0000-0xBFFFF.  0, or -1 on overlap. */
int vga_register_mmio(VGAState *s, PhysMem *pm);
/* Maps the linear frame buffer (all of VRAM) at base; an existing LFB
 * mapping is removed first.  0, or -1 on overlap (then nothing is mapped). */
int vga_map_lfb(VGAState *s, PhysMem *pm, uint64_t base);
void vga_unmap_lfb(VGAState *s);
uint32_t vga_vram_size(const VGAState *s);

/* PCI glue helpers for the board (QEMU "VGA" function 1234:1111, class
 * 0x030000, BAR0 = prefetchable memory BAR holding the LFB). */
#define VGA_PCI_VENDOR_ID 0x1234
#define VGA_PCI_DEVICE_ID 0x1111
#define VGA_PCI_CLASS 0x030000
/* Size of BAR0 (= VRAM size, a power of two). */
uint64_t vga_pci_bar0_size(const VGAState *s);
/* The BAR0 address or memory-enable changed: moves the LFB mapping.
 * enabled = 0 (or base = 0) unmaps it.  0, or -1 if the new place overlaps. */
int vga_pci_bar0_update(VGAState *s, PhysMem *pm, uint64_t base, int enabled);

/* ---- display (frontend) ---- */
typedef struct VGARect {
    int x, y, w, h;
} VGARect;

/* Brings the frame buffer up to date.  Only lines (graphics) or cells
 * (text) whose VRAM changed since the last call are redrawn; a mode,
 * geometry, start address or palette change redraws everything.  The
 * union of what was redrawn is stored in *dirty (w = h = 0 if nothing);
 * returns 1 if something was redrawn.  dirty may be NULL. */
int vga_render(VGAState *s, VGARect *dirty);
/* Current frame buffer after the last vga_render(): width, height, pixels
 * (0x00RRGGBB, host-endian uint32_t) and stride in BYTES.  Before the
 * first render: a 640x480 black frame. */
void vga_get_display(VGAState *s, int *w, int *h, const uint32_t **pixels,
                     int *stride);
/* Forces a full redraw at the next vga_render() (e.g. after the host
 * window was re-created). */
void vga_invalidate(VGAState *s);

/* Text-mode snapshot (tests, curses frontends).  Cells are
 * (char | attr << 8), row-major.  Returns 0 and fills *info if the VGA is
 * in a text mode (at most max_cells cells are stored; info has the full
 * size), or -1 in graphics/DISPI modes. */
typedef struct VGATextInfo {
    int cols, rows;
    int cursor_x, cursor_y; /* -1, -1 if the cursor is off or off-screen */
} VGATextInfo;
int vga_get_text(const VGAState *s, uint16_t *cells, size_t max_cells,
                 VGATextInfo *info);

/* Snapshot: all registers, the DAC, DISPI state and VRAM.  The LFB mapping
 * is the board's (PCI BAR) and is not saved.  vga_load fails if the VRAM
 * size differs. */
void vga_save(const VGAState *s, SnapWriter *w);
int vga_load(VGAState *s, SnapReader *r);
#endif
