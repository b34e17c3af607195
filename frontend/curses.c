/* Text-mode display in the terminal: see curses.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "frontend/curses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "devices/i8042.h"
#include "devices/vga.h"
#include "frontend/keymap.h"

#define MAX_COLS 256
#define MAX_ROWS 128
#define KEYQ 256
#define KEY_GAP_MS 20

struct CursesView {
    VGAState *vga;
    I8042 *kbc;
    uint16_t cells[MAX_COLS * MAX_ROWS];
    uint16_t shown[MAX_COLS * MAX_ROWS];
    int cols, rows; /* what is on the screen; 0 = graphics placeholder */
    int colour;
    int escape; /* Ctrl+A seen */
    /* Pending keys: key | shift << 16 | ctrl << 17 */
    unsigned q[KEYQ];
    unsigned qr, qn;
    unsigned next_ms;
    char status[128];
};

CursesView *cursesview_new(VGAState *vga, I8042 *kbc, char *err,
                           size_t errlen)
{
    CursesView *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->vga = vga;
    v->kbc = kbc;
    if (!getenv("ESCDELAY"))
        setenv("ESCDELAY", "25", 0);
    if (!initscr()) {
        snprintf(err, errlen, "-display curses: cannot initialise the "
                              "terminal");
        free(v);
        return NULL;
    }
    raw(); /* Ctrl+C, Ctrl+Z, Ctrl+S go to the guest */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    if (has_colors() && start_color() == OK && COLOR_PAIRS >= 64) {
        static const short map[8] = {COLOR_BLACK, COLOR_BLUE, COLOR_GREEN,
                                     COLOR_CYAN, COLOR_RED, COLOR_MAGENTA,
                                     COLOR_YELLOW, COLOR_WHITE};
        v->colour = 1;
        /* Pair bg * 8 + fg; pair 0 is fixed (default colours) and only
         * stands for black on black, drawn as blanks. */
        for (int bg = 0; bg < 8; bg++)
            for (int fg = 0; fg < 8; fg++)
                if (bg || fg)
                    init_pair((short)(bg * 8 + fg), map[fg], map[bg]);
    }
    v->cols = v->rows = -1;
    return v;
}

void cursesview_free(CursesView *v)
{
    if (!v)
        return;
    endwin();
    free(v);
}

static void enqueue(CursesView *v, unsigned key, int shift, int ctrl)
{
    if (!key || v->qn == KEYQ)
        return;
    v->q[(v->qr + v->qn++) % KEYQ] =
        key | (unsigned)(shift != 0) << 16 | (unsigned)(ctrl != 0) << 17;
}

static void put(CursesView *v, unsigned key, int down)
{
    uint8_t seq[8];
    size_t n = keymap_set2_bytes(key, down, seq);
    if (n && v->kbc)
        i8042_kbd_put_bytes(v->kbc, seq, n);
}

/* curses key -> HID usage */
static int special_hid(int ch)
{
    switch (ch) {
    case KEY_UP: return 82;
    case KEY_DOWN: return 81;
    case KEY_LEFT: return 80;
    case KEY_RIGHT: return 79;
    case KEY_HOME: return 74;
    case KEY_END: return 77;
    case KEY_PPAGE: return 75;
    case KEY_NPAGE: return 78;
    case KEY_IC: return 73;
    case KEY_DC: return 76;
    case KEY_BACKSPACE: return 42;
    case KEY_ENTER: return 40;
    case KEY_BTAB: return 43; /* with Shift, below */
    default:
        if (ch >= KEY_F(1) && ch <= KEY_F(12))
            return 58 + (ch - KEY_F(1));
        return 0;
    }
}

int cursesview_input(CursesView *v, unsigned now)
{
    int ch;
    while ((ch = getch()) != ERR) {
        if (v->escape) {
            v->escape = 0;
            if (ch == 'x' || ch == 'X')
                return 1;
            if (ch != 1)
                continue;
        } else if (ch == 1) { /* Ctrl+A */
            v->escape = 1;
            continue;
        }
        if (ch == KEY_RESIZE) {
            v->cols = v->rows = -1;
            continue;
        }
        int hid = special_hid(ch);
        if (hid) {
            enqueue(v, keymap_hid_to_key(hid), ch == KEY_BTAB, 0);
            continue;
        }
        unsigned key;
        int shift, ctrl;
        if (ch >= 0 && ch < 0x80 && keymap_ascii(ch, &key, &shift, &ctrl) == 0)
            enqueue(v, key, shift, ctrl);
    }
    if (v->qn && (int)(now - v->next_ms) >= 0) {
        unsigned e = v->q[v->qr];
        v->qr = (v->qr + 1) % KEYQ;
        v->qn--;
        unsigned key = e & 0xFFFF;
        if (e >> 17 & 1)
            put(v, KEY_LCTRL, 1);
        if (e >> 16 & 1)
            put(v, KEY_LSHIFT, 1);
        put(v, key, 1);
        put(v, key, 0);
        if (e >> 16 & 1)
            put(v, KEY_LSHIFT, 0);
        if (e >> 17 & 1)
            put(v, KEY_LCTRL, 0);
        v->next_ms = now + KEY_GAP_MS;
    }
    return 0;
}

/* Code page 437 -> something a terminal shows. */
static chtype cp437(unsigned c)
{
    if (c >= 0x20 && c < 0x7F)
        return c;
    switch (c) {
    case 0x00: case 0xFF: return ' ';
    case 0xB3: case 0xBA: return ACS_VLINE;
    case 0xC4: case 0xCD: return ACS_HLINE;
    case 0xDA: case 0xC9: case 0xD5: case 0xD6: return ACS_ULCORNER;
    case 0xBF: case 0xBB: case 0xB8: case 0xB7: return ACS_URCORNER;
    case 0xC0: case 0xC8: case 0xD4: case 0xD3: return ACS_LLCORNER;
    case 0xD9: case 0xBC: case 0xBE: case 0xBD: return ACS_LRCORNER;
    case 0xC3: case 0xCC: case 0xC6: case 0xC7: return ACS_LTEE;
    case 0xB4: case 0xB9: case 0xB5: case 0xB6: return ACS_RTEE;
    case 0xC2: case 0xCB: case 0xD1: case 0xD2: return ACS_TTEE;
    case 0xC1: case 0xCA: case 0xCF: case 0xD0: return ACS_BTEE;
    case 0xC5: case 0xCE: case 0xD7: case 0xD8: return ACS_PLUS;
    case 0xB0: case 0xB1: return ACS_CKBOARD;
    case 0xB2: case 0xDB: case 0xDC: case 0xDD: case 0xDE: case 0xDF:
        return ACS_BLOCK;
    case 0xF8: return ACS_DEGREE;
    case 0xF1: return ACS_PLMINUS;
    case 0xFE: return ACS_BULLET;
    case 0x10: return ACS_RARROW;
    case 0x11: return ACS_LARROW;
    case 0x18: return ACS_UARROW;
    case 0x19: return ACS_DARROW;
    case 0x07: case 0xF9: case 0xFA: return ACS_BULLET;
    default: return '?';
    }
}

void cursesview_render(CursesView *v, const char *status)
{
    VGATextInfo ti;
    int text = vga_get_text(v->vga, v->cells, MAX_COLS * MAX_ROWS, &ti) == 0;
    int full = 0;
    if (!text) {
        if (v->cols != 0) {
            int w, h, stride;
            const uint32_t *px;
            vga_render(v->vga, NULL);
            vga_get_display(v->vga, &w, &h, &px, &stride);
            erase();
            mvprintw(LINES / 2, 0, "  [graphics mode %dx%d: not shown in "
                     "the terminal; use -display sdl]", w, h);
            v->cols = v->rows = 0;
            full = 1;
            v->status[0] = '\0';
        }
    } else {
        int cols = ti.cols > MAX_COLS ? MAX_COLS : ti.cols;
        int rows = ti.rows;
        if (cols > 0 && rows > MAX_ROWS * MAX_COLS / cols)
            rows = MAX_ROWS * MAX_COLS / cols;
        if (cols != v->cols || rows != v->rows) {
            erase();
            v->cols = cols;
            v->rows = rows;
            full = 1;
            v->status[0] = '\0';
        }
        for (int y = 0; y < rows && y < LINES; y++)
            for (int x = 0; x < cols && x < COLS; x++) {
                size_t i = (size_t)y * (size_t)ti.cols + (size_t)x;
                if (i >= MAX_COLS * MAX_ROWS)
                    break;
                uint16_t cell = v->cells[i];
                if (!full && v->shown[i] == cell)
                    continue;
                v->shown[i] = cell;
                unsigned a = cell >> 8;
                unsigned fg = a & 7, bg = (a >> 4) & 7;
                /* Same foreground and background: nothing to see. */
                chtype ct = fg == bg && !(a & 8) ? ' ' : cp437(cell & 0xFF);
                if (v->colour)
                    ct |= COLOR_PAIR(bg * 8 + fg);
                else if ((a & 0x70) && !(a & 0x07))
                    ct |= A_REVERSE;
                if (a & 8)
                    ct |= A_BOLD;
                mvaddch(y, x, ct);
            }
    }
    if (status && strcmp(status, v->status) && LINES > v->rows) {
        snprintf(v->status, sizeof(v->status), "%s", status);
        move(LINES - 1, 0);
        clrtoeol();
        if (v->rows >= 0 && LINES - 1 >= v->rows)
            mvaddnstr(LINES - 1, 0, status, COLS - 1);
    }
    if (text && ti.cursor_x >= 0 && ti.cursor_y < LINES &&
        ti.cursor_x < COLS) {
        curs_set(1);
        move(ti.cursor_y, ti.cursor_x);
    } else {
        curs_set(0);
    }
    refresh();
}
