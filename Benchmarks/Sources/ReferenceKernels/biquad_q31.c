#include "ReferenceKernels.h"

void ref_biquad_q31_process(ref_biquad_q31 *s, const int32_t *in, int32_t *out, size_t count) {
    const int64_t b0 = s->b0, b1 = s->b1, b2 = s->b2, a1 = s->a1, a2 = s->a2;
    int32_t x1 = s->x1, x2 = s->x2, y1 = s->y1, y2 = s->y2;
    const int shift = 31 - s->post_shift;
    for (size_t i = 0; i < count; i++) {
        int32_t x = in[i];
        int64_t acc = b0 * x + b1 * x1 + b2 * x2 + a1 * y1 + a2 * y2;
        int32_t y = (int32_t)(acc >> shift);
        x2 = x1; x1 = x;
        y2 = y1; y1 = y;
        out[i] = y;
    }
    s->x1 = x1; s->x2 = x2; s->y1 = y1; s->y2 = y2;
}
