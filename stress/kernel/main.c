/*
 * main.c - the kernel's main, entered by every hart from start.S.
 *
 * Hart 0 reads the config words, waits for the other harts to check in,
 * builds the allocator in boot memory (pm_smp_mem_size, pm_smp_init) with
 * one CPU slot per hart, selects the injected fault, and adds the two boot
 * regions (one carved, one with boot-memory metadata). Then every hart runs
 * the phases of worker.c between barriers, and hart 0 verifies the quiet
 * allocator and speaks the verdict (verify.c), which powers QEMU off.
 */
#include <physmem/smp.h>

#include "bootmem.h"
#include "config.h"
#include "guest.h"
#include "hart.h"
#include "hw.h"
#include "regions.h"
#include "verdict.h"
#include "verify.h"
#include "worker.h"

#define GUEST_BATCH       16 /* small caches: refills, drains and depot traffic are frequent */
#define GUEST_HIGH        64
#define GUEST_ONLINE_WAIT 5000 /* ms for the other harts to check in */

pm_smp_t *guest_smp;

void guest_main(unsigned long hartid);

static void setup(void)
{
    pm_smp_config_t cfg = {.ncpus = hart_count(),
                           .batch = GUEST_BATCH,
                           .high = GUEST_HIGH,
                           .flags = guest_config.flags};
    size_t size;
    void *buf;
    pm_err_t err;

    err = pm_fault_set(guest_config.fault);
    if (err != PM_OK)
        verdict_fail("pm_fault_set(0x%x): %s", guest_config.fault, pm_errname(err));
    err = pm_smp_mem_size(&cfg, &size);
    if (err != PM_OK)
        verdict_fail("pm_smp_mem_size: %s", pm_errname(err));
    buf = bootmem_alloc(size, PM_SMP_MEM_ALIGN);
    if (buf == NULL)
        verdict_fail("boot memory exhausted: the allocator needs %lu bytes", (unsigned long)size);
    err = pm_smp_init(&cfg, buf, size, &guest_smp);
    if (err != PM_OK)
        verdict_fail("pm_smp_init(%u cpus, %lu bytes): %s", cfg.ncpus, (unsigned long)size,
                     pm_errname(err));
    region_add(guest_smp, 0);
    region_add(guest_smp, 1);
}

void guest_main(unsigned long hartid)
{
    hart_enter(hartid);
    if (hartid == 0) {
        unsigned up;

        config_read();
        up = hart_wait_online(guest_config.harts, GUEST_ONLINE_WAIT);
        if (up != guest_config.harts)
            verdict_fail("bring-up: %u of %u harts checked in", up, guest_config.harts);
        setup();
    }
    hart_barrier("the pairs phase");
    worker_pairs();
    hart_barrier("the mixed phase");
    worker_mixed();
    hart_barrier("the release phase");
    worker_release();
    hart_barrier("the final checks");
    if (hartid == 0)
        verify_final();
    for (;;)
        hw_wfi();
}
