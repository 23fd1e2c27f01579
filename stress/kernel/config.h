/*
 * config.h - the run's settings, read from words QEMU writes into RAM
 * before the harts start:
 *
 *   -device loader,addr=0x80f00000,data=0x504d475545535431,data-len=8   magic
 *   -device loader,addr=0x80f00008,data=SEED,data-len=8
 *   -device loader,addr=0x80f00010,data=MODE,data-len=8   0 ipi, 1 fence
 *   -device loader,addr=0x80f00018,data=FAULT,data-len=8  mask of enum pm_fault
 *   -device loader,addr=0x80f00020,data=SCALE,data-len=8  ops multiplier, 1..1000
 *   -device loader,addr=0x80f00028,data=HARTS,data-len=8  harts to wait for, 1..8 (= -smp)
 *   -device loader,addr=0x80f00030,data=FLAGS,data-len=8  pm_smp_config.flags (PM_SMP_*)
 *
 * Without the magic word every setting is its default (seed 1, ipi, no
 * fault, scale 1, 4 harts, no flags). A word of 0 (not written) is its
 * default too.
 */
#ifndef GUEST_CONFIG_H
#define GUEST_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define CONFIG_MAGIC 0x504d475545535431ull /* "PMGUEST1" */

enum guest_mode { GUEST_MODE_IPI = 0, GUEST_MODE_FENCE = 1 };

struct guest_config {
    uint64_t seed;
    enum guest_mode mode;
    unsigned fault; /* enum pm_fault mask */
    unsigned scale;
    unsigned harts;
    unsigned flags;   /* pm_smp_config.flags */
    bool from_loader; /* the magic word was there */
};

extern struct guest_config guest_config;

/* Hart 0, before anything else: fills guest_config. A bad word (a mode,
 * fault, scale, hart count or flag out of range) ends the run: FAIL. */
void config_read(void);

const char *config_mode_name(void);
/* "none", the fault's name, or "several" for a mask of more than one. */
const char *config_fault_name(void);

#endif /* GUEST_CONFIG_H */
