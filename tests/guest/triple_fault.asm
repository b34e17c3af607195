; triple_fault -- an exception with an IDT limit of 0: the #UD cannot be
; delivered (#GP), nor can the #GP (-> #DF), nor the #DF: shutdown.
;
; x86pc (-no-reboot) must stop with exit status 3 and a report on stderr
; containing "triple fault"; QEMU with -no-reboot just exits with status 0,
; and Bochs (reset_on_triple_fault=0) stops with a panic.  Nothing after
; the fault may print.
%include "lib.inc"

start:
    RM_INIT
    PRINT "triple_fault", 10
    PM_ENTER gdt_tmpl, gdt_tmpl_end
    PRINT "protected mode, loading an IDT with limit 0", 10
    mov word [idtr_buf], 0
    lidt [idtr_buf]
    PRINT "raising #UD", 10
    ud2
    PRINT "survived the triple fault?!", 10
    DONE

gdt_tmpl:
    STD_GDT
gdt_tmpl_end:

    ROM_END
