; mmu.asm -- CPU/MMU microbenchmark ROM for tests/bench/bench.sh.
;
; Runs as the firmware (like the guest tests, see tests/guest/lib.inc):
;   x86pc|qemu-system-i386 -bios mmu.bin -m 64 -display none -debugcon stdio
;       -device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot
; and under Bochs through its shutdown port (bench.sh writes the bochsrc).
;
; Protected mode with two-level paging.  A 16 MiB window at linear
; 40000000 (4096 pages, four page tables) maps physical 01000000-01FFFFFF,
; so the machine needs 32 MiB of RAM or more.  Each pass:
;   - touches all 4096 pages once in a scrambled order (stride 97), a
;     read-modify-write of one dword per page at an offset that changes with
;     the pass, folding what it read into a checksum;
;   - INVLPG of every 256th page it touched;
;   - a 16 KiB REP MOVSD between two moving places in the window (crossing
;     page boundaries on both sides);
;   - a CR3 reload, alternating between two identical page directories.
; The window is zeroed first (REP STOSD through the paged mapping), so the
; checksum is the same on every correct machine: bench.sh compares it
; between emulators.  Output (port E9): "mmu bench", "passes=...", "sum=...",
; "done"; then isa-debug-exit (status 1) or the Bochs shutdown port.
;
; PASSES (default 1000) can be changed with nasm -DPASSES=N.
%include "lib.inc"

%ifndef PASSES
%define PASSES 1000
%endif

NPAGES  equ 4096
PD_A    equ 0x10000             ; two page directories with the same entries
PD_B    equ 0x11000
PT0     equ 0x12000             ; identity map of 0-4 MiB (code, stack, tables)
PTS     equ 0x100000            ; the window's four page tables (16 KiB)
WIN     equ 0x40000000          ; linear window (PD entries 256..259)
PHYS    equ 0x01000000          ; backed by physical 16-32 MiB
COPY_OFF equ 0x800000           ; copy destination: window + 8 MiB

start:
    RM_INIT
    PRINT "mmu bench", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end

    ; PD_A, PD_B, PT0 are contiguous: clear them, then fill
    mov edi, PD_A
    xor eax, eax
    mov ecx, 3 * 1024
    rep stosd
    mov edi, PT0
    mov eax, 3                  ; present, writable, supervisor
.id:
    stosd
    add eax, 0x1000
    cmp edi, PT0 + 4096
    jb .id
    mov edi, PTS
    mov eax, PHYS | 3
    mov ecx, NPAGES
.win:
    stosd
    add eax, 0x1000
    loop .win
    mov dword [PD_A], PT0 | 3
    mov dword [PD_B], PT0 | 3
    xor ebx, ebx
.pde:
    mov eax, ebx
    shl eax, 12
    add eax, PTS | 3
    mov [PD_A + (WIN >> 22) * 4 + ebx * 4], eax
    mov [PD_B + (WIN >> 22) * 4 + ebx * 4], eax
    inc ebx
    cmp ebx, NPAGES / 1024
    jb .pde
    mov eax, PD_A
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; zero the window through the paged mapping
    mov edi, WIN
    xor eax, eax
    mov ecx, NPAGES * 1024
    cld
    rep stosd

    xor ebp, ebp                ; pass number
    xor edx, edx                ; checksum
.pass:
    xor esi, esi                ; page index
    mov ecx, NPAGES
.touch:
    mov eax, esi
    shl eax, 12
    mov ebx, ebp
    and ebx, 0x3FC              ; dword offset in the page, per pass
    lea eax, [eax + ebx + WIN]
    mov ebx, [eax]
    add edx, ebx
    rol edx, 1
    lea ebx, [ebx + esi + 1]
    mov [eax], ebx
    add esi, 97
    and esi, NPAGES - 1
    test ecx, 255
    jnz .noinv
    invlpg [eax]
.noinv:
    dec ecx
    jnz .touch

    ; 16 KiB copy; source moves through the window's first MiB (+ 12 bytes
    ; per pass, so it is not page aligned)
    push esi
    mov esi, ebp
    and esi, 0xFF
    shl esi, 12
    mov eax, ebp
    and eax, 0x3F
    lea esi, [esi + eax * 4 + WIN]
    lea edi, [esi + COPY_OFF]
    mov ecx, 4096
    rep movsd
    pop esi
    add edx, [WIN + COPY_OFF + 0x2000]

    mov eax, cr3
    xor eax, PD_A ^ PD_B
    mov cr3, eax

    inc ebp
    cmp ebp, PASSES
    jb .pass

    VAL32 "passes", ebp
    VAL32 "sum", edx
    DONE

gdt_tmpl:
    STD_GDT
gdt_tmpl_end:

    ROM_END
