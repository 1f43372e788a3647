#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that keep their own main (compiler-rt FuzzerInterface.h).
// Linked from libclang_rt.fuzzer by -sanitize=fuzzer; only the mnl-fuzz build that passes that
// flag (scripts/fuzz) calls it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
