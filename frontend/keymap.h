/* Host key codes -> PC keyboard scan code set 2 (what an AT/PS2 keyboard
 * sends; the i8042 translates to set 1 when the guest asks for it).
 *
 * Key codes are the i8042_kbd_key() ones (devices/i8042.h): the set-2 make
 * code, 0xE000 | code for E0-prefixed keys, I8042_KEY_PRINT (0xE07C) and
 * I8042_KEY_PAUSE (0xE177) for the two keys with their own sequences.
 *
 * Host keys are USB HID usage IDs (keyboard page), which is what SDL2's
 * SDL_Scancode values are, so this file needs no SDL headers and the table
 * is testable without SDL.  Covers the full 105-key ISO layout (104-key US
 * plus the key between left Shift and Z), the Japanese/Brazilian extra keys,
 * F13-F24, Power and the three volume keys.  Layout: US (en-us) only; the
 * scan code is positional, so the guest's own layout decides the characters.
 *
 * Also: QEMU's key names (monitor "sendkey") and ASCII -> key (curses). */
#ifndef X86PC_KEYMAP_H
#define X86PC_KEYMAP_H
#include <stddef.h>
#include <stdint.h>

#define KEYMAP_PRINT 0xE07Cu /* = I8042_KEY_PRINT */
#define KEYMAP_PAUSE 0xE177u /* = I8042_KEY_PAUSE */

/* Well-known keys (set-2 codes) used by the front ends. */
#define KEY_LSHIFT 0x12u
#define KEY_LCTRL 0x14u
#define KEY_LALT 0x11u

/* USB HID usage (= SDL_Scancode) -> key code, 0 if unmapped. */
unsigned keymap_hid_to_key(int hid);
/* Number of HID usages in the table, and entry i (tests). */
size_t keymap_table_size(void);
void keymap_table_entry(size_t i, int *hid, unsigned *key, const char **qname);

/* The set-2 byte sequence of a key press (down = 1) or release (down = 0)
 * into out (room for 8 bytes); returns its length, 0 for an invalid key
 * or the release of Pause (which sends nothing). */
size_t keymap_set2_bytes(unsigned key, int down, uint8_t *out);

/* QEMU key name ("ctrl", "alt_r", "a", "f1", "kp_enter", "delete", ...) ->
 * key code; 0 if unknown.  Case-sensitive as in QEMU. */
unsigned keymap_qemu_name(const char *name);

/* A printable ASCII character or control character as typed on a US
 * keyboard: *key gets the key, *shift and *ctrl whether Shift or Ctrl must be
 * held.  Handles 0x20-0x7E, Tab, Enter (CR or LF), Backspace (BS or DEL),
 * Esc and Ctrl+letter (0x01-0x1A).  0, or -1 if the character has no key. */
int keymap_ascii(int ch, unsigned *key, int *shift, int *ctrl);
#endif
