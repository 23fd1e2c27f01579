/*
 * verify.h - the end of the run: hart 0's checks on the quiet allocator,
 * and the PASS line with the figures.
 */
#ifndef GUEST_VERIFY_H
#define GUEST_VERIFY_H

/* Every hart has freed everything and waits. Does not return. */
_Noreturn void verify_final(void);

#endif /* GUEST_VERIFY_H */
