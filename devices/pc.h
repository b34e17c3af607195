/* The PC board: builds the machine from a PCConfig and runs it.
 *
 * pc.c is the only file in devices/ that knows which chip sits at which
 * port or IRQ, and the only one that talks to the CPU.  Devices signal the
 * board through callbacks; the board never lets them call each other.
 * Everything that touches the host (files, terminals, clocks used to wait
 * for input) is supplied by the front end through the hooks below. */
#ifndef X86PC_PC_H
#define X86PC_PC_H
#include <stddef.h>
#include <stdint.h>

#define PC_MAX_SERIAL 4
#define PC_MAX_IDE 4 /* primary master/slave, secondary master/slave */

struct BlockDev;
struct VGAState;
struct I8042;

/* PCConfig.drive[].kind */
enum { PC_DRIVE_NONE = 0, PC_DRIVE_DISK, PC_DRIVE_CDROM };

/* How the virtual clock runs (PCConfig.clock). */
enum {
    PC_CLOCK_REALTIME = 0, /* host time (default) */
    PC_CLOCK_ICOUNT,       /* time = instructions << icount_shift ns:
                            * deterministic runs (-icount) */
};

/* A host character stream attached to a device. */
typedef struct PCChar {
    void *opaque;
    /* One byte of guest output.  NULL: output is dropped. */
    void (*write)(void *opaque, uint8_t byte);
    /* Next byte of input, or -1 if none is available now (never blocks).
     * NULL: no input. */
    int (*read)(void *opaque);
} PCChar;

typedef struct PCConfig {
    uint64_t ram_size;          /* bytes */
    const uint8_t *bios;        /* ROM image, copied by pc_new() */
    size_t bios_size;           /* 64, 128 or 256 KiB */
    /* VGA BIOS (option ROM) mapped read-only at 0xC0000 and also offered
     * as fw_cfg file "vgaroms/vgabios.bin" (SeaBIOS runs those); copied by
     * pc_new().  NULL/0: none.  At most 128 KiB (0xC0000-0xDFFFF). */
    const uint8_t *vgabios;
    size_t vgabios_size;

    int debugcon;               /* port 0xE9 console present */
    PCChar debugcon_chr;
    int debugcon2;              /* second debug console at port 0x402 */
    PCChar debugcon2_chr;
    int log_unimp;              /* log() the first access to each
                                 * unassigned I/O port (-d unimp) */
    PCChar postcode;            /* every byte written to port 0x80 */
    struct {
        int present;            /* COM1..4 at 0x3F8/0x2F8/0x3E8/0x2E8 */
        PCChar chr;
    } serial[PC_MAX_SERIAL];
    int debug_exit;             /* isa-debug-exit present */
    uint16_t debug_exit_base;
    unsigned debug_exit_size;
    int no_reboot;              /* triple fault / reset request stops */
    int clock;                  /* PC_CLOCK_* */
    unsigned icount_shift;      /* PC_CLOCK_ICOUNT: ns per insn = 1<<shift
                                 * (0..10) */
    /* The RTC's date and time at power-on, as seconds since 1970-01-01
     * 00:00:00 read as broken-down UTC (for -rtc base=localtime the front
     * end adds the host's UTC offset).  The RTC device reads it. */
    uint64_t rtc_base;

    /* IDE drives, index = channel * 2 + unit (-hda, -hdb, -hdc, -hdd).
     * The images are opened and closed by the front end; a CD-ROM drive
     * may have no image (empty tray). */
    struct {
        int kind;              /* PC_DRIVE_* */
        struct BlockDev *bd;
    } drive[PC_MAX_IDE];
    /* Floppy drives A: and B: (-fda, -fdb, -drive if=floppy): the image,
     * or NULL for no drive.  Opened/closed by the front end; the drive and
     * CMOS type follow the image size (fdc_geometry in devices/fdc.h). */
    struct BlockDev *floppy[2];
    /* -boot order as drive letters ("c", "dc", ...); NULL = "c" (CMOS). */
    const char *boot_order;
    /* Guest hypercall port at 0x8A0 (devices/hypercall.h); NULL: none. */
    const struct HypercallOps *hypercall;

    /* Direct kernel boot (-kernel/-initrd/-append), through fw_cfg as QEMU
     * does; kernel NULL: none.  initrd holds the -initrd files one after
     * the other; a Multiboot kernel gets them as nmodules modules of
     * module_size[i] bytes with the strings module_cmdline[i].  The data
     * are copied by pc_new(). */
    const uint8_t *kernel;
    size_t kernel_size;
    const char *kernel_name;    /* the -kernel path: a Multiboot kernel's
                                 * command line is "PATH CMDLINE" (QEMU) */
    const char *cmdline;        /* NULL: empty */
    const uint8_t *initrd;
    size_t initrd_size;
    unsigned nmodules;
    const size_t *module_size;
    const char *const *module_cmdline;

    /* Front-end hooks (any may be NULL), all given `host`. */
    void *host;
    /* An informational line (no prefix, no newline). */
    void (*log)(void *host, const char *line);
    /* Called between run slices: flush output; nonzero stops the machine
     * (pc_run returns PC_EXIT_HOST). */
    int (*poll)(void *host);
    /* The CPU is halted waiting for an interrupt: wait up to max_ms for
     * host input. */
    void (*idle)(void *host, unsigned max_ms);
} PCConfig;

typedef struct PC PC;

/* Builds the machine.  On failure returns NULL, writes a one-line message
 * (no prefix) to err and sets *status: 2 for a configuration problem (e.g.
 * overlapping ports), 1 for a host failure (out of memory). */
PC *pc_new(const PCConfig *cfg, char *err, size_t errlen, int *status);
void pc_free(PC *pc);

/* For debuggers in the front end (GDB stub, built-in debugger): the CPU,
 * physical memory, and the CPU_STOP_* code of the last cpu_run() slice.
 * Debuggers stop the machine by installing CPU hooks (cpu/cpu.h) that make
 * cpu_run() return; pc_run() then calls the poll hook at once, and the
 * debugger works inside that call while the machine stands still. */
struct CPUState *pc_cpu(PC *pc);
struct PhysMem *pc_mem(PC *pc);
int pc_cpu_stop(const PC *pc);

/* pc_run() result when the front end's poll hook asked to stop. */
#define PC_EXIT_HOST (-1)

/* Runs the machine until it stops for good and returns the exit status the
 * process should use, with a one-line report (no prefix) in msg, possibly
 * empty:
 *   0    HLT with interrupts disabled (or nothing left that could wake the
 *        CPU: see pc.c), or a guest reset with no_reboot set
 *   3    triple fault with no_reboot set
 *   odd  the status written to isa-debug-exit ((v << 1) | 1)
 *   PC_EXIT_HOST  the poll hook returned nonzero */
int pc_run(PC *pc, char *msg, size_t msglen);

/* For the front end: the display and input devices. */
struct VGAState *pc_vga(PC *pc);
struct I8042 *pc_kbc(PC *pc);
/* A reset as if the guest had pulled the reset line (monitor
 * "system_reset"): takes effect between run slices; with no_reboot the run
 * ends instead. */
void pc_request_reset(PC *pc);
/* Presses the ACPI fixed-feature power button (monitor
 * "system_powerdown"): an ACPI-aware guest shuts down. */
void pc_power_button(PC *pc);
/* Debugger: state dump of device NAME (pc_dump_device_names() lists them)
 * into buf; 0, or -1 for an unknown or absent device. */
int pc_dump_device(PC *pc, const char *name, char *buf, size_t len);
const char *pc_dump_device_names(void);

/* Slices of pc_run() end when the CPU has retired exactly n instructions
 * (cpu_icount), so the poll hook sees the machine at that point (e.g. to
 * save a snapshot at an exact instruction count); 0: no such stop. */
void pc_set_stop_icount(PC *pc, uint64_t n);

/* ---- Whole-machine snapshots (devices/pc_snap.c; README "Snapshots").
 * A snapshot holds the CPU, RAM (zlib-compressed), the memory map state
 * (PAM, SMRAM, A20), the virtual clock, the board's interrupt lines and
 * every device, and the overlay of -snapshot disks; not the disk images
 * themselves (the same images must be attached when it is loaded).  It can
 * be loaded only into a machine of the same configuration (RAM size,
 * clock mode, drives and their sizes, serial ports, consoles, BIOS): the
 * configuration is recorded and compared first.
 *
 * Save/load only between run slices: from the poll hook, before pc_run()
 * or after it returned.  The load is all or nothing: on any error (file
 * unreadable, truncated, not a snapshot, another version, another
 * configuration, a bad device section) it returns -1 with a one-line
 * message (no prefix) in err and the machine keeps running as before.
 * The _mem variants work on a buffer (*buf from malloc, the caller frees
 * it). */
int pc_snapshot_save(PC *pc, const char *path, char *err, size_t errlen);
int pc_snapshot_load(PC *pc, const char *path, char *err, size_t errlen);
int pc_snapshot_save_mem(PC *pc, uint8_t **buf, size_t *len, char *err,
                         size_t errlen);
int pc_snapshot_load_mem(PC *pc, const uint8_t *buf, size_t len, char *err,
                         size_t errlen);

#endif
