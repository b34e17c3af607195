; atapi_disk.asm -- the primary-master disk image of the atapi_pio guest
; test (nasm -f bin): 64 sectors of 512 bytes; sector n starts with "SECT",
; the dword n and "LBA!", the rest is filled with the byte n.
%assign n 0
%rep 64
    db "SECT"
    dd n
    db "LBA!"
    times 500 db n
%assign n n+1
%endrep
