/* The typed API of a model compiled with --weights=external (--name=net):
 * the sample model of utils/make_sample_model.py, statically linked.
 *
 *   cc -I<dir of net.h> external_weights.c net.a -lm -lpthread
 *   ./a.out OUT.bin [WEIGHTS]
 *
 * Runs net_run() on a fixed input and writes the output's raw bytes to
 * OUT.bin; with WEIGHTS, loads the weights from there first
 * (onnxc_weights_load), else from beside the program. On an error, prints
 * the status and onnxc_last_error() and exits 1. */
#include "net.h"

#include "onnxc/runtime.h"

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  static float image[NET_INPUT0_ELEMENTS], probabilities[NET_OUTPUT0_ELEMENTS];
  for (long i = 0; i < NET_INPUT0_ELEMENTS; ++i)
    image[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
#ifdef NET_WEIGHTS_FILE
  printf("weights file: %s\n", NET_WEIGHTS_FILE);
#endif
  if (argc > 2) {
    int status = onnxc_weights_load(net_model(), argv[2]);
    if (status) {
      printf("load: %d: %s\n", status, onnxc_last_error());
      return 1;
    }
  }
  int status = net_run(image, probabilities, NULL);
  if (status) {
    printf("run: %d: %s\n", status, onnxc_last_error());
    return 1;
  }
  FILE *out = fopen(argv[1], "wb");
  if (!out || fwrite(probabilities, sizeof(probabilities), 1, out) != 1)
    return 1;
  fclose(out);
  printf("ok\n");
  return 0;
}
