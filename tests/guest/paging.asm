; paging -- 32-bit two-level paging: 4 KiB and 4 MiB (PSE) mappings,
; accessed/dirty bits, page-fault error codes and CR2 for every
; present/write/user combination, CR0.WP, U/S in the directory entry,
; global pages surviving a CR3 reload and flushed by toggling CR4.PGE,
; INVLPG.
;
; Memory: PD at 10000, PT0 (identity 0-4 MiB, user+write) at 11000, PT1
; (4-8 MiB, the test pages) at 12000.  Test pages at linear 7A0000-7A2FFF
; map physical 20000/21000.  The test code runs in a 4 GiB-limit code
; segment with base F0000 so a near jump can reach any linear address.
;
; Note: QEMU flushes global entries on every CR3 load; the SDM allows
; either outcome for "global survives", x86pc and Bochs keep them (see
; README).
%include "lib.inc"

SEL_BIGCODE equ 0x38            ; base F0000, limit 4 GiB, 32-bit
SEL_TSS     equ 0x40

PD      equ 0x10000
PT0     equ 0x11000
PT1     equ 0x12000
P1      equ 0x20000
P2      equ 0x21000
TP      equ 0x7A0000            ; test page
G1      equ 0x7A1000            ; global page
NG      equ 0x7A2000            ; non-global page
%define PTE(l) (PT1 + (((l) >> 12) & 0x3FF) * 4)
TSS     equ TSS_AREA
SAVED_ESP equ TEST_VARS

start:
    RM_INIT
    PRINT "paging", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end
    jmp SEL_BIGCODE:big
big:
    ; TSS for ring transitions: ESP0 below the main stack
    mov edi, TSS
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    mov dword [TSS + 4], STACK0_TOP - 0x800
    mov dword [TSS + 8], SEL_DATA
    mov word [TSS + 0x66], 0x68
    mov ax, SEL_TSS
    ltr ax
    SET_IDT 0x80, user_back, ACC_INTGATE | DPL3

    ; page directory and tables
    mov edi, PD
    xor eax, eax
    mov ecx, 3 * 1024
    rep stosd
    mov dword [PD + 0], PT0 | 7
    mov dword [PD + 4], PT1 | 7
    mov edi, PT0
    mov eax, 7
.id: stosd
    add eax, 0x1000
    cmp edi, PT0 + 4096
    jb .id
    mov dword [P1], 0x11111111
    mov dword [P2], 0x22222222
    mov dword [PTE(TP)], P1 | 7
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    PRINT "paging on", 10

; ---------------------------------------------------------------- 4K + A/D
    mov eax, [TP]
    VAL32 "read 7A0000", eax
    mov eax, [PTE(TP)]
    and eax, 0x60
    VAL32 "pte A/D after read", eax
    mov eax, [PD + 4]
    and eax, 0x60
    VAL32 "pde A/D", eax
    mov dword [TP + 0xFFC], 0x33333333
    mov eax, [PTE(TP)]
    and eax, 0x60
    VAL32 "pte A/D after write", eax
    mov eax, [P1 + 0xFFC]
    VAL32 "phys 20FFC", eax

; ---------------------------------------------------------------- 4M pages
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov dword [PD + 8], 0x00C00000 | 0x87     ; 800000 -> C00000, 4 MiB
    mov dword [PD + 12], 0x00C00000 | 0x87    ; C00000 -> C00000
    mov dword [0x801234], 0xCAFEBABE
    mov eax, [0xC01234]
    VAL32 "4M alias read", eax
    mov eax, [PD + 8]
    and eax, 0xE0
    VAL32 "4M pde written", eax
    mov eax, [PD + 12]
    and eax, 0xE0
    VAL32 "4M pde read", eax
    ; a page crossing access spanning the 4K and 4M mappings' ends
    mov dword [0xBFFFFE], 0x55667788
    mov eax, [0xBFFFFE]
    VAL32 "4M crossing", eax

; ---------------------------------------------------------------- error codes
    mov dword [PTE(TP)], 0
    invlpg [TP]
    PRINT "sup read not present: "
    TRY
    mov eax, [TP + 4]
    ENDTRY
    call show_cr2
    PRINT "sup write not present: "
    TRY
    mov dword [TP + 8], 1
    ENDTRY
    call show_cr2

    mov dword [PTE(TP)], P1 | 5            ; user, read-only
    invlpg [TP]
    PRINT "sup write read-only, WP=0: "
    TRY
    mov dword [TP + 0x10], 0x44444444
    ENDTRY
    mov eax, cr0
    or eax, 0x10000                        ; WP
    mov cr0, eax
    PRINT "sup write read-only, WP=1: "
    TRY
    mov dword [TP + 0x14], 0x44444444
    ENDTRY
    call show_cr2
    PRINT "sup read read-only, WP=1: "
    TRY
    mov eax, [TP + 0x10]
    ENDTRY
    VAL32 "  value", eax

    ; user accesses (ring 3 through do_user)
    mov dword [PTE(TP)], P1 | 3            ; supervisor page
    invlpg [TP]
    mov ebx, u_read
    call do_user
    call show_cr2
    mov ebx, u_write
    call do_user
    call show_cr2
    mov dword [PTE(TP)], P1 | 5            ; user read-only
    invlpg [TP]
    mov ebx, u_read
    call do_user
    mov ebx, u_write
    call do_user
    call show_cr2
    mov dword [PTE(TP)], P1 | 7            ; user read-write
    invlpg [TP]
    mov ebx, u_write
    call do_user
    mov dword [PTE(TP)], 0                 ; not present
    invlpg [TP]
    mov ebx, u_read
    call do_user
    mov ebx, u_write
    call do_user
    mov dword [PTE(TP)], P1 | 7
    mov dword [PD + 4], PT1 | 3            ; directory entry: supervisor
    mov eax, cr3
    mov cr3, eax
    mov ebx, u_read
    call do_user
    mov dword [PD + 4], PT1 | 5            ; directory entry: read-only
    mov eax, cr3
    mov cr3, eax
    mov ebx, u_write
    call do_user
    mov dword [PD + 4], PT1 | 7
    mov eax, cr3
    mov cr3, eax

    ; instruction fetch from a not-present page (no I/D bit without NXE)
    mov dword [PTE(TP)], 0
    invlpg [TP]
    PRINT "fetch not present: "
    mov dword [exp_eip], TP - ROMBASE
    mov dword [resume_eip], .fetch_resume
    mov eax, TP - ROMBASE
    jmp eax
.fetch_resume:
    call show_cr2

; ---------------------------------------------------------------- global pages
    mov eax, cr4
    or eax, 0x80                           ; PGE
    mov cr4, eax
    mov dword [PTE(G1)], P1 | 0x107        ; global
    mov dword [PTE(NG)], P1 | 7
    mov dword [P1], 0x41414141
    mov dword [P2], 0x42424242
    mov eax, [G1]
    mov eax, [NG]
    mov dword [PTE(G1)], P2 | 0x107        ; remap both without INVLPG
    mov dword [PTE(NG)], P2 | 7
    mov eax, cr3
    mov cr3, eax
    mov eax, [G1]
    VAL32 "global after cr3 reload", eax
    mov eax, [NG]
    VAL32 "non-global after cr3 reload", eax
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax
    or eax, 0x80
    mov cr4, eax
    mov eax, [G1]
    VAL32 "global after PGE toggle", eax
    mov dword [PTE(NG)], P1 | 7
    invlpg [NG]
    mov eax, [NG]
    VAL32 "after invlpg", eax
    mov dword [PTE(G1)], P1 | 0x107
    invlpg [G1]
    mov eax, [G1]
    VAL32 "global after invlpg", eax

    ; cross-mapping SMC: code at physical 30000 runs through the identity
    ; mapping, is patched through the alias 7A0000, and runs again
    mov dword [PTE(TP)], 0x30000 | 7
    invlpg [TP]
    mov dword [0x30000], 0x001111B8         ; mov eax, 1111h
    mov dword [0x30004], 0x0000C300         ; ret
    mov eax, 0x30000 - ROMBASE
    call eax
    VAL32 "code at 30000", eax
    mov word [TP + 1], 0x2222
    mov eax, 0x30000 - ROMBASE
    call eax
    VAL32 "after patch through alias", eax

    ; paging off again: identity
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    mov eax, [P1]
    VAL32 "paging off, phys 20000", eax
    DONE

show_cr2:
    push eax
    mov eax, cr2
    VAL32 "  cr2", eax
    pop eax
    ret

; do_user: runs the ring-3 routine at EBX (an offset in the ROM); it ends
; with INT 80, which returns here.  EFLAGS IOPL=3 lets it print.
do_user:
    mov [SAVED_ESP], esp
    push dword SEL_DATA_R3
    push dword STACK3_TOP
    push dword 0x3002
    push dword SEL_CODE32_R3
    push ebx
    mov ax, SEL_DATA_R3
    mov ds, ax
    mov es, ax
    iretd
user_back:
    jmp SEL_BIGCODE:.big        ; the gate entered through SEL_CODE32
.big:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov esp, [SAVED_ESP]
    ret

u_read:
    PRINT "user read: "
    TRY
    mov eax, [TP + 0x20]
    ENDTRY
    int 0x80
u_write:
    PRINT "user write: "
    TRY
    mov dword [TP + 0x24], 0x66666666
    ENDTRY
    int 0x80

gdt_tmpl:
    STD_GDT
    DESC ROMBASE, 0xFFFFF, ACC_CODE, FL_G32     ; 38 SEL_BIGCODE
    DESC TSS, 0x67, ACC_TSS32, FL_16            ; 40 SEL_TSS
gdt_tmpl_end:

    ROM_END
