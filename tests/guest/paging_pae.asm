; paging_pae -- PAE paging: PDPT, 2 MiB pages, 4 KiB pages with 64-bit
; entries, accessed/dirty bits, NX (EFER.NXE) on 4 KiB and 2 MiB pages,
; the I/D bit of the error code, reserved-bit faults (PFERR.RSVD) from a
; physical-address bit above MAXPHYADDR and from bit 63 while NXE=0.
;
; PDPT at 13000, PD0 at 14000: PDE0 = 2 MiB identity (code, stack,
; tables), PDE1 -> PT at 15000 (200000-3FFFFF), PDE2 = 2 MiB page
; 400000 -> 600000, PDE3 = 2 MiB identity of 600000, PDE4 = 2 MiB page
; 800000 -> 800000 with NX.
; Reference: Bochs with BOCHS_CPU=core2_penryn_t9600; QEMU with
; -cpu pentium3,+nx.
%include "lib.inc"

SEL_BIGCODE equ 0x38

PDPT    equ 0x13000
PD0     equ 0x14000
PT      equ 0x15000
P1      equ 0x20000
XPAGE   equ 0x30000
%define PTE(l) (PT + (((l) >> 12) & 0x1FF) * 8)

start:
    RM_INIT
    PRINT "paging_pae", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end
    jmp SEL_BIGCODE:big
big:
    mov edi, PDPT
    xor eax, eax
    mov ecx, 3 * 1024
    rep stosd
    mov dword [PDPT], PD0 | 1
    mov dword [PD0 + 0*8], 0x000000 | 0x87
    mov dword [PD0 + 1*8], PT | 7
    mov dword [PD0 + 2*8], 0x600000 | 0x87
    mov dword [PD0 + 3*8], 0x600000 | 0x87
    mov dword [PD0 + 4*8], 0x800000 | 0x87
    mov dword [PD0 + 4*8 + 4], 0x80000000          ; NX
    mov dword [PTE(0x200000)], P1 | 7
    mov dword [PTE(0x201000)], XPAGE | 7
    mov dword [PTE(0x201000) + 4], 0x80000000      ; NX
    mov dword [PTE(0x202000)], P1 | 7
    mov dword [PTE(0x202000) + 4], 0x00000100      ; bit 40: above MAXPHYADDR
    mov dword [P1], 0x12345678
    mov byte [XPAGE], 0xC3                         ; ret
    mov byte [0x800000], 0xC3

    mov eax, cr4
    or eax, 0x20                ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    mov ecx, 0xC0000080         ; EFER
    rdmsr
    or eax, 0x800               ; NXE
    wrmsr
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    PRINT "pae paging on", 10

    mov eax, [0x200000]
    VAL32 "read 200000", eax
    mov eax, [PTE(0x200000)]
    and eax, 0x60
    VAL32 "pte A/D after read", eax
    mov dword [0x200010], 1
    mov eax, [PTE(0x200000)]
    and eax, 0x60
    VAL32 "pte A/D after write", eax
    mov dword [0x401234], 0xFEEDF00D
    mov eax, [0x601234]
    VAL32 "2M alias read", eax
    mov eax, [PD0 + 2*8]
    and eax, 0xE0
    VAL32 "2M pde written", eax
    mov eax, [PD0 + 3*8]
    and eax, 0xE0
    VAL32 "2M pde read", eax
    mov eax, [PDPT]
    VAL32 "pdpte (no A bit in PAE PDPTEs)", eax

    PRINT "read NX page: "
    TRY
    mov al, [0x201000]
    ENDTRY
    PRINT "fetch NX 4K page: "
    mov dword [exp_eip], 0x201000 - ROMBASE
    mov dword [resume_eip], .r1
    mov eax, 0x201000 - ROMBASE
    call eax
.r1:
    call show_cr2
    PRINT "fetch NX 2M page: "
    mov dword [exp_eip], 0x800000 - ROMBASE
    mov dword [resume_eip], .r2
    mov eax, 0x800000 - ROMBASE
    call eax
.r2:
    call show_cr2
    mov dword [PTE(0x203000)], 0
    PRINT "fetch not present: "
    mov dword [exp_eip], 0x203000 - ROMBASE
    mov dword [resume_eip], .r3
    mov eax, 0x203000 - ROMBASE
    call eax
.r3:
    call show_cr2
    PRINT "read reserved bit 40: "
    TRY
    mov eax, [0x202008]
    ENDTRY
    call show_cr2
    PRINT "write reserved bit 40: "
    TRY
    mov dword [0x202008], 0
    ENDTRY
    ; executable page: the RET returns
    mov dword [PTE(0x201000) + 4], 0
    invlpg [0x201000]
    PRINT "fetch after clearing NX: "
    mov dword [resume_eip], .r4
    mov eax, 0x201000 - ROMBASE
    call eax
    PRINT "ok", 10
.r4:
    ; NXE off: bit 63 becomes reserved
    mov dword [PTE(0x201000) + 4], 0x80000000
    mov ecx, 0xC0000080
    rdmsr
    and eax, ~0x800
    wrmsr
    PRINT "read with bit 63 and NXE=0: "
    TRY
    mov al, [0x201000]
    ENDTRY
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    DONE

show_cr2:
    push eax
    mov eax, cr2
    VAL32 "  cr2", eax
    pop eax
    ret

gdt_tmpl:
    STD_GDT
    DESC ROMBASE, 0xFFFFF, ACC_CODE, FL_G32     ; 38 SEL_BIGCODE
gdt_tmpl_end:

    ROM_END
