#ifndef HOLDFAST_REFERENCE_KERNELS_H
#define HOLDFAST_REFERENCE_KERNELS_H
// Reference implementations in C and C++ that the Swift core is measured
// against. Not used by Holdfast itself.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A direct-form-I biquad in the manner of CMSIS-DSP's
/// arm_biquad_cascade_df1_q31 (one stage): Q31 data, coefficients in Q(1+postShift),
/// 64-bit accumulator, result shifted back and truncated.
typedef struct {
    int32_t b0, b1, b2, a1, a2;   // a1, a2 already negated, as CMSIS stores them
    int32_t x1, x2, y1, y2;
    int post_shift;
} ref_biquad_q31;

void ref_biquad_q31_process(ref_biquad_q31 *s, const int32_t *in, int32_t *out, size_t count);

/// Moves `count` 16-byte samples from a producer thread to a consumer thread
/// through boost::lockfree::spsc_queue of `capacity`, in batches of `batch`
/// (1 = element by element). Returns elapsed seconds, or -1 if the consumer
/// saw a sample out of order.
double ref_boost_spsc_transfer(long count, int capacity, int batch);

#ifdef __cplusplus
}
#endif
#endif
