; tests/gdb/gdb_guest.asm -- guest ROM for the GDB stub and debugger tests.
;
; 64 KiB image mapped at F0000 (and FFFF0000).  From the reset vector it
; switches to flat 32-bit protected mode (CS base 0, so EIP = linear
; address), runs a few instructions at fixed addresses the tests use, turns
; on paging with page 0x300000 and everything from 0x400000 unmapped, then
; spins at `spin` until the dword at 0x710 is nonzero and halts with
; interrupts off (x86pc then exits with status 0).
;
; Fixed addresses (linear = F0000 + offset):
;   F0080 step_here   inc eax / inc eax          (EAX = 0x1234 before)
;   F0090 bp_here     mov dword [0x700], 0x11111111
;   F00A0 write_insn  mov dword [0x704], 0xdeadbeef   (10 bytes)
;   F00AA after_write nop
;   F00B0 magic       xchg bx, bx  (66 87 DB)
;   F00B3 after_magic
;   F0140 paged       paging is on here
;   F0150 spin        loop until [0x710] != 0
;   F0160 done        cli / hlt
bits 16
org 0
start:
    cli
    xor ax, ax
    mov ds, ax
    o32 lgdt [cs:gdt_desc]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:(0xF0000 + pm32)

    align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08 code, flat, 32-bit
    dq 0x00CF92000000FFFF       ; 0x10 data, flat
gdt_desc:
    dw gdt_desc - gdt - 1
    dd 0xF0000 + gdt

    times 0x40 - ($ - $$) db 0x90
bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esp, 0x7000
    mov dword [0x710], 0
    mov eax, 0x1234
    mov ebx, 0x5678

    times 0x80 - ($ - $$) db 0x90
step_here:
    inc eax
    inc eax
    times 0x90 - ($ - $$) db 0x90
bp_here:
    mov dword [0x700], 0x11111111
    mov ecx, 0xcafe
    times 0xA0 - ($ - $$) db 0x90
write_insn:
    mov dword [0x704], 0xdeadbeef
after_write:
    nop
    times 0xB0 - ($ - $$) db 0x90
magic:
    xchg bx, bx
after_magic:
    ; page directory at 0x10000, one page table at 0x11000 (0-4 MiB)
    mov edi, 0x10000
    xor eax, eax
    mov ecx, 2048
    cld
    rep stosd
    mov dword [0x10000], 0x11000 | 3
    mov edi, 0x11000
    mov eax, 3
    mov ecx, 1024
.fill:
    mov [edi], eax
    add eax, 0x1000
    add edi, 4
    loop .fill
    mov dword [0x11000 + 0x300 * 4], 0      ; 0x300000: not present
    mov eax, 0x10000
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp paged

    times 0x140 - ($ - $$) db 0x90
paged:
    mov dword [0x708], 0x22222222
    times 0x150 - ($ - $$) db 0x90
spin:
    cmp dword [0x710], 0
    je spin
    times 0x160 - ($ - $$) db 0x90
done:
    cli
    hlt
    jmp done

    times 0xFFF0 - ($ - $$) db 0xF4
bits 16
reset:
    jmp 0xF000:start
    times 0x10000 - ($ - $$) db 0xF4
