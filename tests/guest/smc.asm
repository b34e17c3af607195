; smc -- self-modifying code and the physical memory map seen from real
; mode: an instruction patched by the instruction just before it, code
; patched in the next 4 KiB page after it has run, code patched with a
; REP MOVSB, writes to the BIOS ROM ignored, and the A20 gate (port 92h)
; wrapping FFFF:0510 onto 0:0500.
; Cross-mapping SMC (a write through a second linear alias) is in
; paging.asm.
%include "lib.inc"

CODESEG equ 0x3000              ; RAM code at physical 30000

start:
    RM_INIT
    PRINT "smc", 10

; ---------------------------------------------------------------- ROM
    mov ax, 0xF000
    mov es, ax
    mov eax, [es:rom_word]
    VAL32 "rom word", eax
    mov dword [es:rom_word], 0x12345678
    mov eax, [es:rom_word]
    VAL32 "rom word after write", eax

; ---------------------------------------------------------------- A20
    in al, 0x92
    and al, ~2
    out 0x92, al
    mov ax, 0xFFFF
    mov es, ax
    mov byte [0x500], 0x11
    mov byte [es:0x510], 0x22
    VAL8 "a20 off: 0:500", [0x500]
    in al, 0x92
    or al, 2
    out 0x92, al
    mov byte [es:0x510], 0x33
    VAL8 "a20 on: 0:500", [0x500]
    VAL8 "a20 on: FFFF:510", [es:0x510]

; ---------------------------------------------------------------- SMC
    ; copy r1 to 3000:0000 and r2 to 3000:0FF0
    push ds
    mov ax, CODESEG
    mov es, ax
    mov ax, cs
    mov ds, ax
    mov si, r1
    xor di, di
    mov cx, r1_end - r1
    rep movsb
    mov si, r2
    mov di, 0xFF0
    mov cx, r2_end - r2
    rep movsb
    pop ds

    call CODESEG:0
    VAL8 "patched next insn, 1st run", al
    call CODESEG:0
    VAL8 "patched next insn, 2nd run", al
    call CODESEG:0xFF0
    VAL16 "cross-page patch", ax
    ; patch with a string instruction: overwrite x_sub's MOV AL imm in RAM
    mov ax, CODESEG
    mov es, ax
    mov di, 0xFF0 + (r2_xsub - r2) + 1
    mov si, patch_byte
    push ds
    push cs
    pop ds
    movsb
    pop ds
    call CODESEG:0xFF0 + (r2_far_xsub - r2)
    VAL8 "after movsb patch", al
    DONE

patch_byte: db 0x99
rom_word: dd 0xA5A5A5A5

; r1: patches the immediate of the very next instruction (runs at 3000:0)
r1:
    mov byte [cs:r1_next - r1 + 1], 0x42
r1_next:
    mov al, 0x00
    mov byte [cs:r1_next - r1 + 1], 0x00    ; restore for the next run
    retf
r1_end:

; r2: runs at 3000:0FF0; x_sub lies in the next 4 KiB page.  Calls x_sub
; (so it is decoded and cached), patches it, calls it again.
r2:
    call r2_xsub                ; relative: unchanged by the copy
    mov ah, al
    mov byte [cs:0xFF0 + (r2_xsub - r2) + 1], 0x77
    call r2_xsub
    retf
    times 0x20 - ($ - r2) db 0x90
r2_xsub:
    mov al, 0x00
    ret
r2_far_xsub:
    call r2_xsub
    retf
r2_end:

    ROM_END
