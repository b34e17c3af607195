/* Direct kernel boot (-kernel, -initrd, -append): the files go into fw_cfg
 * for the BIOS, laid out as QEMU's pc machine lays them out.
 *
 * A Linux kernel (boot protocol header "HdrS" at 0x202): the setup part
 * (setup_sects + 1 sectors, 4 + 1 when setup_sects is 0) in
 * FW_CFG_SETUP_DATA with its header patched as QEMU patches it
 * (type_of_loader 0xB0, cmd_line_ptr or the old cmd_line_magic/offset,
 * CAN_USE_HEAP and heap_end_ptr, ramdisk_image/size), the rest in
 * FW_CFG_KERNEL_DATA, the command line and the initrd, each with its
 * *_ADDR and *_SIZE key: setup at 0x10000 (0x90000 before protocol 2.02
 * or for a zImage), command line at 0x20000 (0x9A000 - its size), kernel
 * at 0x100000 (0x10000 for a zImage), initrd at the highest 4 KiB aligned
 * address below min(initrd_addr_max, RAM below 4 GiB - 128 KiB).
 *
 * A Multiboot kernel (magic 0x1BADB002 with a valid checksum, 4-aligned in
 * the first 8 KiB; checked first): the file whole in FW_CFG_KERNEL_DATA,
 * FW_CFG_SETUP_SIZE 0, the command line "NAME CMDLINE" (NAME = the -kernel
 * path, as QEMU gives it to Multiboot kernels), the modules' data one
 * after another in FW_CFG_INITRD_DATA, and the fw_cfg file
 * "etc/x86pc/modules" listing them: per module a little-endian u32 size,
 * then its string ("file args") with a NUL.
 *
 * The BIOS does all the loading (bios/kernel.inc, bios/multiboot.inc). */
#ifndef X86PC_KERNEL_CFG_H
#define X86PC_KERNEL_CFG_H
#include <stddef.h>
#include <stdint.h>
#include "devices/fw_cfg.h"

typedef struct KernelSpec {
    const uint8_t *kernel;
    size_t kernel_size;
    const char *kernel_name;          /* NULL: "" */
    const char *cmdline;              /* NULL: "" */
    const uint8_t *initrd;            /* the modules' data concatenated */
    size_t initrd_size;
    unsigned nmodules;                /* sizes add up to initrd_size */
    const size_t *module_size;
    const char *const *module_cmdline;
} KernelSpec;

/* Adds the items to f (ram_size: the machine's RAM in bytes).  Returns
 * NULL, or a one-line message (the file is not a kernel, or does not fit;
 * out of memory). */
const char *fw_cfg_load_kernel(FwCfg *f, const KernelSpec *k,
                               uint64_t ram_size);

#endif
