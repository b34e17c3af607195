; A fake Linux "bzImage" for the direct kernel boot test (x86pc/QEMU
; -kernel linuxtest.bin -initrd initrd.bin -append ...): a boot protocol
; 2.06 header, real-mode "setup" code and a protected-mode part that holds
; only markers.  The setup code checks and prints what the loader gave it
; on port E9h and exits through isa-debug-exit (port 501h, status 1):
;   "L: ..." lines must be the same with every loader,
;   "M: ..." lines (addresses the loader chose) are the x86pc BIOS's.
; Build: nasm -f bin -o linuxtest.bin linuxtest.asm

        cpu     686
        bits    16
        org     0

SETUP_SECTS     equ     4
KSIZE           equ     0x3010          ; protected-mode part (bytes)
INITRD_SIZE     equ     70000           ; tests/boot/initrd.asm

; ---- the boot sector (not run) and the header
        times   0x1F1 - ($ - $$) db 0
        db      SETUP_SECTS             ; 1F1 setup_sects
        dw      0                       ; 1F2 root_flags
        dd      KSIZE / 16              ; 1F4 syssize
        dw      0                       ; 1F8 ram_size
        dw      0                       ; 1FA vid_mode
        dw      0                       ; 1FC root_dev
        dw      0xAA55                  ; 1FE boot_flag
        jmp     short start             ; 200 jump
        db      "HdrS"                  ; 202 header
        dw      0x0206                  ; 206 version
        dd      0                       ; 208 realmode_swtch
        dw      0                       ; 20C start_sys_seg
        dw      0                       ; 20E kernel_version
        db      0                       ; 210 type_of_loader
        db      0x01                    ; 211 loadflags: LOADED_HIGH
        dw      0                       ; 212 setup_move_size
        dd      0x100000                ; 214 code32_start
        dd      0                       ; 218 ramdisk_image
        dd      0                       ; 21C ramdisk_size
        dd      0                       ; 220 bootsect_kludge
        dw      0                       ; 224 heap_end_ptr
        db      0                       ; 226 ext_loader_ver
        db      0                       ; 227 ext_loader_type
        dd      0                       ; 228 cmd_line_ptr
        dd      0x7FFFFFFF              ; 22C initrd_addr_max
        dd      0                       ; 230 kernel_alignment
        db      0                       ; 234 relocatable_kernel
        db      0                       ; 235 min_alignment
        dw      0                       ; 236 xloadflags
        dd      255                     ; 238 cmdline_size

; ---- real mode: CS = DS + 20h, DS = ES = SS = the setup segment
start:  cli
        cld
        mov     ax, cs
        sub     ax, 0x20
        mov     bx, ds
        cmp     ax, bx
        jne     .badseg
        mov     bx, ss
        cmp     ax, bx
        je      .segok
.badseg:
        mov     al, 'X'
        out     0xE9, al
.segok: ; to 32-bit protected mode: GDT in this segment
        xor     eax, eax
        mov     ax, ds
        shl     eax, 4
        mov     ebp, eax                ; EBP = linear base of the setup
        lea     ebx, [eax + gdt]
        mov     [gdt_desc + 2], ebx
        o32 lgdt [gdt_desc]
        lea     ebx, [eax + pm32]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        o32 push dword 0x08
        o32 push ebx
        o32 retf

        align   8
gdt:    dq      0
        dq      0x00CF9A000000FFFF      ; 08h: code, flat, 32-bit
        dq      0x00CF92000000FFFF      ; 10h: data, flat
gdt_desc:
        dw      23
        dd      0

        bits    32
%macro PRINTL 1+
        call    pr32
        db      %1, 0
%endmacro
pm32:   mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, 0x7000
        PRINTL  "L: booted: CS = setup segment + 20h, DS = SS = setup segment", 10
        ; loadflags: CAN_USE_HEAP and a heap end
        PRINTL  "L: CAN_USE_HEAP="
        movzx   eax, byte [ebp + 0x211]
        shr     eax, 7
        call    hex8
        PRINTL  " heap_end_ptr set="
        xor     eax, eax
        cmp     word [ebp + 0x224], 0
        setne   al
        call    hex8
        PRINTL  " type_of_loader set="
        xor     eax, eax
        cmp     byte [ebp + 0x210], 0
        setne   al
        call    hex8
        PRINTL  10
        ; the command line
        PRINTL  "L: cmdline=["
        mov     esi, [ebp + 0x228]
        mov     ecx, 300
.cl:    lodsb
        test    al, al
        jz      .cle
        out     0xE9, al
        loop    .cl
.cle:   PRINTL  "]", 10
        ; the protected-mode part at 1 MiB
        PRINTL  "L: kernel at 100000h: "
        cmp     dword [0x100000], 'KERN'
        jne     .kbad
        cmp     dword [0x100000 + KSIZE - 4], 'KEND'
        jne     .kbad
        PRINTL  "ok", 10
        jmp     .initrd
.kbad:  PRINTL  "BAD", 10
.initrd:
        mov     ebx, [ebp + 0x218]
        mov     ecx, [ebp + 0x21C]
        PRINTL  "L: ramdisk_size="
        mov     eax, ecx
        call    hex32
        PRINTL  " 4K aligned="
        test    ebx, 0xFFF
        setz    al
        call    hex8
        PRINTL  " above the kernel="
        cmp     ebx, 0x100000 + KSIZE
        setae   al
        call    hex8
        PRINTL  " below initrd_addr_max="
        lea     eax, [ebx + ecx - 1]
        cmp     eax, [ebp + 0x22C]
        setbe   al
        call    hex8
        PRINTL  10
        ; checksum: sum of byte[i] * (i + 1)
        PRINTL  "L: initrd sum="
        xor     eax, eax
        xor     edx, edx
        mov     esi, ebx
        jecxz   .se
        xor     edi, edi
.sum:   inc     edi
        movzx   eax, byte [esi]
        imul    eax, edi
        add     edx, eax
        inc     esi
        cmp     edi, ecx
        jb      .sum
.se:    mov     eax, edx
        call    hex32
        PRINTL  10
        ; the loader's choices (x86pc BIOS)
        PRINTL  "M: setup at "
        mov     eax, ebp
        call    hex32
        PRINTL  " cmd_line_ptr="
        mov     eax, [ebp + 0x228]
        call    hex32
        PRINTL  " heap_end_ptr="
        movzx   eax, word [ebp + 0x224]
        call    hex32
        PRINTL  " ramdisk_image="
        mov     eax, [ebp + 0x218]
        call    hex32
        PRINTL  " type_of_loader="
        mov     al, [ebp + 0x210]
        call    hex8
        PRINTL  " vid_mode="
        movzx   eax, word [ebp + 0x1FA]
        call    hex32
        PRINTL  10
        PRINTL  "L: done", 10
        mov     dx, 0x501
        xor     al, al
        out     dx, al
        cli
        hlt

; 32-bit output helpers (data through EBP-relative addresses are not
; needed: strings are inline after the call).
pr32:   pop     esi                     ; inline string
.l:     lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     jmp     esi
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

        times   (SETUP_SECTS + 1) * 512 - ($ - $$) db 0

; ---- the protected-mode part
kernel: db      "KERN"
        times   KSIZE - 4 - ($ - kernel) db 0x5A
        db      "KEND"
