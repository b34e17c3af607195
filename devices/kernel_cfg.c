/* Direct kernel boot through fw_cfg: see devices/kernel_cfg.h. */
#include "devices/kernel_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory/endian.h"

const char *fw_cfg_load_kernel(FwCfg *f, const KernelSpec *cfg,
                               uint64_t ram_size)
{
    const uint8_t *k = cfg->kernel;
    size_t ksize = cfg->kernel_size;
    const char *cmd = cfg->cmdline ? cfg->cmdline : "";
    size_t cmdsize = strlen(cmd) + 1;
    int multiboot = 0;
    for (size_t o = 0; o + 12 <= ksize && o < 8192; o += 4) {
        uint32_t magic = ldl_le(k + o), flags = ldl_le(k + o + 4);
        if (magic == 0x1BADB002u &&
            (uint32_t)(magic + flags + ldl_le(k + o + 8)) == 0) {
            multiboot = 1;
            break;
        }
    }
    if (multiboot) {
        const char *kn = cfg->kernel_name ? cfg->kernel_name : "";
        size_t n = strlen(kn) + 1 + cmdsize;
        char *mbcmd = malloc(n);
        if (!mbcmd)
            return "out of memory";
        snprintf(mbcmd, n, "%s %s", kn, cmd);
        fw_cfg_add_i32(f, FW_CFG_CMDLINE_SIZE, (uint32_t)n);
        fw_cfg_add_bytes(f, FW_CFG_CMDLINE_DATA, mbcmd, n);
        free(mbcmd);
        if (ksize > UINT32_MAX)
            return "-kernel: file too large";
        fw_cfg_add_i32(f, FW_CFG_KERNEL_SIZE, (uint32_t)ksize);
        fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, k, ksize);
        fw_cfg_add_i32(f, FW_CFG_SETUP_SIZE, 0);
        if (cfg->nmodules) {
            size_t len = 0, sum = 0;
            for (unsigned i = 0; i < cfg->nmodules; i++) {
                len += 5 + strlen(cfg->module_cmdline[i]);
                sum += cfg->module_size[i];
            }
            if (sum != cfg->initrd_size || sum > UINT32_MAX)
                return "-initrd: bad module sizes";
            uint8_t *list = malloc(len ? len : 1);
            if (!list)
                return "out of memory";
            size_t o = 0;
            for (unsigned i = 0; i < cfg->nmodules; i++) {
                size_t n = strlen(cfg->module_cmdline[i]) + 1;
                stl_le(list + o, (uint32_t)cfg->module_size[i]);
                memcpy(list + o + 4, cfg->module_cmdline[i], n);
                o += 4 + n;
            }
            fw_cfg_add_file(f, "etc/x86pc/modules", list, len);
            free(list);
            fw_cfg_add_i32(f, FW_CFG_INITRD_SIZE, (uint32_t)cfg->initrd_size);
            fw_cfg_add_bytes(f, FW_CFG_INITRD_DATA, cfg->initrd,
                             cfg->initrd_size);
        }
        return NULL;
    }
    fw_cfg_add_i32(f, FW_CFG_CMDLINE_SIZE, (uint32_t)cmdsize);
    fw_cfg_add_bytes(f, FW_CFG_CMDLINE_DATA, cmd, cmdsize);
    if (ksize < 0x230 || ldl_le(k + 0x202) != 0x53726448u)
        return "-kernel: not a Linux (bzImage) or Multiboot kernel";
    unsigned protocol = ldw_le(k + 0x206);
    uint32_t real_addr, cmdline_addr, prot_addr;
    if (protocol < 0x200 || !(k[0x211] & 0x01)) {
        real_addr = 0x90000;
        cmdline_addr = 0x9A000 - (uint32_t)cmdsize;
        prot_addr = 0x10000;
    } else if (protocol < 0x202) {
        real_addr = 0x90000;
        cmdline_addr = 0x9A000 - (uint32_t)cmdsize;
        prot_addr = 0x100000;
    } else {
        real_addr = 0x10000;
        cmdline_addr = 0x20000;
        prot_addr = 0x100000;
    }
    if (cmdsize > 0x8000)
        return "-append: command line too long";
    size_t setup_size = k[0x1F1] ? k[0x1F1] : 4;
    setup_size = (setup_size + 1) * 512;
    if (setup_size > ksize || setup_size > 0x8000)
        return "-kernel: bad setup size in the Linux header";
    uint8_t *setup = malloc(setup_size);
    if (!setup)
        return "out of memory";
    memcpy(setup, k, setup_size);
    uint64_t lowmem = ram_size < 0xE0000000u ? ram_size
                                                   : 0xE0000000u;
    uint64_t initrd_max = protocol >= 0x203 ? ldl_le(k + 0x22C) : 0x37FFFFFF;
    if (lowmem <= 0x20000)
        initrd_max = 0;
    else if (initrd_max >= lowmem - 0x20000)
        initrd_max = lowmem - 0x20000 - 1;
    if (protocol >= 0x202) {
        stl_le(setup + 0x228, cmdline_addr);
    } else {
        stw_le(setup + 0x20, 0xA33F);
        stw_le(setup + 0x22, (uint16_t)(cmdline_addr - real_addr));
    }
    setup[0x210] = 0xB0; /* type_of_loader: QEMU's */
    if (protocol >= 0x201) {
        setup[0x211] |= 0x80; /* CAN_USE_HEAP */
        stw_le(setup + 0x224, (uint16_t)(cmdline_addr - real_addr - 0x200));
    }
    if (cfg->initrd_size) {
        if (protocol < 0x200 || cfg->initrd_size > initrd_max) {
            free(setup);
            return protocol < 0x200 ? "-initrd: the kernel is too old"
                                    : "-initrd: file too large";
        }
        uint32_t initrd_addr =
            (uint32_t)((initrd_max - cfg->initrd_size) & ~(uint64_t)4095);
        fw_cfg_add_i32(f, FW_CFG_INITRD_ADDR, initrd_addr);
        fw_cfg_add_i32(f, FW_CFG_INITRD_SIZE, (uint32_t)cfg->initrd_size);
        fw_cfg_add_bytes(f, FW_CFG_INITRD_DATA, cfg->initrd,
                         cfg->initrd_size);
        stl_le(setup + 0x218, initrd_addr);
        stl_le(setup + 0x21C, (uint32_t)cfg->initrd_size);
    }
    fw_cfg_add_i32(f, FW_CFG_CMDLINE_ADDR, cmdline_addr);
    fw_cfg_add_i32(f, FW_CFG_KERNEL_ADDR, prot_addr);
    fw_cfg_add_i32(f, FW_CFG_KERNEL_SIZE, (uint32_t)(ksize - setup_size));
    fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, k + setup_size,
                     ksize - setup_size);
    fw_cfg_add_i32(f, FW_CFG_SETUP_ADDR, real_addr);
    fw_cfg_add_i32(f, FW_CFG_SETUP_SIZE, (uint32_t)setup_size);
    fw_cfg_add_bytes(f, FW_CFG_SETUP_DATA, setup, setup_size);
    free(setup);
    return NULL;
}
