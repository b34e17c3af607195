/* Intel 8042 keyboard controller (PS/2 style, AT-compatible) with a PS/2
 * keyboard and a PS/2 mouse attached (see ps2.h for the devices).
 *
 * Data port (0x60) and status/command port (0x64).  Status: OBF, SYS (from
 * the self-test / command byte bit 2), A2 (last write was a command),
 * keyboard-not-inhibited (always 1), AUXB (the output buffer holds mouse
 * data); IBF, timeout and parity error always read 0 (the controller is
 * infinitely fast).  Command byte (RAM byte 0, read 0x20 / write 0x60;
 * bytes 1-31 via 0x21-0x3F / 0x61-0x7F): bit 0 IRQ1 enable, bit 1 IRQ12
 * enable, bit 2 SYS, bit 4 keyboard disabled, bit 5 mouse disabled, bit 6
 * set-2 -> set-1 translation.
 * Commands: A7/A8 disable/enable mouse, A9 mouse interface test (00), AA
 * self-test (55, sets SYS), AB keyboard interface test (00), AD/AE
 * disable/enable keyboard, C0 read input port, D0/D1 read/write output port
 * (bit 0 low = system reset -> `reset`, bit 1 = A20 -> `a20`), D2/D3 write
 * the keyboard/mouse output buffer, D4 next byte to the mouse, DD/DF A20
 * off/on, E0 read test inputs, F0-FF pulse output port bits 0-3 (bit 0 = a
 * reset).  Bytes written to 0x60 with no command pending go to the keyboard
 * (and re-enable the keyboard interface, as D4 does for the mouse).
 * IRQ1 is high while the output buffer holds non-mouse data and command
 * byte bit 0 is set; IRQ12 likewise for mouse data and bit 1.  The output
 * buffer refills at once from: controller replies, then the keyboard's
 * queue (unless disabled), then the mouse's (unless disabled).
 *
 * Not modelled: transmission timing and timeouts (no IBF), the password and
 * keyboard-lock features, the manufacturing/diagnostic commands, parity
 * errors. */
#ifndef X86PC_I8042_H
#define X86PC_I8042_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/snap.h"

typedef struct I8042 I8042;

typedef struct I8042Ops {
    IRQLine irq_kbd; /* IRQ1 */
    IRQLine irq_aux; /* IRQ12 */
    void *opaque;
    /* Output port bit 1 written (D1, DD, DF).  May be NULL. */
    void (*a20)(void *opaque, int enabled);
    /* The controller pulled the CPU's reset line.  May be NULL. */
    void (*reset)(void *opaque);
    /* The guest set the keyboard LEDs (bit 0 scroll, 1 num, 2 caps lock).
     * May be NULL. */
    void (*leds)(void *opaque, unsigned leds);
} I8042Ops;

I8042 *i8042_new(const I8042Ops *ops);
void i8042_free(I8042 *c);
/* Registers data_port (0x60) and cmd_port (0x64).  0, or -1 on overlap. */
int i8042_register(I8042 *c, IOBus *bus, uint16_t data_port, uint16_t cmd_port);
/* Power-on state of the controller and both devices: command byte 0x61
 * (IRQ1, mouse disabled, translation), SYS clear, output port 0xCF, queues
 * empty.  Does not call `a20`. */
void i8042_reset(I8042 *c);

/* Host input.  A key event as set-2 make/break bytes, e.g. {0x1C} (A down),
 * {0xF0, 0x1C} (A up), {0xE0, 0xF0, 0x75} (Up released); at most 16 bytes.
 * 0, or -1 if the keyboard dropped it (disabled or buffer full). */
int i8042_kbd_put_bytes(I8042 *c, const uint8_t *bytes, size_t n);
/* The same for one key by its set-2 make code: 0x01-0xFF, or 0xE000 |
 * code for an E0-prefixed key (0xE075 = cursor up, 0xE014 = right Ctrl).
 * down = 1 sends the make code, 0 the break code (F0 inserted after any
 * E0).  Two keys have their own sequences: I8042_KEY_PRINT (E0 12 E0 7C /
 * E0 F0 7C E0 F0 12) and I8042_KEY_PAUSE (E1 14 77 E1 F0 14 F0 77 on
 * press, nothing on release).  -1 for an invalid code or a dropped key. */
#define I8042_KEY_PRINT 0xE07Cu
#define I8042_KEY_PAUSE 0xE177u
int i8042_kbd_key(I8042 *c, unsigned key, int down);
/* Mouse movement: dx right, dy down (screen sense), dz wheel toward the
 * user; buttons bit 0 left, 1 right, 2 middle, 3/4 buttons 4/5. */
void i8042_mouse_event(I8042 *c, int dx, int dy, int dz, unsigned buttons);

/* Inspection (tests, debugger). */
uint8_t i8042_command_byte(const I8042 *c);
unsigned i8042_kbd_leds(const I8042 *c);
unsigned i8042_mouse_id(const I8042 *c);

void i8042_save(const I8042 *c, SnapWriter *w);
int i8042_load(I8042 *c, SnapReader *r);
#endif
