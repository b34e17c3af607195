/* The x86pc monitor: see monitor.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "frontend/monitor.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "devices/i8042.h"
#include "devices/pc.h"
#include "devices/vga.h"
#include "frontend/keymap.h"
#include "frontend/png.h"
#include "memory/mem.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define LINE_MAX_LEN 512
#define X_MAX_UNITS 4096 /* x/xp count limit */

struct Monitor {
    PC *pc;
    int paused;
    int quit;
    char line[LINE_MAX_LEN];
    size_t len;
    int last_cr; /* the previous byte was CR (swallow the LF of CR LF) */
    MonitorDisplayHooks disp;
    unsigned mouse_buttons; /* the state mouse_button set, for mouse_move */
};

typedef struct Ctx {
    MonitorOut out;
    void *opaque;
} Ctx;

static void say(Ctx *c, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (!c->out || n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        c->out(c->opaque, small);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        return;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    c->out(c->opaque, big);
    free(big);
}

Monitor *monitor_new(PC *pc)
{
    Monitor *m = calloc(1, sizeof(*m));
    if (m)
        m->pc = pc;
    return m;
}

void monitor_free(Monitor *m) { free(m); }

void monitor_set_display_hooks(Monitor *m, const MonitorDisplayHooks *h)
{
    if (h)
        m->disp = *h;
    else
        memset(&m->disp, 0, sizeof(m->disp));
}
int monitor_paused(const Monitor *m) { return m->paused; }
void monitor_set_paused(Monitor *m, int paused) { m->paused = paused != 0; }
int monitor_quit_requested(const Monitor *m) { return m->quit; }

const char *monitor_state(const Monitor *m)
{
    if (m->paused)
        return "paused";
    if (m->pc && pc_cpu(m->pc) && cpu_halted(pc_cpu(m->pc)))
        return "halted";
    return "running";
}

/* ------------------------------------------------------------ commands */

static const char help_text[] =
    "help|?                      list the commands\n"
    "info status                 running, paused or halted\n"
    "info registers              the CPU registers\n"
    "info version                the x86pc version\n"
    "info display                the host window (size, scale)\n"
    "x /Nfmt ADDR                dump N units of linear memory (fmt: x d u o"
    " c;\n"
    "                            size b h w g; default /1xw)\n"
    "xp /Nfmt ADDR               the same for physical memory\n"
    "screendump FILE.png         save the screen as a PNG image\n"
    "windowdump FILE.png         save what the host window shows (scaled)\n"
    "sendkey KEYS                press keys, e.g. ctrl-alt-delete, a, "
    "shift-f1\n"
    "mouse_move DX DY [DZ]       move the PS/2 mouse (DY > 0: down, DZ: "
    "wheel)\n"
    "mouse_button N              set the mouse buttons (1 left, 2 right, 4 "
    "middle)\n"
    "savevm FILE                 save the whole machine state to FILE (a\n"
    "                            path, not a QEMU tag name; not the disks)\n"
    "loadvm FILE                 restore the machine from FILE (same\n"
    "                            configuration and disk images)\n"
    "system_reset                reset the machine\n"
    "system_powerdown            press the ACPI power button\n"
    "stop                        pause the machine\n"
    "cont|c                      resume it\n"
    "quit|q                      quit x86pc\n";

static void flags_string(uint32_t f, char *buf)
{
    static const struct {
        int bit;
        char ch;
    } fl[] = {{11, 'O'}, {10, 'D'}, {9, 'I'}, {7, 'S'}, {6, 'Z'},
              {4, 'A'}, {2, 'P'}, {0, 'C'}};
    for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
        buf[i] = (f >> fl[i].bit) & 1 ? fl[i].ch : '-';
    buf[8] = '\0';
}

static void info_registers(Monitor *m, Ctx *c)
{
    CPUState *cpu = pc_cpu(m->pc);
    uint32_t efl = cpu_get_eflags(cpu);
    char fs[9];
    flags_string(efl, fs);
    say(c, "EAX=%08" PRIX32 " EBX=%08" PRIX32 " ECX=%08" PRIX32
           " EDX=%08" PRIX32 "\n",
        cpu_get_reg(cpu, R_EAX), cpu_get_reg(cpu, R_EBX),
        cpu_get_reg(cpu, R_ECX), cpu_get_reg(cpu, R_EDX));
    say(c, "ESI=%08" PRIX32 " EDI=%08" PRIX32 " EBP=%08" PRIX32
           " ESP=%08" PRIX32 "\n",
        cpu_get_reg(cpu, R_ESI), cpu_get_reg(cpu, R_EDI),
        cpu_get_reg(cpu, R_EBP), cpu_get_reg(cpu, R_ESP));
    say(c, "EIP=%08" PRIX32 " EFL=%08" PRIX32 " [%s] CPL=%d HLT=%d\n",
        cpu_get_eip(cpu), efl, fs, cpu_get_cpl(cpu), cpu_halted(cpu));
    static const char *sn[S_NSEG] = {"ES ", "CS ", "SS ", "DS ",
                                     "FS ", "GS ", "LDT", "TR "};
    for (int s = 0; s < S_NSEG; s++) {
        CPUSeg sg;
        cpu_get_seg(cpu, s, &sg);
        say(c, "%s=%04X %08" PRIX32 " %08" PRIX32 " %04X\n", sn[s],
            (unsigned)sg.sel, sg.base, sg.limit, (unsigned)sg.ar);
    }
    say(c, "CR0=%08" PRIX32 " CR2=%08" PRIX32 " CR3=%08" PRIX32
           " CR4=%08" PRIX32 "\n",
        cpu_get_cr(cpu, 0), cpu_get_cr(cpu, 2), cpu_get_cr(cpu, 3),
        cpu_get_cr(cpu, 4));
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end)
        return -1;
    *v = x;
    return 0;
}

/* x/xp: args = "/Nfmt ADDR" or "ADDR" (also "/N fmt" glued as QEMU). */
static int cmd_x(Monitor *m, Ctx *c, int phys, char *args)
{
    const char *cmd = phys ? "xp" : "x";
    unsigned long count = 1;
    char fmt = 'x';
    int size = 4;
    char *p = args;
    while (*p == ' ')
        p++;
    if (*p == '/') {
        p++;
        if (isdigit((unsigned char)*p)) {
            count = strtoul(p, &p, 10);
            if (count == 0 || count > X_MAX_UNITS) {
                say(c, "%s: count must be 1 to %d\n", cmd, X_MAX_UNITS);
                return -1;
            }
        }
        while (*p && *p != ' ') {
            switch (*p) {
            case 'x': case 'd': case 'u': case 'o': case 'c':
                fmt = *p;
                if (fmt == 'c')
                    size = 1;
                break;
            case 'b': size = 1; break;
            case 'h': size = 2; break;
            case 'w': size = 4; break;
            case 'g': size = 8; break;
            default:
                say(c, "%s: unknown format '%c' (x d u o c, b h w g)\n", cmd,
                    *p);
                return -1;
            }
            p++;
        }
        while (*p == ' ')
            p++;
    }
    uint64_t addr;
    char *end = p + strlen(p);
    while (end > p && end[-1] == ' ')
        *--end = '\0';
    if (parse_u64(p, &addr) < 0) {
        say(c, "%s: expected an address, e.g. %s /8xb 0x7c00\n", cmd, cmd);
        return -1;
    }
    if (!phys && addr > 0xFFFFFFFFull) {
        say(c, "x: linear address beyond 4 GiB\n");
        return -1;
    }
    int per_line = fmt == 'c' ? 16 : size == 8 ? 2 : size == 4 ? 4 : 8;
    char line[256];
    size_t pos = 0;
    for (unsigned long i = 0; i < count; i++) {
        uint64_t a = addr + (uint64_t)i * (uint64_t)size;
        uint8_t b[8] = {0};
        if (i % (unsigned long)per_line == 0) {
            pos = (size_t)snprintf(line, sizeof(line),
                                   phys ? "%016" PRIx64 ":" : "%08" PRIx64 ":",
                                   a);
        }
        if (phys) {
            if (a + (uint64_t)size < a) {
                say(c, "xp: address wraps\n");
                return -1;
            }
            phys_dma_read(pc_mem(m->pc), a, b, (size_t)size);
        } else if (cpu_read_linear(pc_cpu(m->pc), (uint32_t)a, b,
                                   (uint32_t)size) < 0) {
            if (pos > 0 && i % (unsigned long)per_line)
                say(c, "%s\n", line);
            say(c, "Cannot access memory at %08" PRIx64 "\n", a);
            return -1;
        }
        uint64_t v = 0;
        for (int k = size - 1; k >= 0; k--)
            v = v << 8 | b[k];
        char item[40];
        switch (fmt) {
        case 'x':
            snprintf(item, sizeof(item), " 0x%0*" PRIx64, size * 2, v);
            break;
        case 'o':
            snprintf(item, sizeof(item), " %#" PRIo64, v);
            break;
        case 'u':
            snprintf(item, sizeof(item), " %" PRIu64, v);
            break;
        case 'd': {
            int64_t sv = size == 8 ? (int64_t)v
                                   : (int64_t)(v ^ (1ull << (size * 8 - 1))) -
                                         (int64_t)(1ull << (size * 8 - 1));
            snprintf(item, sizeof(item), " %" PRId64, sv);
            break;
        }
        default: /* c */
            if (v >= 0x20 && v < 0x7F)
                snprintf(item, sizeof(item), " '%c'", (char)v);
            else
                snprintf(item, sizeof(item), " \\x%02x", (unsigned)v);
        }
        if (pos + strlen(item) < sizeof(line)) {
            memcpy(line + pos, item, strlen(item) + 1);
            pos += strlen(item);
        }
        if (i % (unsigned long)per_line == (unsigned long)per_line - 1 ||
            i + 1 == count)
            say(c, "%s\n", line);
    }
    return 0;
}

static int cmd_screendump(Monitor *m, Ctx *c, const char *path)
{
    VGAState *vga = pc_vga(m->pc);
    if (!*path) {
        say(c, "screendump: expected a file name\n");
        return -1;
    }
    if (!vga) {
        say(c, "screendump: this machine has no display\n");
        return -1;
    }
    int w, h, stride;
    const uint32_t *px;
    vga_render(vga, NULL);
    vga_get_display(vga, &w, &h, &px, &stride);
    /* The render above consumed the dirty state a window may be waiting
     * for: make its next render a full one. */
    vga_invalidate(vga);
    char err[300];
    if (png_save(path, w, h, px, stride, err, sizeof(err)) < 0) {
        say(c, "screendump: %s\n", err);
        return -1;
    }
    return 0;
}

static int cmd_sendkey(Monitor *m, Ctx *c, const char *arg)
{
    unsigned keys[16];
    int n = 0;
    char buf[256];
    if (!*arg) {
        say(c, "sendkey: expected keys, e.g. sendkey ctrl-alt-delete\n");
        return -1;
    }
    snprintf(buf, sizeof(buf), "%s", arg);
    char *sp = strchr(buf, ' ');
    if (sp)
        *sp = '\0'; /* an optional hold time follows: ignored */
    for (char *save = NULL, *tok = strtok_r(buf, "-", &save); tok;
         tok = strtok_r(NULL, "-", &save)) {
        unsigned k = keymap_qemu_name(tok);
        if (!k && !strncmp(tok, "0x", 2)) {
            uint64_t v;
            if (parse_u64(tok, &v) == 0 && v > 0 && v < 0x100)
                k = (unsigned)v; /* raw set-2 code */
        }
        if (!k) {
            say(c, "sendkey: unknown key '%s'\n", tok);
            return -1;
        }
        if (n == 16) {
            say(c, "sendkey: too many keys\n");
            return -1;
        }
        keys[n++] = k;
    }
    I8042 *kbc = pc_kbc(m->pc);
    if (!kbc) {
        say(c, "sendkey: this machine has no keyboard\n");
        return -1;
    }
    int dropped = 0;
    uint8_t seq[8];
    for (int i = 0; i < n; i++) {
        size_t len = keymap_set2_bytes(keys[i], 1, seq);
        if (len && i8042_kbd_put_bytes(kbc, seq, len) < 0)
            dropped = 1;
    }
    for (int i = n - 1; i >= 0; i--) {
        size_t len = keymap_set2_bytes(keys[i], 0, seq);
        if (len && i8042_kbd_put_bytes(kbc, seq, len) < 0)
            dropped = 1;
    }
    if (dropped) {
        say(c, "sendkey: the keyboard is disabled or its buffer is full; "
               "keys were dropped\n");
        return -1;
    }
    return 0;
}

/* Up to 3 integers of at most 100000 in magnitude; the count, or -1. */
static int parse_ints(const char *s, long *v, int max)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            return n;
        if (n == max)
            return -1;
        char *end;
        errno = 0;
        long x = strtol(s, &end, 0);
        if (end == s || errno || x < -100000 || x > 100000 ||
            (*end && *end != ' ' && *end != '\t'))
            return -1;
        v[n++] = x;
        s = end;
    }
}

/* mouse_move DX DY [DZ] / mouse_button N (QEMU's monitor commands). */
static int cmd_mouse(Monitor *m, Ctx *c, int button, const char *arg)
{
    long v[3] = {0, 0, 0};
    int n = parse_ints(arg, v, button ? 1 : 3);
    if (button ? n != 1 || v[0] < 0 || v[0] > 31 : n < 2) {
        say(c, button ? "mouse_button: expected a button mask 0-31\n"
                      : "mouse_move: expected DX DY [DZ]\n");
        return -1;
    }
    I8042 *kbc = pc_kbc(m->pc);
    if (!kbc) {
        say(c, "this machine has no PS/2 mouse\n");
        return -1;
    }
    if (button) {
        m->mouse_buttons = (unsigned)v[0];
        i8042_mouse_event(kbc, 0, 0, 0, m->mouse_buttons);
    } else {
        i8042_mouse_event(kbc, (int)v[0], (int)v[1], (int)v[2],
                          m->mouse_buttons);
    }
    return 0;
}

int monitor_exec(Monitor *m, const char *line, MonitorOut out, void *opaque)
{
    Ctx c = {out, opaque};
    char buf[LINE_MAX_LEN];
    snprintf(buf, sizeof(buf), "%s", line);
    char *p = buf;
    while (*p == ' ' || *p == '\t')
        p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
                     e[-1] == '\r'))
        *--e = '\0';
    if (!*p)
        return 0;
    char *cmd = p;
    char *args = p;
    while (*args && *args != ' ' && *args != '\t' && *args != '/')
        args++;
    char saved = *args;
    *args = '\0';
    char cmdname[32];
    snprintf(cmdname, sizeof(cmdname), "%s", cmd);
    *args = saved;
    if (*args == ' ' || *args == '\t')
        args++;
    while (*args == ' ' || *args == '\t')
        args++;

    if (!strcmp(cmdname, "help") || !strcmp(cmdname, "?")) {
        say(&c, "%s", help_text);
        return 0;
    }
    if (!strcmp(cmdname, "info")) {
        if (!strcmp(args, "status")) {
            say(&c, "VM status: %s\n", monitor_state(m));
            return 0;
        }
        if (!strcmp(args, "registers")) {
            info_registers(m, &c);
            return 0;
        }
        if (!strcmp(args, "display")) {
            if (m->disp.info)
                m->disp.info(m->disp.opaque, out, opaque);
            else
                say(&c, "no host display window\n");
            return 0;
        }
        if (!strcmp(args, "version")) {
            say(&c, "%s\n", PACKAGE_VERSION);
            return 0;
        }
        say(&c, "info: unknown item '%s' (status, registers, display, "
                "version)\n",
            args);
        return -1;
    }
    if (!strcmp(cmdname, "x"))
        return cmd_x(m, &c, 0, args);
    if (!strcmp(cmdname, "xp"))
        return cmd_x(m, &c, 1, args);
    if (!strcmp(cmdname, "screendump"))
        return cmd_screendump(m, &c, args);
    if (!strcmp(cmdname, "windowdump")) {
        char err[300];
        if (!*args) {
            say(&c, "windowdump: expected a file name\n");
            return -1;
        }
        if (!m->disp.windowdump) {
            say(&c, "windowdump: no host display window\n");
            return -1;
        }
        if (m->disp.windowdump(m->disp.opaque, args, err, sizeof(err)) < 0) {
            say(&c, "windowdump: %s\n", err);
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmdname, "sendkey"))
        return cmd_sendkey(m, &c, args);
    if (!strcmp(cmdname, "mouse_move"))
        return cmd_mouse(m, &c, 0, args);
    if (!strcmp(cmdname, "mouse_button"))
        return cmd_mouse(m, &c, 1, args);
    if (!strcmp(cmdname, "savevm") || !strcmp(cmdname, "loadvm")) {
        char err[400];
        int load = cmdname[0] == 'l';
        if (!*args) {
            say(&c, "%s: expected a file name\n", cmdname);
            return -1;
        }
        if ((load ? pc_snapshot_load : pc_snapshot_save)(m->pc, args, err,
                                                        sizeof(err)) < 0) {
            say(&c, "%s\n", err);
            return -1;
        }
        return 0;
    }
    if (!strcmp(cmdname, "system_reset")) {
        pc_request_reset(m->pc);
        return 0;
    }
    if (!strcmp(cmdname, "system_powerdown")) {
        /* The guest's ACPI driver sees the fixed power button and shuts
         * down (Linux: "poweroff"); x86pc exits when it reaches S5. */
        pc_power_button(m->pc);
        return 0;
    }
    if (!strcmp(cmdname, "stop")) {
        m->paused = 1;
        return 0;
    }
    if (!strcmp(cmdname, "cont") || !strcmp(cmdname, "c")) {
        m->paused = 0;
        return 0;
    }
    if (!strcmp(cmdname, "quit") || !strcmp(cmdname, "q")) {
        m->quit = 1;
        return 0;
    }
    say(&c, "unknown command: '%s' (try help)\n", cmdname);
    return -1;
}

void monitor_start(Monitor *m, MonitorOut out, void *opaque)
{
    (void)m;
    out(opaque, "x86pc " PACKAGE_VERSION " monitor - type 'help' for more "
                "information\n(x86pc) ");
}

void monitor_feed(Monitor *m, int ch, MonitorOut out, void *opaque)
{
    int was_cr = m->last_cr;
    m->last_cr = ch == '\r';
    if (ch == '\r' || ch == '\n') {
        if (ch == '\n' && was_cr)
            return;
        out(opaque, "\n");
        m->line[m->len] = '\0';
        monitor_exec(m, m->line, out, opaque);
        m->len = 0;
        if (!m->quit)
            out(opaque, "(x86pc) ");
        return;
    }
    if (ch == 0x7F || ch == 0x08) {
        if (m->len) {
            m->len--;
            out(opaque, "\b \b");
        }
        return;
    }
    if (ch < 0x20 || ch > 0x7E)
        return;
    if (m->len + 1 < sizeof(m->line)) {
        char s[2] = {(char)ch, 0};
        m->line[m->len++] = (char)ch;
        out(opaque, s);
    }
}
