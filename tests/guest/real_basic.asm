; real_basic -- real-mode basics: arithmetic and flags, the stack, far
; CALL/RET, INT n through the IVT and IRET, exceptions in real mode (#DE,
; INT3, INTO) and string instructions with REP.
;
; Only flags that the SDM defines for each instruction are printed (masked).
%include "lib.inc"

FLAGS_ARITH equ 0x08D5          ; OF SF ZF AF PF CF
STRBUF      equ 0x0800          ; RAM scratch for the string tests
RESUME_IP   equ TEST_VARS       ; word: where the #DE handler resumes
EXP_IP      equ TEST_VARS+2     ; word: IP the next exception must push

SAVED_FL    equ TEST_VARS+4     ; word: FLAGS saved by SAVEFL

; SAVEFL: saves FLAGS right after the instruction under test (PRINT and
; HEXnn clobber the flags).  SHOWFL mask: prints " fl=XXXX" = saved & mask.
%macro SAVEFL 0
    pushf
    pop word [SAVED_FL]
%endmacro
%macro SHOWFL 1
    push ax
    mov ax, [SAVED_FL]
    and ax, %1
    PRINT " fl="
    call rm_hex16
    pop ax
%endmacro

start:
    RM_INIT
    PRINT "real_basic", 10

; ---------------------------------------------------------------- arithmetic
    mov ax, 0x1234
    add ax, 0xF00F              ; 0x10243: carry out, AF from 4+F
    SAVEFL
    PRINT "add ax="
    HEX16 ax
    SHOWFL FLAGS_ARITH
    PRINT 10

    mov ax, 0x8000
    sub ax, 1                   ; signed overflow, borrow from bit 4
    SAVEFL
    PRINT "sub ax="
    HEX16 ax
    SHOWFL FLAGS_ARITH
    PRINT 10

    mov eax, 0xFFFFFFFF         ; 64-bit add with ADC (32-bit operands)
    xor edx, edx
    add eax, 1
    adc edx, 0
    SAVEFL
    PRINT "adc edx:eax="
    HEX32 edx
    PRINT ":"
    HEX32 eax
    SHOWFL FLAGS_ARITH
    PRINT 10

    mov ax, 5                   ; SBB with borrow in, result negative
    stc
    sbb ax, 7
    SAVEFL
    PRINT "sbb ax="
    HEX16 ax
    SHOWFL FLAGS_ARITH
    PRINT 10

    mov ax, 0x1234
    mov bx, 0x5678
    mul bx                      ; DX:AX = 0626:0060, CF=OF=1
    SAVEFL
    PRINT "mul dx:ax="
    HEX16 dx
    PRINT ":"
    HEX16 ax
    SHOWFL 0x0801
    PRINT 10

    mov bx, 0x5678
    div bx                      ; back to 1234, remainder 0
    PRINT "div ax="
    HEX16 ax
    PRINT " dx="
    HEX16 dx
    PRINT 10

    mov ax, -100
    mov bl, 7
    idiv bl                     ; AL=-14 (F2), AH=-2 (FE): truncation
    PRINT "idiv ax="
    HEX16 ax
    PRINT 10

    mov ecx, 0x10
    imul eax, ecx, -3           ; three-operand IMUL, 32-bit
    SAVEFL
    PRINT "imul eax="
    HEX32 eax
    SHOWFL 0x0801
    PRINT 10

    mov ax, 0x8421
    rol ax, 4                   ; 4218
    shr ax, 1                   ; 210C, CF=0
    SAVEFL
    PRINT "rol/shr ax="
    HEX16 ax
    SHOWFL 0x0001
    mov al, 0x81
    stc
    rcr al, 1                   ; C0, CF=1
    SAVEFL
    PRINT " rcr al="
    HEX8 al
    SHOWFL 0x0001
    PRINT 10

    mov eax, 0x12345678
    mov edx, 0x9ABCDEF0
    shld eax, edx, 8            ; 3456789A
    PRINT "shld eax="
    HEX32 eax
    mov ax, 0x0180
    bsf cx, ax                  ; 7
    bsr dx, ax                  ; 8
    PRINT " bsf="
    HEX16 cx
    PRINT " bsr="
    HEX16 dx
    PRINT 10

    mov al, 0x80
    cbw                         ; FF80
    cwd                         ; DX=FFFF
    movsx ebx, ax               ; FFFFFF80
    movzx ecx, ax               ; 0000FF80
    PRINT "cbw/cwd dx:ax="
    HEX16 dx
    PRINT ":"
    HEX16 ax
    PRINT " movsx="
    HEX32 ebx
    PRINT " movzx="
    HEX32 ecx
    PRINT 10

; ---------------------------------------------------------------- stack
    mov bx, sp
    push sp                     ; 286+: pushes SP as it was before the push
    pop ax
    PRINT "push sp: sp-pushed="
    sub bx, ax
    HEX16 bx
    PRINT 10

    mov ax, 0x1111
    mov cx, 0x2222
    mov dx, 0x3333
    mov bx, 0x4444
    mov bp, 0x5555
    mov si, 0x6666
    mov di, 0x7777
    push sp
    pusha
    xor ax, ax
    mov cx, ax
    mov dx, ax
    mov bx, ax
    mov bp, ax
    mov si, ax
    mov di, ax
    mov bp, sp
    mov ax, [bp+6]              ; the SP value PUSHA stored
    mov bx, [bp+16]             ; the value PUSH SP stored just before
    sub bx, 2
    sub ax, bx                  ; 0: PUSHA stores SP before the first push
    PRINT "pusha: sp-slot="
    HEX16 ax
    popa                        ; restores all but SP
    add sp, 2
    PRINT " popa: "
    HEX16 ax
    HEX16 cx
    HEX16 dx
    HEX16 bx
    HEX16 bp
    HEX16 si
    HEX16 di
    PRINT 10

    mov bp, 0xABCD
    mov bx, sp
    enter 8, 0                  ; push bp; bp=sp; sp-=8
    mov ax, bx
    sub ax, bp                  ; 2
    mov cx, bp
    sub cx, sp                  ; 8
    mov dx, [bp]                ; saved BP
    leave
    sub bx, sp                  ; 0
    PRINT "enter: sp0-bp="
    HEX16 ax
    PRINT " bp-sp="
    HEX16 cx
    PRINT " [bp]="
    HEX16 dx
    PRINT " leave: sp0-sp="
    HEX16 bx
    PRINT " bp="
    HEX16 bp
    PRINT 10

; ---------------------------------------------------------------- far call/ret
    mov bx, sp
    call 0xF000:far_proc        ; direct far call
.ret1:
    PRINT "far call: ret ip "
    cmp ax, .ret1
    je .ok1
    PRINT "BAD "
    jmp .cs1
.ok1:
    PRINT "ok "
.cs1:
    PRINT "cs="
    HEX16 dx
    sub bx, sp
    PRINT " sp0-sp="
    HEX16 bx
    PRINT 10

    ; F000:x and EF00:x+1000 are the same linear address: the callee sees
    ; CS=EF00.  RETF 4 drops the two word arguments.
    mov bx, sp
    push word 0x1234
    push word 0x5678
    call 0xEF00:(far_args + 0x1000)
    sub bx, sp
    PRINT "far call alias: cs="
    HEX16 dx
    PRINT " args="
    HEX16 cx
    HEX16 ax
    PRINT " sp0-sp="
    HEX16 bx
    PRINT 10

    call far [cs:far_ptr]       ; indirect far call through memory
    PRINT "far call indirect: cs="
    HEX16 dx
    PRINT 10
    jmp far [cs:jmp_ptr]        ; indirect far jump
    PRINT "jmp far: not taken?!", 10
jmp_target:
    push cs                     ; CS=EFF0 here: no PRINT (it reads CS:string)
    pop ax
    jmp 0xF000:jmp_back         ; and back to CS=F000
jmp_back:
    PRINT "jmp far: cs="
    HEX16 ax
    PRINT 10

; ---------------------------------------------------------------- INT n / IRET
    ; The PIC is masked so that STI cannot let a timer interrupt in.
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    mov word [0x40*4], int40_handler
    mov word [0x40*4+2], 0xF000
    mov bx, sp
    xor ax, ax
    sti
    clc
    int 0x40                    ; handler: AX=BEEF, sets CF in the saved FLAGS
after40:
    pushf
    pop cx
    cli
    sub bx, sp
    PRINT "int 40: ax="
    HEX16 ax
    PRINT " IF,CF after iret="
    and cx, EFLAGS_IF | EFLAGS_CF
    HEX16 cx
    PRINT " sp0-sp="
    HEX16 bx
    PRINT 10

    ; INT3 and INTO are traps: the pushed IP is the next instruction.
    mov word [3*4], trap_handler
    mov word [3*4+2], 0xF000
    mov word [4*4], trap_handler
    mov word [4*4+2], 0xF000
    mov word [EXP_IP], .after_int3
    int3
.after_int3:
    mov word [EXP_IP], .after_into
    mov al, 0x7F
    add al, 1                   ; OF=1
    into
.after_into:
    mov al, 1
    add al, 1                   ; OF=0: INTO does nothing
    into
    PRINT "into with OF=0: no trap", 10

    ; #DE is a fault: the pushed IP is the DIV itself (286 and later).
    mov word [0*4], de_handler
    mov word [0*4+2], 0xF000
    mov word [EXP_IP], .div0
    mov word [RESUME_IP], .de_resume
    xor cl, cl
    mov ax, 100
.div0:
    div cl
    PRINT "div by zero: no fault?!", 10
.de_resume:
    mov word [EXP_IP], .div_ovf
    mov word [RESUME_IP], .de_resume2
    mov ax, 0x1000
    mov cl, 2
.div_ovf:
    div cl                      ; quotient 800 does not fit in AL
    PRINT "div overflow: no fault?!", 10
.de_resume2:

; ---------------------------------------------------------------- strings
    ; REP MOVSB from the ROM (DS=F000) to RAM (ES=0)
    push ds
    mov ax, cs
    mov ds, ax
    mov si, str_hello
    mov di, STRBUF
    mov cx, str_hello_len
    rep movsb
    pop ds
    PRINT "movsb: cx="
    HEX16 cx
    PRINT " si-src="
    sub si, str_hello
    HEX16 si
    PRINT " di="
    HEX16 di
    PRINT 10

    ; REP OUTSB prints the copy from RAM (DS=0)
    PRINT "outsb: "
    mov si, STRBUF
    mov cx, str_hello_len
    mov dx, DBG_PORT
    rep outsb
    PRINT 10

    ; REPE CMPSB: "hello world" vs "hello there" differ at index 6
    push ds
    mov ax, cs
    mov ds, ax
    mov si, str_there
    mov di, STRBUF
    mov cx, str_hello_len
    repe cmpsb
    pop ds
    SAVEFL
    PRINT "repe cmpsb: cx="
    HEX16 cx
    sub si, str_there
    PRINT " si="
    HEX16 si
    SHOWFL FLAGS_ARITH          ; CMP 't' - 'w'
    PRINT 10

    ; REPNE SCASB: first 'o' at index 4
    mov di, STRBUF
    mov cx, str_hello_len
    mov al, 'o'
    repne scasb
    SAVEFL
    PRINT "repne scasb: cx="
    HEX16 cx
    PRINT " di="
    HEX16 di
    SHOWFL 0x0040
    PRINT 10

    ; REP STOSW
    mov di, STRBUF+0x20
    mov ax, 0x4241              ; "AB"
    mov cx, 4
    rep stosw
    PRINT "stosw: di="
    HEX16 di
    PRINT " buf="
    mov si, STRBUF+0x20
    mov cx, 8
    mov dx, DBG_PORT
    rep outsb
    PRINT 10

    ; backward overlapping REP MOVSW (STD) on "ABCDEFGH"
    mov dword [STRBUF], 'ABCD'
    mov dword [STRBUF+4], 'EFGH'
    std
    mov si, STRBUF+5
    mov di, STRBUF+7
    mov cx, 3
    rep movsw                   ; moves words at 5,3,1 to 7,5,3
    cld
    PRINT "std movsw: si="
    HEX16 si
    PRINT " di="
    HEX16 di
    PRINT " buf="
    mov si, STRBUF
    mov cx, 8
    mov dx, DBG_PORT
    rep outsb
    PRINT 10

    ; REP with CX=0 does nothing, not even to the flags
    mov si, STRBUF
    mov di, STRBUF+1
    xor cx, cx
    stc                         ; CF=1, and XOR left ZF=1 PF=1 (AF undefined)
    repe cmpsb
    SAVEFL
    PRINT "rep cx=0: si="
    HEX16 si
    PRINT " di="
    HEX16 di
    SHOWFL 0x08C5
    PRINT 10

    ; 32-bit REP MOVSD and LODSW
    mov dword [STRBUF], 0x11223344
    mov dword [STRBUF+4], 0x55667788
    mov si, STRBUF
    mov di, STRBUF+0x10
    mov ecx, 2
    rep movsd
    mov si, STRBUF+0x10
    lodsw
    mov bx, ax
    lodsw
    PRINT "movsd/lodsw: "
    HEX16 ax
    HEX16 bx
    PRINT " ecx="
    HEX32 ecx
    PRINT " [di-4]="
    HEX32 [di-4]
    PRINT 10

    DONE

; ---------------------------------------------------------------- subroutines
; far_proc: returns AX = return IP, DX = return CS (from the stack).
far_proc:
    push bp
    mov bp, sp
    mov ax, [bp+2]
    mov dx, [bp+4]
    pop bp
    retf

; far_args (called as EF00:far_args+1000): DX = CS, CX:AX = the two args.
far_args:
    push bp
    mov bp, sp
    mov dx, cs
    mov cx, [bp+8]              ; first pushed
    mov ax, [bp+6]              ; second pushed
    pop bp
    retf 4

far_ptr:
    dw far_proc2, 0xF000
jmp_ptr:
    dw (jmp_target + 0x100), 0xEFF0 ; the same linear address as F000:jmp_target
far_proc2:
    mov dx, cs
    retf

; int40_handler: checks the frame pushed by INT 40 (IP, CS, FLAGS) and that
; IF was cleared; returns AX=BEEF and sets CF in the saved FLAGS.
int40_handler:
    push bp
    mov bp, sp
    pushf
    pop cx
    PRINT "in int 40: ip "
    cmp word [bp+2], after40
    je .ipok
    PRINT "BAD "
    jmp .cs
.ipok:
    PRINT "ok "
.cs:
    PRINT "cs="
    HEX16 [bp+4]
    PRINT " saved IF="
    mov ax, [bp+6]
    and ax, EFLAGS_IF
    HEX16 ax
    PRINT " IF now="
    and cx, EFLAGS_IF | EFLAGS_TF
    HEX16 cx
    PRINT 10
    or word [bp+6], EFLAGS_CF
    mov ax, 0xBEEF
    pop bp
    iret

; trap_handler (vectors 3 and 4): prints which one by the return IP.
trap_handler:
    push bp
    mov bp, sp
    push ax
    PRINT "trap: ip "
    mov ax, [bp+2]
    cmp ax, [EXP_IP]
    je .ok
    PRINT "BAD "
    HEX16 ax
.ok:
    PRINT "ok", 10
    pop ax
    pop bp
    iret

; de_handler: the pushed IP must be the DIV; resumes at RESUME_IP.
de_handler:
    push bp
    mov bp, sp
    push ax
    PRINT "#DE: ip "
    mov ax, [bp+2]
    cmp ax, [EXP_IP]
    je .ok
    PRINT "BAD "
    HEX16 ax
.ok:
    PRINT "ok", 10
    mov ax, [RESUME_IP]
    mov [bp+2], ax
    pop ax
    pop bp
    iret

str_hello: db "hello world"
str_hello_len equ $ - str_hello
str_there: db "hello there"

    ROM_END
