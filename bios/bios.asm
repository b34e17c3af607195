; x86pc system BIOS.
;
; A 64 KiB ROM for a PC like QEMU's `pc` machine (i440FX/PIIX3): it is
; mapped at F000:0000 and at FFFF0000; the CPU starts at F000:FFF0.  All of
; the code runs in real mode, from the ROM until fw_tables_init (acpi.inc)
; copies it into the i440FX shadow RAM behind F0000h (to patch the ACPI and
; SMBIOS templates in place) and write-protects that; the BIOS's variables
; live in the BDA (0040:0000) and a 1 KiB EBDA at 9FC0:0000.  POST also
; uses 10000h-1FFFFh (the ROM copy while shadowing) and 20000h-20FFFh (the
; PCI BAR table) as scratch.
;
;   post.inc      power-on self test, boot
;   util.inc      console output (port E9h, COM1, the screen once a VGA BIOS
;                 is installed) and number printing
;   memmap.inc    memory sizing from CMOS and fw_cfg "etc/e820", the E820 map
;   disk.inc      ATA PIO driver and INT 13h
;   cdrom.inc     ATAPI CD-ROM, El Torito boot, INT 13h for the CD
;   floppy.inc    floppy drives (82077AA, DMA channel 2) and INT 13h for them
;   kernel.inc    direct Linux kernel boot from fw_cfg (-kernel)
;   multiboot.inc Multiboot 1 kernels from fw_cfg
;   kbd.inc       INT 09h and INT 16h (keytable.inc: the US layout)
;   mouse.inc     PS/2 mouse: INT 15h AX=C2xxh, IRQ12 (INT 74h)
;   services.inc  INT 08h, 0Eh, 10h (fallback), 11h, 12h, 14h, 15h, 17h,
;                 18h, 19h, 1Ah
;   pci.inc       PCI BIOS 2.1 (INT 1Ah AX=B1xxh), configuration mechanism 1,
;                 bus 0 enumeration (BARs, IRQ routing, PIIX4 PM)
;   bios32.inc    BIOS32 Service Directory, 32-bit protected-mode PCI BIOS
;   vgarom.inc    a PCI VGA BIOS copied to C0000h (QEMU's VGA)
;   acpi.inc      ACPI tables (RSDP, RSDT, FADT, FACS, DSDT from dsdt.asl),
;                 BIOS segment shadowing
;   tables.inc    SMBIOS 2.4 tables
;   flat.inc      physical memory above 1 MiB (brief protected mode), the
;                 local APIC's virtual wire set-up
;
; Build (from the directory above bios/; acpi.inc embeds bios/dsdt.aml,
; relative to the current directory):
;   iasl -p bios/dsdt bios/dsdt.asl && nasm -f bin -Ibios/ -o bios.bin bios/bios.asm

        cpu     686
        bits    16
        org     0

%include "defs.inc"

; ---------------------------------------------------------------- code
rom_start:
        db      "x86pc BIOS ROM", 0

%include "util.inc"
%include "post.inc"
%include "memmap.inc"
%include "disk.inc"
%include "cdrom.inc"
%include "floppy.inc"
%include "kernel.inc"
%include "multiboot.inc"
%include "kbd.inc"
%include "mouse.inc"
%include "services.inc"
%include "pci.inc"
%include "bios32.inc"
%include "flat.inc"
%include "vgarom.inc"
%include "acpi.inc"
%include "tables.inc"

        align   2
%include "keytable.inc"

; INT 15h AH=C0h system configuration table.
sysconf_table:
        dw      8               ; bytes that follow
        db      0xFC            ; model: AT
        db      0x00            ; submodel
        db      0x01            ; BIOS revision
        db      0x70            ; 2nd 8259, RTC, INT 15h/4Fh called by INT 09h
        db      0x00, 0x00, 0x00, 0x00

; INT 1Eh: diskette parameter table (1.44 MB values; no floppy is present
; but programs read this table).
diskette_params:
        db      0xAF, 0x02, 0x25, 0x02, 0x12, 0x1B, 0xFF, 0x6C, 0xF6, 0x0F, 0x08

rom_end_of_code:

        times   0xFFF0 - ($ - $$) db 0xFF
reset:  jmp     0xF000:post             ; F000:FFF0, the reset vector
        db      "11/21/26"              ; build-date slot at F000:FFF5
        db      0xFF
        db      0xFC                    ; model byte at F000:FFFE: AT
        db      0x00
