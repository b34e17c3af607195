; fpu_lazy -- lazy FPU/SSE context switching, the way an OS does it: two
; software tasks share the FPU; switching tasks only sets CR0.TS, and the
; #NM handler (CLTS, FXSAVE of the previous owner, FXRSTOR of the current
; task) runs at the first x87, SSE or WAIT instruction after a switch.
; Checks that each task sees its own x87 stack and XMM0, that non-waiting
; FNSTSW and (with CR0.MP) FWAIT also fault, and the #NM count.
%include "lib.inc"

AREA_A   equ 0x3000             ; FXSAVE areas (16-byte aligned)
AREA_B   equ 0x3200
OWNER    equ TEST_VARS          ; task whose state is in the FPU (0 none)
CURRENT  equ TEST_VARS + 4      ; task running
NM_COUNT equ TEST_VARS + 8
RESULT   equ TEST_VARS + 0x10   ; two doubles

start:
    RM_INIT
    PRINT "fpu_lazy", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end
    SET_IDT 7, nm_handler, ACC_INTGATE
    mov eax, cr4
    or eax, 0x600                   ; OSFXSR, OSXMMEXCPT
    mov cr4, eax
    mov eax, cr0
    and eax, ~0x0C                  ; EM, TS off
    or eax, 0x22                    ; MP, NE
    mov cr0, eax
    fninit                          ; both tasks start from FNINIT state
    fxsave [AREA_A]
    fxsave [AREA_B]
    mov dword [OWNER], 0
    mov dword [NM_COUNT], 0

    mov dword [CURRENT], 1          ; ---- task A
    call set_ts
    fldpi                           ; #NM: load A
    mov eax, 0x11111111
    movd xmm0, eax

    mov dword [CURRENT], 2          ; ---- task B
    call set_ts
    fld1                            ; #NM: save A, load B
    fld1
    faddp st1, st0
    mov eax, 0x22222222
    movd xmm0, eax
    fstp qword [RESULT]             ; 2.0

    mov dword [CURRENT], 1          ; ---- task A
    call set_ts
    movd eax, xmm0                  ; #NM (an SSE instruction)
    VAL32 "A xmm0", eax
    fstp qword [RESULT + 8]         ; A's pi, still on its stack
    fnstsw ax                       ; PE: pi is inexact as a double
    VAL16 "A sw", ax

    mov dword [CURRENT], 2          ; ---- task B
    call set_ts
    fnstsw ax                       ; #NM: non-waiting x87 too
    VAL16 "B sw", ax
    movd eax, xmm0
    VAL32 "B xmm0", eax

    mov dword [CURRENT], 1          ; ---- task A
    call set_ts
    fwait                           ; #NM: WAIT with MP and TS
    VAL32 "#NM count", [NM_COUNT]
    VAL32 "B result hi", [RESULT + 4]
    VAL32 "B result lo", [RESULT]
    VAL32 "A result hi", [RESULT + 12]
    VAL32 "A result lo", [RESULT + 8]
    DONE

set_ts:
    mov eax, cr0
    or eax, 8
    mov cr0, eax
    ret

nm_handler:
    push eax
    clts
    inc dword [NM_COUNT]
    mov eax, [OWNER]
    cmp eax, [CURRENT]
    je .done
    cmp eax, 1
    jne .not_a
    fxsave [AREA_A]
.not_a:
    cmp eax, 2
    jne .not_b
    fxsave [AREA_B]
.not_b:
    mov eax, [CURRENT]
    mov [OWNER], eax
    cmp eax, 1
    jne .load_b
    fxrstor [AREA_A]
    jmp .done
.load_b:
    fxrstor [AREA_B]
.done:
    pop eax
    iretd

gdt_tmpl:
    STD_GDT
gdt_tmpl_end:

    ROM_END
