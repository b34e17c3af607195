; pm_rings -- privilege levels: IRET to CPL 3 with a TSS providing SS0:ESP0,
; IOPL-sensitive instructions faulting at CPL 3, POPF silently keeping
; IF/IOPL, SGDT/SIDT/SMSW/STR at CPL 3, PUSH CS, LAR/LSL/VERR/VERW/ARPL,
; a call gate with parameter copying and RETF back to CPL 3, and an
; interrupt gate from CPL 3 (stack switch, pushed SS:ESP).
;
; Ring-3 code prints through port E9, which the TSS I/O permission bitmap
; allows (IOPL stays 0).
%include "lib.inc"

SEL_TSS       equ 0x38
SEL_GATE3     equ 0x40 | 3      ; 32-bit call gate, DPL3, 2 parameters
SEL_XONLY_R3  equ 0x48 | 3      ; code, execute-only, DPL3
SEL_GATE0     equ 0x50          ; 32-bit call gate, DPL0

TSS       equ TSS_AREA
IOPB_OFS  equ 0x68
IOPB_LEN  equ 0x100             ; ports 0..7FF, then the FF terminator byte
TSS_LIMIT equ IOPB_OFS + IOPB_LEN

R3_ESP    equ TEST_VARS         ; ring-3 ESP saved before a gate call

start:
    RM_INIT
    PRINT "pm_rings", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end

    ; ---- the TSS: SS0:ESP0 and an I/O bitmap allowing only port E9 ----
    mov edi, TSS
    xor eax, eax
    mov ecx, IOPB_OFS / 4
    rep stosd
    mov dword [TSS + 4], STACK0_TOP     ; ESP0
    mov dword [TSS + 8], SEL_DATA       ; SS0
    mov word [TSS + 0x66], IOPB_OFS
    mov al, 0xFF
    mov ecx, IOPB_LEN + 1
    rep stosb
    and byte [TSS + IOPB_OFS + DBG_PORT / 8], ~(1 << (DBG_PORT % 8))
    mov ax, SEL_TSS
    ltr ax

    SET_IDT 0x80, int80_handler, ACC_INTGATE | DPL3
    SET_IDT 0x81, not_reached, ACC_INTGATE          ; DPL0: INT 81 at CPL3 faults
    SET_IDT 0x82, finish, ACC_INTGATE | DPL3

    ; ---- IRET to ring 3 ----
    ; DS/ES/GS hold a DPL3 segment and survive the IRET; FS holds a DPL0
    ; segment, which IRET to an outer level must null.
    mov ax, SEL_DATA_R3
    mov ds, ax
    mov es, ax
    mov gs, ax
    mov ax, SEL_DATA
    mov fs, ax
    push dword SEL_DATA_R3              ; SS
    push dword STACK3_TOP               ; ESP
    push dword 0x00000002               ; EFLAGS: IOPL 0, IF 0
    push dword SEL_CODE32_R3            ; CS
    push dword ring3                    ; EIP
    iretd

ring3:
    push cs                             ; the selector with RPL 3
    pop eax
    PRINT "ring 3: cs="
    HEX16 ax
    mov ax, ss
    PRINT " ss="
    HEX16 ax
    mov eax, esp
    PRINT " esp="
    HEX32 eax
    mov ax, ds
    PRINT " ds="
    HEX16 ax
    mov ax, fs
    PRINT " fs="
    HEX16 ax
    PRINT 10

; ---------------------------------------------------------------- IOPL / CPL checks
    PRINT "cli: "
    TRY
    cli
    ENDTRY
    PRINT "sti: "
    TRY
    sti
    ENDTRY
    PRINT "hlt: "
    TRY
    hlt
    ENDTRY
    PRINT "in al,80 (not in the bitmap): "
    TRY
    in al, 0x80
    ENDTRY
    PRINT "mov eax,cr0: "
    TRY
    mov eax, cr0
    ENDTRY
    PRINT "lidt: "
    TRY
    lidt [idtr_buf]
    ENDTRY
    PRINT "mov es,DPL0 data: "
    mov ax, SEL_DATA
    TRY
    mov es, ax
    ENDTRY
    PRINT "far call to DPL0 code: "
    TRY
    call SEL_CODE32:not_reached
    ENDTRY
    PRINT "call gate with DPL0: "
    TRY
    call SEL_GATE0:0
    ENDTRY
    PRINT "int 81 (gate DPL0): "
    TRY
    int 0x81
    ENDTRY
    PRINT "int3 (gate DPL0): "
    TRY
    int3
    ENDTRY

    ; POPF at CPL 3 with IOPL 0 changes CF but silently keeps IF and IOPL
    pushfd
    or dword [esp], EFLAGS_IF | EFLAGS_IOPL3 | EFLAGS_CF
    popfd
    pushfd
    pop eax
    and eax, EFLAGS_IF | EFLAGS_IOPL3 | EFLAGS_CF
    VAL32 "popf IF|IOPL|CF -> eflags&3201", eax

; ---------------------------------------------------------------- not privileged
    sgdt [scratch]
    PRINT "sgdt="
    HEX16 [scratch]
    PRINT ":"
    HEX32 [scratch+2]
    sidt [scratch]
    PRINT " sidt="
    HEX16 [scratch]
    PRINT ":"
    HEX32 [scratch+2]
    smsw ax
    PRINT " smsw="
    HEX16 ax
    str ax
    PRINT " str="
    HEX16 ax
    sldt ax
    PRINT " sldt="
    HEX16 ax
    PRINT 10

    ; LAR/LSL leave the destination alone when they clear ZF
%macro LARTEST 2        ; instruction, selector
    mov eax, 0xDEADBEEF
    mov ebx, %2
    %1 eax, ebx
    setz cl
%ifidn %1, lar
    and eax, 0xFFF0FFFF             ; bits 19:16 are undefined for LAR
%endif
    %defstr LT_NAME %1
    PRINT LT_NAME, " "
    HEX16 bx
    PRINT ": "
    ZF_PRINT cl
    PRINT " "
    HEX32 eax
    PRINT 10
%endmacro
    LARTEST lar, SEL_CODE32_R3
    LARTEST lar, SEL_DATA_R3
    LARTEST lar, SEL_CODE32         ; DPL0 < CPL
    LARTEST lar, SEL_GATE3          ; a call gate is valid for LAR
    LARTEST lar, SEL_TSS            ; DPL0 < CPL
    LARTEST lar, 0                  ; null
    LARTEST lar, 0x1FB              ; beyond the GDT limit
    LARTEST lsl, SEL_CODE32_R3
    LARTEST lsl, SEL_DATA_R3
    LARTEST lsl, SEL_GATE3          ; gates have no limit

%macro VERTEST 2        ; instruction, selector
    mov ebx, %2
    %1 bx
    setz cl
    %defstr LT_NAME %1
    PRINT LT_NAME, " "
    HEX16 bx
    PRINT ": "
    ZF_PRINT cl
    PRINT 10
%endmacro
    VERTEST verr, SEL_CODE32_R3     ; readable code
    VERTEST verw, SEL_CODE32_R3     ; code is never writable
    VERTEST verr, SEL_XONLY_R3      ; execute-only
    VERTEST verw, SEL_DATA_R3
    VERTEST verr, SEL_DATA          ; DPL0 < CPL
    VERTEST verr, 0

    mov ax, 0x0010
    mov bx, 0x002B
    arpl ax, bx                     ; RPL 0 < 3: adjusted, ZF=1
    setz cl
    PRINT "arpl: "
    ZF_PRINT cl
    PRINT " "
    HEX16 ax
    arpl ax, bx                     ; already 3: ZF=0
    setz cl
    PRINT ", again: "
    ZF_PRINT cl
    PRINT " "
    HEX16 ax
    PRINT 10

; ---------------------------------------------------------------- call gate
    mov [R3_ESP], esp
    push dword 0x11111111
    push dword 0x22222222
    call SEL_GATE3:0x12345678       ; the offset is ignored
after_gate_call:
    mov eax, esp
    sub eax, [R3_ESP]
    PRINT "after retf 8: esp-esp0="
    HEX32 eax
    mov ax, es                      ; the gate target left a DPL0 ES
    PRINT " es="
    HEX16 ax
    PRINT 10
    mov ax, SEL_DATA_R3
    mov es, ax

; ---------------------------------------------------------------- interrupt gate
    mov [R3_ESP], esp
    int 0x80
    mov eax, esp
    sub eax, [R3_ESP]
    VAL32 "after iret: esp-esp0", eax

    ; INT3 through a DPL3 gate is delivered (a trap: EIP after it)
    SET_IDT 3, exc_stub_3, ACC_INTGATE | DPL3
    PRINT "int3 (gate DPL3): "
    TRYTRAP
    int3
    AT
    ENDTRY
    PRINT "ring-0 stack of the int3: ss:esp="
    HEX16 [last_ss]
    PRINT ":"
    HEX32 [last_esp]
    PRINT 10

    int 0x82                        ; to finish, at CPL 0

; ---------------------------------------------------------------- ring-0 code
; gate_target: entered from ring 3 through SEL_GATE3 with 2 dwords copied.
gate_target:
    mov ebp, esp
    push cs
    pop eax
    PRINT "call gate: cs="
    HEX16 ax
    mov eax, STACK0_TOP
    sub eax, ebp
    PRINT " esp0-esp="
    HEX32 eax
    PRINT " ret "
    cmp dword [ebp], after_gate_call
    je .retok
    PRINT "BAD "
    jmp .retcs
.retok:
    PRINT "ok "
.retcs:
    PRINT "cs="
    HEX16 [ebp+4]
    PRINT 10
    PRINT "  params="
    HEX32 [ebp+8]
    PRINT ","
    HEX32 [ebp+12]
    PRINT " old ss="
    HEX16 [ebp+20]
    mov eax, [R3_ESP]
    sub eax, [ebp+16]
    PRINT " esp0-old esp="
    HEX32 eax
    PRINT 10
    mov ax, SEL_DATA                ; RETF to CPL 3 must null ES
    mov es, ax
    retf 8

; int80_handler: interrupt gate from ring 3.
int80_handler:
    mov ebp, esp
    push cs
    pop eax
    PRINT "int 80: cs="
    HEX16 ax
    mov eax, STACK0_TOP
    sub eax, ebp
    PRINT " esp0-esp="
    HEX32 eax
    PRINT 10
    PRINT "  frame cs="
    HEX16 [ebp+4]
    PRINT " eflags="
    HEX32 [ebp+8]
    PRINT " ss="
    HEX16 [ebp+16]
    PRINT " esp "
    mov eax, [ebp+12]
    cmp eax, [R3_ESP]
    je .ok
    PRINT "BAD "
.ok:
    PRINT "ok", 10
    iretd

; finish: INT 82 from ring 3; the frame is dropped.
finish:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov ax, ss
    PRINT "back at cpl 0: ss="
    HEX16 ax
    PRINT 10
    DONE

not_reached:
    PRINT "not reached!", 10
    FAIL_EXIT

gdt_tmpl:
    STD_GDT
    DESC TSS, TSS_LIMIT, ACC_TSS32, FL_16                       ; 38 SEL_TSS
    GATE SEL_CODE32, gate_target, ACC_CALLGATE | DPL3, 2        ; 40 SEL_GATE3
    DESC ROMBASE, 0xFFFF, 0xF9, FL_32                           ; 48 SEL_XONLY_R3
    GATE SEL_CODE32, not_reached, ACC_CALLGATE, 0               ; 50 SEL_GATE0
gdt_tmpl_end:

    ROM_END
