#ifndef MNL_CBF16KERNELS_H
#define MNL_CBF16KERNELS_H
// The AVX512_BF16 GEMM micro-kernel (vdpbf16ps has no Swift spelling). This target alone is
// compiled with -mavx512bf16 (Package.swift): call it only after the runtime check in
// MNLKernels (cpuid AVX512_BF16 and the OS saving zmm state) — the binary must still start on
// any x86-64. Packing, blocking and threading are Swift (MNLKernelsGeneric/GEMMDriverBF16).
#include <stdint.h>

// Rows and columns of C one call computes.
#define MNL_BF16_TILE_ROWS 12
#define MNL_BF16_TILE_COLUMNS 32

// C[12×32] = alpha·(A·B) + beta·C, then + bias[0..<32] (if not NULL), then ReLU (if relu).
// a: kpairs × 12 words, b: kpairs × 32 words; each word holds two bfloat16 values of
// consecutive k (the even one in the low half: the VNNI pair layout vdpbf16ps reads).
// kpairs >= 1. beta == 0 never reads C. The hardware treats bfloat16 subnormals as zero.
void mnl_bf16_tile_12x32(long kpairs, const uint32_t *a, const uint32_t *b, float *c, long ldc,
                         float alpha, float beta, const float *bias, int relu);
#endif
