; A Multiboot 1 test kernel for the direct kernel boot test: prints the
; multiboot_info it was given on port E9h and exits through isa-debug-exit
; (port 501h, status 1).
;   "B: ..." lines must be the same with every loader (QEMU's, x86pc's),
;   "M: ..." lines (memory sizes, map, loader name) are the x86pc BIOS's.
; Module data: the test passes initrd.bin (see initrd.asm) and a small
; text file; each module's "sum" is sum(byte[i] * (i + 1)) mod 2^32.
;
; Build: nasm -f elf32 -o mbtest.o mbtest.asm
;        ld -m elf_i386 -N -Ttext=0x100000 -e _start -o mbtest.elf mbtest.o
; or, a flat binary with the a.out kludge header fields (no ELF):
;        nasm -f bin -DAOUT -o mbtest-aout.bin mbtest.asm

        cpu     686
        bits    32

MB_MAGIC        equ     0x1BADB002
%ifndef AOUT
MB_FLAGS        equ     0x00000003      ; 4 KiB aligned modules, memory info
        section .text
        global  _start
%else
MB_FLAGS        equ     0x00010003      ; ... and the a.out kludge addresses
        org     0x100000
        section .text
%endif
        align   4
mbheader:
        dd      MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
%ifdef AOUT
        dd      mbheader                ; header_addr
        dd      0x100000                ; load_addr: the file's start
        dd      0                       ; load_end_addr: the whole file
        dd      kernel_end              ; bss_end_addr
        dd      _start                  ; entry_addr
%endif

%macro PR 1+
        call    pr
        db      %1, 0
%endmacro

_start: mov     esp, stack_top
        mov     ebp, ebx
        push    eax
        PR      "B: magic="
        pop     eax
        call    hex32
        PR      " flags="
        mov     eax, [ebp]
        call    hex32
        PR      " boot_device="
        mov     eax, [ebp + 12]
        call    hex32
        PR      10
        PR      "B: cmdline=["
        mov     esi, [ebp + 16]
        call    putstr
        PR      "]", 10
        PR      "M: mem_lower="
        mov     eax, [ebp + 4]
        call    dec32
        PR      " mem_upper="
        mov     eax, [ebp + 8]
        call    dec32
        PR      10
        ; modules
        PR      "B: mods_count="
        mov     eax, [ebp + 20]
        call    dec32
        PR      10
        mov     ebx, [ebp + 24]
        xor     edi, edi
.mod:   cmp     edi, [ebp + 20]
        jae     .modd
        PR      "B: module "
        mov     eax, edi
        call    dec32
        PR      ": ["
        mov     esi, [ebx + 8]
        call    putstr
        PR      "] size="
        mov     eax, [ebx + 4]
        sub     eax, [ebx]
        call    dec32
        PR      " aligned="
        test    dword [ebx], 0xFFF
        setz    al
        call    hex8
        PR      " above the kernel="
        cmp     dword [ebx], kernel_end
        setae   al
        call    hex8
        PR      " sum="
        mov     esi, [ebx]
        mov     ecx, [ebx + 4]
        sub     ecx, esi
        xor     edx, edx
        push    edi
        xor     edi, edi
        jecxz   .se
.sum:   inc     edi
        movzx   eax, byte [esi]
        imul    eax, edi
        add     edx, eax
        inc     esi
        cmp     edi, ecx
        jb      .sum
.se:    pop     edi
        mov     eax, edx
        call    hex32
        PR      10
        add     ebx, 16
        inc     edi
        jmp     .mod
.modd:  ; memory map
        mov     esi, [ebp + 48]
        mov     ecx, [ebp + 44]
        add     ecx, esi
        xor     edx, edx                ; RAM at 0 and at 1 MiB seen
.mm:    cmp     esi, ecx
        jae     .mmd
        PR      "M: mmap "
        mov     eax, [esi + 8]
        call    hex32
        mov     eax, [esi + 4]
        call    hex32
        PR      " "
        mov     eax, [esi + 16]
        call    hex32
        mov     eax, [esi + 12]
        call    hex32
        PR      " "
        mov     eax, [esi + 20]
        call    dec32
        PR      10
        cmp     dword [esi + 20], 1
        jne     .mn
        cmp     dword [esi + 8], 0
        jne     .mn
        cmp     dword [esi + 4], 0
        jne     .m1
        or      dl, 1
.m1:    cmp     dword [esi + 4], 0x100000
        jne     .mn
        or      dl, 2
.mn:    add     esi, [esi]
        add     esi, 4
        jmp     .mm
.mmd:   PR      "B: mmap: RAM at 0="
        mov     al, dl
        and     al, 1
        call    hex8
        PR      " RAM at 1 MiB="
        mov     al, dl
        shr     al, 1
        call    hex8
        PR      10
        PR      "M: boot_loader_name=["
        mov     esi, [ebp + 64]
        call    putstr
        PR      "]", 10
        ; .bss is zero
        PR      "B: bss zero="
        mov     edi, bss_start
        mov     ecx, 16384 / 4          ; (the stack follows)
        xor     eax, eax
        repe scasd
        sete    al
        call    hex8
        PR      10
        PR      "B: done", 10
        mov     dx, 0x501
        xor     al, al
        out     dx, al
        cli
.h:     hlt
        jmp     .h

; Prints the NUL-terminated string at ESI (at most 200 characters).
putstr: push    ecx
        mov     ecx, 200
.l:     lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        loop    .l
.d:     pop     ecx
        ret
pr:     xchg    esi, [esp]
        push    eax
.l:     lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     pop     eax
        xchg    esi, [esp]
        ret
hex8:   push    eax
        shr     al, 4
        call    .n
        pop     eax
        push    eax
        call    .n
        pop     eax
        ret
.n:     and     al, 15
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0xE9, al
        ret
hex32:  push    ecx
        mov     ecx, 4
.l:     rol     eax, 8
        call    hex8
        loop    .l
        pop     ecx
        ret
dec32:  push    eax
        push    ecx
        push    edx
        mov     ecx, 10
        push    dword -1
.d:     xor     edx, edx
        div     ecx
        push    edx
        test    eax, eax
        jnz     .d
.o:     pop     eax
        cmp     eax, -1
        je      .e
        add     al, '0'
        out     0xE9, al
        jmp     .o
.e:     pop     edx
        pop     ecx
        pop     eax
        ret

        section .bss
        align   16
bss_start:
        resb    16384
        resb    4096
stack_top:
kernel_end:
