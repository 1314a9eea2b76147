/* Runs any model compiled by onnx-compile (-o model.so) once, through the
 * generic API found with dlsym, and writes what it computed:
 *
 *   dlopen_run MODEL.so OUTDIR
 *
 * The inputs are the deterministic ones of dump.h, so the same program built
 * for two targets (cc and aarch64-linux-gnu-gcc) feeds a model compiled for
 * each the same bytes; OUTDIR gets manifest.tsv with the raw inputs and
 * outputs, for compare_dumps.py (two targets) and compare_ort.py
 * (onnxruntime). Prints the model's signature and the run's wall time.
 *
 * Exit status 1, with a line starting "FAIL", when the library cannot be
 * loaded or a call fails. Lighter than dlopen_generic.c, which checks the
 * whole API: this one runs once, as a slow emulator allows. */
#define _POSIX_C_SOURCE 200809L

#include "dlopen_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* A line "KIND NAME DTYPE [d0,d1,...]". */
static void print_tensor(const char *kind, const onnxc_tensor_desc *d,
                         dtype_name_fn dtype_name) {
  printf("%s %s %s ", kind, d->name, dtype_name(d->dtype));
  print_shape(d->rank, d->shape);
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: dlopen_run MODEL.so OUTDIR\n");
    return 2;
  }
  model_api api;
  if (!open_model(argv[1], RTLD_LOCAL, &api))
    return 1;

  const onnxc_model_desc *desc = api.get_model();
  if (!desc) {
    printf("FAIL: onnxc_get_model() returned NULL\n");
    return 1;
  }
  printf("model %s: %d inputs, %d outputs, workspace %llu bytes\n", desc->name,
         desc->num_inputs, desc->num_outputs,
         (unsigned long long)desc->workspace_bytes);

  const char *outdir = argv[2];
  onnxc_tensor *inputs = new_inputs(desc, outdir);
  onnxc_tensor *outputs = new_tensors(desc->outputs, desc->num_outputs);
  for (int i = 0; i < desc->num_inputs; ++i)
    print_tensor("input", &desc->inputs[i], api.dtype_name);
  for (int i = 0; i < desc->num_outputs; ++i)
    print_tensor("output", &desc->outputs[i], api.dtype_name);

  onnxc_session *session = NULL;
  if (api.session_create(desc, NULL, &session) != ONNXC_OK) {
    printf("FAIL: onnxc_session_create: %s\n", api.last_error());
    return 1;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  onnxc_status s = api.run(session, inputs, (size_t)desc->num_inputs, outputs,
                           (size_t)desc->num_outputs);
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (s != ONNXC_OK) {
    printf("FAIL: onnxc_run: %s\n", api.last_error());
    return 1;
  }
  printf("run: %.1f ms\n", (double)(end.tv_sec - start.tv_sec) * 1e3 +
                               (double)(end.tv_nsec - start.tv_nsec) / 1e6);
  print_outputs(desc, outputs);
  dump_outputs(outdir, desc, outputs);
  api.session_destroy(session);
  free_tensors(inputs, desc->num_inputs);
  free_tensors(outputs, desc->num_outputs);
  printf("done\n");
  return 0;
}
