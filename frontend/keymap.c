/* Host key codes -> PC scan code set 2: see keymap.h. */
#include "frontend/keymap.h"

#include <string.h>

typedef struct KeyEntry {
    unsigned char hid;  /* USB HID usage = SDL_Scancode */
    unsigned short key; /* set-2 make code, 0xE0xx extended, or special */
    const char *qname;  /* QEMU key name, or NULL */
} KeyEntry;

/* Ordered by HID usage. */
static const KeyEntry table[] = {
    {4, 0x1C, "a"}, {5, 0x32, "b"}, {6, 0x21, "c"}, {7, 0x23, "d"},
    {8, 0x24, "e"}, {9, 0x2B, "f"}, {10, 0x34, "g"}, {11, 0x33, "h"},
    {12, 0x43, "i"}, {13, 0x3B, "j"}, {14, 0x42, "k"}, {15, 0x4B, "l"},
    {16, 0x3A, "m"}, {17, 0x31, "n"}, {18, 0x44, "o"}, {19, 0x4D, "p"},
    {20, 0x15, "q"}, {21, 0x2D, "r"}, {22, 0x1B, "s"}, {23, 0x2C, "t"},
    {24, 0x3C, "u"}, {25, 0x2A, "v"}, {26, 0x1D, "w"}, {27, 0x22, "x"},
    {28, 0x35, "y"}, {29, 0x1A, "z"},
    {30, 0x16, "1"}, {31, 0x1E, "2"}, {32, 0x26, "3"}, {33, 0x25, "4"},
    {34, 0x2E, "5"}, {35, 0x36, "6"}, {36, 0x3D, "7"}, {37, 0x3E, "8"},
    {38, 0x46, "9"}, {39, 0x45, "0"},
    {40, 0x5A, "ret"}, {41, 0x76, "esc"}, {42, 0x66, "backspace"},
    {43, 0x0D, "tab"}, {44, 0x29, "spc"}, {45, 0x4E, "minus"},
    {46, 0x55, "equal"}, {47, 0x54, "bracket_left"},
    {48, 0x5B, "bracket_right"}, {49, 0x5D, "backslash"},
    {50, 0x5D, NULL}, /* non-US # and ~: same position as backslash */
    {51, 0x4C, "semicolon"}, {52, 0x52, "apostrophe"},
    {53, 0x0E, "grave_accent"}, {54, 0x41, "comma"}, {55, 0x49, "dot"},
    {56, 0x4A, "slash"}, {57, 0x58, "caps_lock"},
    {58, 0x05, "f1"}, {59, 0x06, "f2"}, {60, 0x04, "f3"}, {61, 0x0C, "f4"},
    {62, 0x03, "f5"}, {63, 0x0B, "f6"}, {64, 0x83, "f7"}, {65, 0x0A, "f8"},
    {66, 0x01, "f9"}, {67, 0x09, "f10"}, {68, 0x78, "f11"},
    {69, 0x07, "f12"},
    {70, KEYMAP_PRINT, "print"}, {71, 0x7E, "scroll_lock"},
    {72, KEYMAP_PAUSE, "pause"},
    {73, 0xE070, "insert"}, {74, 0xE06C, "home"}, {75, 0xE07D, "pgup"},
    {76, 0xE071, "delete"}, {77, 0xE069, "end"}, {78, 0xE07A, "pgdn"},
    {79, 0xE074, "right"}, {80, 0xE06B, "left"}, {81, 0xE072, "down"},
    {82, 0xE075, "up"},
    {83, 0x77, "num_lock"}, {84, 0xE04A, "kp_divide"},
    {85, 0x7C, "kp_multiply"}, {86, 0x7B, "kp_subtract"},
    {87, 0x79, "kp_add"}, {88, 0xE05A, "kp_enter"},
    {89, 0x69, "kp_1"}, {90, 0x72, "kp_2"}, {91, 0x7A, "kp_3"},
    {92, 0x6B, "kp_4"}, {93, 0x73, "kp_5"}, {94, 0x74, "kp_6"},
    {95, 0x6C, "kp_7"}, {96, 0x75, "kp_8"}, {97, 0x7D, "kp_9"},
    {98, 0x70, "kp_0"}, {99, 0x71, "kp_decimal"},
    {100, 0x61, "less"}, /* the 105th key (ISO, between LShift and Z) */
    {101, 0xE02F, "menu"}, {102, 0xE037, "power"},
    {103, 0x0F, "kp_equals"},
    {104, 0x08, "f13"}, {105, 0x10, "f14"}, {106, 0x18, "f15"},
    {107, 0x20, "f16"}, {108, 0x28, "f17"}, {109, 0x30, "f18"},
    {110, 0x38, "f19"}, {111, 0x40, "f20"}, {112, 0x48, "f21"},
    {113, 0x50, "f22"}, {114, 0x57, "f23"}, {115, 0x5F, "f24"},
    {127, 0xE023, "audiomute"}, {128, 0xE032, "volumeup"},
    {129, 0xE021, "volumedown"},
    {133, 0x6D, "kp_comma"},
    {135, 0x51, "ro"}, {136, 0x13, "hiragana"}, {137, 0x6A, "yen"},
    {138, 0x64, "henkan"}, {139, 0x67, "muhenkan"},
    {224, 0x14, "ctrl"}, {225, 0x12, "shift"}, {226, 0x11, "alt"},
    {227, 0xE01F, "meta_l"}, {228, 0xE014, "ctrl_r"},
    {229, 0x59, "shift_r"}, {230, 0xE011, "alt_r"},
    {231, 0xE027, "meta_r"},
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

unsigned keymap_hid_to_key(int hid)
{
    size_t lo = 0, hi = NTABLE;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (table[mid].hid == hid)
            return table[mid].key;
        if (table[mid].hid < hid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

size_t keymap_table_size(void) { return NTABLE; }

void keymap_table_entry(size_t i, int *hid, unsigned *key, const char **qname)
{
    if (i >= NTABLE) {
        *hid = 0;
        *key = 0;
        *qname = NULL;
        return;
    }
    *hid = table[i].hid;
    *key = table[i].key;
    *qname = table[i].qname;
}

size_t keymap_set2_bytes(unsigned key, int down, uint8_t *out)
{
    static const uint8_t pause_seq[8] = {0xE1, 0x14, 0x77, 0xE1,
                                         0xF0, 0x14, 0xF0, 0x77};
    size_t n = 0;
    if (key == KEYMAP_PAUSE) {
        if (!down)
            return 0;
        memcpy(out, pause_seq, 8);
        return 8;
    }
    if (key == KEYMAP_PRINT) {
        /* The keyboard sends fake-shift E0 12 around E0 7C. */
        static const uint8_t mk[4] = {0xE0, 0x12, 0xE0, 0x7C};
        static const uint8_t br[6] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
        memcpy(out, down ? mk : br, down ? 4 : 6);
        return down ? 4 : 6;
    }
    unsigned code = key & 0xFF;
    unsigned prefix = key >> 8;
    if (code == 0 || (prefix != 0 && prefix != 0xE0) || code == 0xE0 ||
        code == 0xE1 || code == 0xF0)
        return 0;
    if (prefix)
        out[n++] = 0xE0;
    if (!down)
        out[n++] = 0xF0;
    out[n++] = (uint8_t)code;
    return n;
}

/* QEMU names that are aliases of table entries. */
static const struct {
    const char *name;
    unsigned short key;
} aliases[] = {
    {"altgr", 0xE011}, {"altgr_r", 0xE011}, {"control", 0x14},
    {"control_r", 0xE014}, {"sysrq", KEYMAP_PRINT}, {"asterisk", 0x7C},
    {"kp_divide", 0xE04A}, {"caps", 0x58}, {"enter", 0x5A},
    {"space", 0x29}, {"escape", 0x76}, {"del", 0xE071},
    {"ins", 0xE070}, {"page_up", 0xE07D}, {"page_down", 0xE07A},
    {"compose", 0xE02F}, {"less_r", 0x61}, {"lf", 0x5A},
};

unsigned keymap_qemu_name(const char *name)
{
    for (size_t i = 0; i < NTABLE; i++)
        if (table[i].qname && !strcmp(table[i].qname, name))
            return table[i].key;
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (!strcmp(aliases[i].name, name))
            return aliases[i].key;
    return 0;
}

int keymap_ascii(int ch, unsigned *key, int *shift, int *ctrl)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyz1234567890";
    /* Unshifted/shifted punctuation and their HID usages. */
    static const struct {
        char lo, hi;
        unsigned char hid;
    } punct[] = {
        {'-', '_', 45}, {'=', '+', 46}, {'[', '{', 47}, {']', '}', 48},
        {'\\', '|', 49}, {';', ':', 51}, {'\'', '"', 52}, {'`', '~', 53},
        {',', '<', 54}, {'.', '>', 55}, {'/', '?', 56}, {' ', ' ', 44},
    };
    static const char shifted_digits[] = "!@#$%^&*()";
    *shift = 0;
    *ctrl = 0;
    *key = 0;
    if (ch == '\r' || ch == '\n') {
        *key = keymap_hid_to_key(40);
        return 0;
    }
    if (ch == '\t') {
        *key = keymap_hid_to_key(43);
        return 0;
    }
    if (ch == 0x08 || ch == 0x7F) {
        *key = keymap_hid_to_key(42);
        return 0;
    }
    if (ch == 0x1B) {
        *key = keymap_hid_to_key(41);
        return 0;
    }
    if (ch >= 1 && ch <= 26) {
        *key = keymap_hid_to_key(4 + ch - 1);
        *ctrl = 1;
        return 0;
    }
    if (ch >= 'A' && ch <= 'Z') {
        *key = keymap_hid_to_key(4 + ch - 'A');
        *shift = 1;
        return 0;
    }
    const char *p = ch > 0 && ch < 0x7F ? strchr(plain, ch) : NULL;
    if (p) {
        *key = keymap_hid_to_key(4 + (int)(p - plain));
        return 0;
    }
    p = ch > 0 && ch < 0x7F ? strchr(shifted_digits, ch) : NULL;
    if (p) {
        *key = keymap_hid_to_key(30 + (int)(p - shifted_digits));
        *shift = 1;
        return 0;
    }
    for (size_t i = 0; i < sizeof(punct) / sizeof(punct[0]); i++) {
        if (ch == punct[i].lo || ch == punct[i].hi) {
            *key = keymap_hid_to_key(punct[i].hid);
            *shift = ch == punct[i].hi && ch != ' ';
            return 0;
        }
    }
    return -1;
}
