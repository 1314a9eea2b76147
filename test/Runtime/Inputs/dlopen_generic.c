/* Loads any model compiled by onnx-compile (-o model.so) with dlopen and runs
 * it through the generic API of onnxc/runtime.h, found with dlsym only (this
 * program links neither the model nor the runtime):
 *
 *   dlopen_generic MODEL.so OUTDIR
 *
 *  1. prints the descriptor: every input and output with its element type
 *     and shape, and the workspace size;
 *  2. runs the model on deterministic inputs (dump.h), prints the first
 *     values of each output and writes inputs and outputs to OUTDIR for
 *     compare_ort.py;
 *  3. runs again in a session with a caller-allocated workspace, and in two
 *     threads with a session each: the outputs must be the same bits; and
 *     with 1 and 3 threads for the parallel loops (onnxc_set_num_threads):
 *     the same outputs;
 *  4. runs with broken arguments (wrong shape, wrong rank, wrong element
 *     type, an unknown type, NULL data, wrong counts, a misaligned
 *     workspace, another ABI version) and prints each status and message;
 *     each message must name the tensor, and a failed run must leave the
 *     outputs untouched.
 *
 * Lines starting with "FAIL" report a broken expectation; the exit status is
 * then 1. */
#define _POSIX_C_SOURCE 200809L

#include "dlopen_api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static model_api api;
static find_fn find_input, find_output;

static int failures;

#define FAIL(...)                                                              \
  do {                                                                         \
    printf("FAIL: " __VA_ARGS__);                                              \
    printf("\n");                                                              \
    ++failures;                                                                \
  } while (0)

static const char *status_name(onnxc_status s) {
  switch (s) {
  case ONNXC_OK: return "OK";
  case ONNXC_ERROR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
  case ONNXC_ERROR_SHAPE_MISMATCH: return "SHAPE_MISMATCH";
  case ONNXC_ERROR_TYPE_MISMATCH: return "TYPE_MISMATCH";
  case ONNXC_ERROR_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
  case ONNXC_ERROR_ABI_MISMATCH: return "ABI_MISMATCH";
  case ONNXC_ERROR_WEIGHTS: return "WEIGHTS";
  case ONNXC_ERROR_DEVICE: return "DEVICE";
  }
  return "?";
}

static const onnxc_model_desc *desc;
static onnxc_tensor *inputs, *outputs;
static void **reference; /* outputs of the first run */
static size_t *output_bytes;

/* Tensors over fresh output buffers (shapes from the desc). */
static onnxc_tensor *new_outputs(void) {
  return new_tensors(desc->outputs, desc->num_outputs);
}

static void free_outputs(onnxc_tensor *t) {
  free_tensors(t, desc->num_outputs);
}

/* 1 if every output equals the first run's, bit for bit. */
static int same_as_reference(const onnxc_tensor *t) {
  for (int i = 0; i < desc->num_outputs; ++i)
    if (memcmp(t[i].data, reference[i], output_bytes[i]) != 0)
      return 0;
  return 1;
}

/* 1 if every output is close to the first run's: float32 within 1e-5
 * (relative and absolute, as another split of the loops may round
 * differently), the rest bit for bit. */
static int close_to_reference(const onnxc_tensor *t) {
  for (int i = 0; i < desc->num_outputs; ++i) {
    if (t[i].dtype != ONNXC_FLOAT) {
      if (memcmp(t[i].data, reference[i], output_bytes[i]) != 0)
        return 0;
      continue;
    }
    const float *got = t[i].data, *want = reference[i];
    for (size_t k = 0; k < output_bytes[i] / sizeof(float); ++k) {
      float d = got[k] - want[k], m = want[k] < 0 ? -want[k] : want[k];
      if (!(d <= 1e-5f * (1 + m) && -d <= 1e-5f * (1 + m)))
        return 0;
    }
  }
  return 1;
}

/* Runs with `in` and `out` (counts `ni`, `no`) in a fresh session, expects
 * `want`, prints "<what>: STATUS: message" and checks that the message names
 * `tensor` (NULL: no check) and that the outputs were left untouched. */
static void expect_error(const char *what, const onnxc_tensor *in, size_t ni,
                         const onnxc_tensor *out, size_t no,
                         onnxc_status want, const char *tensor) {
  onnxc_session *session = NULL;
  if (api.session_create(desc, NULL, &session) != ONNXC_OK) {
    FAIL("%s: cannot create a session: %s", what, api.last_error());
    return;
  }
  onnxc_tensor *canary = new_outputs();
  for (int i = 0; i < desc->num_outputs; ++i)
    memset(canary[i].data, 0xA5, output_bytes[i]);
  /* The canary buffers stand in for the given outputs, same shapes. */
  onnxc_tensor *run_out = out ? calloc(no + 1, sizeof(*run_out)) : NULL;
  for (size_t i = 0; out && i < no; ++i) {
    run_out[i] = out[i];
    if ((int)i < desc->num_outputs && out[i].data)
      run_out[i].data = canary[i].data;
  }
  onnxc_status s = api.run(session, in, ni, run_out, no);
  const char *message = api.last_error();
  printf("%s: %s: %s\n", what, status_name(s), message);
  if (s != want)
    FAIL("%s: expected status %s, got %s", what, status_name(want),
         status_name(s));
  if (tensor) {
    char quoted[512];
    snprintf(quoted, sizeof(quoted), "'%s'", tensor);
    if (!strstr(message, quoted))
      FAIL("%s: the message does not name %s", what, quoted);
  }
  for (int i = 0; i < desc->num_outputs; ++i)
    for (size_t b = 0; b < output_bytes[i]; ++b)
      if (((unsigned char *)canary[i].data)[b] != 0xA5) {
        FAIL("%s: a failed run wrote output %d", what, i);
        break;
      }
  free(run_out);
  free_outputs(canary);
  api.session_destroy(session);
}

#define THREAD_RUNS 20

/* A session of its own, THREAD_RUNS runs, each compared to the reference;
 * then an error, which must not show in the other threads. */
static void *thread_main(void *arg) {
  (void)arg;
  long bad = 0;
  onnxc_session *session = NULL;
  if (api.session_create(desc, NULL, &session) != ONNXC_OK)
    return (void *)1L;
  onnxc_tensor *out = new_outputs();
  for (int r = 0; r < THREAD_RUNS; ++r) {
    if (api.run(session, inputs, (size_t)desc->num_inputs, out,
                (size_t)desc->num_outputs) != ONNXC_OK ||
        !same_as_reference(out))
      ++bad;
  }
  if (api.run(session, inputs, 0, out, (size_t)desc->num_outputs) == ONNXC_OK ||
      !*api.last_error())
    ++bad;
  free_outputs(out);
  api.session_destroy(session);
  return (void *)bad;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: dlopen_generic MODEL.so OUTDIR\n");
    return 2;
  }
  void *handle = open_model(argv[1], RTLD_LOCAL, &api);
  if (!handle)
    return 1;
  LOOK_UP(handle, find_input, "onnxc_find_input");
  LOOK_UP(handle, find_output, "onnxc_find_output");

  /* 1. The descriptor. */
  desc = api.get_model();
  if (!desc) {
    printf("FAIL: onnxc_get_model() returned NULL\n");
    return 1;
  }
  printf("model %s: abi %u, %d inputs, %d outputs, workspace %llu bytes\n",
         desc->name, desc->abi_version, desc->num_inputs, desc->num_outputs,
         (unsigned long long)desc->workspace_bytes);
  if (desc->abi_version != ONNXC_ABI_VERSION)
    FAIL("abi_version %u, this header has %d", desc->abi_version,
         ONNXC_ABI_VERSION);
  for (int i = 0; i < desc->num_inputs; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    printf("input %d: %s %s ", i, d->name, api.dtype_name(d->dtype));
    print_shape(d->rank, d->shape);
    printf("\n");
    if (find_input(desc, d->name) != i)
      FAIL("onnxc_find_input(\"%s\") != %d", d->name, i);
  }
  for (int i = 0; i < desc->num_outputs; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    printf("output %d: %s %s ", i, d->name, api.dtype_name(d->dtype));
    print_shape(d->rank, d->shape);
    printf("\n");
    if (find_output(desc, d->name) != i)
      FAIL("onnxc_find_output(\"%s\") != %d", d->name, i);
  }
  if (find_input(desc, "no such input") != -1)
    FAIL("onnxc_find_input of an unknown name is not -1");

  /* 2. A run on deterministic inputs. */
  const char *outdir = argv[2];
  inputs = new_inputs(desc, outdir);
  output_bytes = calloc((size_t)desc->num_outputs + 1, sizeof(size_t));
  reference = calloc((size_t)desc->num_outputs + 1, sizeof(void *));
  for (int i = 0; i < desc->num_outputs; ++i)
    output_bytes[i] = tensor_bytes(&desc->outputs[i]);
  outputs = new_outputs();

  onnxc_session *session = NULL;
  onnxc_status s = api.session_create(desc, NULL, &session);
  printf("session_create: %s\n", status_name(s));
  if (s != ONNXC_OK || !session) {
    printf("FAIL: onnxc_session_create: %s\n", api.last_error());
    return 1;
  }
  s = api.run(session, inputs, (size_t)desc->num_inputs, outputs,
              (size_t)desc->num_outputs);
  printf("run: %s, last error \"%s\"\n", status_name(s), api.last_error());
  if (s != ONNXC_OK) {
    printf("FAIL: onnxc_run: %s\n", api.last_error());
    return 1;
  }
  print_outputs(desc, outputs);
  dump_outputs(outdir, desc, outputs);
  for (int i = 0; i < desc->num_outputs; ++i)
    reference[i] = outputs[i].data;

  /* 3. The same bits with a caller's workspace, again, and in threads. */
  void *workspace = alloc64((size_t)desc->workspace_bytes);
  onnxc_session *own = NULL;
  if (api.session_create(desc, workspace, &own) != ONNXC_OK) {
    FAIL("session with a caller workspace: %s", api.last_error());
  } else {
    onnxc_tensor *again = new_outputs();
    s = api.run(own, inputs, (size_t)desc->num_inputs, again,
                (size_t)desc->num_outputs);
    if (s != ONNXC_OK || !same_as_reference(again))
      FAIL("a run with the caller's workspace differs (%s)", api.last_error());
    s = api.run(own, inputs, (size_t)desc->num_inputs, again,
                (size_t)desc->num_outputs);
    if (s != ONNXC_OK || !same_as_reference(again))
      FAIL("a second run in the same session differs (%s)", api.last_error());
    else
      printf("caller workspace: same outputs\n");
    free_outputs(again);
    api.session_destroy(own);
  }
  pthread_t threads[2];
  long bad = 0;
  for (int t = 0; t < 2; ++t)
    pthread_create(&threads[t], NULL, thread_main, NULL);
  for (int t = 0; t < 2; ++t) {
    void *result;
    pthread_join(threads[t], &result);
    bad += (long)result;
  }
  if (bad)
    FAIL("threads: %ld runs differ or failed", bad);
  else if (*api.last_error())
    FAIL("an error in another thread shows here: %s", api.last_error());
  else
    printf("threads: 2 sessions x %d runs, same outputs; errors stay in "
           "their thread\n", THREAD_RUNS);

  /* The thread count of parallel loops changes nothing in the outputs. */
  set_num_threads_fn set_num_threads;
  get_num_threads_fn get_num_threads;
  LOOK_UP(handle, set_num_threads, "onnxc_set_num_threads");
  LOOK_UP(handle, get_num_threads, "onnxc_get_num_threads");
  int default_threads = get_num_threads();
  printf("num threads: default %d\n", default_threads);
  onnxc_tensor *counted = new_outputs();
  const int counts[] = {1, 3};
  for (int c = 0; c < 2; ++c) {
    set_num_threads(counts[c]);
    s = api.run(session, inputs, (size_t)desc->num_inputs, counted,
                (size_t)desc->num_outputs);
    if (get_num_threads() != counts[c])
      FAIL("onnxc_get_num_threads() is %d after setting %d",
           get_num_threads(), counts[c]);
    if (s != ONNXC_OK || !close_to_reference(counted))
      FAIL("with %d threads the outputs differ (%s)", counts[c],
           api.last_error());
  }
  set_num_threads(0);
  if (get_num_threads() != default_threads)
    FAIL("onnxc_set_num_threads(0) does not restore the default");
  else
    printf("1 and 3 threads: same outputs; 0 restores the default\n");
  free_outputs(counted);

  /* 4. Errors. */
  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  onnxc_tensor *in = calloc(ni + 1, sizeof(*in));
  int64_t shape[16];
  const onnxc_tensor_desc *d0 = &desc->inputs[0];
  if (ni > 0 && d0->rank > 0 && d0->rank <= 16) {
    memcpy(in, inputs, ni * sizeof(*in));
    memcpy(shape, d0->shape, (size_t)d0->rank * sizeof(int64_t));
    shape[0] += 1;
    in[0].shape = shape;
    expect_error("wrong shape", in, ni, outputs, no, ONNXC_ERROR_SHAPE_MISMATCH,
                 d0->name);
    memcpy(in, inputs, ni * sizeof(*in));
    in[0].rank = d0->rank - 1;
    expect_error("wrong rank", in, ni, outputs, no, ONNXC_ERROR_SHAPE_MISMATCH,
                 d0->name);
  }
  if (ni > 0) {
    /* The last input, which in a multi-input model is another one. */
    size_t k = ni - 1;
    memcpy(in, inputs, ni * sizeof(*in));
    in[k].dtype = in[k].dtype == ONNXC_FLOAT ? ONNXC_DOUBLE : ONNXC_FLOAT;
    expect_error("wrong element type", in, ni, outputs, no,
                 ONNXC_ERROR_TYPE_MISMATCH, desc->inputs[k].name);
    memcpy(in, inputs, ni * sizeof(*in));
    in[k].dtype = 99;
    expect_error("unknown element type", in, ni, outputs, no,
                 ONNXC_ERROR_TYPE_MISMATCH, desc->inputs[k].name);
    memcpy(in, inputs, ni * sizeof(*in));
    in[0].data = NULL;
    expect_error("NULL input data", in, ni, outputs, no,
                 ONNXC_ERROR_INVALID_ARGUMENT, d0->name);
    expect_error("too few inputs", inputs, ni - 1, outputs, no,
                 ONNXC_ERROR_INVALID_ARGUMENT, NULL);
    expect_error("NULL input array", NULL, ni, outputs, no,
                 ONNXC_ERROR_INVALID_ARGUMENT, NULL);
  }
  if (no > 0) {
    onnxc_tensor *out = calloc(no + 1, sizeof(*out));
    const onnxc_tensor_desc *o = &desc->outputs[no - 1];
    memcpy(out, outputs, no * sizeof(*out));
    out[no - 1].data = NULL;
    expect_error("NULL output data", inputs, ni, out, no,
                 ONNXC_ERROR_INVALID_ARGUMENT, o->name);
    if (o->rank > 0 && o->rank <= 16) {
      memcpy(out, outputs, no * sizeof(*out));
      memcpy(shape, o->shape, (size_t)o->rank * sizeof(int64_t));
      shape[o->rank - 1] += 2;
      out[no - 1].shape = shape;
      expect_error("wrong output shape", inputs, ni, out, no,
                   ONNXC_ERROR_SHAPE_MISMATCH, o->name);
    }
    expect_error("too many outputs", inputs, ni, outputs, no + 1,
                 ONNXC_ERROR_INVALID_ARGUMENT, NULL);
    free(out);
  }

  /* Session errors. */
  onnxc_session *bad_session = (onnxc_session *)&bad;
  s = api.session_create(desc, (char *)workspace + 8, &bad_session);
  printf("misaligned workspace: %s: %s\n", status_name(s), api.last_error());
  if (s != ONNXC_ERROR_INVALID_ARGUMENT || bad_session != NULL ||
      !strstr(api.last_error(), "64-byte aligned"))
    FAIL("a misaligned workspace is not rejected as documented");
  onnxc_model_desc other = *desc;
  other.abi_version = 99; /* no runtime has it */
  s = api.session_create(&other, NULL, &bad_session);
  printf("other ABI version: %s: %s\n", status_name(s), api.last_error());
  if (s != ONNXC_ERROR_ABI_MISMATCH || bad_session != NULL)
    FAIL("a descriptor of another ABI version is accepted");
  s = api.session_create(NULL, NULL, &bad_session);
  printf("NULL descriptor: %s: %s\n", status_name(s), api.last_error());
  if (s != ONNXC_ERROR_INVALID_ARGUMENT)
    FAIL("a NULL descriptor is accepted");
  s = api.run(NULL, inputs, ni, outputs, no);
  printf("NULL session: %s: %s\n", status_name(s), api.last_error());
  if (s != ONNXC_ERROR_INVALID_ARGUMENT)
    FAIL("a NULL session is accepted");
  api.session_destroy(NULL); /* a no-op */

  /* A good run after the errors: OK, message cleared, same outputs. */
  onnxc_tensor *after = new_outputs();
  s = api.run(session, inputs, ni, after, no);
  printf("run after errors: %s, last error \"%s\"\n", status_name(s),
         api.last_error());
  if (s != ONNXC_OK || *api.last_error() || !same_as_reference(after))
    FAIL("a run after the errors differs or keeps the message");
  free_outputs(after);

  api.session_destroy(session);
  free_outputs(outputs);
  free_tensors(inputs, desc->num_inputs);
  free(in);
  free(workspace);
  free(reference);
  free(output_bytes);
  printf("%s\n", failures ? "FAILED" : "done");
  return failures ? 1 : 0;
}
