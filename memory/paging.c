/* Page-table walker: 32-bit (4 KiB / 4 MiB PSE) and PAE (4 KiB / 2 MiB, NX).
 *
 *  32-bit:  CR3 -> PDE[31:22] -> PTE[21:12] -> page      (SDM Vol. 3 §4.3)
 *  PAE:     CR3 -> PDPTE[31:30] -> PDE[29:21] -> PTE[20:12] -> page  (§4.4)
 *
 * Rights combine across levels: a user access needs U at every level, a
 * write needs R/W at every level (for supervisor accesses only when
 * CR0.WP=1), and with EFER.NXE a fetch faults if any level has XD.
 * Accessed bits are set in every entry used on a successful walk, the dirty
 * bit in the final entry on a successful write. */
#include "memory/paging.h"

#define CR0_WP 0x00010000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_PGE 0x80u
#define EFER_NXE 0x800u

#define PTE_P 0x001u
#define PTE_RW 0x002u
#define PTE_US 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u
#define PTE_XD 0x8000000000000000ull

static uint64_t rd_pte(PhysMem *pm, uint64_t a, int pae)
{
    return pae ? phys_read(pm, a, 8) : phys_read(pm, a, 4);
}
static void set_bits(PhysMem *pm, uint64_t a, uint64_t e, uint64_t bits)
{
    if ((e & bits) != bits)
        phys_write(pm, a, (uint32_t)(e | bits), 4); /* A/D are in the low dword */
}

uint32_t paging_walk(PhysMem *pm, const PagingRegs *r, uint32_t lin,
                     unsigned acc, PageWalk *w)
{
    int pae = (r->cr4 & CR4_PAE) != 0;
    int nxe = pae && (r->efer & EFER_NXE);
    uint64_t addr[3], ent[3];
    int levels = 0, i;
    uint64_t rsvd_hi = nxe ? 0x7FFFFFF000000000ull : 0xFFFFFFF000000000ull;
    uint32_t code = (acc & PW_WRITE ? PFE_W : 0) | (acc & PW_USER ? PFE_U : 0) |
                    ((acc & PW_FETCH) && nxe ? PFE_I : 0);
    int user_ok = 1, write_ok = 1, nx = 0, global = 0;
    uint64_t phys;
    uint32_t psize;

    if (!pae) {
        uint64_t pde_a = ((r->cr3 & 0xFFFFF000u) | ((lin >> 20) & 0xFFC)) & r->a20_mask;
        uint64_t pde = rd_pte(pm, pde_a, 0);
        if (!(pde & PTE_P))
            return code | PW_FAULT;
        addr[levels] = pde_a;
        ent[levels++] = pde;
        if ((pde & PTE_PS) && (r->cr4 & CR4_PSE)) {
            /* 4 MiB page; bits 13..20 give physical bits 32..39 (PSE-36):
             * this model has 32-bit physical addresses, so they are
             * reserved (bit 21 always is). */
            if (pde & 0x3FE000u)
                return code | PFE_P | PFE_RSVD | PW_FAULT;
            phys = (pde & 0xFFC00000u) | (lin & 0x3FFFFFu);
            psize = 0x400000;
        } else {
            uint64_t pte_a = ((pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFC)) & r->a20_mask;
            uint64_t pte = rd_pte(pm, pte_a, 0);
            if (!(pte & PTE_P))
                return code | PW_FAULT;
            addr[levels] = pte_a;
            ent[levels++] = pte;
            phys = (pte & 0xFFFFF000u) | (lin & 0xFFFu);
            psize = 0x1000;
        }
    } else {
        uint64_t pdpte_a = ((r->cr3 & 0xFFFFFFE0u) | ((lin >> 27) & 0x18)) & r->a20_mask;
        uint64_t pdpte = rd_pte(pm, pdpte_a, 1);
        uint64_t pde_a, pde;
        if (!(pdpte & PTE_P))
            return code | PW_FAULT;
        /* PDPTE reserved: bits 1,2,5..8 and above MAXPHYADDR (36 here) */
        if ((pdpte & 0x1E6u) || (pdpte & 0xFFFFFFF000000000ull))
            return code | PFE_P | PFE_RSVD | PW_FAULT;
        pde_a = ((pdpte & 0xFFFFFF000ull) | ((lin >> 18) & 0xFF8)) & r->a20_mask;
        pde = rd_pte(pm, pde_a, 1);
        if (!(pde & PTE_P))
            return code | PW_FAULT;
        if ((pde & rsvd_hi) || ((pde & PTE_PS) && (pde & 0x1FE000u)))
            return code | PFE_P | PFE_RSVD | PW_FAULT;
        addr[levels] = pde_a;
        ent[levels++] = pde;
        if (pde & PTE_PS) {
            phys = (pde & 0xFFFE00000ull) | (lin & 0x1FFFFFu);
            psize = 0x200000;
        } else {
            uint64_t pte_a = ((pde & 0xFFFFFF000ull) | ((lin >> 9) & 0xFF8)) & r->a20_mask;
            uint64_t pte = rd_pte(pm, pte_a, 1);
            if (!(pte & PTE_P))
                return code | PW_FAULT;
            if (pte & rsvd_hi)
                return code | PFE_P | PFE_RSVD | PW_FAULT;
            addr[levels] = pte_a;
            ent[levels++] = pte;
            phys = (pte & 0xFFFFFF000ull) | (lin & 0xFFFu);
            psize = 0x1000;
        }
    }
    for (i = 0; i < levels; i++) {
        if (!(ent[i] & PTE_US))
            user_ok = 0;
        if (!(ent[i] & PTE_RW))
            write_ok = 0;
        if (nxe && (ent[i] & PTE_XD))
            nx = 1;
    }
    global = (ent[levels - 1] & PTE_G) && (r->cr4 & CR4_PGE);
    if ((acc & PW_USER) && !user_ok)
        return code | PFE_P | PW_FAULT;
    if ((acc & PW_WRITE) && !write_ok && ((acc & PW_USER) || (r->cr0 & CR0_WP)))
        return code | PFE_P | PW_FAULT;
    if ((acc & PW_FETCH) && nx)
        return code | PFE_P | PW_FAULT;
    for (i = 0; i < levels; i++)
        set_bits(pm, addr[i], ent[i],
                 PTE_A | ((i == levels - 1 && (acc & PW_WRITE)) ? PTE_D : 0));
    w->phys = phys;
    w->page_size = psize;
    w->global = global;
    w->writable = write_ok;
    w->user = user_ok;
    w->nx = nx;
    return 0;
}
