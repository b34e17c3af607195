; v86 -- virtual-8086 mode: a 32-bit ring-0 task enters V86 with IRETD
; (EFLAGS.VM=1) and runs real-mode style code.  With IOPL<3, CLI/INT n/HLT
; fault #GP(0) to the monitor (vector 13), which emulates them; after the
; monitor raises IOPL to 3, INT n goes through the IDT (DPL3 gate, data
; segments pushed and nulled).  IN/OUT always check the TSS I/O bitmap.
; V86 is left through INT 32.
%include "lib.inc"

SEL_TSS   equ 0x38
TSS       equ TSS_AREA
IOPB_OFS  equ 0x68
IOPB_LEN  equ 0x100
TSS_LIMIT equ IOPB_OFS + IOPB_LEN

V86_SS    equ 0x0700            ; V86 stack 0700:1000 = linear 8000
V86_SP    equ 0x1000

start:
    RM_INIT
    PRINT "v86", 10
    mov al, 0xFF                ; mask the PICs: STI in V86 must not let
    out 0x21, al                ; a timer interrupt in
    out 0xA1, al
    PM_ENTER gdt_tmpl, gdt_tmpl_end

    ; TSS: SS0:ESP0 and an I/O bitmap allowing only port E9
    mov edi, TSS
    xor eax, eax
    mov ecx, IOPB_OFS / 4
    rep stosd
    mov dword [TSS + 4], STACK0_TOP
    mov dword [TSS + 8], SEL_DATA
    mov word [TSS + 0x66], IOPB_OFS
    mov al, 0xFF
    mov ecx, IOPB_LEN + 1
    rep stosb
    and byte [TSS + IOPB_OFS + DBG_PORT / 8], ~(1 << (DBG_PORT % 8))
    mov ax, SEL_TSS
    ltr ax

    SET_IDT 13, v86_monitor, ACC_INTGATE
    SET_IDT 0x31, int31_handler, ACC_INTGATE | DPL3
    SET_IDT 0x32, leave_v86, ACC_INTGATE | DPL3

    ; IRETD to V86: the frame holds GS FS DS ES SS ESP EFLAGS CS EIP
    push dword 0                ; GS
    push dword 0                ; FS
    push dword 0                ; DS
    push dword 0x1234           ; ES
    push dword V86_SS
    push dword V86_SP
    push dword EFLAGS_VM | 2    ; IOPL 0
    push dword 0xF000
    push dword v86_code
    iretd

; ================================================================ V86 code
bits 16
v86_code:
    PRINT "in v86: cs="
    mov ax, cs
    HEX16 ax
    mov ax, ss
    mov bx, sp
    PRINT " ss:sp="
    HEX16 ax
    PRINT ":"
    HEX16 bx
    mov ax, es
    PRINT " es="
    HEX16 ax
    smsw ax                     ; not privileged
    PRINT " msw="
    HEX16 ax
    PRINT 10
    ; real-mode addressing: ES=1234 -> linear 12340
    mov word [es:0x10], 0xBEEF
    mov ax, 0x1235
    mov ds, ax
    mov bx, [0]                 ; the same linear address 12350
    xor ax, ax
    mov ds, ax
    PRINT "v86 1235:0000="
    HEX16 bx
    PRINT 10

    ; IOPL 0: these trap to the monitor
    cli
    hlt
    int 0x30                    ; the monitor raises IOPL to 3
    ; IOPL 3 now
    PRINT "v86 at iopl 3: flags="
    pushf
    pop ax
    and ax, 0x3200              ; IOPL and IF as PUSHF shows them
    HEX16 ax
    sti
    pushf
    pop ax
    and ax, EFLAGS_IF
    cli
    PRINT " after sti="
    HEX16 ax
    PRINT 10
    mov ax, 0x3131
    mov bx, sp
    int 0x31                    ; through the IDT
after_int31:
    sub bx, sp
    PRINT "v86 after int 31: ax="
    HEX16 ax
    PRINT " sp delta="
    HEX16 bx
    PRINT 10
    ; the I/O bitmap still applies
    mov al, 0
    in al, 0x80                 ; port 80 not allowed -> monitor sets AL=5A
    PRINT "v86 in al,80 -> al="
    HEX8 al
    PRINT 10
    mov dx, DBG_PORT
    mov ax, 0x0A21              ; "!\n" if it were allowed
    out dx, ax                  ; a word at E9 also needs port EA: denied
    int 0x32                    ; leave V86
    PRINT "still in v86?!", 10
.hang:
    jmp .hang

bits 32
; ================================================================ ring 0
; v86_monitor: #GP handler.  Frame: error, EIP, CS, EFLAGS, ESP, SS, ES, DS,
; FS, GS (V86 pushes the data segments and nulls them).
v86_monitor:
    pushad
    mov ebp, esp                ; [ebp+32]=error [36]=eip [40]=cs [44]=eflags
    mov ax, SEL_DATA
    mov ds, ax
    test dword [ebp+44], EFLAGS_VM
    jz .not_v86
    movzx esi, word [ebp+40]    ; linear CS:IP
    shl esi, 4
    movzx eax, word [ebp+36]
    add esi, eax
    movzx ebx, byte [esi]       ; opcode
    PRINT "monitor: #GP err="
    HEX16 [ebp+32]
    PRINT " op="
    HEX8 bl
    cmp bl, 0xFA
    je .cli
    cmp bl, 0xF4
    je .hlt
    cmp bl, 0xCD
    je .int
    cmp bl, 0xE4
    je .in
    cmp bl, 0xEF
    je .outw
    PRINT " unknown", 10
    FAIL_EXIT
.cli:
    PRINT " cli", 10
    inc word [ebp+36]
    jmp .ret
.hlt:
    PRINT " hlt", 10
    inc word [ebp+36]
    jmp .ret
.int:
    PRINT " int "
    HEX8 [esi+1]
    add word [ebp+36], 2
    cmp byte [esi+1], 0x30
    jne .intdone
    or dword [ebp+44], EFLAGS_IOPL3
    PRINT " -> iopl 3"
.intdone:
    PRINT 10
    jmp .ret
.in:
    PRINT " in al,"
    HEX8 [esi+1]
    PRINT 10
    add word [ebp+36], 2
    mov byte [ebp+28], 0x5A     ; AL in the PUSHAD frame
    jmp .ret
.outw:
    PRINT " out dx,ax dx="
    HEX16 [ebp+20]              ; DX in the PUSHAD frame
    PRINT 10
    inc word [ebp+36]
.ret:
    popad
    add esp, 4                  ; the error code
    iretd
.not_v86:
    PRINT "#GP outside V86: err="
    HEX32 [ebp+32]
    PRINT 10
    FAIL_EXIT

; int31_handler: INT 31 from V86 at IOPL 3, through a DPL3 interrupt gate.
int31_handler:
    push ebp
    push ebx
    push ecx
    lea ebp, [esp+12]           ; [0]=eip [4]=cs [8]=eflags [12]=esp [16]=ss
                                ; [20]=es [24]=ds [28]=fs [32]=gs
    mov bx, ds                  ; all four were nulled on entry
    mov cx, es
    or bx, cx
    mov cx, fs
    or bx, cx
    mov cx, gs
    or bx, cx
    PRINT "int 31 from v86: ds|es|fs|gs="
    HEX16 bx
    PRINT " ax="
    HEX16 ax
    PRINT " ip "
    cmp dword [ebp], after_int31
    je .ok
    PRINT "BAD "
    jmp .cs
.ok:
    PRINT "ok "
.cs:
    PRINT "cs="
    HEX16 [ebp+4]
    PRINT " eflags="
    HEX32 [ebp+8]
    PRINT 10
    PRINT "  ss:sp="
    HEX16 [ebp+16]
    PRINT ":"
    HEX16 [ebp+12]
    PRINT " es="
    HEX16 [ebp+20]
    PRINT " ds="
    HEX16 [ebp+24]
    PRINT " fs="
    HEX16 [ebp+28]
    PRINT " gs="
    HEX16 [ebp+32]
    PRINT 10
    mov ax, 0x6262
    pop ecx
    pop ebx
    pop ebp
    iretd

; leave_v86: INT 32 from V86; the frame is dropped, and we stay at CPL 0.
leave_v86:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    pushfd
    pop eax
    and eax, EFLAGS_VM | EFLAGS_IOPL3
    PRINT "left v86: eflags&VM|IOPL="
    HEX32 eax
    mov ax, cs
    PRINT " cs="
    HEX16 ax
    mov eax, [esp+8]
    and eax, EFLAGS_VM | EFLAGS_IOPL3
    PRINT " saved="
    HEX32 eax
    PRINT 10
    VAL16 "linear 12350", [0x12350]
    DONE

gdt_tmpl:
    STD_GDT
    DESC TSS, TSS_LIMIT, ACC_TSS32, FL_16       ; 38 SEL_TSS
gdt_tmpl_end:

    ROM_END
