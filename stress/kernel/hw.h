/*
 * hw.h - QEMU virt (riscv64) as the guest sees it: the memory map, the MMIO
 * devices it touches, and the machine-mode CSRs it reads and writes.
 *
 * RAM is identity-mapped (no MMU, M-mode): a physical address is a pointer.
 *
 *   0x00100000  sifive_test: write 0x5555 to power off (pass), code<<16 | 0x3333 (fail)
 *   0x02000000  CLINT: msip[hart] at +4*hart, mtimecmp[hart] at +0x4000+8*hart,
 *               mtime at +0xbff8 (10 MHz)
 *   0x10000000  ns16550 UART (THR at +0, LSR at +5)
 *   0x80000000  RAM (256 MiB with -m 256M): the kernel image, then
 *   0x80200000  boot memory (the allocator's buffer, _mem region metadata)
 *   0x80f00000  the config words QEMU's loader device writes (config.h)
 *   0x81000000  the regions the allocator manages (guest.h), up to 0x84000000
 */
#ifndef GUEST_HW_H
#define GUEST_HW_H

#include <stdint.h>

#define HW_TEST_BASE         0x00100000ul
#define HW_TEST_PASS         0x5555u
#define HW_TEST_FAIL         0x3333u
#define HW_CLINT_BASE        0x02000000ul
#define HW_CLINT_MSIP(h)     (HW_CLINT_BASE + 4ul * (h))
#define HW_CLINT_MTIMECMP(h) (HW_CLINT_BASE + 0x4000ul + 8ul * (h))
#define HW_CLINT_MTIME       (HW_CLINT_BASE + 0xbff8ul)
#define HW_MTIME_HZ          10000000ul
#define HW_UART_BASE         0x10000000ul
#define HW_RAM_BASE          0x80000000ul
#define HW_BOOTMEM_BASE      0x80200000ul
#define HW_BOOTMEM_END       0x80f00000ul
#define HW_CONFIG_BASE       0x80f00000ul
#define HW_REGIONS_BASE      0x81000000ul
#define HW_REGIONS_END       0x84000000ul

/* mcause of the machine software interrupt (interrupt bit | 3). */
#define HW_MCAUSE_INTERRUPT (1ul << 63)
#define HW_MCAUSE_MSI       3ul
#define HW_MIE_MSIE         (1ul << 3)
#define HW_MIE_MTIE         (1ul << 7)
#define HW_MIE_MTIE         (1ul << 7)
#define HW_MSTATUS_MIE      (1ul << 3)

static inline void hw_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint8_t hw_read8(uintptr_t addr)
{
    return *(volatile uint8_t *)addr;
}

static inline void hw_write8(uintptr_t addr, uint8_t v)
{
    *(volatile uint8_t *)addr = v;
}

static inline void hw_write64(uintptr_t addr, uint64_t v)
{
    *(volatile uint64_t *)addr = v;
}

static inline uint64_t hw_mtime(void)
{
    return *(volatile uint64_t *)HW_CLINT_MTIME;
}

static inline uint64_t hw_mtime_ms(void)
{
    return hw_mtime() / (HW_MTIME_HZ / 1000u);
}

/* A full fence: every earlier load and store before every later one. */
static inline void hw_fence(void)
{
    __asm__ __volatile__("fence rw,rw" ::: "memory");
}

static inline void hw_irq_enable(void)
{
    __asm__ __volatile__("csrs mstatus, %0" ::"r"(HW_MSTATUS_MIE) : "memory");
}

static inline void hw_irq_disable(void)
{
    __asm__ __volatile__("csrc mstatus, %0" ::"r"(HW_MSTATUS_MIE) : "memory");
}

/* Waits for an interrupt (or nothing: WFI may return at any time). */
static inline void hw_wfi(void)
{
    __asm__ __volatile__("wfi" ::: "memory");
}

#endif /* GUEST_HW_H */
