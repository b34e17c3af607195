/* x86pc: command line, host character streams, and the top level.
 *
 * Options follow QEMU's spelling (a single dash; "--opt" is accepted too).
 * Every value is checked before the machine is built; a bad one prints one
 * line "x86pc: <problem>" to stderr and exits with status 2. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/blockdev.h"
#include "devices/pc.h"
#include "frontend/debugger.h"
#include "frontend/chardev.h"
#include "frontend/ui.h"
#include "frontend/trace.h"
#include "devices/hypercall.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif
#ifndef X86PC_DATADIR
#define X86PC_DATADIR "/usr/local/share/x86pc"
#endif

#define MIB (1024ull * 1024ull)
#define RAM_MIN (1 * MIB)
#define RAM_MAX (32768 * MIB) /* memory/mem.h PHYS_RAM_MAX */
#define RAM_DEFAULT (128 * MIB)

static const char usage_text[] =
    "Usage: x86pc [options]\n"
    "An x86 PC emulator (interpreter).\n"
    "\n"
    "  -m SIZE            guest RAM: MiB, or with a K/M/G suffix "
    "(default 128;\n"
    "                     1 MiB to 32 GiB; above 3.5 GiB the rest is mapped\n"
    "                     from 4 GiB up, for PAE guests)\n"
    "  -bios FILE         BIOS ROM image of 64, 128 or 256 KiB (default: the\n"
    "                     bios.bin built with x86pc)\n"
    "  -vgabios FILE      VGA BIOS (option ROM, at most 128 KiB) mapped at\n"
    "                     0xC0000 (default: the vgabios.bin built with x86pc,\n"
    "                     if found); -vgabios none: no VGA BIOS\n"
    "  -debugcon DEV      port 0xE9 debug console: stdio, file:PATH or null\n"
    "                     (or pty / tcp:... as for -serial)\n"
    "  -postcode file:PATH  append every byte written to port 0x80 to PATH\n"
    "  -serial DEV        next COM port (COM1..COM4): stdio, file:PATH, null,\n"
    "                     none, pty (prints the /dev/pts path), or\n"
    "                     tcp:[HOST]:PORT[,server][,nowait] (a server waits\n"
    "                     for one client before starting unless nowait;\n"
    "                     without server: connect to HOST:PORT)\n"
    "                     (default: COM1 present, output discarded)\n"
    "  -debugcon2 DEV     second debug console at port 0x402 (SeaBIOS/OVMF\n"
    "                     debug port; QEMU: -device isa-debugcon,iobase=0x402);\n"
    "                     DEV as for -debugcon\n"
    "  -display TYPE      sdl[,scale=integer|smooth][,full-screen=on], curses\n"
    "                     (text modes in the terminal) or none; default: sdl\n"
    "                     when built with SDL2 and $DISPLAY/$WAYLAND_DISPLAY\n"
    "                     is set, else none.  In the window: Ctrl+Alt+F full\n"
    "                     screen, a click grabs the mouse, Ctrl+Alt+G frees it\n"
    "  -nographic         no window: COM1 and the monitor on the terminal\n"
    "                     (C-a c switches, C-a x quits, C-a h helps)\n"
    "  -monitor stdio     the monitor on the terminal (type help)\n"
    "  -screenshot FILE.png  write the screen to FILE.png at exit\n"
    "  -name NAME         machine name (window title)\n"
    "  -full-screen       start the window in full screen\n"
    "  -no-shutdown       when the guest stops, stay paused (window and\n"
    "                     monitor open) until quit\n"
    "  -k LAYOUT          keyboard layout: en-us (the only one for now)\n"
    "  -readconfig FILE   options from FILE (name=value lines), in place\n"
    "  -writeconfig FILE  write the options given to FILE\n"
    "  -device isa-debug-exit[,iobase=ADDR][,iosize=N]\n"
    "                     writing V to the port exits with status (V<<1)|1\n"
    "                     (defaults: iobase=0x501, iosize=2)\n"
    "  -icount [shift=]N  deterministic virtual clock: every instruction takes\n"
    "                     2^N ns (N from 0 to 10); default: host time\n"
    "  -rtc base=utc|localtime|DATE\n"
    "                     RTC date at power-on: host time as UTC (default),\n"
    "                     host local time, or DATE = YYYY-MM-DD[THH:MM:SS]\n"
    "  -hda FILE, -hdb FILE, -hdc FILE, -hdd FILE\n"
    "                     raw hard-disk image as IDE primary master/slave,\n"
    "                     secondary master/slave\n"
    "  -cdrom FILE        ISO image in the CD-ROM drive (secondary master)\n"
    "  -fda FILE, -fdb FILE\n"
    "                     raw floppy image in drive A: / B: (160K, 180K,\n"
    "                     320K, 360K, 720K, 1.2M, 1.44M, 1.68M or 2.88M; the\n"
    "                     drive type follows the size; a read-only file is\n"
    "                     write-protected)\n"
    "  -drive SPEC        file=PATH[,if=ide|floppy][,index=N][,media=disk|cdrom]\n"
    "                     [,format=raw][,readonly=on][,snapshot=on]\n"
    "                     (index 0..3 for IDE, 0..1 for floppy)\n"
    "  -snapshot          keep every disk write in memory; images are never\n"
    "                     modified\n"
    "  -kernel FILE       boot a Linux bzImage or Multiboot kernel directly\n"
    "  -initrd FILE[,..]  initrd (Linux) or modules \"file args\" (Multiboot)\n"
    "  -append CMDLINE    kernel command line\n"
    "  -boot ORDER        boot order: drive letters a (floppy), c (disk),\n"
    "                     d (CD-ROM), e.g. -boot dc; also order=LETTERS\n"
    "  -no-reboot         exit instead of resetting on triple fault or reset\n"
    "                     request (triple fault: exit status 3)\n"
    "  -gdb tcp::PORT     wait for gdb on a TCP port (also tcp:HOST:PORT)\n"
    "  -s                 the same as -gdb tcp::1234\n"
    "  -S                 stop before the first instruction (for -gdb or\n"
    "                     -debugger)\n"
    "  -debugger          built-in debugger on stdin/stdout (Ctrl-C enters "
    "it)\n"
    "  -magic-break       XCHG BX,BX enters the debugger (-debugger or "
    "-gdb)\n"
    "  -trace FILE        write every executed instruction to FILE (- = stdout):\n"
    "                     ICOUNT CS:EIP LINEAR BYTES DISASSEMBLY per line\n"
    "                     (see frontend/trace.h); slows the machine down\n"
    "  -trace-regs        add the registers after each instruction to -trace\n"
    "  -d LIST            debug logging to stderr; LIST is comma-separated:\n"
    "                     post (port 0x80 writes), unimp (first access to each\n"
    "                     unassigned I/O port); -d help lists them\n"
    "  -loadvm FILE       start from the snapshot FILE (savevm) instead of\n"
    "                     power-on; the options must describe the same machine\n"
    "                     and the same disk images\n"
    "  -savevm-at N,FILE  save a snapshot to FILE when N instructions have\n"
    "                     retired (exactly), then go on running\n"
    "  -h, --help         print this help and exit\n"
    "  --version          print the version and exit\n"
    "\n"
    "Exit status: 0 when the CPU halts for good, (V<<1)|1 from "
    "isa-debug-exit,\n"
    "2 for a command-line error, 3 for a triple fault with -no-reboot.\n";

/* ------------------------------------------------------------ errors */

/* The display/terminal state, so an error after it exists restores the
 * terminal and frees it before exiting. */
static UI *g_ui;

static void die_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("x86pc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (g_ui) {
        ui_free(g_ui);
        g_ui = NULL;
    }
    exit(2);
}

/* ------------------------------------------------------------ host chars */

enum { CHR_NULL, CHR_STDIO, CHR_FILE, CHR_NONE, CHR_PTY, CHR_TCP };

typedef struct HostChar {
    int kind;
    const char *path;   /* CHR_FILE */
    const char *option; /* for messages */
    FILE *out;
    int dirty;
    int in_fd; /* -1: no input */
    int in_eof;
    uint8_t inbuf[64];
    int inpos, inlen;
    /* pty and tcp: byte I/O on a descriptor (non-blocking) */
    int fd;        /* pty master or connected socket; -1: none (yet) */
    int listen_fd; /* tcp server; -1 otherwise */
    HostTcpSpec tcp;
    uint8_t outbuf[256];
    int outlen;
} HostChar;

/* Parses stdio | null | file:PATH (| none when allow_none). */
static void chr_parse(HostChar *c, const char *opt, const char *spec,
                      int allow_none)
{
    memset(c, 0, sizeof(*c));
    c->in_fd = -1;
    c->fd = -1;
    c->listen_fd = -1;
    c->option = opt;
    char terr[200];
    if (!strcmp(spec, "pty"))
        c->kind = CHR_PTY;
    else if (!strncmp(spec, "tcp:", 4)) {
        if (hostchr_tcp_parse(spec + 4, &c->tcp, terr, sizeof(terr)) < 0)
            die_usage("%s '%s': %s", opt, spec, terr);
        c->kind = CHR_TCP;
        c->path = spec;
    } else if (!strcmp(spec, "stdio"))
        c->kind = CHR_STDIO;
    else if (!strcmp(spec, "null"))
        c->kind = CHR_NULL;
    else if (allow_none && !strcmp(spec, "none"))
        c->kind = CHR_NONE;
    else if (!strncmp(spec, "file:", 5) && spec[5]) {
        c->kind = CHR_FILE;
        c->path = spec + 5;
    } else
        die_usage("%s '%s': unknown backend (use stdio, file:PATH, pty, "
                  "tcp:[HOST]:PORT[,server][,nowait]%s)",
                  opt, spec, allow_none ? ", null or none" : " or null");
}

static void chr_open(HostChar *c, int want_input)
{
    char err[300];
    if (c->kind == CHR_PTY) {
        char name[128];
        c->fd = hostchr_pty_open(name, sizeof(name), err, sizeof(err));
        if (c->fd < 0)
            die_usage("%s pty: %s", c->option, err);
        fprintf(stderr, "x86pc: %s: char device redirected to %s\n",
                c->option, name);
        if (want_input)
            c->in_fd = c->fd;
    } else if (c->kind == CHR_TCP && c->tcp.server) {
        c->listen_fd = hostchr_tcp_listen(&c->tcp, err, sizeof(err));
        if (c->listen_fd < 0)
            die_usage("%s %s: %s", c->option, c->path, err);
        if (c->tcp.wait) {
            fprintf(stderr, "x86pc: %s %s: waiting for a connection on "
                    "port %d\n", c->option, c->path,
                    hostchr_local_port(c->listen_fd));
            c->fd = hostchr_tcp_accept(c->listen_fd, 1);
            if (c->fd < 0)
                die_usage("%s %s: accept: %s", c->option, c->path,
                          strerror(errno));
        } else {
            fprintf(stderr, "x86pc: %s %s: listening on port %d\n",
                    c->option, c->path, hostchr_local_port(c->listen_fd));
        }
    } else if (c->kind == CHR_TCP) {
        c->fd = hostchr_tcp_connect(&c->tcp, err, sizeof(err));
        if (c->fd < 0)
            die_usage("%s %s: %s", c->option, c->path, err);
    }
    if (c->kind == CHR_TCP && want_input)
        c->in_fd = c->fd;
    if (c->kind == CHR_STDIO) {
        c->out = stdout;
        if (want_input)
            c->in_fd = STDIN_FILENO;
    } else if (c->kind == CHR_FILE) {
        c->out = fopen(c->path, "wb");
        if (!c->out)
            die_usage("%s file:%s: cannot open: %s", c->option, c->path,
                      strerror(errno));
    }
}

/* tcp server: takes a waiting client (non-blocking). */
static void chr_tcp_poll_accept(HostChar *c)
{
    if (c->kind == CHR_TCP && c->fd < 0 && c->listen_fd >= 0) {
        c->fd = hostchr_tcp_accept(c->listen_fd, 0);
        c->in_fd = c->fd;
        c->in_eof = 0;
    }
}

/* The peer went away: a tcp server listens again, anything else stops. */
static void chr_fd_closed(HostChar *c)
{
    if (c->kind != CHR_TCP)
        return; /* a pty without a slave just drops output */
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->in_fd = -1;
    c->outlen = 0;
    if (c->listen_fd < 0)
        c->in_eof = 1;
}

/* Writes the buffered output of a pty/tcp back-end; what the peer cannot
 * take right now (or nobody is connected) is dropped. */
static void chr_fd_flush(HostChar *c)
{
    chr_tcp_poll_accept(c);
    int off = 0;
    while (c->fd >= 0 && off < c->outlen) {
        ssize_t n = write(c->fd, c->outbuf + off, (size_t)(c->outlen - off));
        if (n > 0) {
            off += (int)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            chr_fd_closed(c);
        break; /* EAGAIN, EIO (pty without a reader): drop */
    }
    c->outlen = 0;
}

static void chr_write(void *opaque, uint8_t byte)
{
    HostChar *c = opaque;
    if (c->kind == CHR_PTY || c->kind == CHR_TCP) {
        c->outbuf[c->outlen++] = byte;
        if (byte == '\n' || c->outlen == (int)sizeof(c->outbuf))
            chr_fd_flush(c);
        else
            c->dirty = 1;
        return;
    }
    if (!c->out)
        return;
    putc(byte, c->out);
    if (byte == '\n')
        fflush(c->out);
    else
        c->dirty = 1;
}

static void chr_flush(HostChar *c)
{
    if (c->kind == CHR_PTY || c->kind == CHR_TCP) {
        if (c->outlen)
            chr_fd_flush(c);
        c->dirty = 0;
        return;
    }
    if (c->out && c->dirty) {
        fflush(c->out);
        c->dirty = 0;
    }
}

static int chr_read(void *opaque)
{
    HostChar *c = opaque;
    if (c->inpos < c->inlen)
        return c->inbuf[c->inpos++];
    chr_tcp_poll_accept(c);
    if (c->in_fd < 0 || c->in_eof)
        return -1;
    struct pollfd pfd = {.fd = c->in_fd, .events = POLLIN};
    if (poll(&pfd, 1, 0) <= 0)
        return -1;
    ssize_t n = read(c->in_fd, c->inbuf, sizeof(c->inbuf));
    if (c->kind == CHR_PTY && n < 0 && errno == EIO)
        return -1; /* no process has the slave open */
    if (c->kind == CHR_TCP && (n == 0 || (n < 0 && errno == ECONNRESET))) {
        chr_fd_closed(c);
        return -1;
    }
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        c->in_eof = 1;
        return -1;
    }
    if (n < 0)
        return -1;
    c->inpos = 1;
    c->inlen = (int)n;
    return c->inbuf[0];
}

/* ------------------------------------------------------------ terminal */

static struct termios saved_tio;
static int tio_saved;
static volatile sig_atomic_t got_signal;

static void tty_restore(void)
{
    if (tio_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
        tio_saved = 0;
    }
}

/* A serial port on a terminal: pass keys through one by one, unechoed, with
 * Enter as CR.  ^C still interrupts x86pc (ISIG stays on). */
static void tty_raw(void)
{
    struct termios t;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
        return;
    t = saved_tio;
    t.c_iflag &= ~(unsigned)(ICRNL | INLCR | IGNCR | IXON);
    t.c_lflag &= ~(unsigned)(ICANON | ECHO | IEXTEN);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
        tio_saved = 1;
        atexit(tty_restore);
    }
}

static void on_signal(int sig)
{
    got_signal = sig;
}

/* ------------------------------------------------------------ options */

typedef struct Options {
    uint64_t ram;
    const char *loadvm;      /* -loadvm FILE */
    const char *savevm_path; /* -savevm-at N,FILE */
    uint64_t savevm_at;
    int have_savevm;
    const char *bios;
    const char *vgabios;        /* -vgabios FILE or "none" */
    HostChar debugcon;
    int have_debugcon;
    HostChar debugcon2; /* port 0x402 */
    int have_debugcon2;
    int log_unimp;
    const char *postcode_path;
    HostChar serial[PC_MAX_SERIAL];
    int nserial;
    int debug_exit;
    unsigned debug_exit_base, debug_exit_size;
    int no_reboot;
    int log_post;
    int log_stats;
    int icount;
    unsigned icount_shift;
    int rtc_given;
    uint64_t rtc_base;
    DriveSpec drive[PC_MAX_IDE];
    int have_drive[PC_MAX_IDE];
    DriveSpec fd[2]; /* floppy A:, B: */
    int have_fd[2];
    int snapshot;
    const char *boot_order;
    const char *kernel, *initrd, *append; /* -kernel/-initrd/-append */
    const char *gdb;      /* -gdb / -s */
    int start_paused;     /* -S */
    int debugger;         /* -debugger */
    int magic_break;      /* -magic-break */
    UIOptions ui; /* display, monitor, screenshot...: frontend/ui.c */
    const char *trace;    /* -trace FILE (frontend/trace.h) */
    int trace_regs;       /* -trace-regs */
} Options;

/* -hda/-hdb/-hdc/-hdd/-cdrom/-drive: one IDE slot. */
static void add_drive(Options *o, const char *opt, const char *spec)
{
    DriveSpec d;
    char err[256];
    if (drivespec_parse(spec, &d, err, sizeof(err)) < 0)
        die_usage("%s '%s': %s", opt, spec, err);
    if (d.floppy) { /* -fda/-fdb/-drive if=floppy */
        if (d.index < 0)
            d.index = o->have_fd[0] ? 1 : 0;
        if (d.index > 1 || o->have_fd[d.index])
            die_usage("%s: floppy drive %c: is already in use", opt,
                      d.index > 1 ? 'B' : 'A' + d.index);
        o->fd[d.index] = d;
        o->have_fd[d.index] = 1;
        return;
    }
    if (d.index < 0) {
        for (int k = 0; k < PC_MAX_IDE && d.index < 0; k++)
            if (!o->have_drive[k])
                d.index = k;
        if (d.index < 0)
            die_usage("%s: all four IDE slots are in use", opt);
    }
    if (d.index >= PC_MAX_IDE)
        die_usage("%s: index must be 0..3", opt);
    if (o->have_drive[d.index])
        die_usage("%s: IDE slot %d (%s) is already in use", opt, d.index,
                  (const char *[]){"-hda", "-hdb", "-hdc", "-hdd"}[d.index]);
    if (!d.cdrom && !d.path)
        die_usage("%s: a hard disk needs file=PATH", opt);
    o->drive[d.index] = d;
    o->have_drive[d.index] = 1;
}

static void parse_boot(Options *o, const char *v)
{
    const char *order = !strncmp(v, "order=", 6) ? v + 6 : v;
    if (!*order)
        die_usage("-boot '%s': empty boot order", v);
    for (const char *p = order; *p; p++)
        if (*p != 'a' && *p != 'c' && *p != 'd' && *p != 'n')
            die_usage("-boot '%s': unknown drive letter '%c' (use a, c, d)",
                      v, *p);
    if (strlen(order) > 3)
        die_usage("-boot '%s': at most three drives", v);
    o->boot_order = order;
}

/* SIZE: decimal MiB, or decimal with a K/M/G suffix (either case). */
static uint64_t parse_mem(const char *s)
{
    const char *p = s;
    uint64_t v = 0;
    if (*p < '0' || *p > '9')
        goto bad;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (uint64_t)(*p++ - '0');
        if (v > (1ull << 40))
            die_usage("-m %s: memory size must be between 1 MiB and 32 GiB",
                      s);
    }
    uint64_t unit = MIB;
    switch (*p) {
    case '\0':
        break;
    case 'k': case 'K': unit = 1024; p++; break;
    case 'm': case 'M': unit = MIB; p++; break;
    case 'g': case 'G': unit = 1024 * MIB; p++; break;
    default:
        goto bad;
    }
    if (*p)
        goto bad;
    v *= unit;
    if (v < RAM_MIN || v > RAM_MAX)
        die_usage("-m %s: memory size must be between 1 MiB and 32 GiB", s);
    if (v % 4096)
        die_usage("-m %s: memory size must be a multiple of 4 KiB", s);
    return v;
bad:
    die_usage("-m '%s': invalid size (use e.g. 128, 512M, 2G)", s);
    return 0;
}

static unsigned parse_uint(const char *opt, const char *key, const char *s,
                           unsigned max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (!*s || *end || errno || *s == '-' || v > max)
        die_usage("%s: %s='%s' is not a number from 0 to 0x%X", opt, key, s,
                  max);
    return (unsigned)v;
}

static void parse_device(Options *o, const char *spec)
{
    const char *name = "isa-debug-exit";
    size_t n = strlen(name);
    if (strncmp(spec, name, n) || (spec[n] && spec[n] != ','))
        die_usage("-device '%s': unknown device (supported: isa-debug-exit)",
                  spec);
    if (o->debug_exit)
        die_usage("-device isa-debug-exit: given more than once");
    o->debug_exit = 1;
    o->debug_exit_base = 0x501;
    o->debug_exit_size = 2;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", spec + n);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            die_usage("-device isa-debug-exit: '%s' is not KEY=VALUE", tok);
        *eq = '\0';
        if (!strcmp(tok, "iobase"))
            o->debug_exit_base =
                parse_uint("-device isa-debug-exit", tok, eq + 1, 0xFFFF);
        else if (!strcmp(tok, "iosize"))
            o->debug_exit_size =
                parse_uint("-device isa-debug-exit", tok, eq + 1, 0x10000);
        else
            die_usage("-device isa-debug-exit: unknown property '%s' "
                      "(iobase, iosize)", tok);
    }
    if (o->debug_exit_size == 0 ||
        o->debug_exit_base + o->debug_exit_size > 0x10000)
        die_usage("-device isa-debug-exit: iosize=%u at iobase=0x%X does not "
                  "fit in the 64 KiB port space",
                  o->debug_exit_size, o->debug_exit_base);
}

static void parse_debug(Options *o, const char *list)
{
    char buf[256];
    if (!strcmp(list, "help")) {
        printf("Log items for -d (comma-separated):\n"
               "  post   every write to port 0x80 (POST code)\n"
               "  stats  at exit: instructions, wall time, MIPS, TLB and\n"
               "         decoded-instruction cache counters\n"
               "  unimp  the first access to each unassigned I/O port\n");
        exit(0);
    }
    snprintf(buf, sizeof(buf), "%s", list);
    if (!*buf)
        die_usage("-d: empty list (try -d help)");
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strcmp(tok, "post"))
            o->log_post = 1;
        else if (!strcmp(tok, "stats"))
            o->log_stats = 1;
        else if (!strcmp(tok, "unimp"))
            o->log_unimp = 1;
        else
            die_usage("-d: unknown log item '%s' (try -d help)", tok);
    }
}

/* -icount [shift=]N */
static void parse_icount(Options *o, const char *s)
{
    const char *v = s;
    if (!strncmp(v, "shift=", 6))
        v += 6;
    if (!strcmp(v, "auto"))
        die_usage("-icount %s: shift=auto is not supported (give a number "
                  "from 0 to 10)", s);
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || errno || n > 10)
        die_usage("-icount '%s': expected [shift=]N with N from 0 to 10", s);
    o->icount = 1;
    o->icount_shift = (unsigned)n;
}

static int leap_year(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since 1970-01-01 00:00:00 of a UTC date and time (y >= 1970). */
static uint64_t civil_to_unix(long y, int mon, int day, int h, int mi,
                              int sec)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    uint64_t days = 0;
    for (long k = 1970; k < y; k++)
        days += 365u + (unsigned)leap_year(k);
    for (int k = 1; k < mon; k++)
        days += (uint64_t)mdays[k - 1] + (k == 2 && leap_year(y));
    days += (uint64_t)(day - 1);
    return days * 86400u + (uint64_t)h * 3600u + (uint64_t)mi * 60u +
           (uint64_t)sec;
}

/* Parses a fixed-width decimal field of n digits. */
static int digits(const char **p, int n, long *out)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        char ch = (*p)[i];
        if (ch < '0' || ch > '9')
            return 0;
        v = v * 10 + (ch - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

/* YYYY-MM-DD[THH:MM:SS] (UTC fields) */
static int parse_date(const char *s, uint64_t *out)
{
    const char *p = s;
    long y, mo, d, h = 0, mi = 0, sec = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
        *p++ != '-' || !digits(&p, 2, &d))
        return 0;
    if (*p == 'T') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) ||
            *p++ != ':' || !digits(&p, 2, &sec))
            return 0;
    }
    if (*p)
        return 0;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
        sec > 59)
        return 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap_year(y)))
        return 0;
    *out = civil_to_unix(y, (int)mo, (int)d, (int)h, (int)mi, (int)sec);
    return 1;
}

/* -rtc base=utc|localtime|DATE */
static void parse_rtc(Options *o, const char *spec)
{
    char buf[128];
    if (strlen(spec) >= sizeof(buf))
        die_usage("-rtc: argument too long");
    strcpy(buf, spec);
    int have_base = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (strncmp(tok, "base=", 5))
            die_usage("-rtc: unknown property '%s' (supported: base=utc, "
                      "base=localtime, base=YYYY-MM-DD[THH:MM:SS])", tok);
        const char *v = tok + 5;
        time_t now = time(NULL);
        if (!strcmp(v, "utc")) {
            o->rtc_base = now < 0 ? 0 : (uint64_t)now;
        } else if (!strcmp(v, "localtime")) {
            struct tm tm;
            if (now < 0 || !localtime_r(&now, &tm) || tm.tm_year < 70)
                die_usage("-rtc base=localtime: cannot read the host's "
                          "local time");
            o->rtc_base = civil_to_unix(1900L + tm.tm_year, tm.tm_mon + 1,
                                        tm.tm_mday, tm.tm_hour, tm.tm_min,
                                        tm.tm_sec > 59 ? 59 : tm.tm_sec);
        } else if (!parse_date(v, &o->rtc_base)) {
            die_usage("-rtc base='%s': expected utc, localtime or a date "
                      "YYYY-MM-DD[THH:MM:SS] from 1970 on", v);
        }
        have_base = 1;
    }
    if (!have_base)
        die_usage("-rtc '%s': expected base=...", spec);
    o->rtc_given = 1;
}

static void parse_args(Options *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    o->ram = RAM_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1])
            die_usage("unexpected argument '%s' (see --help)", a);
        const char *name = a + 1;
        if (name[0] == '-')
            name++; /* --opt is the same as -opt */
        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            fputs(usage_text, stdout);
            exit(0);
        }
        if (!strcmp(name, "version")) {
            printf("x86pc %s\n", PACKAGE_VERSION);
            exit(0);
        }
        if (!strcmp(name, "no-reboot")) {
            o->no_reboot = 1;
            continue;
        }
        if (!strcmp(name, "snapshot")) {
            o->snapshot = 1;
            continue;
        }
        if (!strcmp(name, "trace") || !strcmp(name, "trace-regs")) {
            if (name[5])
                o->trace_regs = 1;
            else if (i + 1 >= argc)
                die_usage("option -trace needs an argument");
            else
                o->trace = argv[++i];
            continue;
        }
        if (!strcmp(name, "s") || !strcmp(name, "S") ||
            !strcmp(name, "debugger") || !strcmp(name, "magic-break")) {
            if (name[0] == 's')
                o->gdb = "tcp::1234";
            else if (name[0] == 'S')
                o->start_paused = 1;
            else if (name[0] == 'd')
                o->debugger = 1;
            else
                o->magic_break = 1;
            continue;
        }
        int ui_arity = ui_option_arity(name);
        if (ui_arity >= 0) {
            if (ui_arity && i + 1 >= argc)
                die_usage("option -%s needs an argument", name);
            ui_option(&o->ui, name, ui_arity ? argv[++i] : NULL);
            continue;
        }
        static const char *const with_arg[] = {
            "m", "bios", "vgabios", "debugcon", "postcode", "serial",
            "device", "d", "icount", "rtc", "hda", "hdb", "hdc", "hdd",
            "cdrom", "drive", "boot", "gdb", "fda", "fdb", "debugcon2",
            "kernel", "initrd", "append", "loadvm", "savevm-at", NULL};
        int known = 0;
        for (int k = 0; with_arg[k]; k++)
            known |= !strcmp(name, with_arg[k]);
        if (!known)
            die_usage("unknown option '%s' (see --help)", a);
        if (i + 1 >= argc)
            die_usage("option -%s needs an argument", name);
        const char *v = argv[++i];

        if (!strcmp(name, "m")) {
            o->ram = parse_mem(v);
        } else if (!strcmp(name, "bios")) {
            o->bios = v;
        } else if (!strcmp(name, "vgabios")) {
            o->vgabios = v;
        } else if (!strcmp(name, "debugcon")) {
            chr_parse(&o->debugcon, "-debugcon", v, 0);
            o->have_debugcon = 1;
        } else if (!strcmp(name, "debugcon2")) {
            chr_parse(&o->debugcon2, "-debugcon2", v, 0);
            o->have_debugcon2 = 1;
        } else if (!strcmp(name, "postcode")) {
            if (strncmp(v, "file:", 5) || !v[5])
                die_usage("-postcode '%s': expected file:PATH", v);
            o->postcode_path = v + 5;
        } else if (!strcmp(name, "serial")) {
            if (o->nserial == PC_MAX_SERIAL)
                die_usage("-serial: at most %d serial ports (COM1..COM4)",
                          PC_MAX_SERIAL);
            chr_parse(&o->serial[o->nserial++], "-serial", v, 1);
        } else if (!strcmp(name, "gdb")) {
            o->gdb = v;
        } else if (!strcmp(name, "device")) {
            parse_device(o, v);
        } else if (!strcmp(name, "icount")) {
            parse_icount(o, v);
        } else if (!strcmp(name, "rtc")) {
            parse_rtc(o, v);
        } else if (name[0] == 'h' && name[1] == 'd' && name[2] >= 'a' &&
                   name[2] <= 'd' && !name[3]) {
            char spec[32];
            if (strchr(v, ',') || !*v)
                die_usage("-%s '%s': give a plain file name (or use -drive)",
                          name, v);
            snprintf(spec, sizeof(spec), "index=%d", name[2] - 'a');
            size_t n = strlen(v) + 40;
            char *full = malloc(n);
            if (!full)
                die_usage("out of memory");
            snprintf(full, n, "file=%s,%s", v, spec);
            add_drive(o, a, full);
            free(full);
        } else if (!strcmp(name, "cdrom")) {
            if (strchr(v, ','))
                die_usage("-cdrom '%s': give a plain file name (or use -drive)",
                          v);
            size_t n = strlen(v) + 40;
            char *full = malloc(n);
            if (!full)
                die_usage("out of memory");
            snprintf(full, n, "file=%s,index=2,media=cdrom", v);
            add_drive(o, a, full);
            free(full);
        } else if (!strcmp(name, "fda") || !strcmp(name, "fdb")) {
            if (strchr(v, ',') || !*v)
                die_usage("-%s '%s': give a plain file name (or use -drive)",
                          name, v);
            size_t n = strlen(v) + 40;
            char *full = malloc(n);
            if (!full)
                die_usage("out of memory");
            snprintf(full, n, "file=%s,if=floppy,index=%d", v, name[2] - 'a');
            add_drive(o, a, full);
            free(full);
        } else if (!strcmp(name, "drive")) {
            add_drive(o, a, v);
        } else if (!strcmp(name, "boot")) {
            parse_boot(o, v);
        } else if (!strcmp(name, "kernel")) {
            o->kernel = v;
        } else if (!strcmp(name, "initrd")) {
            o->initrd = v;
        } else if (!strcmp(name, "append")) {
            o->append = v;
        } else if (!strcmp(name, "loadvm")) {
            if (!*v)
                die_usage("-loadvm: expected a file name");
            o->loadvm = v;
        } else if (!strcmp(name, "savevm-at")) {
            const char *comma = strchr(v, ',');
            char *end;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 0);
            if (!comma || end != comma || comma == v || v[0] == '-' ||
                errno || !comma[1])
                die_usage("-savevm-at '%s': expected N,FILE (N = retired "
                          "instructions)", v);
            o->savevm_at = n;
            o->savevm_path = comma + 1;
            o->have_savevm = 1;
        } else {
            parse_debug(o, v);
        }
    }
    if ((o->initrd || o->append) && !o->kernel)
        die_usage("%s needs -kernel", o->initrd ? "-initrd" : "-append");
    if (o->gdb && o->debugger)
        die_usage("-gdb and -debugger cannot be used together");
    if ((o->start_paused || o->magic_break) && !o->gdb && !o->debugger)
        die_usage("%s needs -gdb, -s or -debugger",
                  o->start_paused ? "-S" : "-magic-break");
    int stdio_in = 0;
    for (int k = 0; k < o->nserial; k++)
        if (o->serial[k].kind == CHR_STDIO && stdio_in++)
            die_usage("-serial stdio: only one serial port can use stdio");
    if (stdio_in && o->debugger)
        die_usage("-debugger reads stdin: it cannot be used with -serial "
                  "stdio");
}

/* Reads the BIOS image; *size gets its length. */
static uint8_t *load_bios(const char *path, size_t *size, int explicit)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (!explicit)
            return NULL;
        die_usage("-bios '%s': cannot open: %s", path, strerror(errno));
    }
    uint8_t *buf = malloc(256 * 1024 + 1);
    if (!buf)
        die_usage("out of memory");
    size_t n = fread(buf, 1, 256 * 1024 + 1, f);
    int err = ferror(f);
    fclose(f);
    if (err || (n != 64 * 1024 && n != 128 * 1024 && n != 256 * 1024))
        free(buf);
    if (err)
        die_usage("-bios '%s': read error", path);
    if (n != 64 * 1024 && n != 128 * 1024 && n != 256 * 1024)
        die_usage("-bios '%s': image is %s%zu bytes; it must be exactly 64, "
                  "128 or 256 KiB", path, n > 256 * 1024 ? "over " : "",
                  n > 256 * 1024 ? (size_t)256 * 1024 : n);
    *size = n;
    return buf;
}

/* Reads the VGA BIOS image (1 byte to 128 KiB); NULL if it cannot be
 * opened and !explicit. */
static uint8_t *load_vgabios(const char *path, size_t *size, int explicit)
{
    const size_t max = 128 * 1024;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (!explicit)
            return NULL;
        die_usage("-vgabios '%s': cannot open: %s", path, strerror(errno));
    }
    uint8_t *buf = malloc(max + 1);
    if (!buf)
        die_usage("out of memory");
    size_t n = fread(buf, 1, max + 1, f);
    int err = ferror(f);
    fclose(f);
    if (err || n == 0 || n > max)
        free(buf);
    if (err)
        die_usage("-vgabios '%s': read error", path);
    if (n == 0 || n > max)
        die_usage("-vgabios '%s': image must be 1 byte to 128 KiB", path);
    *size = n;
    return buf;
}

/* Reads a whole file for option `opt` (at most 1 GiB). */
static uint8_t *load_file(const char *opt, const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die_usage("%s '%s': cannot open: %s", opt, path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= ((size_t)1 << 30))
            break;
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    if (!buf)
        die_usage("out of memory");
    int bad = ferror(f) || n == cap;
    fclose(f);
    if (bad)
        die_usage("%s '%s': %s", opt, path, n == cap ? "file too large"
                                                     : "read error");
    *size = n;
    return buf;
}

/* -kernel/-initrd/-append into cfg.  -initrd is a comma-separated list of
 * "file args" (Multiboot modules; for Linux the files are concatenated). */
static void load_kernel(const Options *o, PCConfig *cfg)
{
    if (!o->kernel)
        return;
    cfg->kernel = load_file("-kernel", o->kernel, &cfg->kernel_size);
    cfg->kernel_name = o->kernel;
    cfg->cmdline = o->append;
    if (!o->initrd)
        return;
    unsigned n = 1;
    for (const char *p = o->initrd; *p; p++)
        n += *p == ',';
    size_t *sizes = calloc(n, sizeof(*sizes));
    char **names = calloc(n, sizeof(*names));
    uint8_t *all = NULL;
    size_t total = 0;
    if (!sizes || !names)
        die_usage("out of memory");
    const char *p = o->initrd;
    for (unsigned i = 0; i < n; i++) {
        size_t len = strcspn(p, ",");
        names[i] = malloc(len + 1);
        if (!names[i])
            die_usage("out of memory");
        memcpy(names[i], p, len);
        names[i][len] = 0;
        p += len + (p[len] == ',');
        char path[4096];
        size_t plen = strcspn(names[i], " ");
        if (plen == 0 || plen >= sizeof(path))
            die_usage("-initrd '%s': bad file name", o->initrd);
        memcpy(path, names[i], plen);
        path[plen] = 0;
        uint8_t *data = load_file("-initrd", path, &sizes[i]);
        uint8_t *na = realloc(all, total + sizes[i] + 1);
        if (!na)
            die_usage("out of memory");
        all = na;
        memcpy(all + total, data, sizes[i]);
        total += sizes[i];
        free(data);
    }
    cfg->initrd = all;
    cfg->initrd_size = total;
    cfg->nmodules = n;
    cfg->module_size = sizes;
    cfg->module_cmdline = (const char *const *)names;
}

static void free_kernel(PCConfig *cfg)
{
    free((void *)cfg->kernel);
    free((void *)cfg->initrd);
    for (unsigned i = 0; i < cfg->nmodules; i++)
        free((void *)cfg->module_cmdline[i]);
    free((void *)cfg->module_cmdline);
    free((void *)cfg->module_size);
    cfg->kernel = cfg->initrd = NULL;
    cfg->nmodules = 0;
}

/* ------------------------------------------------------------ run */

typedef struct Host {
    Options *o;
    UI *ui;
    FILE *postcode;
    int postcode_dirty;
    Dbg *dbg;     /* -gdb / -debugger */
    HcHost *hc;   /* guest hypercall port, trace and symbols */
    int dbg_quit; /* the debugger asked to quit */
    PC *pc;
    int savevm_done;   /* -savevm-at: 1 saved, -1 failed */
} Host;

static void postcode_out(void *opaque, uint8_t byte)
{
    Host *h = opaque;
    if (h->postcode) {
        putc(byte, h->postcode);
        h->postcode_dirty = 1;
    }
    if (h->o->log_post)
        fprintf(stderr, "x86pc: POST %02X\n", byte);
}

static void host_log(void *opaque, const char *line)
{
    fprintf(stderr, "x86pc: %s\n", line);
}

static void flush_all(Host *h)
{
    chr_flush(&h->o->debugcon);
    chr_flush(&h->o->debugcon2);
    for (int i = 0; i < h->o->nserial; i++)
        chr_flush(&h->o->serial[i]);
    if (h->postcode && h->postcode_dirty) {
        fflush(h->postcode);
        h->postcode_dirty = 0;
    }
}

/* -savevm-at N,FILE: once N instructions have retired (the board ends a
 * slice exactly there), save and go on. */
static int savevm_at_check(Host *h)
{
    if (!h->o->have_savevm || h->savevm_done || !h->pc ||
        cpu_icount(pc_cpu(h->pc)) < h->o->savevm_at)
        return 0;
    char err[400];
    if (pc_snapshot_save(h->pc, h->o->savevm_path, err, sizeof(err)) < 0) {
        fprintf(stderr, "x86pc: -savevm-at: %s\n", err);
        h->savevm_done = -1;
        return 1;
    }
    h->savevm_done = 1;
    pc_set_stop_icount(h->pc, 0);
    return 0;
}

static int host_poll(void *opaque)
{
    Host *h = opaque;
    flush_all(h);
    if (savevm_at_check(h))
        return 1;
    if (h->hc->exit_req)
        return 1; /* hypercall EXIT */
    if (h->dbg) {
        int sigint = got_signal == SIGINT && h->o->debugger;
        if (sigint)
            got_signal = 0; /* Ctrl-C enters the console debugger */
        if (dbg_poll(h->dbg, sigint)) {
            h->dbg_quit = 1;
            return 1;
        }
        if (h->o->debugger && got_signal == SIGINT)
            got_signal = 0; /* Ctrl-C typed at the prompt */
    }
    return got_signal != 0 || (h->ui && ui_poll(h->ui));
}

static void host_idle(void *opaque, unsigned max_ms)
{
    Host *h = opaque;
    flush_all(h);
    if (h->ui && ui_idle(h->ui, max_ms))
        return;
    /* Wait for input on any serial port (or a client for a tcp server). */
    struct pollfd pfd[PC_MAX_SERIAL];
    int n = 0;
    for (int i = 0; i < h->o->nserial; i++) {
        HostChar *c = &h->o->serial[i];
        if (c->in_fd >= 0 && !c->in_eof)
            pfd[n++] = (struct pollfd){.fd = c->in_fd, .events = POLLIN};
        else if (c->kind == CHR_TCP && c->fd < 0 && c->listen_fd >= 0)
            pfd[n++] = (struct pollfd){.fd = c->listen_fd, .events = POLLIN};
    }
    if (n > 0 && poll(pfd, (nfds_t)n, (int)max_ms) > 0) {
        int input = 0;
        for (int i = 0; i < n; i++)
            input |= (pfd[i].revents & POLLIN) != 0;
        if (input)
            return;
        /* only hang-ups (a pty with no reader): sleep instead of spinning */
    } else if (n > 0) {
        return;
    }
    struct timespec ts = {0, (long)max_ms * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    static Options o;
    ui_config_argv(&argc, &argv); /* -readconfig / -writeconfig */
    parse_args(&o, argc, argv);

    /* BIOS: -bios FILE, else the one in the build tree, else installed. */
    size_t bios_size = 0;
    uint8_t *bios;
    if (o.bios) {
        bios = load_bios(o.bios, &bios_size, 1);
    } else {
        const char *cand[2] = {NULL, X86PC_DATADIR "/bios.bin"};
#ifdef X86PC_BUILDDIR
        cand[0] = X86PC_BUILDDIR "/bios/bios.bin";
#endif
        bios = NULL;
        for (int i = 0; i < 2 && !bios; i++)
            if (cand[i])
                bios = load_bios(cand[i], &bios_size, 0);
        if (!bios)
            die_usage("no BIOS image found (looked for %s%s%s); use -bios "
                      "FILE", cand[0] ? cand[0] : "", cand[0] ? " and " : "",
                      cand[1]);
    }

    /* VGA BIOS: -vgabios FILE|none, else the build tree's, else the
     * installed one, else none. */
    size_t vgabios_size = 0;
    uint8_t *vgabios = NULL;
    if (o.vgabios && !strcmp(o.vgabios, "none")) {
        vgabios = NULL;
    } else if (o.vgabios) {
        vgabios = load_vgabios(o.vgabios, &vgabios_size, 1);
    } else {
        const char *cand[2] = {NULL, X86PC_DATADIR "/vgabios.bin"};
#ifdef X86PC_BUILDDIR
        cand[0] = X86PC_BUILDDIR "/bios/vgabios.bin";
#endif
        for (int i = 0; i < 2 && !vgabios; i++)
            if (cand[i])
                vgabios = load_vgabios(cand[i], &vgabios_size, 0);
    }

    static HcHost hc;
    static HypercallOps hc_ops;
    hc.syms = symtab_new();
    hchost_ops(&hc, &hc_ops);
    Host host = {.o = &o, .hc = &hc};
    PCConfig cfg = {
        .ram_size = o.ram,
        .bios = bios,
        .bios_size = bios_size,
        .vgabios = vgabios,
        .vgabios_size = vgabios_size,
        .postcode = {.opaque = &host, .write = postcode_out},
        .debug_exit = o.debug_exit,
        .debug_exit_base = (uint16_t)o.debug_exit_base,
        .debug_exit_size = o.debug_exit_size,
        .no_reboot = o.no_reboot,
        .clock = o.icount ? PC_CLOCK_ICOUNT : PC_CLOCK_REALTIME,
        .icount_shift = o.icount_shift,
        .rtc_base = o.rtc_given ? o.rtc_base
                                : (time(NULL) < 0 ? 0 : (uint64_t)time(NULL)),
        .host = &host,
        .log = host_log,
        .poll = host_poll,
        .idle = host_idle,
        .hypercall = &hc_ops,
    };

    /* Open the host side: files first, so errors come before tty changes. */
    if (o.postcode_path) {
        host.postcode = fopen(o.postcode_path, "wb");
        if (!host.postcode)
            die_usage("-postcode file:%s: cannot open: %s", o.postcode_path,
                      strerror(errno));
    }
    BlockDev *bds[PC_MAX_IDE] = {NULL};
    for (int k = 0; k < PC_MAX_IDE; k++) {
        if (!o.have_drive[k])
            continue;
        DriveSpec *d = &o.drive[k];
        unsigned fl = d->flags;
        if (d->cdrom)
            fl |= BDEV_CDROM;
        else if (o.snapshot)
            fl |= BDEV_SNAPSHOT;
        if (d->path) {
            char berr[320];
            bds[k] = blockdev_open(d->path, fl, berr, sizeof(berr));
            if (!bds[k])
                die_usage("%s", berr);
        }
        cfg.drive[k].kind = d->cdrom ? PC_DRIVE_CDROM : PC_DRIVE_DISK;
        cfg.drive[k].bd = bds[k];
    }
    BlockDev *fds[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (!o.have_fd[k])
            continue;
        char berr[320];
        unsigned fl = o.fd[k].flags | (o.snapshot ? BDEV_SNAPSHOT : 0);
        fds[k] = blockdev_open(o.fd[k].path, fl, berr, sizeof(berr));
        if (!fds[k])
            die_usage("%s", berr);
        cfg.floppy[k] = fds[k];
    }
    cfg.boot_order = o.boot_order;
    load_kernel(&o, &cfg);
    if (o.have_debugcon) {
        chr_open(&o.debugcon, 0);
        cfg.debugcon = 1;
        cfg.debugcon_chr = (PCChar){&o.debugcon, chr_write, NULL};
    }
    if (o.have_debugcon2) {
        chr_open(&o.debugcon2, 0);
        cfg.debugcon2 = 1;
        cfg.debugcon2_chr = (PCChar){&o.debugcon2, chr_write, NULL};
    }
    cfg.log_unimp = o.log_unimp;
    signal(SIGPIPE, SIG_IGN); /* a tcp peer going away is not fatal */
    int serial_stdio = 0;
    for (int i = 0; i < o.nserial; i++)
        serial_stdio |= o.serial[i].kind == CHR_STDIO;
    g_ui = host.ui = ui_new(&o.ui, &cfg, o.nserial, serial_stdio,
                     o.have_debugcon && o.debugcon.kind == CHR_STDIO);
    if (o.nserial == 0 && !ui_owns_com1(host.ui)) { /* COM1 always fitted */
        chr_parse(&o.serial[0], "-serial", "null", 0);
        o.nserial = 1;
    }
    int raw = 0;
    for (int i = 0; i < o.nserial; i++) {
        HostChar *c = &o.serial[i];
        if (c->kind == CHR_NONE)
            continue;
        chr_open(c, 1);
        raw |= c->in_fd == STDIN_FILENO;
        cfg.serial[i].present = 1;
        cfg.serial[i].chr = (PCChar){c, chr_write, chr_read};
    }

    char err[256];
    int status = 2;
    PC *pc = pc_new(&cfg, err, sizeof(err), &status);
    free(bios);
    free(vgabios);
    free_kernel(&cfg); /* pc_new() copied them */
    if (!pc) {
        fprintf(stderr, "x86pc: %s\n", err);
        ui_free(host.ui);
        g_ui = NULL;
        trace_free(hc.trace);
        symtab_install(NULL);
        symtab_free(hc.syms);
        for (int k = 0; k < PC_MAX_IDE; k++) {
            blockdev_close(bds[k]);
            if (o.have_drive[k])
                drivespec_free(&o.drive[k]);
        }
        for (int k = 0; k < 2; k++) {
            blockdev_close(fds[k]);
            if (o.have_fd[k])
                drivespec_free(&o.fd[k]);
        }
        return status;
    }

    host.pc = pc;
    if (o.loadvm) {
        char lerr[512];
        if (pc_snapshot_load(pc, o.loadvm, lerr, sizeof(lerr)) < 0) {
            fprintf(stderr, "x86pc: %s\n", lerr);
            pc_free(pc);
            ui_free(host.ui);
            g_ui = NULL;
            symtab_free(hc.syms);
            for (int k = 0; k < PC_MAX_IDE; k++) {
                blockdev_close(bds[k]);
                if (o.have_drive[k])
                    drivespec_free(&o.drive[k]);
            }
            for (int k = 0; k < 2; k++) {
                blockdev_close(fds[k]);
                if (o.have_fd[k])
                    drivespec_free(&o.fd[k]);
            }
            return 1;
        }
    }
    if (o.have_savevm)
        pc_set_stop_icount(pc, o.savevm_at);
    hc.cpu = pc_cpu(pc);
    hc.trace = trace_new(hc.cpu);
    if (!hc.syms || !hc.trace)
        die_usage("out of memory");
    symtab_install(hc.syms);
    if (o.trace && trace_open(hc.trace, o.trace) < 0)
        die_usage("-trace %s: cannot open: %s", o.trace, strerror(errno));
    trace_set_regs(hc.trace, o.trace_regs);

    GdbStub *gdb = NULL;
    if (o.gdb || o.debugger) {
        host.dbg = dbg_new(pc, o.magic_break);
        if (!host.dbg)
            die_usage("out of memory");
        if (o.gdb) {
            gdb = gdb_new(host.dbg, o.gdb, err, sizeof(err));
            if (!gdb) {
                fprintf(stderr, "x86pc: %s\n", err);
                dbg_free(host.dbg);
                pc_free(pc);
                return 2;
            }
            dbg_set_gdb(host.dbg, gdb);
        }
        if (o.start_paused)
            dbg_request_stop(host.dbg);
        dbg_set_tools(host.dbg, hc.trace, hc.syms);
        hc.dbg = host.dbg;
    }
    if (o.trace)
        trace_set_enabled(hc.trace, 1);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (raw)
        tty_raw();

    char msg[512];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ui_start(host.ui, pc, &got_signal, msg, sizeof(msg)) < 0) {
        status = 1; /* no window/terminal: msg says why */
    } else if (savevm_at_check(&host)) {
        status = 1; /* -savevm-at N (N already reached): the save failed */
    } else {
        status = pc_run(pc, msg, sizeof(msg));
        status = ui_finish(host.ui, status, msg); /* -no-shutdown etc. */
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    flush_all(&host);
    if (status == PC_EXIT_HOST && hc.exit_req)
        status = hc.exit_status; /* hypercall EXIT */
    if (host.savevm_done < 0)
        status = 1; /* -savevm-at could not write its file */
    if (o.have_savevm && host.savevm_done == 0)
        fprintf(stderr, "x86pc: -savevm-at: the machine stopped after %llu "
                "instructions, before %llu: no snapshot written to %s\n",
                (unsigned long long)cpu_icount(pc_cpu(pc)),
                (unsigned long long)o.savevm_at, o.savevm_path);
    if (host.dbg) {
        if (status != PC_EXIT_HOST)
            dbg_exited(host.dbg, status);
        dbg_free(host.dbg);
        gdb_free(gdb);
        hc.dbg = NULL;
        if (host.dbg_quit)
            status = 0; /* q in the debugger, k from gdb */
    }
    tty_restore();
    if (msg[0])
        fprintf(stderr, "x86pc: %s\n", msg);
    if (o.log_stats) {
        CPUStats st;
        CPUState *cpu = pc_cpu(pc);
        double secs = (double)(t1.tv_sec - t0.tv_sec) +
                      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        uint64_t n = cpu_icount(cpu);
        cpu_get_stats(cpu, &st);
        uint64_t acc = st.tlb_hits + st.tlb_misses;
        uint64_t ic = st.icache_hits + st.icache_misses;
        fprintf(stderr,
                "x86pc: stats: insns=%llu seconds=%.3f mips=%.2f "
                "tlb_hits=%llu tlb_misses=%llu tlb_hit_rate=%.4f "
                "tlb_flushes=%llu tlb_invlpg=%llu icache_hits=%llu "
                "icache_misses=%llu icache_hit_rate=%.4f icache_smc=%llu\n",
                (unsigned long long)n, secs,
                secs > 0 ? (double)n / secs / 1e6 : 0.0,
                (unsigned long long)st.tlb_hits,
                (unsigned long long)st.tlb_misses,
                acc ? (double)st.tlb_hits / (double)acc : 0.0,
                (unsigned long long)st.tlb_flushes,
                (unsigned long long)st.tlb_invlpg,
                (unsigned long long)st.icache_hits,
                (unsigned long long)st.icache_misses,
                ic ? (double)st.icache_hits / (double)ic : 0.0,
                (unsigned long long)st.icache_smc);
    }
    ui_free(host.ui);
    g_ui = NULL;
    trace_free(hc.trace);
    symtab_install(NULL);
    symtab_free(hc.syms);
    pc_free(pc);
    for (int k = 0; k < PC_MAX_IDE; k++) {
        blockdev_close(bds[k]); /* flushes; NULL is fine */
        if (o.have_drive[k])
            drivespec_free(&o.drive[k]);
    }
    for (int k = 0; k < 2; k++) {
        blockdev_close(fds[k]);
        if (o.have_fd[k])
            drivespec_free(&o.fd[k]);
    }
    if (host.postcode)
        fclose(host.postcode);
    if (o.debugcon.out && o.debugcon.out != stdout)
        fclose(o.debugcon.out);
    if (o.debugcon2.out && o.debugcon2.out != stdout)
        fclose(o.debugcon2.out);
    for (int i = 0; i < o.nserial; i++)
        if (o.serial[i].out && o.serial[i].out != stdout)
            fclose(o.serial[i].out);
    fflush(stdout);

    if (status == PC_EXIT_HOST) {
        int sig = got_signal ? got_signal : SIGTERM;
        signal(sig, SIG_DFL);
        raise(sig);
        return 128 + sig;
    }
    return status;
}
