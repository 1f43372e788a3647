// _GNU_SOURCE for sched_getaffinity and CPU_COUNT; must come before any system header.
#define _GNU_SOURCE
#include "CSupport.h"

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__)
#include <cpuid.h>
#endif

int mnl_cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
#if defined(__x86_64__)
  regs[0] = regs[1] = regs[2] = regs[3] = 0;
  return __get_cpuid_count(leaf, subleaf, &regs[0], &regs[1], &regs[2], &regs[3]);
#else
  regs[0] = regs[1] = regs[2] = regs[3] = 0;
  return 0;
#endif
}

unsigned long long mnl_xcr0(void) {
#if defined(__x86_64__)
  unsigned regs[4];
  // xgetbv faults unless CPUID.1:ECX.OSXSAVE[bit 27] is set.
  if (!mnl_cpuid(1, 0, regs) || !(regs[2] & (1u << 27))) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
#else
  return 0;
#endif
}

int mnl_affinity_cpu_count(void) {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return CPU_COUNT(&set);
#else
  return 0;
#endif
}
