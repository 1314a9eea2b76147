/* The typed API of a model with dims known only at run time (symbolic.onnx
 * of make_symbolic_model.py): the dims are parameters, dynamic outputs come
 * back in buffers the runtime allocated, with their shapes. Checks the
 * values against the model's formula and prints what it saw. */
#include "symbolic.h"

#include <onnxc/runtime.h>

#include <stdio.h>
#include <stdlib.h>

static int run(int64_t batch, int64_t seq, int64_t width) {
  int64_t *ids = malloc(sizeof(int64_t) * (size_t)(batch * seq));
  float *mask = malloc(sizeof(float) * (size_t)(batch * seq));
  float *bias = malloc(sizeof(float) * (size_t)width);
  float *masked = NULL, *biased = NULL;
  int64_t masked_shape[2] = {-1, -1}, biased_shape[2] = {-1, -1};
  int bad = 0;
  for (int64_t i = 0; i < batch * seq; ++i) {
    ids[i] = i;
    mask[i] = (float)(i % 2);
  }
  for (int64_t i = 0; i < width; ++i)
    bias[i] = (float)i / 4;
  int status = symbolic_run(batch, seq, width, ids, mask, bias, &masked,
                            masked_shape, &biased, biased_shape, NULL);
  if (status != 0) {
    printf("batch %lld seq %lld width %lld: status %d: %s\n", (long long)batch,
           (long long)seq, (long long)width, status, onnxc_last_error());
  } else {
    for (int64_t i = 0; i < batch * seq; ++i) {
      float want = (float)ids[i] * mask[i];
      bad += masked[i] != want || biased[i] != want + bias[i % seq];
    }
    printf("batch %lld seq %lld: masked [%lld,%lld] biased [%lld,%lld], %d "
           "wrong\n",
           (long long)batch, (long long)seq, (long long)masked_shape[0],
           (long long)masked_shape[1], (long long)biased_shape[0],
           (long long)biased_shape[1], bad);
  }
  onnxc_free(masked);
  onnxc_free(biased);
  free(ids);
  free(mask);
  free(bias);
  return status != 0 || bad != 0;
}

int main(void) {
  int failed = run(2, 3, 3);
  failed |= run(4, 5, 5);
  failed |= run(1, 1, 1);
  /* width must equal seq: a check of the compiled code fails the run. */
  if (!run(4, 5, 7))
    failed = 1;
  printf("%s\n", failed ? "FAILED" : "done");
  return failed;
}
