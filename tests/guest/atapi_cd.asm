; atapi_cd.asm -- the CD image of the atapi_pio guest test (nasm -f bin):
; 20 sectors of 2048 bytes, enough of ISO 9660 to be recognised: a primary
; volume descriptor at sector 16 and the set terminator at sector 17.
; Sectors 0-15 (system area) and 18-19 hold "CDSECTnn" marks.
%assign n 0
%rep 16
    db "CDSECT", '0' + n / 10, '0' + n % 10
    times 2040 db 0
%assign n n+1
%endrep
; sector 16: primary volume descriptor (ECMA-119 8.4)
pvd:
    db 1, "CD001", 1, 0
    db "X86PC                           "   ; system identifier (32)
    db "ATAPI_PIO_TEST                  "   ; volume identifier (32)
    times 8 db 0
    dd 20                                   ; volume space size, LE
    db 0, 0, 0, 20                          ; and BE
    times 2048 - ($ - pvd) db 0
; sector 17: volume descriptor set terminator
    db 0xFF, "CD001", 1
    times 2041 db 0
%assign n 18
%rep 2
    db "CDSECT", '0' + n / 10, '0' + n % 10
    times 2040 db n
%assign n n+1
%endrep
