/* The typed API of a statically linked model: mixed.onnx (make_models.py)
 * compiled with `onnx-compile mixed.onnx -o mixed.a` (or mixed.o), which
 * writes mixed.h.
 *
 *   cc static_link.c mixed.a -lm -lpthread && ./a.out OUTDIR
 *
 *  1. the header's macros agree with the descriptor mixed_model() returns;
 *  2. mixed_run() with a caller-allocated workspace of MIXED_WORKSPACE_BYTES
 *     (aligned_alloc 64): outputs printed and written to OUTDIR for
 *     compare_ort.py;
 *  3. mixed_run() with a NULL workspace, and the generic API on the same
 *     descriptor: the same bits;
 *  4. NULL input and output pointers and a misaligned workspace: nonzero,
 *     and onnxc_last_error() names the tensor; a failed run leaves the
 *     outputs untouched and the next good run clears the message.
 *
 * Lines starting with "FAIL" report a broken expectation; exit status 1. */
#include "mixed.h"

#include "dump.h"
#include "onnxc/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define FAIL(...)                                                              \
  do {                                                                         \
    printf("FAIL: " __VA_ARGS__);                                              \
    printf("\n");                                                              \
    ++failures;                                                                \
  } while (0)

/* The typed signature, checked at compile time: a mismatch of the generated
 * prototype with these types is a compile error (-Werror). */
static int (*const typed_run)(const float *, const int64_t *, float *, float *,
                              int64_t *, uint8_t *, void *) = mixed_run;

static float x[MIXED_INPUT0_ELEMENTS];
static int64_t ids[MIXED_INPUT1_ELEMENTS];
static float y[MIXED_OUTPUT0_ELEMENTS], y2[MIXED_OUTPUT0_ELEMENTS];
static float pooled[MIXED_OUTPUT1_ELEMENTS], pooled2[MIXED_OUTPUT1_ELEMENTS];
static int64_t ids_out[MIXED_OUTPUT2_ELEMENTS], ids_out2[MIXED_OUTPUT2_ELEMENTS];
static uint8_t positive[MIXED_OUTPUT3_ELEMENTS], positive2[MIXED_OUTPUT3_ELEMENTS];

static int same_outputs(void) {
  return !memcmp(y, y2, sizeof(y)) && !memcmp(pooled, pooled2, sizeof(pooled)) &&
         !memcmp(ids_out, ids_out2, sizeof(ids_out)) &&
         !memcmp(positive, positive2, sizeof(positive));
}

static void poison_second_outputs(void) {
  memset(y2, 0xA5, sizeof(y2));
  memset(pooled2, 0xA5, sizeof(pooled2));
  memset(ids_out2, 0xA5, sizeof(ids_out2));
  memset(positive2, 0xA5, sizeof(positive2));
}

static int untouched(const void *p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (((const unsigned char *)p)[i] != 0xA5)
      return 0;
  return 1;
}

/* A run that must fail with `want`, naming `tensor`, writing nothing. */
static void expect_error(const char *what, int rc, int want,
                         const char *tensor) {
  const char *message = onnxc_last_error();
  printf("%s: %d: %s\n", what, rc, message);
  if (rc != want)
    FAIL("%s: expected %d, got %d", what, want, rc);
  if (tensor && !strstr(message, tensor))
    FAIL("%s: the message does not name %s", what, tensor);
  if (!untouched(y2, sizeof(y2)) || !untouched(pooled2, sizeof(pooled2)) ||
      !untouched(ids_out2, sizeof(ids_out2)) ||
      !untouched(positive2, sizeof(positive2)))
    FAIL("%s: a failed run wrote an output", what);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: static_link OUTDIR\n");
    return 2;
  }
  const char *outdir = argv[1];

  /* 1. The header against the descriptor. */
  const onnxc_model_desc *desc = mixed_model();
  printf("model %s: workspace %llu bytes, %d inputs, %d outputs\n", desc->name,
         (unsigned long long)MIXED_WORKSPACE_BYTES, desc->num_inputs,
         desc->num_outputs);
  if (desc->workspace_bytes != MIXED_WORKSPACE_BYTES)
    FAIL("MIXED_WORKSPACE_BYTES %llu, descriptor %llu",
         (unsigned long long)MIXED_WORKSPACE_BYTES,
         (unsigned long long)desc->workspace_bytes);
  const long long in_elements[] = {MIXED_INPUT0_ELEMENTS, MIXED_INPUT1_ELEMENTS};
  const long long out_elements[] = {MIXED_OUTPUT0_ELEMENTS,
                                    MIXED_OUTPUT1_ELEMENTS,
                                    MIXED_OUTPUT2_ELEMENTS,
                                    MIXED_OUTPUT3_ELEMENTS};
  if (desc->num_inputs != 2 || desc->num_outputs != 4) {
    FAIL("the descriptor does not have 2 inputs and 4 outputs");
    return 1;
  }
  for (int i = 0; i < 2; ++i)
    if (onnxc_tensor_desc_elements(&desc->inputs[i]) != in_elements[i])
      FAIL("MIXED_INPUT%d_ELEMENTS %lld, descriptor %lld", i, in_elements[i],
           (long long)onnxc_tensor_desc_elements(&desc->inputs[i]));
  for (int i = 0; i < 4; ++i)
    if (onnxc_tensor_desc_elements(&desc->outputs[i]) != out_elements[i])
      FAIL("MIXED_OUTPUT%d_ELEMENTS %lld, descriptor %lld", i, out_elements[i],
           (long long)onnxc_tensor_desc_elements(&desc->outputs[i]));

  /* 2. A run with the caller's workspace. */
  fill_input(x, ONNXC_FLOAT, MIXED_INPUT0_ELEMENTS, 0);
  fill_input(ids, ONNXC_INT64, MIXED_INPUT1_ELEMENTS, 1);
  size_t workspace_size = (MIXED_WORKSPACE_BYTES + 63) / 64 * 64;
  void *workspace = aligned_alloc(64, workspace_size ? workspace_size : 64);
  int rc = typed_run(x, ids, y, pooled, ids_out, positive, workspace);
  printf("mixed_run(workspace): %d \"%s\"\n", rc, onnxc_last_error());
  if (rc != 0) {
    FAIL("mixed_run: %s", onnxc_last_error());
    return 1;
  }
  printf("y:");
  print_values(y, ONNXC_FLOAT, MIXED_OUTPUT0_ELEMENTS);
  printf("pooled:");
  print_values(pooled, ONNXC_FLOAT, MIXED_OUTPUT1_ELEMENTS);
  printf("ids_out:");
  print_values(ids_out, ONNXC_INT64, MIXED_OUTPUT2_ELEMENTS);
  printf("positive:");
  print_values(positive, ONNXC_BOOL, MIXED_OUTPUT3_ELEMENTS);
  dump_begin(outdir);
  const void *in_data[] = {x, ids};
  const void *out_data[] = {y, pooled, ids_out, positive};
  for (int i = 0; i < 2; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    dump_tensor(outdir, "input", i, d->name, d->dtype, d->rank, d->shape,
                in_data[i]);
  }
  for (int i = 0; i < 4; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    dump_tensor(outdir, "output", i, d->name, d->dtype, d->rank, d->shape,
                out_data[i]);
  }

  /* 3. A NULL workspace (allocated for the call), the generic API. */
  poison_second_outputs();
  rc = mixed_run(x, ids, y2, pooled2, ids_out2, positive2, NULL);
  printf("mixed_run(NULL workspace): %d, %s outputs\n", rc,
         same_outputs() ? "same" : "DIFFERENT");
  if (rc != 0 || !same_outputs())
    FAIL("a run with a NULL workspace differs");
  poison_second_outputs();
  onnxc_session *session = NULL;
  onnxc_tensor inputs[2], outputs[4];
  void *out2[] = {y2, pooled2, ids_out2, positive2};
  for (int i = 0; i < 2; ++i)
    inputs[i] = (onnxc_tensor){(void *)in_data[i], desc->inputs[i].dtype,
                               desc->inputs[i].rank, desc->inputs[i].shape};
  for (int i = 0; i < 4; ++i)
    outputs[i] = (onnxc_tensor){out2[i], desc->outputs[i].dtype,
                                desc->outputs[i].rank, desc->outputs[i].shape};
  onnxc_status status = onnxc_session_create(desc, workspace, &session);
  if (status == ONNXC_OK)
    status = onnxc_run(session, inputs, 2, outputs, 4);
  onnxc_session_destroy(session);
  printf("onnxc_run: %d, %s outputs\n", (int)status,
         same_outputs() ? "same" : "DIFFERENT");
  if (status != ONNXC_OK || !same_outputs())
    FAIL("the generic API differs from mixed_run");

  /* 4. Errors. */
  poison_second_outputs();
  rc = mixed_run(NULL, ids, y2, pooled2, ids_out2, positive2, workspace);
  expect_error("NULL x", rc, ONNXC_ERROR_INVALID_ARGUMENT, "input 'x'");
  rc = mixed_run(x, NULL, y2, pooled2, ids_out2, positive2, NULL);
  expect_error("NULL token.ids", rc, ONNXC_ERROR_INVALID_ARGUMENT,
               "input 'token.ids'");
  rc = mixed_run(x, ids, y2, NULL, ids_out2, positive2, workspace);
  expect_error("NULL pooled", rc, ONNXC_ERROR_INVALID_ARGUMENT,
               "output 'pooled'");
  rc = mixed_run(x, ids, y2, pooled2, ids_out2, positive2,
                 (char *)workspace + 16);
  expect_error("misaligned workspace", rc, ONNXC_ERROR_INVALID_ARGUMENT,
               "64-byte aligned");
  rc = mixed_run(x, ids, y2, pooled2, ids_out2, positive2, workspace);
  printf("good run after errors: %d \"%s\", %s outputs\n", rc,
         onnxc_last_error(), same_outputs() ? "same" : "DIFFERENT");
  if (rc != 0 || *onnxc_last_error() || !same_outputs())
    FAIL("the run after the errors differs or keeps the message");

  free(workspace);
  printf("%s\n", failures ? "FAILED" : "done");
  return failures ? 1 : 0;
}
