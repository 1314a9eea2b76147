/*===- runtime.c - The runtime linked into every compiled model -----------===*
 *
 * Implements onnxc/runtime.h: sessions, checked runs, error messages and
 * descriptor helpers. Depends on libc, libm and libpthread only, since it
 * is linked into every model that onnx-compile builds. onnxc_get_model()
 * is not defined here: each compiled shared library defines its own.
 *
 *===----------------------------------------------------------------------===*/

#include "internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONNXC_ALIGNMENT 64
/* onnxc_run_pointers() builds its argument array on the stack up to this
 * many tensors and allocates it beyond. */
#define ONNXC_STACK_ARGS 64

struct onnxc_session {
  const onnxc_model_desc *desc;
  void *workspace;
  int owns_workspace;
  void *args[]; /* inputs, outputs, workspace: built by onnxc_run() */
};

/*===----------------------------------------------------------------------===*
 * Error messages
 *===----------------------------------------------------------------------===*/

static _Thread_local char last_error[1024];

ONNXC_INTERNAL onnxc_status onnxc_runtime_error(onnxc_status status,
                                                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof(last_error), fmt, ap);
  va_end(ap);
  return status;
}

#define set_error onnxc_runtime_error

static onnxc_status clear_error(void) {
  last_error[0] = '\0';
  return ONNXC_OK;
}

ONNXC_API const char *onnxc_last_error(void) { return last_error; }

/*===----------------------------------------------------------------------===*
 * Descriptor helpers
 *===----------------------------------------------------------------------===*/

ONNXC_API const char *onnxc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case ONNXC_FLOAT: return "float32";
  case ONNXC_UINT8: return "uint8";
  case ONNXC_INT8: return "int8";
  case ONNXC_UINT16: return "uint16";
  case ONNXC_INT16: return "int16";
  case ONNXC_INT32: return "int32";
  case ONNXC_INT64: return "int64";
  case ONNXC_BOOL: return "bool";
  case ONNXC_FLOAT16: return "float16";
  case ONNXC_DOUBLE: return "float64";
  case ONNXC_UINT32: return "uint32";
  case ONNXC_UINT64: return "uint64";
  case ONNXC_BFLOAT16: return "bfloat16";
  default: return "unknown";
  }
}

ONNXC_API size_t onnxc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case ONNXC_UINT8: case ONNXC_INT8: case ONNXC_BOOL: return 1;
  case ONNXC_UINT16: case ONNXC_INT16: case ONNXC_FLOAT16:
  case ONNXC_BFLOAT16: return 2;
  case ONNXC_FLOAT: case ONNXC_INT32: case ONNXC_UINT32: return 4;
  case ONNXC_INT64: case ONNXC_DOUBLE: case ONNXC_UINT64: return 8;
  default: return 0;
  }
}

ONNXC_API int64_t onnxc_tensor_desc_elements(const onnxc_tensor_desc *desc) {
  int64_t n = 1;
  if (!desc || desc->rank < 0 || (desc->rank > 0 && !desc->shape))
    return -1;
  for (int32_t i = 0; i < desc->rank; ++i) {
    if (desc->shape[i] < 0)
      return -1;
    n *= desc->shape[i];
  }
  return n;
}

static int find_tensor(const onnxc_tensor_desc *descs, int32_t n,
                       const char *name) {
  if (!descs || !name)
    return -1;
  for (int32_t i = 0; i < n; ++i)
    if (descs[i].name && strcmp(descs[i].name, name) == 0)
      return i;
  return -1;
}

ONNXC_API int onnxc_find_input(const onnxc_model_desc *desc, const char *name) {
  return desc ? find_tensor(desc->inputs, desc->num_inputs, name) : -1;
}

ONNXC_API int onnxc_find_output(const onnxc_model_desc *desc, const char *name) {
  return desc ? find_tensor(desc->outputs, desc->num_outputs, name) : -1;
}

/*===----------------------------------------------------------------------===*
 * Checks
 *===----------------------------------------------------------------------===*/

static int valid_tensor_descs(const onnxc_tensor_desc *descs, int32_t n) {
  if (n < 0 || (n > 0 && !descs))
    return 0;
  for (int32_t i = 0; i < n; ++i)
    if (descs[i].rank < 0 || (descs[i].rank > 0 && !descs[i].shape))
      return 0;
  return 1;
}

static onnxc_status check_desc(const onnxc_model_desc *desc) {
  if (!desc)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "model descriptor is NULL");
  if (desc->abi_version != ONNXC_ABI_VERSION)
    return set_error(ONNXC_ERROR_ABI_MISMATCH,
                     "model '%s' was compiled for runtime ABI version %u, "
                     "this runtime has ABI version %d",
                     desc->name ? desc->name : "?",
                     (unsigned)desc->abi_version, ONNXC_ABI_VERSION);
  if (!desc->entry || !valid_tensor_descs(desc->inputs, desc->num_inputs) ||
      !valid_tensor_descs(desc->outputs, desc->num_outputs) ||
      desc->workspace_bytes > (uint64_t)(SIZE_MAX - ONNXC_ALIGNMENT) ||
      (desc->weights && (!desc->weights->file_name || !desc->weights->base)))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "model descriptor '%s' is malformed",
                     desc->name ? desc->name : "?");
  return ONNXC_OK;
}

static onnxc_status check_workspace(const void *workspace) {
  if ((uintptr_t)workspace % ONNXC_ALIGNMENT != 0)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "workspace %p is not %d-byte aligned", workspace,
                     ONNXC_ALIGNMENT);
  return ONNXC_OK;
}

/* Writes "[d0,d1,...]" into buf, truncated to its size. */
static const char *format_shape(char *buf, size_t size, int32_t rank,
                                const int64_t *shape) {
  size_t len = (size_t)snprintf(buf, size, "[");
  for (int32_t i = 0; i < rank && len < size; ++i)
    len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "",
                            (long long)shape[i]);
  if (len < size)
    snprintf(buf + len, size - len, "]");
  return buf;
}

static onnxc_status check_tensor(const char *kind, const onnxc_tensor_desc *d,
                                 const onnxc_tensor *t) {
  const char *name = d->name ? d->name : "?";
  char want[256], got[256];
  if (t->dtype != d->dtype && onnxc_dtype_size(t->dtype) == 0)
    return set_error(ONNXC_ERROR_TYPE_MISMATCH,
                     "%s '%s': expected element type %s, got unknown type %d",
                     kind, name, onnxc_dtype_name(d->dtype), (int)t->dtype);
  if (t->dtype != d->dtype)
    return set_error(ONNXC_ERROR_TYPE_MISMATCH,
                     "%s '%s': expected element type %s, got %s", kind, name,
                     onnxc_dtype_name(d->dtype), onnxc_dtype_name(t->dtype));
  if (t->rank < 0 || (t->rank > 0 && !t->shape))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "%s '%s': invalid rank %d or NULL shape", kind, name,
                     (int)t->rank);
  int same = t->rank == d->rank;
  for (int32_t i = 0; same && i < t->rank; ++i)
    same = t->shape[i] == d->shape[i];
  if (!same)
    return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                     "%s '%s': expected shape %s (%s), got %s", kind, name,
                     format_shape(want, sizeof(want), d->rank, d->shape),
                     onnxc_dtype_name(d->dtype),
                     format_shape(got, sizeof(got), t->rank, t->shape));
  /* A tensor without elements is never read or written: NULL will do. */
  if (!t->data && onnxc_tensor_desc_elements(d) != 0)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "%s '%s': data is NULL",
                     kind, name);
  return ONNXC_OK;
}

static onnxc_status check_pointers(const char *kind,
                                   const onnxc_tensor_desc *descs, int32_t n,
                                   void *const *ptrs) {
  if (n > 0 && !ptrs)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "%s array is NULL", kind);
  for (int32_t i = 0; i < n; ++i)
    if (!ptrs[i] && onnxc_tensor_desc_elements(&descs[i]) != 0)
      return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "%s '%s': data is NULL",
                       kind, descs[i].name ? descs[i].name : "?");
  return ONNXC_OK;
}

static void *aligned_alloc64(uint64_t bytes) {
  void *p = NULL;
  size_t size = ((size_t)bytes + ONNXC_ALIGNMENT - 1) &
                ~(size_t)(ONNXC_ALIGNMENT - 1);
  return posix_memalign(&p, ONNXC_ALIGNMENT, size) == 0 ? p : NULL;
}

/*===----------------------------------------------------------------------===*
 * Sessions and runs
 *===----------------------------------------------------------------------===*/

ONNXC_API onnxc_status onnxc_session_create(const onnxc_model_desc *desc,
                                  void *workspace, onnxc_session **session) {
  onnxc_status status;
  if (!session)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "session pointer is NULL");
  *session = NULL;
  if ((status = check_desc(desc)) != ONNXC_OK ||
      (status = check_workspace(workspace)) != ONNXC_OK)
    return status;
  size_t num_args = (size_t)desc->num_inputs + (size_t)desc->num_outputs + 1;
  onnxc_session *s = malloc(sizeof(*s) + num_args * sizeof(void *));
  if (!s)
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY, "cannot allocate a session");
  s->desc = desc;
  s->workspace = workspace;
  s->owns_workspace = 0;
  if (!workspace && desc->workspace_bytes > 0) {
    if (!(s->workspace = aligned_alloc64(desc->workspace_bytes))) {
      free(s);
      return set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                       "cannot allocate a workspace of %llu bytes",
                       (unsigned long long)desc->workspace_bytes);
    }
    s->owns_workspace = 1;
  }
  if ((status = onnxc_weights_load(desc, NULL)) != ONNXC_OK) {
    if (s->owns_workspace)
      free(s->workspace);
    free(s);
    return status;
  }
  *session = s;
  return clear_error();
}

ONNXC_API void onnxc_session_destroy(onnxc_session *session) {
  if (!session)
    return;
  onnxc_weights_release(session->desc);
  if (session->owns_workspace)
    free(session->workspace);
  free(session);
}

/* "input 'x'", "output 'y'" or "the workspace" for entry argument `t`. */
static void describe_arg(const onnxc_model_desc *desc, int32_t t, char *buf,
                         size_t size) {
  if (t == desc->num_inputs + desc->num_outputs)
    snprintf(buf, size, "the workspace");
  else if (t < desc->num_inputs)
    snprintf(buf, size, "input '%s'", desc->inputs[t].name);
  else
    snprintf(buf, size, "output '%s'",
             desc->outputs[t - desc->num_inputs].name);
}

/* The compiled code assumes that the tensors and the workspace of a run
 * do not overlap (it may reorder loads and stores across them); `args` is
 * the entry point's array: inputs, outputs, workspace. */
static onnxc_status check_no_overlap(const onnxc_model_desc *desc,
                                     void *const *args) {
  int32_t n = desc->num_inputs + desc->num_outputs;
  for (int32_t i = 0; i <= n; ++i) {
    for (int32_t j = i + 1; j <= n; ++j) {
      /* Inputs may share memory with each other: they are only read. */
      if (j < desc->num_inputs)
        continue;
      uint64_t sizes[2];
      int32_t which[2] = {i, j};
      for (int k = 0; k < 2; ++k) {
        int32_t t = which[k];
        if (t == n) {
          sizes[k] = desc->workspace_bytes;
          continue;
        }
        const onnxc_tensor_desc *d = t < desc->num_inputs
                                         ? &desc->inputs[t]
                                         : &desc->outputs[t - desc->num_inputs];
        sizes[k] = (uint64_t)onnxc_tensor_desc_elements(d) *
                   onnxc_dtype_size(d->dtype);
      }
      uintptr_t a = (uintptr_t)args[i], b = (uintptr_t)args[j];
      if (!sizes[0] || !sizes[1] || a + sizes[0] <= b || b + sizes[1] <= a)
        continue;
      char first[300], second[300];
      describe_arg(desc, i, first, sizeof first);
      describe_arg(desc, j, second, sizeof second);
      return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                       "%s overlaps %s in memory; outputs and the workspace "
                       "need buffers of their own",
                       second, first);
    }
  }
  return ONNXC_OK;
}

ONNXC_API onnxc_status onnxc_run(onnxc_session *session, const onnxc_tensor *inputs,
                       size_t num_inputs, const onnxc_tensor *outputs,
                       size_t num_outputs) {
  onnxc_status status;
  if (!session)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "session is NULL");
  const onnxc_model_desc *desc = session->desc;
  if (num_inputs != (size_t)desc->num_inputs)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "expected %d inputs, got %zu", (int)desc->num_inputs,
                     num_inputs);
  if (num_outputs != (size_t)desc->num_outputs)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "expected %d outputs, got %zu", (int)desc->num_outputs,
                     num_outputs);
  if ((num_inputs > 0 && !inputs) || (num_outputs > 0 && !outputs))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "%s array is NULL",
                     num_inputs > 0 && !inputs ? "input" : "output");
  for (size_t i = 0; i < num_inputs; ++i)
    if ((status = check_tensor("input", &desc->inputs[i], &inputs[i])))
      return status;
  for (size_t i = 0; i < num_outputs; ++i)
    if ((status = check_tensor("output", &desc->outputs[i], &outputs[i])))
      return status;

  void **args = session->args;
  for (size_t i = 0; i < num_inputs; ++i)
    *args++ = inputs[i].data;
  for (size_t i = 0; i < num_outputs; ++i)
    *args++ = outputs[i].data;
  *args = session->workspace;
  if ((status = check_no_overlap(desc, session->args)))
    return status;
  desc->entry(session->args);
  return clear_error();
}

ONNXC_API onnxc_status onnxc_run_pointers(const onnxc_model_desc *desc,
                                void *const *inputs, void *const *outputs,
                                void *workspace) {
  onnxc_status status;
  if ((status = check_desc(desc)) != ONNXC_OK ||
      (status = check_workspace(workspace)) != ONNXC_OK ||
      (status = check_pointers("input", desc->inputs, desc->num_inputs,
                               inputs)) != ONNXC_OK ||
      (status = check_pointers("output", desc->outputs, desc->num_outputs,
                               outputs)) != ONNXC_OK)
    return status;
  /* The typed API has no session: its first run maps the weights for the
   * process's lifetime. */
  if (!onnxc_weights_ready_(desc) &&
      (status = onnxc_weights_load(desc, NULL)) != ONNXC_OK)
    return status;

  size_t num_args = (size_t)desc->num_inputs + (size_t)desc->num_outputs + 1;
  void *stack_args[ONNXC_STACK_ARGS + 1];
  void **args = stack_args;
  void *owned_workspace = NULL;
  if (num_args > ONNXC_STACK_ARGS + 1 &&
      !(args = malloc(num_args * sizeof(void *))))
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                     "cannot allocate %zu argument pointers", num_args);
  if (!workspace && desc->workspace_bytes > 0) {
    if (!(workspace = owned_workspace =
              aligned_alloc64(desc->workspace_bytes))) {
      if (args != stack_args)
        free(args);
      return set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                       "cannot allocate a workspace of %llu bytes",
                       (unsigned long long)desc->workspace_bytes);
    }
  }

  size_t n = 0;
  for (int32_t i = 0; i < desc->num_inputs; ++i)
    args[n++] = inputs[i];
  for (int32_t i = 0; i < desc->num_outputs; ++i)
    args[n++] = outputs[i];
  args[n] = workspace;
  if ((status = check_no_overlap(desc, args)) == ONNXC_OK)
    desc->entry(args);

  free(owned_workspace);
  if (args != stack_args)
    free(args);
  return status == ONNXC_OK ? clear_error() : status;
}
