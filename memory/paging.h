/* Page-table walker (SDM Vol. 3 chapter 4), parameterised by paging mode so
 * that 4-level long-mode paging can be added without copying it. */
#ifndef X86PC_PAGING_H
#define X86PC_PAGING_H
#include <stdint.h>
#include "memory/mem.h"

/* Access bits for paging_walk(). */
#define PW_WRITE 1u
#define PW_FETCH 2u
#define PW_USER 4u

/* Page-fault error code bits (SDM Vol. 3 §4.7). */
#define PFE_P 0x01u
#define PFE_W 0x02u
#define PFE_U 0x04u
#define PFE_RSVD 0x08u
#define PFE_I 0x10u

typedef struct PagingRegs {
    uint32_t cr0, cr3, cr4;
    uint64_t efer;
    uint64_t a20_mask; /* PHYS_A20_ON / PHYS_A20_OFF (memory/mem.h) */
} PagingRegs;

typedef struct PageWalk {
    uint64_t phys;      /* translated physical address */
    uint32_t page_size; /* 4 KiB, 2 MiB or 4 MiB */
    int global;
    int writable, user, nx; /* effective rights of the whole walk */
} PageWalk;

/* Translates lin.  Returns 0 and fills *w, or returns the page-fault error
 * code (never 0 on failure: at least one bit is set... a not-present fault
 * for a supervisor read has code 0, so failures return code | 0x80000000).
 * Sets accessed bits on success and the dirty bit on a successful write. */
uint32_t paging_walk(PhysMem *pm, const PagingRegs *r, uint32_t lin,
                     unsigned acc, PageWalk *w);
#define PW_FAULT 0x80000000u
#endif
