/*
 * x86pc DSDT: the ACPI namespace of the i440FX/PIIX3 `pc` machine.
 *
 * Compiled at build time with iasl (acpica-tools) into bios/dsdt.aml and
 * embedded in the BIOS ROM (bios/acpi.inc), which copies it to RAM at POST
 * and patches one value: \_SB.PCI0.TOLM, the top of RAM below 4 GiB (the
 * start of the PCI memory hole in PCI0._CRS).  The BIOS finds it by its
 * name followed by a DWord constant, so TOLM must stay a DWord (keep the
 * 0x5AFEC0DE placeholder).
 *
 * What is here, and why:
 *   - \_PR.CPU0: the one processor (no P_BLK: only C1 = HLT).
 *   - \_S5: SLP_TYP 0 for PM1a/PM1b, QEMU's convention, which the PIIX4 PM
 *     model turns into a power-off.  No _S3/_S4: x86pc does not model
 *     suspend or hibernate wake-up.
 *   - \_PIC: PIC mode only.  The machine has no local APIC and no I/O APIC
 *     (CPUID has no APIC bit), so the BIOS provides no MADT and no MP table
 *     and the OS routes interrupts through the 8259 pair.
 *   - \_SB.PCI0 (PNP0A03): bus 0 and its windows: I/O 0-0xCF7 and
 *     0xD00-0xFFFF, the VGA window 0xA0000-0xBFFFF and the PCI hole from
 *     TOLM to 0xFEBFFFFF.  _PRT maps each slot's INTA-D to the link devices
 *     with the standard swizzle (slot + pin) & 3 (pin 0 = INTA), as the
 *     PIIX3 wires its PIRQ inputs.
 *   - \_SB.LNKA-LNKD (PNP0C0F): the PIIX3 PIRQ route control registers
 *     (config 0x60-0x63 of 00:01.0): bit 7 = routing disabled, bits 3:0 =
 *     ISA IRQ.  Possible IRQs 5, 10, 11 (level, active low, shared); the
 *     BIOS routes A-D to 10, 10, 11, 11 and marks 10 and 11 level in the
 *     ELCR.
 *   - ISA devices under PCI0.ISA (00:01.0): keyboard and mouse (i8042),
 *     RTC, 8259 PIC, 8254 PIT, speaker port, DMA controller, COM1, the x87
 *     error port (IRQ 13), and a PNP0C02 motherboard-resources device for
 *     the ports that belong to no other device (PM block, GPE0, APM, ELCR,
 *     fw_cfg, port 92h, POST port).
 *   - No power-button or sleep-button device: the FADT declares the
 *     fixed-feature power button (PWRBTN_STS/EN in PM1a) and no sleep
 *     button.
 */
DefinitionBlock ("dsdt.aml", "DSDT", 1, "X86PC ", "X86PCDSD", 0x00000001)
{
    Scope (\_PR)
    {
        Processor (CPU0, 0x00, 0x00000000, 0x00) {}
    }

    Name (\_S5, Package (0x04) { Zero, Zero, Zero, Zero })

    /* Interrupt model: 0 = PIC, the only one this machine has. */
    Name (PICM, Zero)
    Method (\_PIC, 1, NotSerialized)
    {
        Store (Arg0, PICM)
    }

    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_UID, Zero)
            Name (_BBN, Zero)

            /* Top of RAM below 4 GiB: patched by the BIOS at POST. */
            Name (TOLM, 0x5AFEC0DE)

            Name (CRES, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
                    0x0000, 0x0000, 0x00FF, 0x0000, 0x0100)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
                    0x00000000, 0xE0000000, 0xFEBFFFFF, 0x00000000, 0x1EC00000,
                    ,, PHOL, AddressRangeMemory, TypeStatic)
            })

            Method (_CRS, 0, NotSerialized)
            {
                CreateDWordField (CRES, \_SB.PCI0.PHOL._MIN, HMIN)
                CreateDWordField (CRES, \_SB.PCI0.PHOL._LEN, HLEN)
                Store (TOLM, HMIN)
                Subtract (0xFEC00000, TOLM, HLEN)
                Return (CRES)
            }

            /* Slot (device) 1-31, pin 0-3 (INTA-INTD) -> link. */
            Name (_PRT, Package ()
            {
                Package () {0x0001FFFF, 0, LNKB, 0}, Package () {0x0001FFFF, 1, LNKC, 0},
                Package () {0x0001FFFF, 2, LNKD, 0}, Package () {0x0001FFFF, 3, LNKA, 0},
                Package () {0x0002FFFF, 0, LNKC, 0}, Package () {0x0002FFFF, 1, LNKD, 0},
                Package () {0x0002FFFF, 2, LNKA, 0}, Package () {0x0002FFFF, 3, LNKB, 0},
                Package () {0x0003FFFF, 0, LNKD, 0}, Package () {0x0003FFFF, 1, LNKA, 0},
                Package () {0x0003FFFF, 2, LNKB, 0}, Package () {0x0003FFFF, 3, LNKC, 0},
                Package () {0x0004FFFF, 0, LNKA, 0}, Package () {0x0004FFFF, 1, LNKB, 0},
                Package () {0x0004FFFF, 2, LNKC, 0}, Package () {0x0004FFFF, 3, LNKD, 0},
                Package () {0x0005FFFF, 0, LNKB, 0}, Package () {0x0005FFFF, 1, LNKC, 0},
                Package () {0x0005FFFF, 2, LNKD, 0}, Package () {0x0005FFFF, 3, LNKA, 0},
                Package () {0x0006FFFF, 0, LNKC, 0}, Package () {0x0006FFFF, 1, LNKD, 0},
                Package () {0x0006FFFF, 2, LNKA, 0}, Package () {0x0006FFFF, 3, LNKB, 0},
                Package () {0x0007FFFF, 0, LNKD, 0}, Package () {0x0007FFFF, 1, LNKA, 0},
                Package () {0x0007FFFF, 2, LNKB, 0}, Package () {0x0007FFFF, 3, LNKC, 0},
                Package () {0x0008FFFF, 0, LNKA, 0}, Package () {0x0008FFFF, 1, LNKB, 0},
                Package () {0x0008FFFF, 2, LNKC, 0}, Package () {0x0008FFFF, 3, LNKD, 0},
                Package () {0x0009FFFF, 0, LNKB, 0}, Package () {0x0009FFFF, 1, LNKC, 0},
                Package () {0x0009FFFF, 2, LNKD, 0}, Package () {0x0009FFFF, 3, LNKA, 0},
                Package () {0x000AFFFF, 0, LNKC, 0}, Package () {0x000AFFFF, 1, LNKD, 0},
                Package () {0x000AFFFF, 2, LNKA, 0}, Package () {0x000AFFFF, 3, LNKB, 0},
                Package () {0x000BFFFF, 0, LNKD, 0}, Package () {0x000BFFFF, 1, LNKA, 0},
                Package () {0x000BFFFF, 2, LNKB, 0}, Package () {0x000BFFFF, 3, LNKC, 0},
                Package () {0x000CFFFF, 0, LNKA, 0}, Package () {0x000CFFFF, 1, LNKB, 0},
                Package () {0x000CFFFF, 2, LNKC, 0}, Package () {0x000CFFFF, 3, LNKD, 0},
                Package () {0x000DFFFF, 0, LNKB, 0}, Package () {0x000DFFFF, 1, LNKC, 0},
                Package () {0x000DFFFF, 2, LNKD, 0}, Package () {0x000DFFFF, 3, LNKA, 0},
                Package () {0x000EFFFF, 0, LNKC, 0}, Package () {0x000EFFFF, 1, LNKD, 0},
                Package () {0x000EFFFF, 2, LNKA, 0}, Package () {0x000EFFFF, 3, LNKB, 0},
                Package () {0x000FFFFF, 0, LNKD, 0}, Package () {0x000FFFFF, 1, LNKA, 0},
                Package () {0x000FFFFF, 2, LNKB, 0}, Package () {0x000FFFFF, 3, LNKC, 0},
                Package () {0x0010FFFF, 0, LNKA, 0}, Package () {0x0010FFFF, 1, LNKB, 0},
                Package () {0x0010FFFF, 2, LNKC, 0}, Package () {0x0010FFFF, 3, LNKD, 0},
                Package () {0x0011FFFF, 0, LNKB, 0}, Package () {0x0011FFFF, 1, LNKC, 0},
                Package () {0x0011FFFF, 2, LNKD, 0}, Package () {0x0011FFFF, 3, LNKA, 0},
                Package () {0x0012FFFF, 0, LNKC, 0}, Package () {0x0012FFFF, 1, LNKD, 0},
                Package () {0x0012FFFF, 2, LNKA, 0}, Package () {0x0012FFFF, 3, LNKB, 0},
                Package () {0x0013FFFF, 0, LNKD, 0}, Package () {0x0013FFFF, 1, LNKA, 0},
                Package () {0x0013FFFF, 2, LNKB, 0}, Package () {0x0013FFFF, 3, LNKC, 0},
                Package () {0x0014FFFF, 0, LNKA, 0}, Package () {0x0014FFFF, 1, LNKB, 0},
                Package () {0x0014FFFF, 2, LNKC, 0}, Package () {0x0014FFFF, 3, LNKD, 0},
                Package () {0x0015FFFF, 0, LNKB, 0}, Package () {0x0015FFFF, 1, LNKC, 0},
                Package () {0x0015FFFF, 2, LNKD, 0}, Package () {0x0015FFFF, 3, LNKA, 0},
                Package () {0x0016FFFF, 0, LNKC, 0}, Package () {0x0016FFFF, 1, LNKD, 0},
                Package () {0x0016FFFF, 2, LNKA, 0}, Package () {0x0016FFFF, 3, LNKB, 0},
                Package () {0x0017FFFF, 0, LNKD, 0}, Package () {0x0017FFFF, 1, LNKA, 0},
                Package () {0x0017FFFF, 2, LNKB, 0}, Package () {0x0017FFFF, 3, LNKC, 0},
                Package () {0x0018FFFF, 0, LNKA, 0}, Package () {0x0018FFFF, 1, LNKB, 0},
                Package () {0x0018FFFF, 2, LNKC, 0}, Package () {0x0018FFFF, 3, LNKD, 0},
                Package () {0x0019FFFF, 0, LNKB, 0}, Package () {0x0019FFFF, 1, LNKC, 0},
                Package () {0x0019FFFF, 2, LNKD, 0}, Package () {0x0019FFFF, 3, LNKA, 0},
                Package () {0x001AFFFF, 0, LNKC, 0}, Package () {0x001AFFFF, 1, LNKD, 0},
                Package () {0x001AFFFF, 2, LNKA, 0}, Package () {0x001AFFFF, 3, LNKB, 0},
                Package () {0x001BFFFF, 0, LNKD, 0}, Package () {0x001BFFFF, 1, LNKA, 0},
                Package () {0x001BFFFF, 2, LNKB, 0}, Package () {0x001BFFFF, 3, LNKC, 0},
                Package () {0x001CFFFF, 0, LNKA, 0}, Package () {0x001CFFFF, 1, LNKB, 0},
                Package () {0x001CFFFF, 2, LNKC, 0}, Package () {0x001CFFFF, 3, LNKD, 0},
                Package () {0x001DFFFF, 0, LNKB, 0}, Package () {0x001DFFFF, 1, LNKC, 0},
                Package () {0x001DFFFF, 2, LNKD, 0}, Package () {0x001DFFFF, 3, LNKA, 0},
                Package () {0x001EFFFF, 0, LNKC, 0}, Package () {0x001EFFFF, 1, LNKD, 0},
                Package () {0x001EFFFF, 2, LNKA, 0}, Package () {0x001EFFFF, 3, LNKB, 0},
                Package () {0x001FFFFF, 0, LNKD, 0}, Package () {0x001FFFFF, 1, LNKA, 0},
                Package () {0x001FFFFF, 2, LNKB, 0}, Package () {0x001FFFFF, 3, LNKC, 0},
            })

            /* PIIX3 function 0: ISA bridge with the PIRQ route registers. */
            Device (ISA)
            {
                Name (_ADR, 0x00010000)

                OperationRegion (PIRQ, PCI_Config, 0x60, 0x04)
                Field (PIRQ, ByteAcc, NoLock, Preserve)
                {
                    PRQA, 8,
                    PRQB, 8,
                    PRQC, 8,
                    PRQD, 8
                }

                Device (KBD)
                {
                    Name (_HID, EisaId ("PNP0303"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)
                        IO (Decode16, 0x0064, 0x0064, 0x01, 0x01)
                        IRQNoFlags () {1}
                    })
                }

                Device (MOU)
                {
                    Name (_HID, EisaId ("PNP0F13"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IRQNoFlags () {12}
                    })
                }

                Device (RTC)
                {
                    Name (_HID, EisaId ("PNP0B00"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0070, 0x0070, 0x01, 0x02)
                        IRQNoFlags () {8}
                    })
                }

                Device (PIC)
                {
                    Name (_HID, EisaId ("PNP0000"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0020, 0x0020, 0x01, 0x02)
                        IO (Decode16, 0x00A0, 0x00A0, 0x01, 0x02)
                        IRQNoFlags () {2}
                    })
                }

                Device (TMR)
                {
                    Name (_HID, EisaId ("PNP0100"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0040, 0x0040, 0x01, 0x04)
                        IRQNoFlags () {0}
                    })
                }

                Device (SPKR)
                {
                    Name (_HID, EisaId ("PNP0800"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0061, 0x0061, 0x01, 0x01)
                    })
                }

                Device (DMAC)
                {
                    Name (_HID, EisaId ("PNP0200"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0000, 0x0000, 0x01, 0x10)
                        IO (Decode16, 0x0081, 0x0081, 0x01, 0x03)
                        IO (Decode16, 0x0087, 0x0087, 0x01, 0x01)
                        IO (Decode16, 0x0089, 0x0089, 0x01, 0x03)
                        IO (Decode16, 0x008F, 0x008F, 0x01, 0x01)
                        IO (Decode16, 0x00C0, 0x00C0, 0x01, 0x20)
                        DMA (Compatibility, NotBusMaster, Transfer8) {4}
                    })
                }

                Device (COM1)
                {
                    Name (_HID, EisaId ("PNP0501"))
                    Name (_UID, One)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08)
                        IRQNoFlags () {4}
                    })
                }

                Device (FPU)
                {
                    Name (_HID, EisaId ("PNP0C04"))
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x00F0, 0x00F0, 0x01, 0x10)
                        IRQNoFlags () {13}
                    })
                }

                /* Ports of the chipset and the board that no other device
                 * claims. */
                Device (SYSR)
                {
                    Name (_HID, EisaId ("PNP0C02"))
                    Name (_UID, One)
                    Name (_CRS, ResourceTemplate ()
                    {
                        IO (Decode16, 0x0080, 0x0080, 0x01, 0x01)
                        IO (Decode16, 0x0092, 0x0092, 0x01, 0x01)
                        IO (Decode16, 0x00B2, 0x00B2, 0x01, 0x02)
                        IO (Decode16, 0x04D0, 0x04D0, 0x01, 0x02)
                        IO (Decode16, 0x0510, 0x0510, 0x01, 0x02)
                        IO (Decode16, 0x0600, 0x0600, 0x01, 0x40)
                        IO (Decode16, 0xAFE0, 0xAFE0, 0x01, 0x04)
                    })
                }
            }
        }

        /* PCI interrupt links: PIIX3 PIRQ A-D. */
        Method (LSTA, 1, NotSerialized)
        {
            If (And (Arg0, 0x80))
            {
                Return (0x09)
            }
            Return (0x0B)
        }

        /* PIRQRC value -> _CRS buffer: an IRQ descriptor (mask at byte 1)
         * with no IRQ while routing is disabled. */
        Method (LCRS, 1, NotSerialized)
        {
            Store (ResourceTemplate ()
                {
                    IRQ (Level, ActiveLow, Shared) {}
                }, Local0)
            CreateWordField (Local0, One, IRQW)
            If (LNot (And (Arg0, 0x80)))
            {
                ShiftLeft (One, And (Arg0, 0x0F), IRQW)
            }
            Return (Local0)
        }

        /* _SRS buffer (an IRQ descriptor) -> PIRQRC value. */
        Method (LSRS, 1, NotSerialized)
        {
            CreateWordField (Arg0, One, IRQW)
            FindSetRightBit (IRQW, Local0)
            If (Local0)
            {
                Decrement (Local0)
            }
            Else
            {
                Store (0x80, Local0)
            }
            Return (Local0)
        }

        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, 1)
            Name (_PRS, ResourceTemplate ()
            {
                IRQ (Level, ActiveLow, Shared) {5, 10, 11}
            })
            Method (_STA, 0, NotSerialized)
            {
                Return (LSTA (\_SB.PCI0.ISA.PRQA))
            }
            Method (_DIS, 0, NotSerialized)
            {
                Or (\_SB.PCI0.ISA.PRQA, 0x80, \_SB.PCI0.ISA.PRQA)
            }
            Method (_CRS, 0, NotSerialized)
            {
                Return (LCRS (\_SB.PCI0.ISA.PRQA))
            }
            Method (_SRS, 1, NotSerialized)
            {
                Store (LSRS (Arg0), \_SB.PCI0.ISA.PRQA)
            }
        }

        Device (LNKB)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, 2)
            Name (_PRS, ResourceTemplate ()
            {
                IRQ (Level, ActiveLow, Shared) {5, 10, 11}
            })
            Method (_STA, 0, NotSerialized)
            {
                Return (LSTA (\_SB.PCI0.ISA.PRQB))
            }
            Method (_DIS, 0, NotSerialized)
            {
                Or (\_SB.PCI0.ISA.PRQB, 0x80, \_SB.PCI0.ISA.PRQB)
            }
            Method (_CRS, 0, NotSerialized)
            {
                Return (LCRS (\_SB.PCI0.ISA.PRQB))
            }
            Method (_SRS, 1, NotSerialized)
            {
                Store (LSRS (Arg0), \_SB.PCI0.ISA.PRQB)
            }
        }

        Device (LNKC)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, 3)
            Name (_PRS, ResourceTemplate ()
            {
                IRQ (Level, ActiveLow, Shared) {5, 10, 11}
            })
            Method (_STA, 0, NotSerialized)
            {
                Return (LSTA (\_SB.PCI0.ISA.PRQC))
            }
            Method (_DIS, 0, NotSerialized)
            {
                Or (\_SB.PCI0.ISA.PRQC, 0x80, \_SB.PCI0.ISA.PRQC)
            }
            Method (_CRS, 0, NotSerialized)
            {
                Return (LCRS (\_SB.PCI0.ISA.PRQC))
            }
            Method (_SRS, 1, NotSerialized)
            {
                Store (LSRS (Arg0), \_SB.PCI0.ISA.PRQC)
            }
        }

        Device (LNKD)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, 4)
            Name (_PRS, ResourceTemplate ()
            {
                IRQ (Level, ActiveLow, Shared) {5, 10, 11}
            })
            Method (_STA, 0, NotSerialized)
            {
                Return (LSTA (\_SB.PCI0.ISA.PRQD))
            }
            Method (_DIS, 0, NotSerialized)
            {
                Or (\_SB.PCI0.ISA.PRQD, 0x80, \_SB.PCI0.ISA.PRQD)
            }
            Method (_CRS, 0, NotSerialized)
            {
                Return (LCRS (\_SB.PCI0.ISA.PRQD))
            }
            Method (_SRS, 1, NotSerialized)
            {
                Store (LSRS (Arg0), \_SB.PCI0.ISA.PRQD)
            }
        }
    }
}
