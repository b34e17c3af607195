; debug_regs -- debug registers and single-step: an instruction breakpoint
; (a fault, resumed with RF), data write and read/write breakpoints (traps),
; DR7.GD (general detect), and TF single-stepping over a few instructions.
;
; The #DB handler only records EIP and DR6 and clears DR6; the main code
; prints the records afterwards.
%include "lib.inc"

DB_COUNT equ TEST_VARS          ; number of #DB taken
DB_RF    equ TEST_VARS + 4      ; nonzero: the handler sets RF in the frame
WATCH    equ TEST_VARS + 0x10   ; dword watched by the data breakpoints
DB_EIP   equ TEST_VARS + 0x40   ; 16 saved EIPs
DB_DR6   equ TEST_VARS + 0x80   ; 16 DR6 values
DB_EFL   equ TEST_VARS + 0xC0   ; 16 pushed EFLAGS
BUF      equ 0x6000             ; REP STOSB target (3000 bytes)

; DB_RESET: forget the recorded #DBs
%macro DB_RESET 0
    mov dword [DB_COUNT], 0
%endmacro

; DB_SHOW n, label: prints " eip ok dr6=XXXXXXXX" for record n, which must
; have EIP == label.
%macro DB_SHOW 2
    PRINT " eip "
    cmp dword [DB_EIP + (%1)*4], %2
    je %%ok
    PRINT "BAD="
    HEX32 [DB_EIP + (%1)*4]
    jmp %%dr6
%%ok:
    PRINT "ok"
%%dr6:
    PRINT " dr6="
    HEX32 [DB_DR6 + (%1)*4]
%endmacro

start:
    RM_INIT
    PRINT "debug_regs", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end
    SET_IDT 1, db_handler, ACC_INTGATE

    mov eax, dr6
    VAL32 "dr6 at start", eax
    mov eax, dr7
    VAL32 "dr7 at start", eax

; ---------------------------------------------------------------- instruction bp
    DB_RESET
    mov dword [DB_RF], 1            ; resume the faulting fetch with RF
    mov eax, ROMBASE + bp1          ; DR0 = linear address of bp1
    mov dr0, eax
    mov eax, 0x00000001             ; L0, RW0=00 (execute), LEN0=00
    mov dr7, eax
    mov eax, dr7
    xor ecx, ecx
    nop
bp1:
    mov ecx, 0x1234                 ; #DB before it, then it executes
    nop
    xor ebx, ebx
    mov dr7, ebx
    mov dword [DB_RF], 0
    PRINT "insn bp: dr7="
    HEX32 eax
    PRINT " count="
    HEX8 [DB_COUNT]
    DB_SHOW 0, bp1
    PRINT " ecx="
    HEX32 ecx
    PRINT 10

; ---------------------------------------------------------------- data write bp
    DB_RESET
    mov dword [WATCH], 0
    mov eax, WATCH
    mov dr1, eax
    mov eax, (1 << 2) | (01b << 20) | (11b << 22)   ; L1, RW1=write, LEN1=4
    mov dr7, eax
    mov eax, [WATCH]                ; a read: no trap
    mov byte [WATCH + 2], 5         ; a write inside the dword: trap after
w1_next:
    nop
    mov dword [WATCH + 4], 7        ; next dword: no trap
    xor ebx, ebx
    mov dr7, ebx
    PRINT "write bp: count="
    HEX8 [DB_COUNT]
    DB_SHOW 0, w1_next
    PRINT " [watch]="
    HEX32 [WATCH]
    PRINT 10

; ---------------------------------------------------------------- read/write bp
    DB_RESET
    mov eax, WATCH + 1
    mov dr3, eax
    mov eax, (1 << 6) | (11b << 28) | (00b << 30)   ; L3, RW3=read/write, LEN3=1
    mov dr7, eax
    mov eax, [WATCH]                ; reads byte WATCH+1 too: trap after
r1_next:
    mov al, [WATCH + 2]             ; does not touch WATCH+1
    xor ebx, ebx
    mov dr7, ebx
    PRINT "read/write bp: count="
    HEX8 [DB_COUNT]
    DB_SHOW 0, r1_next
    PRINT 10

; ---------------------------------------------------------------- general detect
    DB_RESET
    mov eax, 1 << 13                ; GD
    mov dr7, eax
    xor eax, eax
gd_mov:
    mov dr0, eax                    ; #DB (fault) with DR6.BD; GD is cleared
    mov eax, dr7
    PRINT "general detect: count="
    HEX8 [DB_COUNT]
    DB_SHOW 0, gd_mov
    PRINT " dr7 after="
    HEX32 eax
    PRINT 10
    xor eax, eax
    mov dr7, eax

; ---------------------------------------------------------------- single step
    DB_RESET
    pushfd
    or dword [esp], EFLAGS_TF
    popfd                           ; sets TF: no trap after the POPF itself
    nop
s1: mov eax, 1
s2: add eax, 2
s3: pushfd
s4: and dword [esp], ~EFLAGS_TF
s5: popfd                           ; clears TF, but TF was set when it began
s6: nop
    mov ebx, [DB_COUNT]
    PRINT "single step: count="
    HEX8 bl
    PRINT " eax="
    HEX32 eax
    PRINT 10
    PRINT " 1:"
    DB_SHOW 0, s1
    PRINT 10, " 2:"
    DB_SHOW 1, s2
    PRINT 10, " 3:"
    DB_SHOW 2, s3
    PRINT 10, " 4:"
    DB_SHOW 3, s4
    PRINT 10, " 5:"
    DB_SHOW 4, s5
    PRINT 10, " 6:"
    DB_SHOW 5, s6
    PRINT 10

; ---------------------------------------------------------------- REP and RF
    ; an instruction breakpoint on a long REP STOSB fires once: between
    ; iterations (interrupt windows) the CPU keeps RF set
    DB_RESET
    mov dword [DB_RF], 1
    mov eax, ROMBASE + bp_rep
    mov dr0, eax
    mov eax, 0x00000001
    mov dr7, eax
    mov edi, BUF
    mov ecx, 3000
    mov al, 0x5A
    cld
bp_rep:
    rep stosb
    xor ebx, ebx
    mov dr7, ebx
    mov dword [DB_RF], 0
    PRINT "insn bp on rep stosb: count="
    HEX8 [DB_COUNT]
    DB_SHOW 0, bp_rep
    PRINT " ecx="
    HEX32 ecx
    PRINT " last="
    HEX8 [BUF + 2999]
    PRINT 10

    ; single-stepping REP STOSB (3 iterations): a trap after each one, at
    ; the instruction again with RF = 1 pushed, then after it with RF = 0
    DB_RESET
    mov edi, BUF
    mov ecx, 3
    pushfd
    or dword [esp], EFLAGS_TF
    popfd
    nop
st_rep:
    rep stosb
st_after:
    pushfd
    and dword [esp], ~EFLAGS_TF
    popfd
    PRINT "single step rep stosb: count="
    HEX8 [DB_COUNT]
    PRINT 10, " 1:"
    DB_SHOW 1, st_rep
    PRINT " rf="
    mov eax, [DB_EFL + 4]
    shr eax, 16
    and eax, 1
    HEX8 al
    PRINT 10, " 2:"
    DB_SHOW 2, st_rep
    PRINT " rf="
    mov eax, [DB_EFL + 8]
    shr eax, 16
    and eax, 1
    HEX8 al
    PRINT 10, " 3:"
    DB_SHOW 3, st_after
    PRINT " rf="
    mov eax, [DB_EFL + 12]
    shr eax, 16
    and eax, 1
    HEX8 al
    PRINT 10

    mov eax, dr6
    VAL32 "dr6 at end", eax
    DONE

; db_handler: records EIP and DR6, clears DR6, optionally sets RF.
db_handler:
    push eax
    push ebx
    mov ebx, [DB_COUNT]
    cmp ebx, 16
    jae .full
    mov eax, dr6
    mov [DB_DR6 + ebx*4], eax
    mov eax, [esp + 8]              ; saved EIP
    mov [DB_EIP + ebx*4], eax
    mov eax, [esp + 16]             ; saved EFLAGS
    mov [DB_EFL + ebx*4], eax
.full:
    inc dword [DB_COUNT]
    xor eax, eax
    mov dr6, eax
    cmp dword [DB_RF], 0
    je .norf
    or dword [esp + 16], EFLAGS_RF  ; saved EFLAGS
.norf:
    pop ebx
    pop eax
    iretd

gdt_tmpl:
    STD_GDT
gdt_tmpl_end:

    ROM_END
