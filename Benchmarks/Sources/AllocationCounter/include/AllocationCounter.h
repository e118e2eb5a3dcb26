#ifndef HOLDFAST_ALLOCATION_COUNTER_H
#define HOLDFAST_ALLOCATION_COUNTER_H
// Counts calls to malloc and friends while enabled. Linking this target into
// an executable replaces the allocator entry points for the whole process;
// they forward to glibc's own (__libc_malloc and friends).
#include <stdint.h>

void allocation_counter_start(void);
/// Stops counting and returns the allocations counted since start.
int64_t allocation_counter_stop(void);

#endif
