/*
 * start.S - every hart's first instructions. QEMU virt with -bios none
 * starts all harts here at once, in M-mode, with a0 = mhartid.
 *
 * Each hart masks interrupts, sets tp to its struct hart and sp to the top
 * of its own stack, and turns the FPU on (GCC may use FP registers). A hart
 * beyond GUEST_MAX_HARTS parks. Hart 0 zeroes .bss and then writes
 * boot_bss_ready (in .data, so the zeroing cannot clear it); the other
 * harts spin on it before touching any .bss, then all enter guest_main.
 */
#define GUEST_MAX_HARTS  8
#define GUEST_STACK_SIZE 16384
#define GUEST_HART_SHIFT 6 /* sizeof(struct hart) == 64 */
#define MSTATUS_FS_INIT  (1 << 13)

    .section .text.entry, "ax"
    .globl _start
_start:
    csrw mie, zero
    csrci mstatus, 8
    li t0, GUEST_MAX_HARTS
    bgeu a0, t0, park

    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop

    la tp, guest_harts
    slli t0, a0, GUEST_HART_SHIFT
    add tp, tp, t0

    la sp, guest_stacks_end
    li t0, GUEST_STACK_SIZE
    mul t0, t0, a0
    sub sp, sp, t0

    li t0, MSTATUS_FS_INIT
    csrs mstatus, t0

    bnez a0, wait_bss

    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  fence rw, rw
    la t0, boot_bss_ready
    li t1, 1
    sw t1, 0(t0)
    j enter

wait_bss:
    la t0, boot_bss_ready
3:  lw t1, 0(t0)
    beqz t1, 3b
    fence rw, rw

enter:
    call guest_main
park:
    wfi
    j park

    .section .data
    .balign 4
    .globl boot_bss_ready
boot_bss_ready:
    .word 0

    .section .stacks, "aw", @nobits
    .balign 16
guest_stacks:
    .space GUEST_STACK_SIZE * GUEST_MAX_HARTS
    .globl guest_stacks_end
guest_stacks_end:
