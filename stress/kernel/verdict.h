/*
 * verdict.h - the run's single line of output and the power-off after it.
 *
 *   physmem-guest: PASS mode=ipi harts=4 seed=N fault=none <figures> boot-to-verdict-ms=T
 *   physmem-guest: FAIL <reason> (mode=... harts=... seed=... fault=... hart=H t=Tms)
 *
 * The first hart to reach a verdict prints it and powers QEMU off through
 * sifive_test (exit status 0 for PASS, 1 for FAIL); any other hart that
 * gets there later parks.
 */
#ifndef GUEST_VERDICT_H
#define GUEST_VERDICT_H

_Noreturn void verdict_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void verdict_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* GUEST_VERDICT_H */
