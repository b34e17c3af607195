; Firmware-tables test: a hard disk whose MBR the BIOS boots.  The MBR
; loads the rest (sectors 1-40) with INT 13h AH=02h, reads the E820 map,
; switches to 32-bit protected mode (flat, interrupts off) and checks what
; an OS finds in the firmware's tables and the PCI set-up:
;   - the RSDP (scanning the EBDA's first KiB and E0000h-FFFFFh), RSDT,
;     FADT fields, FACS, DSDT (signature, checksum, TOLM, _S5): checksums
;     and where they lie in the E820 map; no MADT, no MP table
;   - the SMBIOS entry point and structures (type 0 vendor, type 1, type
;     17 size, type 127 last)
;   - PCI: every BAR assigned, naturally aligned, inside the BIOS's windows,
;     no two overlapping, decoding enabled; interrupt lines from the PIRQ
;     swizzle; PIIX3 PIRQ routing and ELCR; PIIX4 PM base; IDE set-up
;   - the PM timer running
;   - the BIOS32 Service Directory and the 32-bit PCI BIOS it leads to
;     (B101h-B103h, B108h-B10Eh by far CALL), and INT 1Ah B10Eh in real mode
; and finally powers the machine off through ACPI: ACPI_ENABLE to SMI_CMD,
; wait for SCI_EN, SLP_TYP (from \_S5) | SLP_EN to PM1a_CNT.
; Lines "A: ..." are compared with acpitest.expected; "I: ..." lines carry
; values the run script checks itself (DSDT length) or only shows.  If the
; machine is still running after the S5 write, the test says so and exits
; through isa-debug-exit (port 501h) with status 3.
;
; Build: nasm -f bin -o acpitest.img acpitest.asm

        cpu     686
        bits    16
        org     0x7C00

EXIT_PORT       equ     0x501
NSECT           equ     40
E820_BUF        equ     0x6000          ; E820 entries, 20 bytes each
E820_MAXN       equ     32
BAR_BUF         equ     0x8000 + NSECT * 512    ; BAR list: base, size, kind
BAR_MAXN        equ     256
PIR_BUF         equ     0x5000          ; B10Eh (real mode) copy, 1 KiB
PIR_BUF32       equ     0x5400          ; B10Eh (32-bit) copy, 1 KiB

mbr:    cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        cld
        mov     ax, 0x0200 | NSECT      ; sectors 1..NSECT to 7E00h
        mov     bx, 0x7E00
        mov     cx, 0x0002
        mov     dh, 0
        int     0x13
        jc      .fail
        cmp     dword [stage2_magic], 0x32475453
        jne     .fail
        jmp     stage2
.fail:  mov     si, msg_loadfail
.p:     lodsb
        test    al, al
        jz      .h
        out     0xE9, al
        jmp     .p
.h:     mov     dx, EXIT_PORT
        mov     al, 1
        out     dx, al
        cli
        hlt

msg_loadfail:   db "A: stage 2 load FAILED", 10, 0

        times   510 - ($ - $$) db 0
        dw      0xAA55

stage2_magic:   dd 0x32475453

stage2:
        ; PCI BIOS: the VGA's BAR0 (as a VGA BIOS reads it)
        mov     ax, 0xB10A
        mov     bx, 0x0010              ; 00:02.0
        mov     di, 0x0010
        xor     ecx, ecx
        int     0x1A
        setc    [b10a_cf]
        mov     [b10a_ah], ah
        mov     [b10a_ecx], ecx
        ; PCI BIOS B10Eh (real mode): first with a 16-byte buffer, then
        ; with a big enough one at PIR_BUF
        mov     word [rm_opt], 16
        mov     word [rm_opt + 2], PIR_BUF
        mov     word [rm_opt + 4], 0
        mov     ax, 0xB10E
        xor     bx, bx
        mov     di, rm_opt
        int     0x1A
        setc    [rm_small_cf]
        mov     [rm_small_ah], ah
        mov     ax, [rm_opt]
        mov     [rm_small_size], ax
        mov     word [rm_opt], 1024
        mov     ax, 0xB10E
        mov     bx, 0x5555
        mov     di, rm_opt
        int     0x1A
        setc    [rm_cf]
        mov     [rm_ah], ah
        mov     [rm_bx], bx
        ; E820 map (real mode)
        xor     ebx, ebx
        mov     di, E820_BUF
.e8:    mov     eax, 0xE820
        mov     ecx, 20
        mov     edx, 0x534D4150
        int     0x15
        jc      .e8d
        cmp     eax, 0x534D4150
        jne     .e8d
        inc     word [e820_n]
        add     di, 20
        cmp     word [e820_n], E820_MAXN
        jae     .e8d
        test    ebx, ebx
        jnz     .e8
.e8d:   cli
        lgdt    [gdt_desc]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     0x08:pm32

        align   8
gdt:    dq      0
        dq      0x00CF9A000000FFFF      ; 08h: code, flat 32-bit
        dq      0x00CF92000000FFFF      ; 10h: data, flat
gdt_desc:
        dw      3 * 8 - 1
        dd      gdt

e820_n: dw      0
rm_opt: dw      0, 0, 0
rm_small_cf: db 0
rm_small_ah: db 0
rm_small_size: dw 0
rm_cf:  db      0
rm_ah:  db      0
rm_bx:  dw      0
b10a_cf: db     0
b10a_ah: db     0
b10a_ecx: dd    0

; ---------------------------------------------------------------- 32-bit
        bits    32

%macro PRINT 1
        call    print_inline
        db      %1, 0
%endmacro

print_inline:
        xchg    esi, [esp]
        push    eax
.l:     lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     pop     eax
        xchg    esi, [esp]
        ret

putc:   out     0xE9, al
        ret

nl:     push    eax
        mov     al, 10
        out     0xE9, al
        pop     eax
        ret

hex8:   push    eax
        shr     al, 4
        call    .n
        pop     eax
        push    eax
        call    .n
        pop     eax
        ret
.n:     and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0xE9, al
        ret
hex16:  xchg    al, ah
        call    hex8
        xchg    al, ah
        jmp     hex8
hex32:  ror     eax, 16
        call    hex16
        ror     eax, 16
        jmp     hex16

dec:    pushad
        mov     ecx, 10
        push    dword 0xFFFFFFFF
.d1:    xor     edx, edx
        div     ecx
        push    edx
        test    eax, eax
        jnz     .d1
.d2:    pop     eax
        cmp     eax, 0xFFFFFFFF
        je      .d3
        add     al, '0'
        out     0xE9, al
        jmp     .d2
.d3:    popad
        ret

; Prints ECX characters at ESI (non-printable ones as '?').
putn:   pushad
.l:     jecxz   .d
        lodsb
        cmp     al, 0x20
        jb      .q
        cmp     al, 0x7E
        jbe     .p
.q:     mov     al, '?'
.p:     out     0xE9, al
        dec     ecx
        jmp     .l
.d:     popad
        ret

; A failed check: counts it and marks the current line BAD.
fail:   inc     dword [fails]
        mov     byte [bad], 1
        ret
; Starts a check line.
begin:  mov     byte [bad], 0
        ret
; Ends it: " ok" or " BAD".
verdict:
        cmp     byte [bad], 0
        jne     .b
        PRINT   ` ok\n`
        ret
.b:     PRINT   ` BAD\n`
        ret

fails:  dd      0
bad:    db      0

; AL = sum of ECX bytes at ESI.
sum8:   push    esi
        push    ecx
        xor     al, al
.l:     jecxz   .d
        add     al, [esi]
        inc     esi
        dec     ecx
        jmp     .l
.d:     pop     ecx
        pop     esi
        ret

; E820 type of the entry that holds [EAX, EAX + ECX), or 0.
e820_type:
        push    esi
        push    edx
        push    ebx
        movzx   ebx, word [e820_n]
        mov     esi, E820_BUF
.l:     test    ebx, ebx
        jz      .none
        dec     ebx
        cmp     dword [esi + 4], 0
        jne     .n
        cmp     eax, [esi]
        jb      .n
        mov     edx, [esi]
        add     edx, [esi + 8]
        cmp     eax, edx
        jae     .n
        sub     edx, eax                ; bytes from EAX to the entry's end
        cmp     ecx, edx
        ja      .n
        mov     eax, [esi + 16]
        jmp     .out
.n:     add     esi, 20
        jmp     .l
.none:  xor     eax, eax
.out:   pop     ebx
        pop     edx
        pop     esi
        ret

; Checks the ACPI table at ESI: signature EAX, checksum over its length.
; Prints "<sig> length N checksum ok/BAD" without the verdict.
acpi_table:
        push    ecx
        cmp     [esi], eax
        je      .sig
        call    fail
.sig:   mov     ecx, [esi + 4]
        cmp     ecx, 36
        jb      .short
        cmp     ecx, 0x10000
        ja      .short
        call    sum8
        test    al, al
        jz      .sum
.short: call    fail
.sum:   pop     ecx
        ret

; PCI configuration: EBX = bus/devfn << 8 | register (dword aligned).
pci_rd: push    edx
        mov     eax, ebx
        and     eax, 0xFFFFFC
        or      eax, 0x80000000
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        in      eax, dx
        pop     edx
        ret
pci_wr: push    edx
        push    eax
        mov     eax, ebx
        and     eax, 0xFFFFFC
        or      eax, 0x80000000
        mov     dx, 0xCF8
        out     dx, eax
        pop     eax
        mov     dx, 0xCFC
        out     dx, eax
        pop     edx
        ret

pm32:   mov     ax, 0x10
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     esp, 0x7C00
        cld
        PRINT   `A: protected mode\n`

        ; ------------------------------------------------------------ RSDP
        call    begin
        PRINT   "A: RSDP:"
        movzx   esi, word [0x40E]       ; the EBDA's first KiB
        shl     esi, 4
        mov     ecx, 1024 / 16
        call    scan_rsdp
        jnc     .rsdp
        mov     esi, 0xE0000
        mov     ecx, 0x20000 / 16
        call    scan_rsdp
        jnc     .rsdp
        PRINT   ` not found BAD\n`
        jmp     done
.rsdp:  mov     [rsdp], esi
        PRINT   " found"
        cmp     esi, 0xE0000
        jb      .rsdp1
        PRINT   " in E0000h-FFFFFh"
.rsdp1: PRINT   ", checksum ok, revision "
        mov     al, [esi + 15]
        call    hex8
        PRINT   ", OEM '"
        lea     esi, [esi + 9]
        mov     ecx, 6
        call    putn
        PRINT   "'"
        call    verdict
        PRINT   "I: RSDP at "
        mov     eax, [rsdp]
        call    hex32
        call    nl

        ; ------------------------------------------------------------ RSDT
        call    begin
        mov     esi, [rsdp]
        mov     esi, [esi + 16]
        mov     [rsdt], esi
        PRINT   "A: RSDT: checksum, entries "
        mov     eax, 'RSDT'
        call    acpi_table
        mov     eax, [esi + 4]
        sub     eax, 36
        shr     eax, 2
        mov     [rsdt_n], eax
        call    dec
        PRINT   ", in ACPI reclaim memory"
        mov     eax, esi
        mov     ecx, [esi + 4]
        call    e820_type
        cmp     eax, 3
        je      .rs1
        call    fail
.rs1:   call    verdict
        ; each entry: signature and checksum
        xor     ebx, ebx
.ent:   cmp     ebx, [rsdt_n]
        jae     .entd
        mov     esi, [rsdt]
        mov     esi, [esi + 36 + ebx * 4]
        call    begin
        PRINT   "A: RSDT entry "
        push    esi
        mov     ecx, 4
        call    putn
        pop     esi
        PRINT   ": checksum"
        mov     eax, [esi]
        call    acpi_table
        cmp     dword [esi], 'FACP'
        jne     .e1
        mov     [fadt], esi
.e1:    cmp     dword [esi], 'APIC'
        jne     .e2
        mov     [madt], esi
.e2:    call    verdict
        inc     ebx
        jmp     .ent
.entd:  call    begin
        PRINT   "A: MADT: "
        cmp     dword [madt], 0
        je      .nomadt
        PRINT   "present (the machine has no APIC)"
        call    fail
        jmp     .madtd
.nomadt:
        PRINT   "none (8259 interrupt model)"
.madtd: call    verdict

        ; ------------------------------------------------------------ FADT
        mov     esi, [fadt]
        test    esi, esi
        jnz     .fadt
        PRINT   `A: FADT: not found BAD\n`
        jmp     done
.fadt:  call    begin
        PRINT   "A: FADT: revision "
        mov     al, [esi + 8]
        call    hex8
        PRINT   ", length "
        mov     eax, [esi + 4]
        call    dec
        PRINT   ", in ACPI reclaim memory"
        mov     eax, esi
        mov     ecx, [esi + 4]
        call    e820_type
        cmp     eax, 3
        je      .f1
        call    fail
.f1:    call    verdict
        call    begin
        PRINT   "A: FADT: SCI_INT "
        movzx   eax, word [esi + 46]
        call    dec
        PRINT   ", SMI_CMD "
        mov     eax, [esi + 48]
        call    hex32
        PRINT   ", ACPI_ENABLE "
        mov     al, [esi + 52]
        call    hex8
        PRINT   ", ACPI_DISABLE "
        mov     al, [esi + 53]
        call    hex8
        PRINT   ", INT_MODEL "
        mov     al, [esi + 44]
        call    hex8
        call    verdict
        call    begin
        PRINT   "A: FADT: PM1a_EVT "
        mov     eax, [esi + 56]
        call    hex32
        PRINT   "/"
        mov     al, [esi + 88]
        call    hex8
        PRINT   " PM1b_EVT "
        mov     eax, [esi + 60]
        call    hex32
        PRINT   " PM1a_CNT "
        mov     eax, [esi + 64]
        call    hex32
        PRINT   "/"
        mov     al, [esi + 89]
        call    hex8
        PRINT   " PM_TMR "
        mov     eax, [esi + 76]
        call    hex32
        PRINT   "/"
        mov     al, [esi + 91]
        call    hex8
        PRINT   " GPE0 "
        mov     eax, [esi + 80]
        call    hex32
        PRINT   "/"
        mov     al, [esi + 92]
        call    hex8
        call    verdict
        call    begin
        PRINT   "A: FADT: flags "
        mov     eax, [esi + 112]
        call    hex32
        PRINT   " (TMR_VAL_EXT "
        bt      eax, 8
        setc    al
        add     al, '0'
        call    putc
        PRINT   "), CENTURY "
        mov     al, [esi + 108]
        call    hex8
        PRINT   ", P_LVL2_LAT "
        mov     ax, [esi + 96]
        call    hex16
        call    verdict

        ; ------------------------------------------------------------ FACS
        call    begin
        mov     edi, [esi + 36]
        PRINT   "A: FACS: signature, length "
        cmp     dword [edi], 'FACS'
        je      .fc1
        call    fail
.fc1:   mov     eax, [edi + 4]
        call    dec
        PRINT   ", 64-byte aligned"
        test    edi, 63
        jz      .fc2
        call    fail
.fc2:   PRINT   ", in ACPI NVS memory"
        mov     eax, edi
        mov     ecx, 64
        call    e820_type
        cmp     eax, 4
        je      .fc3
        call    fail
.fc3:   call    verdict

        ; ------------------------------------------------------------ DSDT
        call    begin
        mov     edi, [esi + 40]
        mov     [dsdt], edi
        PRINT   "A: DSDT: checksum, revision "
        push    esi
        mov     esi, edi
        mov     eax, 'DSDT'
        call    acpi_table
        pop     esi
        mov     al, [edi + 8]
        call    hex8
        PRINT   ", OEM table ID '"
        push    esi
        lea     esi, [edi + 16]
        mov     ecx, 8
        call    putn
        pop     esi
        PRINT   "', in ACPI reclaim memory"
        mov     eax, edi
        mov     ecx, [edi + 4]
        call    e820_type
        cmp     eax, 3
        je      .d1
        call    fail
.d1:    call    verdict
        PRINT   "I: DSDT length "
        mov     eax, [edi + 4]
        call    dec
        call    nl
        ; TOLM (name + DWord prefix) = the end of the ACPI reclaim entry
        ; that holds the DSDT = the top of RAM below 4 GiB
        call    begin
        PRINT   "A: DSDT: \_SB.PCI0.TOLM "
        mov     esi, edi
        mov     ecx, [edi + 4]
        sub     ecx, 9
.tolm:  cmp     dword [esi], 'TOLM'
        jne     .tn
        cmp     byte [esi + 4], 0x0C
        je      .tf
.tn:    inc     esi
        loop    .tolm
        PRINT   "not found"
        call    fail
        jmp     .td
.tf:    mov     eax, [esi + 5]
        call    hex32
        PRINT   " = top of RAM"
        ; the top of RAM: the highest end of an E820 RAM/ACPI entry
        ; below 4 GiB
        push    eax
        call    ram_top
        pop     edx
        cmp     eax, edx
        je      .td
        call    fail
.td:    call    verdict
        ; \_S5: Name (_S5, Package (n) {SLP_TYPa, ...})
        call    begin
        PRINT   "A: DSDT: \_S5 SLP_TYPa "
        mov     esi, edi
        mov     ecx, [edi + 4]
        sub     ecx, 9
.s5:    cmp     dword [esi], '_S5_'
        jne     .s5n
        cmp     byte [esi - 1], 0x08    ; NameOp
        jne     .s5n
        cmp     byte [esi + 4], 0x12    ; PackageOp
        je      .s5f
.s5n:   inc     esi
        loop    .s5
        PRINT   "not found"
        call    fail
        jmp     .s5d
.s5f:   mov     al, [esi + 7]           ; after PkgLength (1 byte), count
        cmp     al, 0x0A                ; BytePrefix
        jne     .s5c
        mov     al, [esi + 8]
        jmp     .s5v
.s5c:   cmp     al, 1                   ; ZeroOp / OneOp
        jbe     .s5v
        call    fail
.s5v:   mov     [slp_typ], al
        call    hex8
.s5d:   call    verdict

        ; ------------------------------------------------------------ MP
        call    begin
        PRINT   "A: MP floating pointer: "
        movzx   esi, word [0x40E]
        shl     esi, 4
        mov     ecx, 1024 / 16
        call    scan_mp
        jnc     .mp
        mov     esi, 0xF0000
        mov     ecx, 0x10000 / 16
        call    scan_mp
        jnc     .mp
        PRINT   "none"
        jmp     .mpd
.mp:    PRINT   "present"
        call    fail
.mpd:   call    verdict

        call    dump_tables
        call    begin
        PRINT   "A: INT 1Ah B10Ah (real mode) 00:02.0 register 10h: ECX="
        mov     eax, [b10a_ecx]
        call    hex32
        PRINT   " CF="
        mov     al, [b10a_cf]
        call    hex8
        PRINT   " AH="
        mov     al, [b10a_ah]
        call    hex8
        call    verdict
        call    smbios_check
        call    pci_check
        call    pir_check
        call    bios32_check
        call    pm_check
        jmp     done

; The PCI IRQ routing table ($PIR) in F0000h-FFFFFh.
pir_check:
        call    begin
        PRINT   "A: $PIR: "
        mov     esi, 0xF0000
        mov     ecx, 0x10000 / 16
.sc:    cmp     dword [esi], '$PIR'
        jne     .n
        push    ecx
        movzx   ecx, word [esi + 6]
        call    sum8
        pop     ecx
        test    al, al
        jz      .f
.n:     add     esi, 16
        loop    .sc
        PRINT   "not found"
        call    fail
        jmp     verdict
.f:     mov     [pir_at], esi
        PRINT   "checksum ok, version "
        mov     ax, [esi + 4]
        call    hex16
        PRINT   ", router "
        mov     al, [esi + 8]
        call    hex8
        mov     al, ':'
        call    putc
        mov     al, [esi + 9]
        call    hex8
        PRINT   " compatible "
        mov     ax, [esi + 12]
        call    hex16
        mov     al, ':'
        call    putc
        mov     ax, [esi + 14]
        call    hex16
        PRINT   ", entries "
        movzx   eax, word [esi + 6]
        sub     eax, 32
        shr     eax, 4
        mov     ebx, eax
        call    dec
        PRINT   " (links = the swizzle, current IRQs allowed)"
        lea     edi, [esi + 32]
.e:     test    ebx, ebx
        jz      .ed
        dec     ebx
        movzx   edx, byte [edi + 1]
        shr     edx, 3                  ; slot
        xor     ecx, ecx                ; pin
.p:     lea     eax, [edx + ecx]
        and     eax, 3
        add     eax, 0x60
        lea     ebp, [ecx + ecx * 2]
        cmp     [edi + 2 + ebp], al
        je      .pl
        call    fail
.pl:    movzx   eax, byte [pirq_irq + eax - 0x60]
        bt      [edi + 3 + ebp], ax     ; the routed IRQ is allowed
        jc      .pb
        call    fail
.pb:    inc     ecx
        cmp     ecx, 4
        jb      .p
        add     edi, 16
        jmp     .e
.ed:    jmp     verdict

; The BIOS32 Service Directory in E0000h-FFFFFh and the 32-bit PCI BIOS
; reached through it (far CALLs from this flat code segment, 08h).
%macro PCI32 0
        call    far [pci32_ptr]
        setc    [p_cf]
%endmacro

bios32_check:
        call    begin
        PRINT   "A: BIOS32: "
        mov     esi, 0xE0000
        mov     ecx, 0x20000 / 16
.sc:    cmp     dword [esi], '_32_'
        jne     .n
        push    ecx
        movzx   ecx, byte [esi + 9]
        shl     ecx, 4
        jz      .n0
        call    sum8
        pop     ecx
        test    al, al
        jz      .f
        jmp     .n
.n0:    pop     ecx
.n:     add     esi, 16
        loop    .sc
        PRINT   "not found"
        call    fail
        jmp     verdict
.f:     PRINT   "found, checksum ok, revision "
        mov     al, [esi + 8]
        call    hex8
        PRINT   ", length "
        mov     al, [esi + 9]
        call    hex8
        mov     eax, [esi + 4]
        mov     [b32_ptr], eax
        cmp     eax, 0xE0000
        jb      .out
        cmp     eax, 0x100000
        jb      .in
.out:   PRINT   ", entry outside E0000h-FFFFFh"
        call    fail
        jmp     verdict
.in:    mov     [b32_hdr], esi
        ; an unknown service
        mov     eax, '$XYZ'
        xor     ebx, ebx
        call    far [b32_ptr]
        PRINT   "; '$XYZ': AL="
        call    hex8
        cmp     al, 0x80
        je      .u
        call    fail
.u:     mov     eax, '$PCI'
        xor     ebx, ebx
        mov     esi, 0x12345678
        mov     edi, 0x9ABCDEF0
        mov     ebp, 0x0F1E2D3C
        call    far [b32_ptr]
        PRINT   "; '$PCI': AL="
        call    hex8
        cmp     al, 0
        je      .p1
        call    fail
.p1:    cmp     esi, 0x12345678
        jne     .p2
        cmp     edi, 0x9ABCDEF0
        jne     .p2
        cmp     ebp, 0x0F1E2D3C
        je      .p3
.p2:    PRINT   " (ESI/EDI/EBP changed)"
        call    fail
.p3:    mov     [b32_base], ebx
        mov     [b32_len], ecx
        mov     [b32_off], edx
        PRINT   ", entry inside base/length in E0000h-FFFFFh"
        cmp     ebx, 0xE0000
        jb      .p4
        cmp     edx, ecx
        jae     .p4
        lea     eax, [ebx + ecx]
        cmp     eax, 0x100000
        ja      .p4
        lea     eax, [ebx + edx]
        mov     [pci32_ptr], eax
        jmp     .p5
.p4:    call    fail
        call    verdict
        ret
.p5:    call    verdict
        PRINT   "I: BIOS32 header at "
        mov     eax, [b32_hdr]
        call    hex32
        PRINT   ", entry "
        mov     eax, [b32_ptr]
        call    hex32
        PRINT   "; $PCI base "
        mov     eax, [b32_base]
        call    hex32
        PRINT   " length "
        mov     eax, [b32_len]
        call    hex32
        PRINT   " entry offset "
        mov     eax, [b32_off]
        call    hex32
        call    nl

        ; B101h installation check
        call    begin
        PRINT   "A: PCI32 B101h: "
        mov     eax, 0xB101
        xor     ebx, ebx
        xor     ecx, ecx
        xor     edx, edx
        mov     esi, 0x11223344
        PCI32
        push    eax
        PRINT   "EDX="
        mov     eax, edx
        call    hex32
        cmp     edx, 0x20494350
        je      .i1
        call    fail
.i1:    PRINT   " AX="
        pop     eax
        call    hex16
        cmp     ah, 0
        je      .i2
        call    fail
.i2:    PRINT   " BX="
        mov     eax, ebx
        call    hex16
        PRINT   " CL="
        mov     al, cl
        call    hex8
        call    p_cfchk0
        cmp     esi, 0x11223344
        je      .i3
        call    fail
.i3:    call    verdict

        ; B102h find device
        call    begin
        PRINT   "A: PCI32 B102h 8086:7000 index 0: "
        mov     eax, 0xB102
        mov     ecx, 0x7000
        mov     edx, 0x8086
        xor     esi, esi
        mov     ebx, 0xABCD0000
        PCI32
        call    p_ahbx
        cmp     ebx, 0xABCD0008
        je      .d1
        call    fail
.d1:    cmp     edx, 0x8086
        jne     .d2
        cmp     ecx, 0x7000
        je      .d3
.d2:    PRINT   " (ECX/EDX changed)"
        call    fail
.d3:    call    p_cfchk0
        call    verdict
        call    begin
        PRINT   "A: PCI32 B102h 5678:1234: "
        mov     eax, 0xB102
        mov     ecx, 0x1234
        mov     edx, 0x5678
        xor     esi, esi
        PCI32
        PRINT   "AH="
        mov     al, ah
        call    hex8
        cmp     al, 0x86
        je      .d4
        call    fail
.d4:    PRINT   " CF="
        mov     al, [p_cf]
        call    hex8
        cmp     al, 1
        je      .d5
        call    fail
.d5:    call    verdict

        ; B103h find class (IDE 01 01 80), index 0
        call    begin
        PRINT   "A: PCI32 B103h class 010180: "
        mov     eax, 0xB103
        mov     ecx, 0x010180
        xor     esi, esi
        xor     ebx, ebx
        PCI32
        call    p_ahbx
        cmp     bx, 0x0009
        je      .c1
        call    fail
.c1:    call    p_cfchk0
        call    verdict

        ; B10Ah dword, B109h word, B108h byte; EDX preserved
        call    begin
        PRINT   "A: PCI32 B10Ah 00:00.0 reg 0: ECX="
        mov     eax, 0xB10A
        xor     ebx, ebx
        xor     edi, edi
        mov     edx, 0x55AA55AA
        PCI32
        mov     eax, ecx
        call    hex32
        call    p_cfchk0
        cmp     edx, 0x55AA55AA
        je      .r1
        PRINT   " (EDX changed)"
        call    fail
.r1:    call    verdict
        call    begin
        PRINT   "A: PCI32 B109h 00:01.0 reg 0Ah: CX="
        mov     eax, 0xB109
        mov     ebx, 0x0008
        mov     edi, 0x0A
        xor     ecx, ecx
        PCI32
        mov     eax, ecx
        call    hex16
        call    p_cfchk0
        call    verdict
        call    begin
        PRINT   "A: PCI32 B108h 00:01.0 reg 0Bh: CL="
        mov     eax, 0xB108
        mov     ebx, 0x0008
        mov     edi, 0x0B
        xor     ecx, ecx
        PCI32
        mov     al, cl
        call    hex8
        call    p_cfchk0
        call    verdict
        call    begin
        PRINT   "A: PCI32 B109h odd register: AH="
        mov     eax, 0xB109
        xor     ebx, ebx
        mov     edi, 0x01
        PCI32
        mov     al, ah
        call    hex8
        cmp     al, 0x87
        je      .r2
        call    fail
.r2:    PRINT   " CF="
        mov     al, [p_cf]
        call    hex8
        cmp     al, 1
        je      .r3
        call    fail
.r3:    call    verdict

        ; writes: the VGA's interrupt line (00:02.0 3Ch) by byte, word and
        ; dword, read back by byte; restored at the end
        call    begin
        PRINT   "A: PCI32 B10Bh/B10Ch/B10Dh 00:02.0 reg 3Ch, read back:"
        mov     ebx, 0x10 << 8 | 0x3C
        call    pci_rd
        mov     [save3c], eax
        mov     eax, 0xB10B
        mov     ebx, 0x0010
        mov     edi, 0x3C
        mov     ecx, 0x5A
        PCI32
        call    rd3c
        mov     eax, 0xB10C
        mov     ecx, [save3c]
        mov     cl, 0xC3
        PCI32
        call    rd3c
        mov     eax, 0xB10D
        mov     ecx, [save3c]
        mov     cl, 0xA5
        PCI32
        call    rd3c
        mov     eax, 0xB10D
        mov     ecx, [save3c]
        PCI32
        mov     ebx, 0x10 << 8 | 0x3C
        call    pci_rd
        cmp     eax, [save3c]
        je      .w1
        PRINT   " (not restored)"
        call    fail
.w1:    call    verdict

        ; B10Eh: too small, then into PIR_BUF32 (selector 10h)
        call    begin
        PRINT   "A: PCI32 B10Eh 16-byte buffer: "
        mov     word [opt32], 16
        mov     dword [opt32 + 2], PIR_BUF32
        mov     word [opt32 + 6], 0x10
        mov     eax, 0xB10E
        xor     ebx, ebx
        mov     edi, opt32
        PCI32
        PRINT   "AH="
        mov     al, ah
        call    hex8
        cmp     al, 0x89
        je      .o1
        call    fail
.o1:    PRINT   " CF="
        mov     al, [p_cf]
        call    hex8
        cmp     al, 1
        je      .o2
        call    fail
.o2:    PRINT   " size "
        movzx   eax, word [opt32]
        call    dec
        call    verdict
        call    begin
        PRINT   "A: PCI32 B10Eh: "
        mov     word [opt32], 1024
        mov     eax, 0xB10E
        mov     ebx, 0x5555
        mov     edi, opt32
        PCI32
        call    p_ahbx
        call    bx_excl
        call    p_cfchk0
        PRINT   " size "
        movzx   eax, word [opt32]
        call    dec
        mov     esi, PIR_BUF32
        call    pir_cmp
        call    verdict
        ; the real-mode call, made before protected mode
        call    begin
        PRINT   "A: INT 1Ah B10Eh (real mode) 16-byte buffer: AH="
        mov     al, [rm_small_ah]
        call    hex8
        cmp     al, 0x89
        je      .m1
        call    fail
.m1:    PRINT   " CF="
        mov     al, [rm_small_cf]
        call    hex8
        cmp     al, 1
        je      .m2
        call    fail
.m2:    PRINT   " size "
        movzx   eax, word [rm_small_size]
        call    dec
        call    verdict
        call    begin
        PRINT   "A: INT 1Ah B10Eh (real mode): AH="
        mov     al, [rm_ah]
        call    hex8
        PRINT   " BX="
        mov     ax, [rm_bx]
        call    hex16
        mov     bx, ax
        call    bx_excl
        PRINT   " CF="
        mov     al, [rm_cf]
        call    hex8
        cmp     al, 0
        je      .m3
        call    fail
.m3:    PRINT   " size "
        movzx   eax, word [rm_opt]
        call    dec
        mov     esi, PIR_BUF
        call    pir_cmp
        call    verdict
        ret

; Prints the copy at ESI "= $PIR slots"; fails unless it equals the slot
; entries of the $PIR table found by pir_check.
pir_cmp:
        PRINT   ", = the $PIR slot entries"
        mov     edi, [pir_at]
        test    edi, edi
        jz      .bad
        movzx   ecx, word [edi + 6]
        sub     ecx, 32
        add     edi, 32
        repe cmpsb
        je      .ok
.bad:   call    fail
.ok:    ret

; " AH=xx BX=xxxx" of the last PCI32 call; fails unless AH = 0.
p_ahbx: push    eax
        PRINT   "AH="
        mov     al, ah
        call    hex8
        cmp     al, 0
        je      .a
        call    fail
.a:     PRINT   " BX="
        mov     eax, ebx
        call    hex16
        pop     eax
        ret
; Fails unless BX = the $PIR's "IRQs exclusively for PCI" word.
bx_excl:
        push    eax
        mov     eax, [pir_at]
        test    eax, eax
        jz      .bad
        cmp     bx, [eax + 10]
        je      .ok
.bad:   call    fail
.ok:    pop     eax
        ret
; " CF=xx"; fails unless CF was clear.
p_cfchk0:
        push    eax
        PRINT   " CF="
        mov     al, [p_cf]
        call    hex8
        cmp     al, 0
        je      .a
        call    fail
.a:     pop     eax
        ret
; " xx": byte 3Ch of 00:02.0 (mechanism #1 directly).
rd3c:   pushad
        mov     ebx, 0x10 << 8 | 0x3C
        call    pci_rd
        push    eax
        mov     al, ' '
        call    putc
        pop     eax
        call    hex8
        popad
        ret

b32_ptr: dd     0
        dw      0x08
pci32_ptr: dd   0
        dw      0x08
b32_hdr: dd     0
b32_base: dd    0
b32_len: dd     0
b32_off: dd     0
p_cf:   db      0
save3c: dd      0
opt32:  dw      0
        dd      0
        dw      0
pir_at: dd      0

; "X: NAME hex..." lines for the host's check (iasl -d): RSDP, RSDT, FADT,
; FACS, DSDT.
dump_tables:
        mov     esi, [rsdp]
        mov     ecx, 20
        mov     eax, 'RSDP'
        call    dump
        mov     esi, [rsdt]
        mov     eax, [esi]
        mov     ecx, [esi + 4]
        call    dump
        mov     esi, [fadt]
        mov     eax, [esi]
        mov     ecx, [esi + 4]
        call    dump
        mov     esi, [fadt]
        mov     esi, [esi + 36]
        mov     eax, [esi]
        mov     ecx, [esi + 4]
        call    dump
        mov     esi, [dsdt]
        mov     eax, [esi]
        mov     ecx, [esi + 4]
        call    dump
        ret

; "X: " EAX (4 characters) " " and ECX (at most 64 KiB) bytes at ESI in hex.
dump:   pushad
        cmp     ecx, 0x10000
        jbe     .len
        mov     ecx, 0x10000
.len:   PRINT   "X: "
        push    esi
        push    ecx
        push    eax
        mov     esi, esp
        mov     ecx, 4
        call    putn
        pop     eax
        pop     ecx
        pop     esi
        mov     al, ' '
        call    putc
.l:     jecxz   .d
        lodsb
        call    hex8
        dec     ecx
        jmp     .l
.d:     call    nl
        popad
        ret

; ESI = start, ECX = 16-byte steps: "RSD PTR " with a valid checksum.
scan_rsdp:
.l:     cmp     dword [esi], 'RSD '
        jne     .n
        cmp     dword [esi + 4], 'PTR '
        jne     .n
        push    ecx
        mov     ecx, 20
        call    sum8
        pop     ecx
        test    al, al
        jz      .f
.n:     add     esi, 16
        loop    .l
        stc
        ret
.f:     clc
        ret

; "_MP_" with a valid 16-byte checksum.
scan_mp:
.l:     cmp     dword [esi], '_MP_'
        jne     .n
        push    ecx
        mov     ecx, 16
        call    sum8
        pop     ecx
        test    al, al
        jz      .f
.n:     add     esi, 16
        loop    .l
        stc
        ret
.f:     clc
        ret

; EAX = highest end below 4 GiB of an E820 entry of type 1, 3 or 4.
ram_top:
        push    esi
        push    ebx
        push    edx
        xor     eax, eax
        movzx   ebx, word [e820_n]
        mov     esi, E820_BUF
.l:     test    ebx, ebx
        jz      .d
        dec     ebx
        cmp     dword [esi + 4], 0
        jne     .n
        mov     edx, [esi + 16]
        cmp     edx, 1
        je      .r
        cmp     edx, 3
        je      .r
        cmp     edx, 4
        jne     .n
.r:     mov     edx, [esi]
        add     edx, [esi + 8]
        cmp     edx, eax
        jbe     .n
        cmp     edx, 0xFFF00000
        ja      .n
        mov     eax, edx
.n:     add     esi, 20
        jmp     .l
.d:     pop     edx
        pop     ebx
        pop     esi
        ret

rsdp:   dd      0
rsdt:   dd      0
rsdt_n: dd      0
fadt:   dd      0
madt:   dd      0
dsdt:   dd      0
slp_typ: db     0
smb_ep: dd      0

; ---------------------------------------------------------------- SMBIOS
; ESI = a structure: ESI -> the byte after its strings' double NUL.
smb_next:
        movzx   eax, byte [esi + 1]
        add     esi, eax
.s:     cmp     word [esi], 0
        je      .d
        inc     esi
        jmp     .s
.d:     add     esi, 2
        ret

; String AL (1-based) of the structure at ESI: ESI = the string, ECX = its
; length; ECX = 0 if absent.
smb_string:
        push    eax
        movzx   ecx, byte [esi + 1]
        add     esi, ecx
        xor     ecx, ecx
        test    al, al
        jz      .d
.l:     cmp     byte [esi], 0
        je      .d                      ; end of the strings
        dec     al
        jz      .got
.skip:  inc     esi
        cmp     byte [esi - 1], 0
        jne     .skip
        jmp     .l
.got:   cmp     byte [esi + ecx], 0
        je      .d
        inc     ecx
        jmp     .got
.d:     pop     eax
        ret

smbios_check:
        call    begin
        PRINT   "A: SMBIOS: entry point"
        mov     esi, 0xF0000
        mov     ecx, 0x10000 / 16
.sc:    cmp     dword [esi], '_SM_'
        jne     .scn
        push    ecx
        movzx   ecx, byte [esi + 5]
        call    sum8
        pop     ecx
        test    al, al
        jz      .found
.scn:   add     esi, 16
        loop    .sc
        PRINT   " not found BAD"
        call    nl
        ret
.found: mov     [smb_ep], esi
        PRINT   " checksum ok, length "
        mov     al, [esi + 5]
        call    hex8
        PRINT   ", version "
        movzx   eax, byte [esi + 6]
        call    dec
        mov     al, '.'
        call    putc
        movzx   eax, byte [esi + 7]
        call    dec
        PRINT   ", _DMI_"
        cmp     dword [esi + 0x10], '_DMI'
        jne     .dbad
        cmp     byte [esi + 0x14], '_'
        jne     .dbad
        push    esi
        add     esi, 0x10
        mov     ecx, 15
        call    sum8
        pop     esi
        test    al, al
        jz      .dok
.dbad:  call    fail
.dok:   PRINT   ", BCD revision "
        mov     al, [esi + 0x1E]
        call    hex8
        call    verdict
        PRINT   "I: SMBIOS entry point at "
        mov     eax, esi
        call    hex32
        PRINT   ", table at "
        mov     eax, [esi + 0x18]
        call    hex32
        call    nl
        ; walk the structures
        call    begin
        mov     edi, [esi + 0x18]       ; table
        movzx   ebx, word [esi + 0x16]
        add     ebx, edi                ; end
        movzx   edx, word [esi + 0x1C]  ; count
        PRINT   "A: SMBIOS: structures "
        mov     eax, edx
        call    dec
        PRINT   ", types"
        xor     ebp, ebp                ; walked
        xor     ecx, ecx                ; largest
        mov     esi, edi
.w:     cmp     esi, ebx
        jae     .wd
        inc     ebp
        mov     al, ' '
        call    putc
        movzx   eax, byte [esi]
        call    dec
        push    esi
        mov     edi, esi
        call    smb_next
        mov     eax, esi
        sub     eax, edi
        cmp     eax, ecx
        jbe     .w1
        mov     ecx, eax
.w1:    pop     eax
        cmp     byte [eax], 0
        jne     .w2
        mov     [smb_t0], eax
.w2:    cmp     byte [eax], 1
        jne     .w3
        mov     [smb_t1], eax
.w3:    cmp     byte [eax], 17
        jne     .w4
        mov     [smb_t17], eax
.w4:    cmp     byte [eax], 127
        jne     .w
        mov     [smb_t127], eax
        cmp     esi, ebx                ; type 127 ends the table
        je      .w
        call    fail
        jmp     .w
.wd:    cmp     esi, ebx
        je      .wd1
        call    fail
.wd1:   cmp     ebp, edx
        je      .wd2
        call    fail
.wd2:   mov     esi, [smb_ep]           ; the largest structure as declared
        cmp     cx, [esi + 8]
        je      .wd3
        call    fail
.wd3:   cmp     dword [smb_t127], 0
        jne     .wd4
        call    fail
.wd4:   call    verdict
        ; type 0: vendor, version, date
        call    begin
        PRINT   "A: SMBIOS type 0: vendor '"
        mov     esi, [smb_t0]
        test    esi, esi
        jz      .t0bad
        mov     al, [esi + 4]
        call    smb_string
        call    putn
        PRINT   "', starting segment "
        mov     esi, [smb_t0]
        mov     ax, [esi + 6]
        call    hex16
        PRINT   ", date '"
        mov     al, [esi + 8]
        call    smb_string
        call    putn
        PRINT   "'"
        jmp     .t0d
.t0bad: call    fail
.t0d:   call    verdict
        ; type 1: manufacturer, product, UUID
        call    begin
        PRINT   "A: SMBIOS type 1: manufacturer '"
        mov     esi, [smb_t1]
        test    esi, esi
        jz      .t1bad
        mov     al, [esi + 4]
        call    smb_string
        call    putn
        PRINT   "', product '"
        mov     esi, [smb_t1]
        mov     al, [esi + 5]
        call    smb_string
        call    putn
        PRINT   "', UUID "
        mov     esi, [smb_t1]
        mov     eax, [esi + 8]
        or      eax, [esi + 12]
        or      eax, [esi + 16]
        or      eax, [esi + 20]
        jnz     .uuid
        PRINT   "zero"
        jmp     .t1d
.uuid:  PRINT   "set"
        jmp     .t1d
.t1bad: call    fail
.t1d:   call    verdict
        ; type 17: memory size
        call    begin
        PRINT   "A: SMBIOS type 17: size "
        mov     esi, [smb_t17]
        test    esi, esi
        jz      .t17bad
        movzx   eax, word [esi + 12]
        call    dec
        PRINT   " MiB"
        jmp     .t17d
.t17bad:
        call    fail
.t17d:  call    verdict
        ret

smb_t0: dd      0
smb_t1: dd      0
smb_t17: dd     0
smb_t127: dd    0

; ---------------------------------------------------------------- PCI
bar_n:  dd      0
nfn:    dd      0
nint:   dd      0

; Records a BAR: EAX = base, ECX = size, DL = kind (0 I/O, 1 memory,
; 2 ROM).
bar_add:
        push    edi
        mov     edi, [bar_n]
        cmp     edi, BAR_MAXN
        jae     .full
        inc     dword [bar_n]
        imul    edi, edi, 12
        add     edi, BAR_BUF
        mov     [edi], eax
        mov     [edi + 4], ecx
        mov     [edi + 8], dl
.full:  pop     edi
        ret

; Walks the BARs of function EBX (bus/devfn << 8): every implemented BAR
; must hold an address; sizes are probed with decoding off.
pci_fn_bars:
        pushad
        mov     bl, 0x04
        call    pci_rd
        mov     [cmd_save], eax
        and     eax, 0x0000FFFC         ; decoding off (status: W1C, 0)
        call    pci_wr
        xor     ebp, ebp                ; decode bits needed
        mov     bl, 0x10
.bar:   call    pci_rd
        mov     esi, eax                ; value
        mov     eax, 0xFFFFFFFF
        call    pci_wr
        call    pci_rd
        xchg    eax, esi
        call    pci_wr                  ; restored
        test    esi, esi
        jz      .next
        test    esi, 1
        jz      .mem
        and     esi, 0xFFFFFFFC
        or      esi, 0xFFFF0000
        neg     esi
        mov     ecx, esi
        and     eax, 0xFFFFFFFC
        mov     dl, 0
        or      ebp, 1
        jmp     .chk
.mem:   mov     edi, esi
        and     edi, 6
        and     esi, 0xFFFFFFF0
        neg     esi
        mov     ecx, esi
        and     eax, 0xFFFFFFF0
        mov     dl, 1
        or      ebp, 2
        cmp     edi, 4
        jne     .chk
        add     bl, 4                   ; 64-bit: the upper half must be 0
        push    eax
        call    pci_rd
        test    eax, eax
        pop     eax
        jz      .chk
        call    fail
.chk:   call    bar_add
        test    eax, eax
        jnz     .next
        call    fail                    ; not assigned
.next:  add     bl, 4
        cmp     bl, 0x24
        jbe     .bar
        ; expansion ROM
        mov     bl, 0x30
        call    pci_rd
        mov     esi, eax
        mov     eax, 0xFFFFF800
        call    pci_wr
        call    pci_rd
        xchg    eax, esi
        call    pci_wr
        and     esi, 0xFFFFF800
        jz      .norom
        neg     esi
        mov     ecx, esi
        and     eax, 0xFFFFF800
        mov     dl, 2
        call    bar_add
        test    eax, eax
        jnz     .norom
        call    fail
.norom: mov     bl, 0x04
        mov     eax, [cmd_save]
        and     eax, 0xFFFF
        call    pci_wr
        ; decoding enabled where the BARs need it
        and     eax, ebp
        cmp     eax, ebp
        je      .cmdok
        call    fail
.cmdok: popad
        ret

cmd_save: dd    0

; Checks every recorded BAR: aligned, in its window, no overlap.
bars_check:
        pushad
        xor     ebx, ebx
.i:     cmp     ebx, [bar_n]
        jae     .done
        imul    esi, ebx, 12
        add     esi, BAR_BUF
        mov     eax, [esi]
        mov     ecx, [esi + 4]
        test    eax, eax
        jz      .ni
        lea     edx, [ecx - 1]
        test    eax, edx
        jz      .al
        call    fail                    ; not naturally aligned
.al:    lea     edx, [eax + ecx]
        cmp     byte [esi + 8], 0
        jne     .memw
        cmp     eax, 0xC000
        jb      .win
        cmp     edx, 0x10000
        ja      .win
        jmp     .ov
.memw:  cmp     eax, 0xE0000000
        jb      .win
        cmp     edx, 0xFEC00000
        ja      .win
        jmp     .ov
.win:   call    fail
.ov:    ; against every later BAR of the same space
        lea     edi, [ebx + 1]
.j:     cmp     edi, [bar_n]
        jae     .ni
        imul    ebp, edi, 12
        add     ebp, BAR_BUF
        mov     dl, [esi + 8]
        mov     dh, [ebp + 8]
        test    dl, dl
        setnz   dl
        test    dh, dh
        setnz   dh
        cmp     dl, dh
        jne     .nj
        ; overlap if a < b_end and b < a_end
        mov     edx, [ebp]
        add     edx, [ebp + 4]
        cmp     eax, edx
        jae     .nj
        mov     edx, eax
        add     edx, ecx
        cmp     [ebp], edx
        jae     .nj
        call    fail
.nj:    inc     edi
        jmp     .j
.ni:    inc     ebx
        jmp     .i
.done:  popad
        ret

pirq_irq: db    0, 0, 0, 0
ide_bar4: dd    0

pci_check:
        ; PIIX3 PIRQ routing
        call    begin
        PRINT   "A: PIIX3 PIRQRC A-D:"
        mov     ebx, (1 << 3) << 8 | 0x60
        call    pci_rd
        mov     [pirq_irq], eax
        xor     ecx, ecx
.pq:    mov     al, ' '
        call    putc
        mov     al, [pirq_irq + ecx]
        call    hex8
        inc     ecx
        cmp     ecx, 4
        jb      .pq
        PRINT   ", ELCR "
        mov     dx, 0x4D1
        in      al, dx
        call    hex8
        mov     dx, 0x4D0
        in      al, dx
        call    hex8
        call    verdict

        ; every function: BARs and interrupt line
        call    begin
        mov     ebx, 0                  ; devfn << 8
.fn:    mov     bl, 0
        call    pci_rd
        cmp     ax, 0xFFFF
        je      .nextfn
        inc     dword [nfn]
        mov     bl, 0x0C
        call    pci_rd
        shr     eax, 16
        test    al, 0x7F
        jnz     .int
        call    pci_fn_bars
.int:   mov     bl, 0x3C
        call    pci_rd
        movzx   ecx, ah                 ; pin
        test    ecx, ecx
        jz      .nextfn
        inc     dword [nint]
        dec     ecx
        mov     edx, ebx
        shr     edx, 11                 ; slot
        add     ecx, edx
        and     ecx, 3
        cmp     al, [pirq_irq + ecx]
        je      .nextfn
        call    fail
.nextfn:
        mov     bl, 0
        add     ebx, 0x100
        cmp     ebx, 0x10000
        jb      .fn
        call    bars_check
        PRINT   "A: PCI: every BAR assigned, aligned, in the BIOS windows, no overlap; interrupt lines from the PIRQ swizzle:"
        call    verdict
        PRINT   "I: PCI functions "
        mov     eax, [nfn]
        call    dec
        PRINT   ", BARs "
        mov     eax, [bar_n]
        call    dec
        PRINT   ", with an interrupt pin "
        mov     eax, [nint]
        call    dec
        call    nl

        ; the VGA's LFB and the IDE bus-master block
        call    begin
        PRINT   "A: PCI 00:02.0 BAR0 "
        mov     ebx, (2 << 3) << 8 | 0x10
        call    pci_rd
        call    hex32
        PRINT   ", command bits 0-2 "
        mov     bl, 0x04
        call    pci_rd
        and     al, 7
        call    hex8
        call    verdict
        call    begin
        PRINT   "A: PCI 00:01.1 (IDE) BAR4 "
        mov     ebx, (1 << 3 | 1) << 8 | 0x20
        call    pci_rd
        mov     [ide_bar4], eax
        test    al, 1
        jz      .bm
        and     eax, 0xFFFFFFFC
        jz      .bm
        PRINT   "I/O"
        jmp     .bmd
.bm:    PRINT   "not I/O"
        call    fail
.bmd:   PRINT   ", command bits 0-2 "
        mov     bl, 0x04
        call    pci_rd
        and     al, 7
        call    hex8
        PRINT   ", IDETIM "
        mov     bl, 0x40
        call    pci_rd
        call    hex32
        call    verdict
        PRINT   "I: PCI 00:01.1 BAR4 "
        mov     eax, [ide_bar4]
        call    hex32
        call    nl
        call    begin
        PRINT   "A: PCI 00:01.3 (PM) PMBA "
        mov     ebx, (1 << 3 | 3) << 8 | 0x40
        call    pci_rd
        call    hex32
        PRINT   ", PMREGMISC bit 0 "
        mov     bl, 0x80
        call    pci_rd
        and     al, 1
        call    hex8
        call    verdict
        ret

; ---------------------------------------------------------------- PM
pm_check:
        mov     esi, [fadt]
        ; the PM timer runs
        call    begin
        PRINT   "A: PM timer counts:"
        mov     edx, [esi + 76]
        in      eax, dx
        and     eax, 0xFFFFFF
        mov     ebx, eax
        mov     ecx, 100000
.t:     in      eax, dx
        and     eax, 0xFFFFFF
        cmp     eax, ebx
        jne     .tok
        loop    .t
        call    fail
.tok:   call    verdict
        ; ACPI mode
        call    begin
        PRINT   "A: ACPI_ENABLE written to SMI_CMD, SCI_EN:"
        mov     edx, [esi + 48]
        mov     al, [esi + 52]
        out     dx, al
        mov     edx, [esi + 64]
        mov     ecx, 1000000
.w:     in      ax, dx
        test    al, 1
        jnz     .en
        loop    .w
        PRINT   " 0"
        call    fail
        jmp     .wd
.en:    PRINT   " 1"
.wd:    call    verdict
        PRINT   "A: S5: SLP_TYP from \_S5 | SLP_EN to PM1a_CNT; failures so far: "
        mov     eax, [fails]
        call    dec
        call    nl
        mov     edx, [esi + 64]
        in      ax, dx
        and     ax, 0xC3FF              ; SLP_TYP, SLP_EN cleared
        movzx   bx, byte [slp_typ]
        and     bx, 7
        shl     bx, 10
        or      ax, bx
        or      ax, 1 << 13
        out     dx, ax
        ; still here?
        mov     ecx, 1000000
.st:    in      al, 0x80
        loop    .st
        PRINT   `A: still running after the S5 write BAD\n`
        jmp     exit_fail

done:   PRINT   `A: stopped early BAD\n`
exit_fail:
        mov     dx, EXIT_PORT
        mov     al, 1
        out     dx, al
        cli
        hlt

        times   (NSECT + 1) * 512 - ($ - $$) db 0
