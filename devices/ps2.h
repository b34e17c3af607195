/* PS/2 keyboard and mouse: the devices at the far end of the i8042's two
 * serial links.  They are owned by the i8042 model (devices/i8042.h) and
 * used only by it; the board talks to them through i8042_* calls.
 *
 * Keyboard (MF2, ID AB 83): commands ED (LEDs), EE (echo), F0 (get/set
 * scancode set 1/2/3), F2 (identify), F3 (typematic, stored only), F4/F5/F6
 * (enable / disable + defaults / defaults), F7-FD (set-3 key attributes:
 * acknowledged, no effect), FE (resend), FF (reset: FA AA); other bytes get
 * FE.  Key events arrive as set-2 make/break byte sequences; in set 1 the
 * keyboard converts them to set 1, in set 3 it still sends the set-2 bytes
 * (set 3 is accepted and reported, not emulated).  Typematic repeat is the
 * host's business: a held key is sent again by the front end.  16-byte
 * output buffer; on overflow the sequence is dropped and the overrun code
 * (00, or FF in set 1) queued.
 *
 * Mouse (PS/2, IntelliMouse ID 3 and IntelliMouse Explorer ID 4 through the
 * sample-rate knocks 200,100,80 and 200,200,80): FF reset (FA AA 00), FE
 * resend, F6 defaults, F5/F4 disable/enable reporting, F3 sample rate, F2
 * get ID, F0 remote mode, EE/EC wrap mode on/off, EB read data, EA stream
 * mode, E9 status request, E8 resolution, E7/E6 scaling 2:1 / 1:1.
 * Movement is accumulated and sent as one packet as soon as the output
 * buffer has room (the sample rate is stored, not used for pacing); a
 * counter beyond -256..255 is sent clamped with its overflow bit set and the
 * excess is lost, as on a real mouse. */
#ifndef X86PC_PS2_H
#define X86PC_PS2_H
#include <stddef.h>
#include <stdint.h>
#include "devices/snap.h"

#define PS2_QCAP 64

typedef struct PS2Queue {
    uint8_t data[PS2_QCAP];
    uint8_t rd, count;
    uint8_t limit; /* capacity in use (<= PS2_QCAP), fixed per device */
} PS2Queue;

/* Called when a device queued output (the controller may fetch it). */
typedef void (*PS2Notify)(void *opaque);

typedef struct PS2Kbd {
    PS2Queue q;
    PS2Notify notify;
    void *notify_opaque;
    void (*leds_cb)(void *opaque, unsigned leds);
    void *leds_opaque;
    uint8_t scanning; /* F4/F5 */
    uint8_t set;      /* 1..3 */
    uint8_t leds;     /* bit 0 scroll, 1 num, 2 caps */
    uint8_t typematic;
    uint8_t pending;  /* command waiting for its argument (ED/F0/F3), or 0 */
    uint8_t last;     /* last byte sent, for FE */
} PS2Kbd;

typedef struct PS2Mouse {
    PS2Queue q;
    PS2Notify notify;
    void *notify_opaque;
    uint8_t reporting, remote, wrap, scaling21;
    uint8_t rate, resolution, id;
    uint8_t pending;  /* E8/F3 waiting for an argument, or 0 */
    uint8_t last;
    uint8_t hist[3];  /* last three sample rates, oldest first */
    uint8_t buttons;  /* bit 0 left, 1 right, 2 middle, 3 button 4, 4 button 5 */
    uint8_t sent_buttons;
    int32_t dx, dy, dz; /* accumulated, PS/2 sense (y up, z toward user) */
} PS2Mouse;

void ps2kbd_init(PS2Kbd *k, PS2Notify notify, void *opaque);
void ps2kbd_reset(PS2Kbd *k); /* power-on state, queue emptied */
void ps2kbd_write(PS2Kbd *k, uint8_t byte); /* a byte from the host */
int ps2kbd_read(PS2Kbd *k);                  /* next byte, -1 if none */
int ps2kbd_has_data(const PS2Kbd *k);
/* A key event as set-2 bytes (e.g. E0 F0 75).  0, or -1 if dropped
 * (scanning disabled, or no room: then the overrun code is queued). */
int ps2kbd_put_bytes(PS2Kbd *k, const uint8_t *bytes, size_t n);
void ps2kbd_save(const PS2Kbd *k, SnapWriter *w);
int ps2kbd_load(PS2Kbd *k, SnapReader *r);

void ps2mouse_init(PS2Mouse *m, PS2Notify notify, void *opaque);
void ps2mouse_reset(PS2Mouse *m);
void ps2mouse_write(PS2Mouse *m, uint8_t byte);
int ps2mouse_read(PS2Mouse *m);
int ps2mouse_has_data(const PS2Mouse *m);
/* Host movement: dx right, dy DOWN (screen sense; the PS/2 packet has y
 * up), dz wheel clicks toward the user (scroll down), buttons as in
 * PS2Mouse.buttons. */
void ps2mouse_event(PS2Mouse *m, int dx, int dy, int dz, unsigned buttons);
void ps2mouse_save(const PS2Mouse *m, SnapWriter *w);
int ps2mouse_load(PS2Mouse *m, SnapReader *r);

/* The i8042's set-2 -> set-1 translation table (also used by the keyboard
 * in set 1). */
extern const uint8_t ps2_set2_to_set1[256];
#endif
