; fdc_disk -- the 1.44 MB floppy image read by the fdc_dma guest test
; (assembled with nasm -f bin; not a ROM).  Sector 1 (C0 H0 R1) starts
; with a text marker; every sector starts with "FD" and its LBA (LE16) and
; is filled with (LBA & 0xFF) ^ 0x5A.
%assign lba 0
%rep 2880
    db "FD"
    dw lba
%if lba == 0
    db "x86pc floppy!"
    times 512 - 4 - 13 db 0x5A
%else
    times 508 db (lba & 0xFF) ^ 0x5A
%endif
%assign lba lba + 1
%endrep
