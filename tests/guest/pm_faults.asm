; pm_faults -- protected-mode exceptions at CPL 0: each case prints a label
; and the line exc_common prints: vector, error code, and whether the saved
; EIP is the faulting instruction (faults) or the next one (traps).
;
; QEMU TCG does not check segment limits or access rights on ordinary
; memory accesses (nor null-selector use), so on QEMU the cases marked
; [limit] print "no exception".  The .expected file follows the SDM and
; Bochs, which fault there (see README).
%include "lib.inc"

SEL_SMALL    equ 0x38           ; data, limit FF
SEL_RO       equ 0x40           ; data, read-only, 4 GiB
SEL_XONLY    equ 0x48           ; code, execute-only
SEL_NP       equ 0x50           ; data, not present
SEL_STKLIM   equ 0x58           ; stack (data), limit FFFFF byte-granular
SEL_TSS_TINY equ 0x60           ; 32-bit TSS whose limit (20) is < 67
SEL_TSS_MAIN equ 0x68           ; this task's TSS
SEL_CODE_NP  equ 0x70           ; code, not present

TSS_MAIN equ TSS_AREA
TSS_TINY equ TSS_AREA + 0x100

start:
    RM_INIT
    PRINT "pm_faults", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end
    mov ax, SEL_TSS_MAIN
    ltr ax

; ---------------------------------------------------------------- #DE #UD #NM
    PRINT "div by zero: "
    xor ecx, ecx
    mov eax, 1
    TRY
    div ecx
    ENDTRY

    PRINT "div overflow: "
    mov edx, 1
    xor eax, eax
    mov ecx, 1
    TRY
    div ecx
    ENDTRY

    PRINT "idiv overflow: "
    mov eax, 0x80000000
    cdq
    mov ecx, -1
    TRY
    idiv ecx
    ENDTRY

    PRINT "ud2: "
    TRY
    ud2
    ENDTRY

    PRINT "mov cs,ax: "
    TRY
    db 0x8E, 0xC8               ; MOV CS, AX is undefined
    ENDTRY

    PRINT "lock inc eax: "
    TRY
    db 0xF0, 0x40               ; LOCK INC EAX: LOCK needs a memory destination
    ENDTRY

    PRINT "fninit with CR0.EM: "
    mov eax, cr0
    or al, 4                    ; EM
    mov cr0, eax
    TRY
    fninit
    ENDTRY
    mov eax, cr0
    and al, ~4
    mov cr0, eax

; ---------------------------------------------------------------- segment loads
    PRINT "mov ds,1FB (beyond GDT limit): "
    mov ax, 0x1FB
    TRY
    mov ds, ax
    ENDTRY

    PRINT "mov ds,execute-only code: "
    mov ax, SEL_XONLY
    TRY
    mov ds, ax
    ENDTRY

    PRINT "mov ds,DPL0 data with RPL3: "
    mov ax, SEL_DATA | 3
    TRY
    mov ds, ax
    ENDTRY

    PRINT "mov es,TSS: "
    mov ax, SEL_TSS_MAIN
    TRY
    mov es, ax
    ENDTRY

    PRINT "mov ss,read-only data: "
    mov ax, SEL_RO
    TRY
    mov ss, ax
    ENDTRY

    PRINT "mov ss,null: "
    xor ax, ax
    TRY
    mov ss, ax
    ENDTRY

    PRINT "mov ss,not present: "
    mov ax, SEL_NP
    TRY
    mov ss, ax
    ENDTRY

    PRINT "mov ds,not present: "
    mov ax, SEL_NP
    TRY
    mov ds, ax
    ENDTRY

    PRINT "mov gs,null (allowed): "
    xor ax, ax
    TRY
    mov gs, ax
    ENDTRY

; ---------------------------------------------------------------- [limit] cases
    PRINT "[limit] read es:100 (limit FF): "
    mov ax, SEL_SMALL
    mov es, ax
    TRY
    mov eax, [es:0x100]
    ENDTRY

    PRINT "[limit] dword read es:FE: "
    TRY
    mov eax, [es:0xFE]
    ENDTRY

    PRINT "[limit] byte read es:FF (ok): "
    TRY
    mov al, [es:0xFF]
    ENDTRY
    mov ax, SEL_DATA
    mov es, ax

    PRINT "[limit] write to read-only fs: "
    mov ax, SEL_RO
    mov fs, ax
    TRY
    mov [fs:TEST_VARS], al
    ENDTRY

    PRINT "[limit] write through cs: "
    TRY
    mov [cs:TEST_VARS], al
    ENDTRY

    PRINT "[limit] read through null gs: "
    TRY
    mov eax, [gs:TEST_VARS]
    ENDTRY

    PRINT "[limit] near jmp beyond cs limit: "
    ; Without the limit check the jump lands at linear 100000: put a far
    ; jump there so that such a CPU (QEMU) prints "no exception" and goes on.
    mov byte [ROMBASE+0x10000], 0xEA
    mov dword [ROMBASE+0x10001], landed_beyond_limit
    mov word [ROMBASE+0x10005], SEL_CODE32
    TRY
    jmp dword 0x10000            ; target offset 10000 > limit FFFF
    ENDTRY
after_near_jmp:

    PRINT "[limit] ss:ebp beyond stack limit: "
    mov ax, SEL_STKLIM
    mov ss, ax
    mov ebp, 0x200000
    TRY
    mov eax, [ebp]
    ENDTRY
    mov ax, SEL_DATA
    mov ss, ax

; ---------------------------------------------------------------- control transfers
    PRINT "far jmp to null selector: "
    TRY
    jmp 0:0
    ENDTRY

    PRINT "far jmp beyond cs limit: "
    TRY
    jmp SEL_CODE32:0x10000
    ENDTRY

    PRINT "far call to not-present code: "
    TRY
    call SEL_CODE_NP:0
    ENDTRY

    PRINT "jmp to TSS with limit < 67: "
    TRY
    jmp SEL_TSS_TINY:0
    ENDTRY

; ---------------------------------------------------------------- IDT
    PRINT "int 41 (gate not present): "
    SET_IDT 0x41, not_reached, ACC_INTGATE & 0x7F
    TRY
    int 0x41
    ENDTRY

    PRINT "int 42 (zero descriptor): "
    TRY
    int 0x42
    ENDTRY

    PRINT "int 80 beyond IDT limit 27F: "
    mov word [idtr_buf], 0x27F
    lidt [idtr_buf]
    TRY
    int 0x80
    ENDTRY
    mov word [idtr_buf], IDT_LIMIT
    lidt [idtr_buf]

; ---------------------------------------------------------------- BOUND INTO INT3
    PRINT "bound 10 in [0,5]: "
    mov eax, 10
    TRY
    bound eax, [cs:bounds]
    ENDTRY

    PRINT "bound 5 in [0,5]: "
    mov eax, 5
    TRY
    bound eax, [cs:bounds]
    ENDTRY

    PRINT "into with OF=1: "
    mov al, 0x7F
    add al, 1
    TRYTRAP
    into
    AT
    ENDTRY

    PRINT "into with OF=0: "
    xor al, al
    TRYTRAP
    into
    AT
    ENDTRY

    PRINT "int3: "
    TRYTRAP
    int3
    AT
    ENDTRY

    PRINT "int 3 (CD 03): "
    TRYTRAP
    int 3
    AT
    ENDTRY

    ; RF in the pushed EFLAGS (SDM Vol. 3 17.3.1.1): 0 for INT n and other
    ; traps, 1 for every fault-class exception
    mov eax, [last_efl]
    shr eax, 16
    and eax, 1
    VAL32 "rf pushed by int 3", eax
    PRINT "ud2: "
    TRY
    ud2
    ENDTRY
    mov eax, [last_efl]
    shr eax, 16
    and eax, 1
    VAL32 "rf pushed by #UD", eax

    VAL32 "exceptions taken", [exc_count]
    DONE

landed_beyond_limit:
    mov dword [resume_eip], 0
    PRINT "no exception", 10
    jmp after_near_jmp

not_reached:
    PRINT "not reached!", 10
    FAIL_EXIT

bounds: dd 0, 5

gdt_tmpl:
    STD_GDT
    DESC 0,        0xFF,    ACC_DATA,      FL_32    ; 38 SEL_SMALL
    DESC 0,        0xFFFFF, 0x91,          FL_G32   ; 40 SEL_RO
    DESC ROMBASE,  0xFFFF,  0x99,          FL_32    ; 48 SEL_XONLY
    DESC 0,        0xFFFFF, ACC_DATA&0x7F, FL_G32   ; 50 SEL_NP
    DESC 0,        0xFFFFF, ACC_DATA,      FL_32    ; 58 SEL_STKLIM
    DESC TSS_TINY, 0x20,    ACC_TSS32,     FL_16    ; 60 SEL_TSS_TINY
    DESC TSS_MAIN, 0x67,    ACC_TSS32,     FL_16    ; 68 SEL_TSS_MAIN
    DESC ROMBASE,  0xFFFF,  ACC_CODE&0x7F, FL_32    ; 70 SEL_CODE_NP
gdt_tmpl_end:

    ROM_END
