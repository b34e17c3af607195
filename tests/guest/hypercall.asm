; hypercall -- x86pc's guest hypercall port (tests/guest/hypercall.inc):
; signature, PRINT, ADDSYM, TRACE on/off around a call, BREAK without a
; debugger, the error codes, and EXIT (status 1, as isa-debug-exit would
; give, so the standard runner accepts it).  tests/gdb/test_trace.sh also
; runs this ROM with -trace and -debugger and checks stderr, the trace
; file and the debugger stop.  x86pc only (no reference emulator has the
; port).
%include "lib.inc"
%include "hypercall.inc"

R_SIG    equ TEST_VARS
R_PRINT  equ TEST_VARS+4
R_SYM    equ TEST_VARS+8
R_TON    equ TEST_VARS+12
R_TOFF   equ TEST_VARS+16
R_CALL   equ TEST_VARS+20

start:
    RM_INIT
    PRINT "hypercall", 10
    mov dx, HC_DATA
    in eax, dx
    mov [R_SIG], eax
    HC_ARG ROMBASE + hello
    HC_CALL HC_PRINT
    mov [R_PRINT], eax
    HC_ARG ROMBASE + traced_fn
    HC_ARG ROMBASE + sym_name
    HC_CALL HC_ADDSYM
    mov [R_SYM], eax
    HC_ARG 1
    HC_CALL HC_TRACE
    mov [R_TON], eax
    call traced_fn                  ; the only code in the trace
    mov [R_CALL], ax
    HC_ARG 0
    HC_CALL HC_TRACE
    mov [R_TOFF], eax
    VAL32 "signature", [R_SIG]
    VAL32 "print", [R_PRINT]
    VAL32 "addsym", [R_SYM]
    VAL32 "trace on", [R_TON]
    VAL16 "traced_fn", [R_CALL]
    VAL32 "trace off", [R_TOFF]
    HC_ARG ROMBASE + ff_area        ; 0xFF bytes: no NUL within 1024
    HC_CALL HC_PRINT
    VAL32 "print unterminated", eax
    HC_CALL HC_PRINT                ; no argument
    VAL32 "print no argument", eax
    HC_ARG 1
    HC_ARG 2
    HC_ARG 3
    HC_ARG 4
    HC_ARG 5
    HC_CALL HC_EXIT                 ; 5 arguments: refused, no exit
    VAL32 "exit 5 arguments", eax
    HC_CALL 99
    VAL32 "unknown command", eax
    HC_CALL HC_BREAK                ; ignored without -debugger
    VAL32 "break", eax
    PRINT "exit", 10
    HC_ARG 1
    HC_CALL HC_EXIT
    PRINT "HC_EXIT returned", 10
    FAIL_EXIT

traced_fn:
    mov ax, 0x1234
    add ax, 0x0101
    ret

hello:    db "hello from the guest", 0
sym_name: db "traced_fn", 0

    align 16
ff_area:
    times 1040 db 0xFF

ROM_END
