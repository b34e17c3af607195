/* Unit test of frontend/keymap.c: every host key (USB HID usage = SDL
 * scancode) against the documented set-2 make code, the break rule, the
 * Pause and Print Screen sequences, QEMU key names, ASCII typing, and a
 * round trip through the i8042 with set-1 translation.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/i8042.h"
#include "frontend/keymap.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

/* The documented set-2 make sequences (IBM PS/2 keyboard technical
 * reference; USB HID Usage Tables 1.12 ch. 10 for the usage IDs). */
static const struct {
    int hid;
    const char *make;
    const char *name;
} doc[] = {
    {4, "1C", "A"}, {5, "32", "B"}, {6, "21", "C"}, {7, "23", "D"},
    {8, "24", "E"}, {9, "2B", "F"}, {10, "34", "G"}, {11, "33", "H"},
    {12, "43", "I"}, {13, "3B", "J"}, {14, "42", "K"}, {15, "4B", "L"},
    {16, "3A", "M"}, {17, "31", "N"}, {18, "44", "O"}, {19, "4D", "P"},
    {20, "15", "Q"}, {21, "2D", "R"}, {22, "1B", "S"}, {23, "2C", "T"},
    {24, "3C", "U"}, {25, "2A", "V"}, {26, "1D", "W"}, {27, "22", "X"},
    {28, "35", "Y"}, {29, "1A", "Z"}, {30, "16", "1"}, {31, "1E", "2"},
    {32, "26", "3"}, {33, "25", "4"}, {34, "2E", "5"}, {35, "36", "6"},
    {36, "3D", "7"}, {37, "3E", "8"}, {38, "46", "9"}, {39, "45", "0"},
    {40, "5A", "Enter"}, {41, "76", "Esc"}, {42, "66", "Backspace"},
    {43, "0D", "Tab"}, {44, "29", "Space"}, {45, "4E", "-"},
    {46, "55", "="}, {47, "54", "["}, {48, "5B", "]"}, {49, "5D", "\\"},
    {50, "5D", "non-US #"}, {51, "4C", ";"}, {52, "52", "'"},
    {53, "0E", "`"}, {54, "41", ","}, {55, "49", "."}, {56, "4A", "/"},
    {57, "58", "Caps Lock"}, {58, "05", "F1"}, {59, "06", "F2"},
    {60, "04", "F3"}, {61, "0C", "F4"}, {62, "03", "F5"}, {63, "0B", "F6"},
    {64, "83", "F7"}, {65, "0A", "F8"}, {66, "01", "F9"}, {67, "09", "F10"},
    {68, "78", "F11"}, {69, "07", "F12"}, {70, "E0 12 E0 7C", "PrtSc"},
    {71, "7E", "Scroll Lock"}, {72, "E1 14 77 E1 F0 14 F0 77", "Pause"},
    {73, "E0 70", "Insert"}, {74, "E0 6C", "Home"}, {75, "E0 7D", "PgUp"},
    {76, "E0 71", "Delete"}, {77, "E0 69", "End"}, {78, "E0 7A", "PgDn"},
    {79, "E0 74", "Right"}, {80, "E0 6B", "Left"}, {81, "E0 72", "Down"},
    {82, "E0 75", "Up"}, {83, "77", "Num Lock"}, {84, "E0 4A", "KP /"},
    {85, "7C", "KP *"}, {86, "7B", "KP -"}, {87, "79", "KP +"},
    {88, "E0 5A", "KP Enter"}, {89, "69", "KP 1"}, {90, "72", "KP 2"},
    {91, "7A", "KP 3"}, {92, "6B", "KP 4"}, {93, "73", "KP 5"},
    {94, "74", "KP 6"}, {95, "6C", "KP 7"}, {96, "75", "KP 8"},
    {97, "7D", "KP 9"}, {98, "70", "KP 0"}, {99, "71", "KP ."},
    {100, "61", "ISO \\|"}, {101, "E0 2F", "Menu"}, {102, "E0 37", "Power"},
    {103, "0F", "KP ="}, {104, "08", "F13"}, {105, "10", "F14"},
    {106, "18", "F15"}, {107, "20", "F16"}, {108, "28", "F17"},
    {109, "30", "F18"}, {110, "38", "F19"}, {111, "40", "F20"},
    {112, "48", "F21"}, {113, "50", "F22"}, {114, "57", "F23"},
    {115, "5F", "F24"}, {127, "E0 23", "Mute"}, {128, "E0 32", "Vol+"},
    {129, "E0 21", "Vol-"}, {133, "6D", "KP ,"}, {135, "51", "Ro"},
    {136, "13", "Kana"}, {137, "6A", "Yen"}, {138, "64", "Henkan"},
    {139, "67", "Muhenkan"}, {224, "14", "LCtrl"}, {225, "12", "LShift"},
    {226, "11", "LAlt"}, {227, "E0 1F", "LWin"}, {228, "E0 14", "RCtrl"},
    {229, "59", "RShift"}, {230, "E0 11", "RAlt"}, {231, "E0 27", "RWin"},
};
#define NDOC (sizeof(doc) / sizeof(doc[0]))

static size_t parse_hex(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (*s) {
        out[n++] = (uint8_t)strtoul(s, (char **)&s, 16);
        while (*s == ' ')
            s++;
    }
    return n;
}

/* Break of an ordinary key: F0 before the last byte. */
static size_t doc_break(const char *make, uint8_t *out)
{
    uint8_t m[8];
    size_t n = parse_hex(make, m);
    memcpy(out, m, n - 1);
    out[n - 1] = 0xF0;
    out[n] = m[n - 1];
    return n + 1;
}

static void test_table(void)
{
    int bad = 0, missing = 0;
    for (size_t i = 0; i < NDOC; i++) {
        unsigned key = keymap_hid_to_key(doc[i].hid);
        uint8_t got[8], want[8];
        size_t gn = keymap_set2_bytes(key, 1, got);
        size_t wn = parse_hex(doc[i].make, want);
        if (!key) {
            printf("# %s (HID %d) is not mapped\n", doc[i].name, doc[i].hid);
            missing++;
            continue;
        }
        if (gn != wn || memcmp(got, want, wn)) {
            printf("# %s (HID %d): make differs\n", doc[i].name, doc[i].hid);
            bad++;
        }
        if (doc[i].hid == 70 || doc[i].hid == 72)
            continue; /* special breaks: checked below */
        gn = keymap_set2_bytes(key, 0, got);
        wn = doc_break(doc[i].make, want);
        if (gn != wn || memcmp(got, want, wn)) {
            printf("# %s (HID %d): break differs\n", doc[i].name, doc[i].hid);
            bad++;
        }
    }
    ok(missing == 0, "every documented key is mapped");
    ok(bad == 0, "every key's make and break sequence is the documented one");
    /* And nothing is mapped that is not documented. */
    int extra = 0, prev_hid = -1;
    for (size_t i = 0; i < keymap_table_size(); i++) {
        int hid;
        unsigned key;
        const char *qn;
        keymap_table_entry(i, &hid, &key, &qn);
        int found = 0;
        for (size_t k = 0; k < NDOC; k++)
            found |= doc[k].hid == hid;
        if (!found) {
            printf("# HID %d is mapped but not documented here\n", hid);
            extra++;
        }
        if (hid <= prev_hid)
            extra++; /* the table must stay sorted (binary search) */
        prev_hid = hid;
    }
    ok(extra == 0 && keymap_table_size() == NDOC,
       "the table holds exactly the documented keys, sorted");
    int unmapped = 0;
    for (int h = 0; h < 256; h++) {
        int found = 0;
        for (size_t k = 0; k < NDOC; k++)
            found |= doc[k].hid == h;
        if (!found && keymap_hid_to_key(h))
            unmapped++;
    }
    ok(unmapped == 0 && keymap_hid_to_key(-1) == 0 &&
           keymap_hid_to_key(1000) == 0,
       "undocumented usages map to nothing");
    /* The 105 keys of an ISO keyboard are all there. */
    static const int iso105[] = {
        41, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
        53, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 45, 46, 42, 73, 74, 75,
        83, 84, 85, 86, 43, 20, 26, 8, 21, 23, 28, 24, 12, 18, 19, 47, 48,
        40, 76, 77, 78, 95, 96, 97, 87, 57, 4, 22, 7, 9, 10, 11, 13, 14, 15,
        51, 52, 50, 92, 93, 94, 225, 100, 29, 27, 6, 25, 5, 17, 16, 54, 55,
        56, 229, 82, 89, 90, 91, 88, 224, 227, 226, 44, 230, 231, 101, 228,
        80, 81, 79, 98, 99};
    int n105 = 0;
    for (size_t i = 0; i < sizeof(iso105) / sizeof(iso105[0]); i++)
        n105 += keymap_hid_to_key(iso105[i]) != 0;
    ok(sizeof(iso105) / sizeof(iso105[0]) == 105 && n105 == 105,
       "all 105 keys of the ISO layout are mapped");
}

static void test_special(void)
{
    uint8_t b[8];
    static const uint8_t pause[8] = {0xE1, 0x14, 0x77, 0xE1,
                                     0xF0, 0x14, 0xF0, 0x77};
    ok(keymap_set2_bytes(KEYMAP_PAUSE, 1, b) == 8 && !memcmp(b, pause, 8),
       "Pause press: E1 14 77 E1 F0 14 F0 77");
    ok(keymap_set2_bytes(KEYMAP_PAUSE, 0, b) == 0,
       "Pause release sends nothing");
    static const uint8_t prd[6] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
    ok(keymap_set2_bytes(KEYMAP_PRINT, 0, b) == 6 && !memcmp(b, prd, 6),
       "PrintScreen release: E0 F0 7C E0 F0 12");
    ok(keymap_set2_bytes(0, 1, b) == 0 && keymap_set2_bytes(0xE0F0, 1, b) == 0 &&
           keymap_set2_bytes(0x1234, 1, b) == 0,
       "invalid key codes produce nothing");
}

static void test_names(void)
{
    ok(keymap_qemu_name("ctrl") == 0x14 && keymap_qemu_name("alt") == 0x11 &&
           keymap_qemu_name("delete") == 0xE071,
       "QEMU names ctrl, alt, delete");
    ok(keymap_qemu_name("kp_enter") == 0xE05A &&
           keymap_qemu_name("f12") == 0x07 && keymap_qemu_name("a") == 0x1C &&
           keymap_qemu_name("ret") == 0x5A && keymap_qemu_name("spc") == 0x29 &&
           keymap_qemu_name("meta_l") == 0xE01F &&
           keymap_qemu_name("print") == KEYMAP_PRINT &&
           keymap_qemu_name("pause") == KEYMAP_PAUSE,
       "QEMU names kp_enter f12 a ret spc meta_l print pause");
    ok(keymap_qemu_name("nosuchkey") == 0 && keymap_qemu_name("") == 0,
       "unknown names give 0");
    /* Every named entry resolves to its own key. */
    int bad = 0;
    for (size_t i = 0; i < keymap_table_size(); i++) {
        int hid;
        unsigned key;
        const char *qn;
        keymap_table_entry(i, &hid, &key, &qn);
        if (qn && keymap_qemu_name(qn) != key)
            bad++;
    }
    ok(bad == 0, "every table name looks up its own key");
}

static void test_ascii(void)
{
    unsigned k;
    int sh, ct;
    ok(keymap_ascii('a', &k, &sh, &ct) == 0 && k == 0x1C && !sh && !ct,
       "'a' is A unshifted");
    ok(keymap_ascii('A', &k, &sh, &ct) == 0 && k == 0x1C && sh && !ct,
       "'A' is Shift+A");
    ok(keymap_ascii('!', &k, &sh, &ct) == 0 && k == 0x16 && sh,
       "'!' is Shift+1");
    ok(keymap_ascii('0', &k, &sh, &ct) == 0 && k == 0x45 && !sh, "'0'");
    ok(keymap_ascii('~', &k, &sh, &ct) == 0 && k == 0x0E && sh, "'~'");
    ok(keymap_ascii(3, &k, &sh, &ct) == 0 && k == 0x21 && ct && !sh,
       "Ctrl+C (0x03) is Ctrl+C");
    ok(keymap_ascii('\r', &k, &sh, &ct) == 0 && k == 0x5A, "CR is Enter");
    ok(keymap_ascii(0x7F, &k, &sh, &ct) == 0 && k == 0x66, "DEL is Backspace");
    ok(keymap_ascii(0x80, &k, &sh, &ct) < 0 && keymap_ascii(0, &k, &sh, &ct) < 0,
       "non-ASCII has no key");
}

/* ---- round trip through the i8042 (set 2 -> translated set 1) ---- */

static void noirq(void *o, int n, int level)
{
    (void)o;
    (void)n;
    (void)level;
}

static void test_i8042(void)
{
    IOBus *bus = iobus_new();
    I8042Ops ops = {.irq_kbd = irq_line(noirq, NULL, 1),
                    .irq_aux = irq_line(noirq, NULL, 12)};
    I8042 *kc = i8042_new(&ops);
    if (!bus || !kc || i8042_register(kc, bus, 0x60, 0x64) != 0) {
        printf("Bail out! cannot create the i8042\n");
        exit(1);
    }
    i8042_reset(kc);
    ok((i8042_command_byte(kc) & 0x40) != 0, "translation is on at reset");
    static const struct {
        int hid;
        int down;
        const char *set1;
        const char *what;
    } rt[] = {
        {4, 1, "1E", "A press -> 1E"},
        {4, 0, "9E", "A release -> 9E"},
        {40, 1, "1C", "Enter press -> 1C"},
        {82, 1, "E0 48", "Up press -> E0 48"},
        {82, 0, "E0 C8", "Up release -> E0 C8"},
        {228, 1, "E0 1D", "RCtrl press -> E0 1D"},
        {76, 0, "E0 D3", "Delete release -> E0 D3"},
        {64, 1, "41", "F7 (set-2 83) press -> 41"},
        {70, 1, "E0 2A E0 37", "PrintScreen press -> E0 2A E0 37"},
        {70, 0, "E0 B7 E0 AA", "PrintScreen release -> E0 B7 E0 AA"},
        {72, 1, "E1 1D 45 E1 9D C5", "Pause press -> E1 1D 45 E1 9D C5"},
        {84, 1, "E0 35", "KP / press -> E0 35"},
        {100, 1, "56", "ISO key press -> 56"},
    };
    for (size_t i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
        uint8_t seq[8], want[8];
        size_t n = keymap_set2_bytes(keymap_hid_to_key(rt[i].hid),
                                     rt[i].down, seq);
        size_t wn = parse_hex(rt[i].set1, want);
        int good = n > 0 && i8042_kbd_put_bytes(kc, seq, n) == 0;
        size_t got = 0;
        while (good && (iobus_read(bus, 0x64, 1) & 1)) {
            uint8_t b = (uint8_t)iobus_read(bus, 0x60, 1);
            if (got >= wn || b != want[got])
                good = 0;
            got++;
        }
        ok(good && got == wn, rt[i].what);
    }
    i8042_free(kc);
    iobus_free(bus);
}

int main(void)
{
    test_table();
    test_special();
    test_names();
    test_ascii();
    test_i8042();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
