; fpu_err -- how an unmasked x87 exception is reported, both ways a PC
; does it (SDM Vol.1 8.7 and Appendix D):
;
;  CR0.NE = 1 (native): the exception stays pending (SW.ES, SW.B) until the
;  next waiting x87 instruction, which faults with #MF (vector 16) before
;  it executes; non-waiting FNSTSW/FNCLEX do not fault.  The handler's
;  FNCLEX lets the faulting instruction run when the IRET restarts it.
;
;  CR0.NE = 0 (MS-DOS compatible): FERR# drives IRQ13 (slave 8259 input 5)
;  instead, no #MF; the handler acknowledges with a write to port F0h (which
;  lowers IRQ13), FNCLEX and EOI.  When FERR# goes up differs between
;  models (at the failing instruction or at the next waiting one), so the
;  test only looks at IRQ13 after a FWAIT with IF=0, and at its handler.
;
; Real mode throughout (the IVT holds vector 10h and the slave's 75h).
%include "lib.inc"

MF_COUNT  equ TEST_VARS         ; #MF taken
MF_IP     equ TEST_VARS + 4     ; IP the #MF pushed
MF_SW     equ TEST_VARS + 8     ; status word seen by the #MF handler
IRQ_COUNT equ TEST_VARS + 12    ; IRQ13 taken
IRQ_SW    equ TEST_VARS + 16    ; status word seen by the IRQ13 handler
CW        equ TEST_VARS + 20    ; control word image
MEMV      equ TEST_VARS + 24    ; a double

start:
    RM_INIT
    PRINT "fpu_err", 10
    mov word [0x10*4], mf_handler
    mov word [0x10*4+2], 0xF000
    mov word [0x75*4], irq13_handler
    mov word [0x75*4+2], 0xF000

    ; ---- CR0.NE = 1: #MF
    mov eax, cr0
    and eax, ~0x0C                  ; EM, TS off
    or eax, 0x22                    ; MP, NE
    mov cr0, eax
    fninit
    mov word [CW], 0x037B           ; ZE unmasked, 64-bit precision, RN
    fldcw [CW]
    fld1
    fldz
    fdivp st1, st0                  ; 1/0: ZE unmasked, no fault yet
    fnstsw ax                       ; non-waiting: no fault
    and ax, 0xFFBF                  ; (C1 after a masked-less ZE: not printed)
    VAL16 "ne1 sw after fdiv", ax
    VAL32 "ne1 mf before fwait", [MF_COUNT]
.fw1:
    fwait                           ; #MF here
    VAL32 "ne1 mf after fwait", [MF_COUNT]
    mov ax, [MF_IP]
    cmp ax, .fw1
    jne .bad_ip1
    PRINT "ne1 mf ip=fwait", 10
    jmp .ip1_ok
.bad_ip1:
    VAL16 "ne1 mf ip WRONG", ax
.ip1_ok:
    mov ax, [MF_SW]
    and ax, 0xFFBF
    VAL16 "ne1 handler sw", ax
    fnstsw ax
    and ax, 0xFFBF
    VAL16 "ne1 sw after handler", ax

    ; the next x87 instruction (not FWAIT) faults the same way
    fld1
    fldz
    fdivp st1, st0
    fnclex                          ; non-waiting: clears it, no fault
    fld1                            ; nothing pending: no #MF
    VAL32 "ne1 mf after fnclex", [MF_COUNT]
    fldz
    fdivp st1, st0                  ; pending again
.fl2:
    fst qword [MEMV]                ; #MF before the store executes
    VAL32 "ne1 mf at fst", [MF_COUNT]
    mov ax, [MF_IP]
    cmp ax, .fl2
    jne .bad_ip2
    PRINT "ne1 mf ip=fst", 10
    jmp .ip2_ok
.bad_ip2:
    VAL16 "ne1 mf ip WRONG", ax
.ip2_ok:
    VAL32 "ne1 stored hi", [MEMV + 4] ; +inf, stored after the restart

    ; ---- CR0.NE = 0: FERR# -> IRQ13
    ; PIC: master 08-0F, slave 70-77, cascade on IR2; only IR2 and IRQ13.
    PIC_INIT 0xFB, 0xDF
    mov al, 0x0A                    ; OCW3: read IRR
    out 0xA0, al

    mov eax, cr0
    and eax, ~0x20                  ; NE off
    mov cr0, eax
    mov dword [MF_COUNT], 0
    fninit
    fldcw [CW]
    fld1
    fldz
    fdivp st1, st0                  ; ZE, unmasked
    fwait                           ; no #MF with NE = 0
    in al, 0xA0
    and al, 0x20
    VAL8 "ne0 irr irq13 (if=0)", al
    VAL32 "ne0 irq13 before sti", [IRQ_COUNT]
    sti
    nop
    nop
    cli
    VAL32 "ne0 irq13 after sti", [IRQ_COUNT]
    mov ax, [IRQ_SW]
    and ax, 0xFFBF
    VAL16 "ne0 handler sw", ax
    in al, 0xA0
    and al, 0x20
    VAL8 "ne0 irr irq13 after F0", al
    fnstsw ax
    and ax, 0xFFBF
    VAL16 "ne0 sw after handler", ax
    fld1                            ; nothing pending any more
    fwait
    sti
    nop
    nop
    cli
    VAL32 "ne0 irq13 total", [IRQ_COUNT]
    VAL32 "ne0 mf total", [MF_COUNT]
    DONE

mf_handler:
    push bp
    mov bp, sp
    inc dword [MF_COUNT]
    push ax
    mov ax, [bp + 2]                ; IP of the faulting instruction
    mov [MF_IP], ax
    fnstsw [MF_SW]
    fnclex
    pop ax
    pop bp
    iret

irq13_handler:
    push ax
    inc dword [IRQ_COUNT]
    fnstsw [IRQ_SW]
    xor al, al
    out 0xF0, al                    ; lower FERR#/IRQ13
    fnclex
    mov al, 0x20
    out 0xA0, al                    ; EOI slave, then master
    out 0x20, al
    pop ax
    iret

    ROM_END
