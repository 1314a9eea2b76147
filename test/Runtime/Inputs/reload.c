/* Loads, runs and unloads a model several times in one process:
 *
 *   reload MODEL.so ROUNDS
 *
 * Each round dlopens the library (usually mapped at the same address as
 * before), runs it three times with onnxc_run_pointers, so that the thread
 * pool starts when there are several threads, and dlcloses it. Every round
 * must give the first round's outputs. */
#define _POSIX_C_SOURCE 200809L

#include "dump.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: reload MODEL.so ROUNDS\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IONBF, 0); /* each line out before a hang */
  int rounds = atoi(argv[2]);
  void *first[16] = {0};
  size_t bytes[16] = {0};
  for (int round = 0; round < rounds; ++round) {
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      printf("FAIL: dlopen: %s\n", dlerror());
      return 1;
    }
    const onnxc_model_desc *(*get_model)(void);
    onnxc_status (*run)(const onnxc_model_desc *, void *const *, void *const *,
                        void *);
    void *p = dlsym(lib, "onnxc_get_model");
    memcpy(&get_model, &p, sizeof(p));
    p = dlsym(lib, "onnxc_run_pointers");
    memcpy(&run, &p, sizeof(p));
    if (!get_model || !run) {
      printf("FAIL: missing symbols\n");
      return 1;
    }
    const onnxc_model_desc *desc = get_model();
    if (desc->num_inputs > 16 || desc->num_outputs > 16)
      return 1;
    void *in[16], *out[16];
    for (int i = 0; i < desc->num_inputs; ++i) {
      const onnxc_tensor_desc *d = &desc->inputs[i];
      int64_t n = dump_elements(d->rank, d->shape);
      in[i] = calloc((size_t)n + 1, dump_dtype_size(d->dtype));
      fill_input(in[i], d->dtype, n, i);
    }
    for (int i = 0; i < desc->num_outputs; ++i) {
      const onnxc_tensor_desc *d = &desc->outputs[i];
      bytes[i] = (size_t)dump_elements(d->rank, d->shape) *
                 dump_dtype_size(d->dtype);
      out[i] = calloc(bytes[i] + 1, 1);
    }
    onnxc_status s = ONNXC_OK;
    for (int k = 0; k < 3 && s == ONNXC_OK; ++k)
      s = run(desc, in, out, NULL);
    int same = s == ONNXC_OK;
    for (int i = 0; i < desc->num_outputs; ++i) {
      if (round == 0)
        first[i] = out[i];
      else {
        same = same && memcmp(first[i], out[i], bytes[i]) == 0;
        free(out[i]);
      }
    }
    for (int i = 0; i < desc->num_inputs; ++i)
      free(in[i]);
    printf("round %d: %s\n", round,
           s != ONNXC_OK ? "FAIL: run failed" : same ? "ok" : "FAIL: outputs differ");
    dlclose(lib);
    if (!same)
      return 1;
  }
  printf("done\n");
  return 0;
}
