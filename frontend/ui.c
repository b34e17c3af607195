/* The user interface around the machine: see ui.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include "frontend/ui.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/vga.h"
#include "frontend/monitor.h"
#include "frontend/png.h"
#ifdef HAVE_SDL2
#include "frontend/sdl.h"
#endif
#ifdef HAVE_CURSES
#include "frontend/curses.h"
#endif

#define FRAME_MS 16     /* ~60 Hz */
#define INPUT_MS 5      /* host input polling interval */
#define MIPS_MS 1000    /* title refresh */
#define PAUSE_WAIT_MS 10
#define MUXQ 256

struct UI {
    UIOptions *o;
    PC *pc;
    Monitor *mon;
    volatile sig_atomic_t *stop;
    int display; /* resolved UI_DISPLAY_* */
    int com1;    /* COM1 is on the -nographic multiplexer */
    int stdin_reader; /* -nographic or -monitor stdio read the terminal */
    int in_monitor;   /* -nographic: keys go to the monitor */
    int mux_escape;   /* Ctrl+A seen */
    int stdin_eof;
    uint8_t serq[MUXQ]; /* terminal -> COM1 */
    unsigned serq_r, serq_n;
    struct termios saved_tio;
    int tio_saved;
    unsigned last_input, last_frame, last_title;
    uint64_t mips_icount;
    unsigned mips_ms;
    double mips;
    int quit;
    int stopped_note; /* title: the machine stopped (-no-shutdown) */
    int sdl_fallback; /* SDL chosen by default: use none if it fails */
    int out_dirty;    /* COM1 output waiting in stdout's buffer */
#ifdef HAVE_SDL2
    SDLView *sdl;
#endif
#ifdef HAVE_CURSES
    CursesView *curses;
#endif
};

static void ui_die(const char *fmt, ...)
{
    va_list ap;
    fputs("x86pc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static unsigned now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned)((uint64_t)ts.tv_sec * 1000u +
                      (uint64_t)ts.tv_nsec / 1000000u);
}

/* ------------------------------------------------------------ options */

static const char *const ui_flags[] = {"nographic", "full-screen",
                                       "no-shutdown", NULL};
static const char *const ui_args[] = {"display", "monitor", "screenshot",
                                      "name", "k", NULL};

int ui_option_arity(const char *name)
{
    for (int i = 0; ui_flags[i]; i++)
        if (!strcmp(name, ui_flags[i]))
            return 0;
    for (int i = 0; ui_args[i]; i++)
        if (!strcmp(name, ui_args[i]))
            return 1;
    return -1;
}

static void parse_display(UIOptions *o, const char *s)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", s);
    char *save = NULL;
    char *type = strtok_r(buf, ",", &save);
    if (!type)
        ui_die("-display: expected none, sdl or curses");
    if (!strcmp(type, "none")) {
        o->display = UI_DISPLAY_NONE;
    } else if (!strcmp(type, "sdl")) {
#ifdef HAVE_SDL2
        o->display = UI_DISPLAY_SDL;
#else
        ui_die("-display sdl: this x86pc was built without SDL2");
#endif
    } else if (!strcmp(type, "curses")) {
#ifdef HAVE_CURSES
        o->display = UI_DISPLAY_CURSES;
#else
        ui_die("-display curses: this x86pc was built without ncurses");
#endif
    } else {
        ui_die("-display '%s': unknown display (use none, sdl or curses)", s);
    }
    for (char *t = strtok_r(NULL, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (o->display == UI_DISPLAY_SDL && !strcmp(t, "scale=smooth"))
            o->smooth = 1;
        else if (o->display == UI_DISPLAY_SDL && !strcmp(t, "scale=integer"))
            o->smooth = 0;
        else if (o->display == UI_DISPLAY_SDL && !strcmp(t, "full-screen=on"))
            o->full_screen = 1;
        else
            ui_die("-display %s: unknown property '%s'%s", type, t,
                   o->display == UI_DISPLAY_SDL
                       ? " (scale=integer|smooth, full-screen=on)"
                       : "");
    }
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && !strcmp(s + n - m, suf);
}

void ui_option(UIOptions *o, const char *name, const char *arg)
{
    if (!strcmp(name, "nographic")) {
        o->nographic = 1;
    } else if (!strcmp(name, "full-screen")) {
        o->full_screen = 1;
    } else if (!strcmp(name, "no-shutdown")) {
        o->no_shutdown = 1;
    } else if (!strcmp(name, "display")) {
        parse_display(o, arg);
    } else if (!strcmp(name, "monitor")) {
        if (!strcmp(arg, "stdio"))
            o->monitor_stdio = 1;
        else if (!strcmp(arg, "none") || !strcmp(arg, "null"))
            o->monitor_stdio = 0;
        else
            ui_die("-monitor '%s': unknown backend (use stdio or none)", arg);
    } else if (!strcmp(name, "screenshot")) {
        if (!has_suffix(arg, ".png") && !has_suffix(arg, ".PNG"))
            ui_die("-screenshot '%s': the file name must end in .png", arg);
        o->screenshot = arg;
    } else if (!strcmp(name, "name")) {
        if (!*arg || strlen(arg) > 64)
            ui_die("-name: give a name of 1 to 64 characters");
        o->name = arg;
    } else if (!strcmp(name, "k")) {
        if (strcmp(arg, "en-us"))
            ui_die("-k '%s': only the en-us keyboard layout is supported "
                   "(scan codes are positional: set the layout in the "
                   "guest)", arg);
    }
}

/* ------------------------------------------------------------ config files */

typedef struct ArgVec {
    char **v;
    int n, cap;
} ArgVec;

static void av_push(ArgVec *a, char *s)
{
    if (a->n + 1 >= a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->v = realloc(a->v, (size_t)a->cap * sizeof(char *));
        if (!a->v)
            ui_die("out of memory");
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        ui_die("out of memory");
    memcpy(d, s, n);
    return d;
}

static void read_config(ArgVec *out, const char *path, int depth)
{
    if (depth > 4)
        ui_die("-readconfig %s: nested too deeply", path);
    FILE *f = fopen(path, "r");
    if (!f)
        ui_die("-readconfig %s: cannot open: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof(line) - 1 && line[n - 1] != '\n')
            ui_die("-readconfig %s:%d: line too long", path, lineno);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        char *eq = strchr(p, '=');
        if (eq)
            *eq = '\0';
        char *e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (!*p || *p == '-')
            ui_die("-readconfig %s:%d: expected name=value (option names "
                   "without the dash)", path, lineno);
        if (!strcmp(p, "readconfig")) {
            if (!eq)
                ui_die("-readconfig %s:%d: readconfig needs a file", path,
                       lineno);
            read_config(out, eq + 1, depth + 1);
            continue;
        }
        size_t len = strlen(p) + 2;
        char *opt = malloc(len);
        if (!opt)
            ui_die("out of memory");
        snprintf(opt, len, "-%s", p);
        av_push(out, opt);
        if (eq)
            av_push(out, xstrdup(eq + 1));
    }
    fclose(f);
}

/* Not static: the expanded argument vector must stay reachable (leak
 * checkers) after main() has stopped using it. */
char **x86pc_config_argv;

void ui_config_argv(int *argc, char ***argv)
{
    int has = 0;
    for (int i = 1; i < *argc; i++) {
        const char *a = (*argv)[i];
        if (!strcmp(a, "-readconfig") || !strcmp(a, "--readconfig") ||
            !strcmp(a, "-writeconfig") || !strcmp(a, "--writeconfig"))
            has = 1;
    }
    if (!has)
        return;
    ArgVec av = {0};
    const char *write_path = NULL;
    av_push(&av, (*argv)[0]);
    for (int i = 1; i < *argc; i++) {
        const char *a = (*argv)[i];
        const char *n = a[0] == '-' ? a + 1 + (a[1] == '-') : a;
        if (a[0] == '-' && (!strcmp(n, "readconfig") ||
                            !strcmp(n, "writeconfig"))) {
            if (i + 1 >= *argc)
                ui_die("option -%s needs an argument", n);
            if (!strcmp(n, "readconfig"))
                read_config(&av, (*argv)[++i], 0);
            else
                write_path = (*argv)[++i];
            continue;
        }
        av_push(&av, (*argv)[i]);
    }
    if (write_path) {
        FILE *f = fopen(write_path, "w");
        if (!f)
            ui_die("-writeconfig %s: cannot create: %s", write_path,
                   strerror(errno));
        fprintf(f, "# x86pc options (-readconfig FILE): name=value or "
                   "name\n");
        /* An option followed by a word that is not an option is name=value;
         * values starting with '-' only follow options known to take one. */
        for (int i = 1; i < av.n; i++) {
            const char *a = av.v[i];
            const char *n = a[0] == '-' ? a + 1 + (a[1] == '-') : a;
            if (strchr(a, '\n'))
                ui_die("-writeconfig: option '%s' contains a newline", a);
            if (i + 1 < av.n && av.v[i + 1][0] != '-') {
                if (strchr(av.v[i + 1], '\n'))
                    ui_die("-writeconfig: value contains a newline");
                fprintf(f, "%s=%s\n", n, av.v[i + 1]);
                i++;
            } else {
                fprintf(f, "%s\n", n);
            }
        }
        if (fclose(f) != 0)
            ui_die("-writeconfig %s: write error", write_path);
    }
    *argc = av.n;
    *argv = av.v;
    x86pc_config_argv = av.v;
}

/* ------------------------------------------------------------ terminal */

static void out_stdout(void *opaque, const char *text)
{
    (void)opaque;
    /* Raw terminal: LF needs CR. */
    UI *ui = opaque;
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && ui && ui->tio_saved)
            putchar('\r');
        putchar(*p);
    }
    fflush(stdout);
}

static void tty_raw(UI *ui)
{
    struct termios t;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &ui->saved_tio) < 0)
        return;
    t = ui->saved_tio;
    t.c_iflag &= ~(unsigned)(ICRNL | INLCR | IGNCR | IXON);
    t.c_lflag &= ~(unsigned)(ICANON | ECHO | IEXTEN);
    if (ui->com1)
        t.c_lflag &= ~(unsigned)ISIG; /* Ctrl+C goes to the guest */
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
        ui->tio_saved = 1;
}

static void tty_restore(UI *ui)
{
    if (ui->tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &ui->saved_tio);
        ui->tio_saved = 0;
    }
}

static void com1_write(void *opaque, uint8_t byte)
{
    UI *ui = opaque;
    putchar(byte);
    if (byte == '\n')
        fflush(stdout);
    else
        ui->out_dirty = 1; /* flushed by the next ui_poll */
}

static int com1_read(void *opaque)
{
    UI *ui = opaque;
    if (!ui->serq_n)
        return -1;
    int b = ui->serq[ui->serq_r];
    ui->serq_r = (ui->serq_r + 1) % MUXQ;
    ui->serq_n--;
    return b;
}

static const char mux_help[] =
    "\nC-a h    print this help\n"
    "C-a x    exit x86pc\n"
    "C-a c    switch between the serial console and the monitor\n"
    "C-a C-a  send C-a\n";

static void to_serial(UI *ui, uint8_t b)
{
    if (ui->serq_n < MUXQ) {
        ui->serq[(ui->serq_r + ui->serq_n) % MUXQ] = b;
        ui->serq_n++;
    }
}

/* One byte typed on the terminal. */
static void stdin_byte(UI *ui, uint8_t b)
{
    if (ui->com1) {
        if (ui->mux_escape) {
            ui->mux_escape = 0;
            switch (b) {
            case 'x': case 'X':
                out_stdout(ui, "\nx86pc: terminated (C-a x)\n");
                ui->quit = 1;
                return;
            case 'h': case 'H': case '?':
                out_stdout(ui, mux_help);
                return;
            case 'c': case 'C':
                ui->in_monitor = !ui->in_monitor;
                if (ui->in_monitor)
                    monitor_start(ui->mon, out_stdout, ui);
                else
                    out_stdout(ui, "\n");
                return;
            case 1:
                break; /* a literal C-a */
            default:
                return;
            }
        } else if (b == 1) {
            ui->mux_escape = 1;
            return;
        }
        if (!ui->in_monitor) {
            to_serial(ui, b);
            return;
        }
    }
    monitor_feed(ui->mon, b, out_stdout, ui);
    if (monitor_quit_requested(ui->mon))
        ui->quit = 1;
}

/* Reads what the terminal has, waiting up to timeout_ms for it.  Returns
 * 0 without waiting if there is no terminal input to wait for (none, EOF,
 * or the guest is not taking COM1 input). */
static int read_stdin(UI *ui, int timeout_ms)
{
    if (!ui->stdin_reader || ui->stdin_eof)
        return 0;
    if (ui->com1 && ui->serq_n >= MUXQ / 2 && !ui->in_monitor)
        return 0; /* let the guest catch up */
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) <= 0)
        return 1;
    uint8_t buf[64];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        ui->stdin_eof = 1;
        return 1;
    }
    for (ssize_t i = 0; i < n; i++)
        stdin_byte(ui, buf[i]);
    return 1;
}

/* Waits up to ms for terminal input, or just sleeps. */
static void wait_input(UI *ui, int ms)
{
    if (!read_stdin(ui, ms)) {
        struct timespec ts = {0, (long)ms * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* ------------------------------------------------------------ setup */

UI *ui_new(UIOptions *o, PCConfig *cfg, int nserial, int serial_stdio,
           int debugcon_stdio)
{
    UI *ui = calloc(1, sizeof(*ui));
    if (!ui)
        ui_die("out of memory");
    ui->o = o;
    int disp = o->display;
    if (o->nographic) {
        if (disp == UI_DISPLAY_SDL || disp == UI_DISPLAY_CURSES)
            ui_die("-nographic cannot be combined with -display sdl/curses");
        disp = UI_DISPLAY_NONE;
        if (nserial == 0) {
            ui->com1 = 1;
            cfg->serial[0].present = 1;
            cfg->serial[0].chr = (PCChar){ui, com1_write, com1_read};
        }
    }
    if (disp == UI_DISPLAY_DEFAULT) {
        disp = UI_DISPLAY_NONE;
#ifdef HAVE_SDL2
        if ((getenv("DISPLAY") && *getenv("DISPLAY")) ||
            (getenv("WAYLAND_DISPLAY") && *getenv("WAYLAND_DISPLAY"))) {
            disp = UI_DISPLAY_SDL;
            ui->sdl_fallback = 1; /* not asked for: fall back to none */
        }
#endif
    }
    if (disp == UI_DISPLAY_CURSES &&
        (serial_stdio || debugcon_stdio || o->monitor_stdio))
        ui_die("-display curses uses the terminal: it cannot be combined "
               "with stdio for -serial, -debugcon or -monitor");
    if (o->monitor_stdio && ui->com1)
        ui_die("-monitor stdio with -nographic: the monitor is already on "
               "the terminal (C-a c)");
    if (o->monitor_stdio && serial_stdio)
        ui_die("-monitor stdio: stdio is already used by -serial");
    ui->display = disp;
    ui->stdin_reader = ui->com1 || o->monitor_stdio;
    return ui;
}

int ui_owns_com1(const UI *ui) { return ui->com1; }

#ifdef HAVE_SDL2
static void sdl_info(void *opaque, MonitorOut out, void *oo)
{
    UI *ui = opaque;
    char line[256];
    sdlview_info(ui->sdl, line, sizeof(line));
    out(oo, line);
}

static int sdl_windowdump(void *opaque, const char *path, char *err,
                          size_t errlen)
{
    UI *ui = opaque;
    sdlview_render(ui->sdl); /* bring the window up to date first */
    return sdlview_windowdump(ui->sdl, path, err, errlen);
}
#endif

int ui_start(UI *ui, PC *pc, volatile sig_atomic_t *stop_flag, char *err,
             size_t errlen)
{
    ui->pc = pc;
    ui->stop = stop_flag;
    ui->mon = monitor_new(pc);
    if (!ui->mon) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
#ifdef HAVE_SDL2
    if (ui->display == UI_DISPLAY_SDL) {
        SDLViewOpts so = {ui->o->smooth, ui->o->full_screen};
        ui->sdl = sdlview_new(pc_vga(pc), pc_kbc(pc), &so, err, errlen);
        if (!ui->sdl && !ui->sdl_fallback)
            return -1;
        if (!ui->sdl) {
            fprintf(stderr, "x86pc: note: %s; using -display none\n", err);
            ui->display = UI_DISPLAY_NONE;
        } else {
            MonitorDisplayHooks h = {ui, sdl_info, sdl_windowdump};
            monitor_set_display_hooks(ui->mon, &h);
        }
    }
#endif
#ifdef HAVE_CURSES
    if (ui->display == UI_DISPLAY_CURSES) {
        ui->curses = cursesview_new(pc_vga(pc), pc_kbc(pc), err, errlen);
        if (!ui->curses)
            return -1;
    }
#endif
    if (ui->stdin_reader)
        tty_raw(ui);
    if (ui->o->monitor_stdio)
        monitor_start(ui->mon, out_stdout, ui);
    else if (ui->com1 && ui->tio_saved)
        fprintf(stderr, "x86pc: serial console on the terminal; C-a h for "
                        "help, C-a x to quit\r\n");
    unsigned t = now_ms();
    ui->last_frame = ui->last_title = ui->mips_ms = t - FRAME_MS;
    ui->mips_icount = cpu_icount(pc_cpu(pc));
    return 0;
}


static void title(UI *ui, char *buf, size_t len)
{
    snprintf(buf, len, "x86pc%s%s - %s - %.0f MIPS%s",
             ui->o->name ? " - " : "", ui->o->name ? ui->o->name : "",
             monitor_state(ui->mon), ui->mips,
             ui->stopped_note ? " - the guest stopped; C-a x quits" : "");
}

/* Input, the monitor and the display; no blocking. */
static void service(UI *ui, unsigned t, int force_frame)
{
    if (ui->out_dirty) {
        ui->out_dirty = 0;
        fflush(stdout);
    }
    if (ui->quit)
        return;
    if ((unsigned)(t - ui->last_input) >= INPUT_MS || force_frame) {
        ui->last_input = t;
        read_stdin(ui, 0);
#ifdef HAVE_SDL2
        if (ui->sdl && sdlview_events(ui->sdl, t))
            ui->quit = 1;
#endif
#ifdef HAVE_CURSES
        if (ui->curses && cursesview_input(ui->curses, t))
            ui->quit = 1;
#endif
    }
    if ((unsigned)(t - ui->mips_ms) >= MIPS_MS) {
        uint64_t ic = cpu_icount(pc_cpu(ui->pc));
        ui->mips = (double)(ic - ui->mips_icount) /
                   ((double)(unsigned)(t - ui->mips_ms) * 1000.0);
        ui->mips_icount = ic;
        ui->mips_ms = t;
        if (monitor_paused(ui->mon))
            ui->mips = 0;
    }
    if ((unsigned)(t - ui->last_frame) >= FRAME_MS || force_frame) {
        ui->last_frame = t;
        char tb[160];
        title(ui, tb, sizeof(tb));
#ifdef HAVE_SDL2
        if (ui->sdl) {
            sdlview_title(ui->sdl, tb);
            sdlview_render(ui->sdl);
        }
#endif
#ifdef HAVE_CURSES
        if (ui->curses)
            cursesview_render(ui->curses, tb);
#endif
    }
    if (monitor_quit_requested(ui->mon))
        ui->quit = 1;
}

int ui_poll(UI *ui)
{
    service(ui, now_ms(), 0);
    while (!ui->quit && monitor_paused(ui->mon) && !*ui->stop) {
        wait_input(ui, PAUSE_WAIT_MS);
        service(ui, now_ms(), 0);
    }
    return ui->quit;
}

int ui_idle(UI *ui, unsigned max_ms)
{
    return read_stdin(ui, (int)max_ms); /* 0: the caller sleeps */
}

static void screenshot(UI *ui)
{
    VGAState *vga = pc_vga(ui->pc);
    int w, h, stride;
    const uint32_t *px;
    char err[300];
    if (!vga) {
        fprintf(stderr, "x86pc: -screenshot: no display device\n");
        return;
    }
    vga_render(vga, NULL);
    vga_get_display(vga, &w, &h, &px, &stride);
    if (png_save(ui->o->screenshot, w, h, px, stride, err, sizeof(err)) < 0)
        fprintf(stderr, "x86pc: -screenshot %s\n", err);
}

int ui_finish(UI *ui, int status, const char *msg)
{
    int interactive = ui->stdin_reader || ui->display != UI_DISPLAY_NONE;
    if (ui->o->no_shutdown && status != PC_EXIT_HOST && !ui->quit &&
        !*ui->stop) {
        if (!interactive) {
            fprintf(stderr, "x86pc: -no-shutdown: nothing to stay open for "
                            "(no display or monitor); exiting\n");
        } else {
            char line[600];
            snprintf(line, sizeof(line), "\nx86pc: %s%sthe machine has "
                     "stopped; paused (-no-shutdown): quit from the "
                     "monitor%s\n", msg ? msg : "", msg && *msg ? "; " : "",
                     ui->display == UI_DISPLAY_SDL ? " or close the window"
                                                   : "");
            if (ui->display == UI_DISPLAY_CURSES)
                ui->stopped_note = 1; /* the status line says it */
            else
                out_stdout(ui, line);
            monitor_set_paused(ui->mon, 1);
            while (!ui->quit && !*ui->stop) {
                wait_input(ui, PAUSE_WAIT_MS);
                service(ui, now_ms(), 0);
                /* "cont" cannot resume a machine that has stopped. */
                monitor_set_paused(ui->mon, 1);
            }
        }
    }
    if (ui->o->screenshot && ui->pc)
        screenshot(ui);
    if (ui->quit && status == PC_EXIT_HOST)
        status = 0; /* quit from the monitor or the window: a normal exit */
#ifdef HAVE_SDL2
    sdlview_free(ui->sdl);
    ui->sdl = NULL;
#endif
#ifdef HAVE_CURSES
    cursesview_free(ui->curses);
    ui->curses = NULL;
#endif
    if (ui->stdin_reader && ui->o->monitor_stdio)
        out_stdout(ui, "\n");
    tty_restore(ui);
    fflush(stdout);
    return status;
}

void ui_free(UI *ui)
{
    if (!ui)
        return;
    tty_restore(ui);
    monitor_free(ui->mon);
    free(ui);
}
