; pm_task -- hardware task switching with 32-bit TSSs: JMP to a TSS, CALL
; through a task gate (NT, back link, busy bits), IRET back, an interrupt
; and an exception (with error code) through task gates, CALL to a busy
; task, CR0.TS.  All tasks run at CPL 0 without paging.
%include "lib.inc"

SEL_TSS_MAIN equ 0x38
SEL_TSS_A    equ 0x40
SEL_TSS_B    equ 0x48
SEL_TSS_C    equ 0x50
SEL_TSS_D    equ 0x58
SEL_GATE_B   equ 0x60           ; task gate -> TSS B
SEL_NP       equ 0x68           ; a not-present data segment

TSS_MAIN equ TSS_AREA
TSS_A    equ TSS_AREA + 0x100
TSS_B    equ TSS_AREA + 0x200
TSS_C    equ TSS_AREA + 0x300
TSS_D    equ TSS_AREA + 0x400

SAVED_EFL equ TEST_VARS         ; EFLAGS captured at a task's entry

; 32-bit TSS fields
T_LINK   equ 0x00
T_CR3    equ 0x1C
T_EIP    equ 0x20
T_EFLAGS equ 0x24
T_EAX    equ 0x28
T_EBX    equ 0x34
T_ESP    equ 0x38
T_ES     equ 0x48
T_CS     equ 0x4C
T_SS     equ 0x50
T_DS     equ 0x54
T_FS     equ 0x58
T_GS     equ 0x5C
T_LDT    equ 0x60
T_IOMAP  equ 0x66

; MAKE_TSS addr, eip, esp, eflags, regbase
;   EAX..EDI (not ESP) = regbase + register number, flat ring-0 segments.
%macro MAKE_TSS 5
    mov edi, %1
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    mov dword [%1 + T_EIP], %2
    mov dword [%1 + T_ESP], %3
    mov dword [%1 + T_EFLAGS], %4
%assign r 0
%rep 8
  %if r != 4
    mov dword [%1 + T_EAX + r*4], (%5) + r
  %endif
  %assign r r+1
%endrep
    mov dword [%1 + T_CS], SEL_CODE32
    mov eax, SEL_DATA
    mov [%1 + T_ES], eax
    mov [%1 + T_SS], eax
    mov [%1 + T_DS], eax
    mov [%1 + T_FS], eax
    mov [%1 + T_GS], eax
    mov word [%1 + T_IOMAP], 0x68
%endmacro

; TYPE sel: prints the type nibble of a GDT descriptor (9 = available TSS,
; B = busy).
%macro TYPE 1
    push eax
    mov al, [GDT_ADDR + (%1) + 5]
    and al, 0x0F
    call pm_hex_nibble
    pop eax
%endmacro

; SHOW_TYPES: "main=B A=9 B=9 C=9 D=9"
%macro SHOW_TYPES 0
    PRINT "main="
    TYPE SEL_TSS_MAIN
    PRINT " A="
    TYPE SEL_TSS_A
    PRINT " B="
    TYPE SEL_TSS_B
    PRINT " C="
    TYPE SEL_TSS_C
    PRINT " D="
    TYPE SEL_TSS_D
%endmacro

start:
    RM_INIT
    PRINT "pm_task", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end

    MAKE_TSS TSS_MAIN, 0, 0, 0, 0   ; filled in by the first switch away
    MAKE_TSS TSS_A, task_a, 0xA000, 0x00000002 | 0x41, 0xA0000000  ; ZF CF
    MAKE_TSS TSS_B, task_b, 0xB000, 0x00000002, 0xB0000000
    MAKE_TSS TSS_C, task_c, 0xC000, 0x00000002, 0xC0000000
    MAKE_TSS TSS_D, task_d, 0xD000, 0x00000002, 0xD0000000
    mov ax, SEL_TSS_MAIN
    ltr ax
    PRINT "after ltr: "
    SHOW_TYPES
    PRINT 10

; ---------------------------------------------------------------- JMP to a TSS
    mov eax, cr0
    and al, ~8                      ; clear CR0.TS (CLTS)
    mov cr0, eax
    mov ebx, 0x12345678
    mov esi, 0x5A5A5A5A
    mov edi, 0xA5A5A5A5
    mov ebp, 0x0BADF00D
    jmp SEL_TSS_A:0
back_from_a:
    pushfd
    pop dword [SAVED_EFL]
    PRINT "main again: regs "
    cmp ebx, 0x12345678
    jne .bad
    cmp esi, 0x5A5A5A5A
    jne .bad
    cmp edi, 0xA5A5A5A5
    jne .bad
    cmp ebp, 0x0BADF00D
    jne .bad
    PRINT "ok"
    jmp .regs
.bad:
    PRINT "BAD"
.regs:
    mov eax, esp
    PRINT " esp="
    HEX32 eax
    str ax
    PRINT " tr="
    HEX16 ax
    mov eax, cr0
    and eax, 8
    PRINT " cr0.ts="
    HEX8 al
    PRINT 10
    PRINT "  "
    SHOW_TYPES
    PRINT 10
    clts

; ---------------------------------------------------------------- CALL via task gate
    call SEL_GATE_B:0
after_b:
    pushfd
    pop eax
    and eax, EFLAGS_NT
    PRINT "main after iret from B: nt="
    HEX32 eax
    mov eax, [TSS_B + T_EFLAGS]
    and eax, EFLAGS_NT
    PRINT " B's saved nt="
    HEX32 eax
    PRINT 10
    PRINT "  "
    SHOW_TYPES
    PRINT 10

    PRINT "call to busy main task: "
    TRY
    call SEL_TSS_MAIN:0
    ENDTRY
    PRINT "jmp to busy main task: "
    TRY
    jmp SEL_TSS_MAIN:0
    ENDTRY

; ---------------------------------------------------------------- INT via task gate
    SET_IDT_TASK 0x50, SEL_TSS_C
    mov ebx, 0x50505050
    int 0x50
    PRINT "main after int 50: ebx="
    HEX32 ebx
    PRINT 10
    SET_IDT_TASK 0x50, SEL_TSS_C
    int 0x50                        ; task C resumes after its IRET
    PRINT "main after 2nd int 50", 10

; ---------------------------------------------------------------- #NP via task gate
    SET_IDT_TASK 11, SEL_TSS_D
    mov ax, SEL_NP
np_fault:
    mov ds, ax
    PRINT "mov ds,np: no exception?!", 10
np_resume:
    mov ax, ds
    PRINT "main resumed after #NP: ds="
    HEX16 ax
    PRINT 10
    PRINT "  "
    SHOW_TYPES
    PRINT 10
    DONE

; ---------------------------------------------------------------- task A
task_a:
    pushfd
    pop dword [SAVED_EFL]
    PRINT "task A: regs "
    HEX32 eax
    PRINT " "
    HEX32 ecx
    PRINT " "
    HEX32 edx
    PRINT " "
    HEX32 ebx
    PRINT " "
    HEX32 ebp
    PRINT " "
    HEX32 esi
    PRINT " "
    HEX32 edi
    PRINT 10
    PRINT "  eflags="
    HEX32 [SAVED_EFL]
    str ax
    PRINT " tr="
    HEX16 ax
    mov eax, esp
    PRINT " esp="
    HEX32 eax
    mov ax, ds
    PRINT " ds="
    HEX16 ax
    mov eax, cr0
    and eax, 8
    PRINT " cr0.ts="
    HEX8 al
    PRINT 10
    PRINT "  main's TSS: eip "
    cmp dword [TSS_MAIN + T_EIP], back_from_a
    je .eipok
    PRINT "BAD "
    jmp .ebx
.eipok:
    PRINT "ok "
.ebx:
    PRINT "ebx="
    HEX32 [TSS_MAIN + T_EBX]
    PRINT " link="
    HEX16 [TSS_A + T_LINK]
    PRINT 10
    PRINT "  "
    SHOW_TYPES
    PRINT 10
    jmp SEL_TSS_MAIN:0

; ---------------------------------------------------------------- task B
task_b:
    pushfd
    pop dword [SAVED_EFL]
    mov eax, [SAVED_EFL]
    and eax, EFLAGS_NT
    PRINT "task B: nt="
    HEX32 eax
    PRINT " link="
    HEX16 [TSS_B + T_LINK]
    PRINT " main saved eip "
    cmp dword [TSS_MAIN + T_EIP], after_b
    je .ok
    PRINT "BAD"
    jmp .types
.ok:
    PRINT "ok"
.types:
    PRINT 10
    PRINT "  "
    SHOW_TYPES
    PRINT 10
    iretd                           ; NT=1: back to main through the link
    PRINT "task B resumed?!", 10
    FAIL_EXIT

; ---------------------------------------------------------------- task C
task_c:
    pushfd
    pop dword [SAVED_EFL]
    mov eax, [SAVED_EFL]
    and eax, EFLAGS_NT
    PRINT "task C (int 50): nt="
    HEX32 eax
    PRINT " link="
    HEX16 [TSS_C + T_LINK]
    mov eax, 0xC000
    sub eax, esp
    PRINT " pushed bytes="
    HEX32 eax
    PRINT 10
    iretd
    PRINT "task C resumed after its iret", 10
    iretd

; ---------------------------------------------------------------- task D
task_d:
    mov ebp, esp
    PRINT "task D (#NP): err="
    HEX32 [ebp]
    PRINT " link="
    HEX16 [TSS_D + T_LINK]
    PRINT " main saved eip "
    cmp dword [TSS_MAIN + T_EIP], np_fault
    je .ok
    PRINT "BAD"
    jmp .fix
.ok:
    PRINT "ok"
.fix:
    PRINT 10
    mov dword [TSS_MAIN + T_EIP], np_resume
    add esp, 4                      ; drop the error code
    iretd

; pm_hex_nibble: prints the low nibble of AL
pm_hex_nibble:
    push eax
    shl eax, 28
    push ecx
    mov ecx, 1
    jmp pm_hexn

gdt_tmpl:
    STD_GDT
    DESC TSS_MAIN, 0x67, ACC_TSS32, FL_16           ; 38
    DESC TSS_A,    0x67, ACC_TSS32, FL_16           ; 40
    DESC TSS_B,    0x67, ACC_TSS32, FL_16           ; 48
    DESC TSS_C,    0x67, ACC_TSS32, FL_16           ; 50
    DESC TSS_D,    0x67, ACC_TSS32, FL_16           ; 58
    TASKGATE SEL_TSS_B, ACC_TASKGATE                ; 60
    DESC 0, 0xFFFFF, ACC_DATA & 0x7F, FL_G32        ; 68 not present
gdt_tmpl_end:

    ROM_END
