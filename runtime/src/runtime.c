/*===- runtime.c - The runtime linked into every compiled model -----------===*
 *
 * Implements onnxc/runtime.h: sessions, checked runs, error messages and
 * descriptor helpers (the memory a run allocates: memory.c). Depends on
 * libc, libm and libpthread only, since it is linked into every model that
 * onnx-compile builds. onnxc_get_model() is not defined here: each compiled
 * shared library defines its own.
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
 * many entry arguments (two per input, one per output, the workspace) and
 * allocates it beyond. */
#define ONNXC_STACK_ARGS 128

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
  for (int32_t i = 0; i < n; ++i) {
    if (descs[i].rank < 0 || (descs[i].rank > 0 && !descs[i].shape))
      return 0;
    for (int32_t k = 0; k < descs[i].rank; ++k)
      if (descs[i].shape[k] < -1)
        return 0;
  }
  return 1;
}

static int has_dynamic_dim(const onnxc_tensor_desc *d) {
  for (int32_t k = 0; k < d->rank; ++k)
    if (d->shape[k] < 0)
      return 1;
  return 0;
}

/* Whether some input or output has a dim known only at run time: the flag,
 * or the shapes where a descriptor lacks it. */
static int is_dynamic(const onnxc_model_desc *desc) {
  if (desc->flags & ONNXC_MODEL_DYNAMIC)
    return 1;
  for (int32_t i = 0; i < desc->num_inputs; ++i)
    if (has_dynamic_dim(&desc->inputs[i]))
      return 1;
  for (int32_t i = 0; i < desc->num_outputs; ++i)
    if (has_dynamic_dim(&desc->outputs[i]))
      return 1;
  return 0;
}

/* The symbolic name of dim `k` of `d`, or NULL when it has none. */
static const char *dim_param(const onnxc_tensor_desc *d, int32_t k) {
  if (!d->dim_params || d->shape[k] >= 0 || !d->dim_params[k] ||
      !d->dim_params[k][0])
    return NULL;
  return d->dim_params[k];
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
      (desc->weights && (!desc->weights->file_name || !desc->weights->base)) ||
      (desc->device != ONNXC_DEVICE_CPU && desc->device != ONNXC_DEVICE_CUDA) ||
      (desc->device_weights_bytes && !desc->device_weights))
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

/* Writes "[d0,d1,...]" into buf, truncated to its size; with `desc`, its
 * dims known only at run time as their names, or '?'. */
static const char *format_shape(char *buf, size_t size, int32_t rank,
                                const int64_t *shape,
                                const onnxc_tensor_desc *desc) {
  size_t len = (size_t)snprintf(buf, size, "[");
  for (int32_t i = 0; i < rank && len < size; ++i) {
    const char *sep = i ? "," : "";
    if (desc && shape[i] < 0) {
      const char *name = dim_param(desc, i);
      len += (size_t)snprintf(buf + len, size - len, "%s%s", sep,
                              name ? name : "?");
    } else {
      len += (size_t)snprintf(buf + len, size - len, "%s%lld", sep,
                              (long long)shape[i]);
    }
  }
  if (len < size)
    snprintf(buf + len, size - len, "]");
  return buf;
}

/* The bytes of a dense tensor of `shape`; 0 (false) when they overflow. */
static int tensor_bytes(int32_t rank, const int64_t *shape, int32_t dtype,
                        uint64_t *bytes) {
  uint64_t n = onnxc_dtype_size(dtype);
  for (int32_t i = 0; i < rank; ++i) {
    uint64_t dim = (uint64_t)shape[i];
    if (shape[i] < 0 || (dim && n > (uint64_t)INT64_MAX / dim))
      return 0;
    n *= dim;
  }
  *bytes = n;
  return 1;
}

/* Checks a tensor against its descriptor: element type, rank, the static
 * dims (a -1 dim of the descriptor takes any size >= 0) and its data;
 * stores its size in `bytes`. */
static onnxc_status check_tensor(const char *kind, const onnxc_tensor_desc *d,
                                 const onnxc_tensor *t, uint64_t *bytes) {
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
    same = d->shape[i] < 0 ? t->shape[i] >= 0 : t->shape[i] == d->shape[i];
  if (!same)
    return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                     "%s '%s': expected shape %s (%s), got %s", kind, name,
                     format_shape(want, sizeof(want), d->rank, d->shape, d),
                     onnxc_dtype_name(d->dtype),
                     format_shape(got, sizeof(got), t->rank, t->shape, NULL));
  if (!tensor_bytes(t->rank, t->shape, t->dtype, bytes))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "%s '%s': shape %s is too large", kind, name,
                     format_shape(got, sizeof(got), t->rank, t->shape, NULL));
  /* A tensor without elements is never read or written: NULL will do. */
  if (!t->data && *bytes != 0)
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

/* A buffer of a run: input i, output i, or the workspace. */
typedef enum { SPAN_INPUT, SPAN_OUTPUT, SPAN_WORKSPACE } span_kind;
typedef struct span {
  const void *data;
  uint64_t bytes;
  span_kind kind;
  int32_t index;
} span;

static void describe_span(const onnxc_model_desc *desc, const span *s,
                          char *buf, size_t size) {
  if (s->kind == SPAN_WORKSPACE)
    snprintf(buf, size, "the workspace");
  else if (s->kind == SPAN_INPUT)
    snprintf(buf, size, "input '%s'", desc->inputs[s->index].name);
  else
    snprintf(buf, size, "output '%s'", desc->outputs[s->index].name);
}

/* The compiled code assumes that the tensors and the workspace of a run
 * do not overlap (it may reorder loads and stores across them). */
static onnxc_status check_no_overlap(const onnxc_model_desc *desc,
                                     const span *spans, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      /* Inputs may share memory with each other: they are only read. */
      if (spans[i].kind == SPAN_INPUT && spans[j].kind == SPAN_INPUT)
        continue;
      uintptr_t a = (uintptr_t)spans[i].data, b = (uintptr_t)spans[j].data;
      if (!spans[i].bytes || !spans[j].bytes || a + spans[i].bytes <= b ||
          b + spans[j].bytes <= a)
        continue;
      char first[300], second[300];
      describe_span(desc, &spans[i], first, sizeof first);
      describe_span(desc, &spans[j], second, sizeof second);
      return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                       "%s overlaps %s in memory; outputs and the workspace "
                       "need buffers of their own",
                       second, first);
    }
  }
  return ONNXC_OK;
}

/* What a rank-0 input's shape pointer points to: the compiled code reads
 * no dims through it, but gets a valid pointer. */
static const int64_t no_dims[1] = {0};

/*===----------------------------------------------------------------------===*
 * Sessions and runs
 *===----------------------------------------------------------------------===*/

/* Two dims of the inputs that share a symbolic name: `dim` of `input` must
 * equal `first_dim` of `first_input`, where the name occurs first. */
typedef struct dim_link {
  int32_t input, dim, first_input, first_dim;
} dim_link;

struct onnxc_session {
  const onnxc_model_desc *desc;
  void *workspace;
  int owns_workspace;
  /* The entry point's arguments (see onnxc_model_desc). */
  void **args;
  /* Per output: its record (data pointer, dims) when it has a dim known
   * only at run time, else NULL; the records live in `record_storage`. */
  int64_t **records;
  int64_t *record_storage;
  dim_link *links;
  int32_t num_links;
  /* Per input and output: its size in bytes in the current run. */
  uint64_t *bytes;
  /* Buffers of the current run, for the overlap check. */
  span *spans;
  /* The blocks its runs freed, for the next runs (memory.c). */
  onnxc_block_cache cache;
  /* A --target=cuda model's device side (cuda.c); NULL for a CPU model. */
  onnxc_cuda_session *cuda;
};

static void free_session(onnxc_session *s) {
  onnxc_cuda_session_destroy_(s->cuda);
  onnxc_cache_trim_(&s->cache);
  if (s->owns_workspace)
    free(s->workspace);
  free(s->args);
  free(s->records);
  free(s->record_storage);
  free(s->links);
  free(s->bytes);
  free(s->spans);
  free(s);
}

/* The links between the inputs' dims of the same name, in input order. */
static int32_t link_dims(const onnxc_model_desc *desc, dim_link *links) {
  int32_t n = 0;
  for (int32_t i = 0; i < desc->num_inputs; ++i) {
    for (int32_t k = 0; k < desc->inputs[i].rank; ++k) {
      const char *name = dim_param(&desc->inputs[i], k);
      if (!name)
        continue;
      int found = 0;
      for (int32_t j = 0; j <= i && !found; ++j) {
        int32_t end = j < i ? desc->inputs[j].rank : k;
        for (int32_t m = 0; m < end && !found; ++m) {
          const char *other = dim_param(&desc->inputs[j], m);
          if (other && strcmp(other, name) == 0) {
            links[n++] = (dim_link){i, k, j, m};
            found = 1;
          }
        }
      }
    }
  }
  return n;
}

/* onnxc_session_create() and, for `cuda`, onnxc_session_create_cuda(). */
static onnxc_status create_session(const onnxc_model_desc *desc,
                                   void *workspace, int cuda, int ordinal,
                                   void *stream, onnxc_session **session) {
  onnxc_status status;
  if (!session)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "session pointer is NULL");
  *session = NULL;
  if ((status = check_desc(desc)) != ONNXC_OK ||
      (status = check_workspace(workspace)) != ONNXC_OK)
    return status;
  if (cuda != (desc->device == ONNXC_DEVICE_CUDA))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "model '%s' was compiled for the %s; create its session "
                     "with %s",
                     desc->name ? desc->name : "?",
                     cuda ? "CPU" : "GPU (--target=cuda)",
                     cuda ? "onnxc_session_create" : "onnxc_session_create_cuda");
  if (cuda && workspace)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "model '%s' runs on the GPU: its workspace is device "
                     "memory that the session allocates; pass NULL",
                     desc->name ? desc->name : "?");

  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  size_t input_dims = 0, record_words = 0;
  for (size_t i = 0; i < ni; ++i)
    input_dims += (size_t)desc->inputs[i].rank;
  for (size_t i = 0; i < no; ++i)
    if (has_dynamic_dim(&desc->outputs[i]))
      record_words += 1 + (size_t)desc->outputs[i].rank;
  onnxc_session *s = calloc(1, sizeof(*s));
  if (!s)
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY, "cannot allocate a session");
  s->desc = desc;
  s->workspace = workspace;
  /* One more of each, so that no count of 0 asks malloc for 0 bytes. */
  s->args = malloc((2 * ni + no + 1) * sizeof(void *));
  s->records = calloc(no + 1, sizeof(int64_t *));
  s->record_storage = malloc((record_words + 1) * sizeof(int64_t));
  s->links = malloc((input_dims + 1) * sizeof(dim_link));
  s->bytes = malloc((ni + no + 1) * sizeof(uint64_t));
  s->spans = malloc((ni + no + 1) * sizeof(span));
  if (!s->args || !s->records || !s->record_storage || !s->links ||
      !s->bytes || !s->spans) {
    free_session(s);
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY, "cannot allocate a session");
  }
  int64_t *record = s->record_storage;
  for (size_t i = 0; i < no; ++i) {
    if (has_dynamic_dim(&desc->outputs[i])) {
      s->records[i] = record;
      record += 1 + desc->outputs[i].rank;
    }
  }
  s->num_links = link_dims(desc, s->links);
  if (cuda) {
    if ((status = onnxc_cuda_session_create_(desc, ordinal, stream,
                                             &s->cuda)) != ONNXC_OK) {
      free_session(s);
      return status;
    }
    *session = s;
    return clear_error();
  }
  if (!workspace && desc->workspace_bytes > 0) {
    if (!(s->workspace = aligned_alloc64(desc->workspace_bytes))) {
      free_session(s);
      return set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                       "cannot allocate a workspace of %llu bytes",
                       (unsigned long long)desc->workspace_bytes);
    }
    s->owns_workspace = 1;
  }
  if ((status = onnxc_weights_load(desc, NULL)) != ONNXC_OK) {
    free_session(s);
    return status;
  }
  *session = s;
  return clear_error();
}

ONNXC_API onnxc_status onnxc_session_create(const onnxc_model_desc *desc,
                                            void *workspace,
                                            onnxc_session **session) {
  int cuda = desc && desc->abi_version == ONNXC_ABI_VERSION &&
             desc->device == ONNXC_DEVICE_CUDA;
  return create_session(desc, workspace, cuda, 0, NULL, session);
}

ONNXC_API onnxc_status onnxc_session_create_cuda(const onnxc_model_desc *desc,
                                                 int ordinal, void *stream,
                                                 onnxc_session **session) {
  return create_session(desc, NULL, 1, ordinal, stream, session);
}

ONNXC_API void onnxc_session_destroy(onnxc_session *session) {
  if (!session)
    return;
  onnxc_weights_release(session->desc);
  free_session(session);
}

ONNXC_API void onnxc_session_trim(onnxc_session *session) {
  if (session)
    onnxc_cache_trim_(&session->cache);
}

/* The inputs' dims that share a name are equal. */
static onnxc_status check_same_dims(const onnxc_session *s,
                                    const onnxc_tensor *inputs) {
  const onnxc_model_desc *desc = s->desc;
  for (int32_t l = 0; l < s->num_links; ++l) {
    const dim_link *link = &s->links[l];
    int64_t size = inputs[link->input].shape[link->dim];
    int64_t first = inputs[link->first_input].shape[link->first_dim];
    if (size == first)
      continue;
    const onnxc_tensor_desc *d = &desc->inputs[link->input];
    const onnxc_tensor_desc *f = &desc->inputs[link->first_input];
    return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                     "input '%s' dim %d ('%s') is %lld but input '%s' dim %d "
                     "('%s') is %lld",
                     d->name, (int)link->dim, dim_param(d, link->dim),
                     (long long)size, f->name, (int)link->first_dim,
                     dim_param(f, link->first_dim), (long long)first);
  }
  return ONNXC_OK;
}

/* Checks the shape the run gave a dynamic output in its record against its
 * descriptor; stores its size in `bytes`. */
static onnxc_status check_record(const onnxc_tensor_desc *d,
                                 const int64_t *record, uint64_t *bytes) {
  const int64_t *dims = record + 1;
  int valid = tensor_bytes(d->rank, dims, d->dtype, bytes);
  for (int32_t k = 0; valid && k < d->rank; ++k)
    valid = d->shape[k] < 0 || dims[k] == d->shape[k];
  char want[256], got[256];
  if (!valid)
    return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                     "output '%s': the model gave it shape %s, which its "
                     "descriptor's %s does not allow",
                     d->name, format_shape(got, sizeof got, d->rank, dims, NULL),
                     format_shape(want, sizeof want, d->rank, d->shape, d));
  if (!record[0] && *bytes)
    return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                     "output '%s': the model gave it no data", d->name);
  return ONNXC_OK;
}

/* The error of a dynamic output whose shape in the run (`actual`) differs
 * from the caller's buffer (`given`). */
static onnxc_status output_shape_error(const onnxc_tensor_desc *d,
                                       const int64_t *actual,
                                       const int64_t *given) {
  char run[256], buffer[256];
  return set_error(
      ONNXC_ERROR_SHAPE_MISMATCH,
      "output '%s' has shape %s in this run; the buffer given has %s (use "
      "onnxc_run_alloc for outputs sized at run time)",
      d->name, format_shape(run, sizeof run, d->rank, actual, NULL),
      format_shape(buffer, sizeof buffer, d->rank, given, NULL));
}

/* The device half of run_session() for a --target=cuda model, its
 * arguments checked and session->args set up: through the device and back.
 * A dynamic output's record comes back holding a host block (cuda.c),
 * copied into the caller's buffer of the same shape or handed over. */
static onnxc_status run_cuda_session(onnxc_session *session,
                                     const onnxc_tensor *inputs,
                                     const onnxc_tensor *given,
                                     onnxc_tensor *allocated,
                                     size_t num_outputs) {
  const onnxc_model_desc *desc = session->desc;
  size_t num_inputs = (size_t)desc->num_inputs;
  for (size_t i = 0; i < num_outputs; ++i)
    if (session->records[i])
      session->records[i][0] = 0;
  onnxc_status status = onnxc_cuda_run_(session->cuda, desc, inputs,
                                        session->args + num_inputs,
                                        /*on_device=*/0);
  size_t mismatch = num_outputs;
  for (size_t i = 0; i < num_outputs; ++i) {
    int64_t *record = session->records[i];
    const onnxc_tensor_desc *d = &desc->outputs[i];
    void *host = record ? (void *)(intptr_t)record[0] : NULL;
    uint64_t bytes = 0;
    if (record && status == ONNXC_OK)
      status = check_record(d, record, &bytes);
    if (status != ONNXC_OK) {
      onnxc_free(host);
      continue;
    }
    if (!record) {
      if (allocated)
        allocated[i].shape = d->shape;
    } else if (allocated) {
      allocated[i].data = host;
      allocated[i].shape = record + 1;
    } else {
      if (memcmp(record + 1, given[i].shape,
                 (size_t)d->rank * sizeof(int64_t)) == 0) {
        if (bytes)
          memcpy(given[i].data, host, bytes);
      } else if (mismatch == num_outputs) {
        mismatch = i;
      }
      onnxc_free(host);
    }
  }
  if (status == ONNXC_OK && mismatch < num_outputs) {
    status = output_shape_error(&desc->outputs[mismatch],
                                session->records[mismatch] + 1,
                                given[mismatch].shape);
  }
  if (status != ONNXC_OK) {
    for (size_t i = 0; i < num_outputs && allocated; ++i) {
      onnxc_free(allocated[i].data);
      allocated[i].data = NULL;
      allocated[i].shape = NULL;
    }
    return status;
  }
  return clear_error();
}

/* onnxc_run() (`given` are the caller's outputs) and onnxc_run_alloc()
 * (the runtime allocates `allocated`). */
static onnxc_status run_session(onnxc_session *session,
                                const onnxc_tensor *inputs, size_t num_inputs,
                                const onnxc_tensor *given,
                                onnxc_tensor *allocated, size_t num_outputs) {
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
  if ((num_inputs > 0 && !inputs) ||
      (num_outputs > 0 && !given && !allocated))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "%s array is NULL",
                     num_inputs > 0 && !inputs ? "input" : "output");
  for (size_t i = 0; i < num_outputs && allocated; ++i)
    allocated[i] = (onnxc_tensor){NULL, desc->outputs[i].dtype,
                                  desc->outputs[i].rank, NULL};

  uint64_t *in_bytes = session->bytes, *out_bytes = in_bytes + num_inputs;
  for (size_t i = 0; i < num_inputs; ++i)
    if ((status = check_tensor("input", &desc->inputs[i], &inputs[i],
                               &in_bytes[i])))
      return status;
  if ((status = check_same_dims(session, inputs)))
    return status;
  size_t num_spans = 0;
  span *spans = session->spans;
  for (size_t i = 0; i < num_inputs; ++i)
    spans[num_spans++] =
        (span){inputs[i].data, in_bytes[i], SPAN_INPUT, (int32_t)i};
  for (size_t i = 0; i < num_outputs && given; ++i) {
    if ((status = check_tensor("output", &desc->outputs[i], &given[i],
                               &out_bytes[i])))
      return status;
    spans[num_spans++] =
        (span){given[i].data, out_bytes[i], SPAN_OUTPUT, (int32_t)i};
  }
  if (!session->cuda)
    spans[num_spans++] = (span){session->workspace, desc->workspace_bytes,
                                SPAN_WORKSPACE, 0};
  if ((status = check_no_overlap(desc, spans, num_spans)))
    return status;

  void **args = session->args;
  for (size_t i = 0; i < num_inputs; ++i)
    args[i] = inputs[i].data;
  for (size_t i = 0; i < num_outputs; ++i) {
    int64_t *record = session->records[i];
    const onnxc_tensor_desc *d = &desc->outputs[i];
    if (record) {
      /* Invalid until the compiled code fills it in. */
      record[0] = 0;
      for (int32_t k = 0; k < d->rank; ++k)
        record[1 + k] = -1;
      args[num_inputs + i] = record;
    } else if (given) {
      args[num_inputs + i] = given[i].data;
    } else {
      uint64_t bytes = (uint64_t)onnxc_tensor_desc_elements(d) *
                       onnxc_dtype_size(d->dtype);
      if (!(allocated[i].data = onnxc_alloc_(bytes))) {
        status = set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                           "cannot allocate %llu bytes for output '%s'",
                           (unsigned long long)bytes, d->name);
        for (size_t j = 0; j < i; ++j) {
          onnxc_free(allocated[j].data);
          allocated[j].data = NULL;
        }
        return status;
      }
      args[num_inputs + i] = allocated[i].data;
    }
  }
  args[num_inputs + num_outputs] = session->workspace;
  for (size_t i = 0; i < num_inputs; ++i)
    args[num_inputs + num_outputs + 1 + i] =
        (void *)(uintptr_t)(inputs[i].rank > 0 ? inputs[i].shape : no_dims);

  if (session->cuda)
    return run_cuda_session(session, inputs, given, allocated, num_outputs);
  onnxc_run_context run;
  status = onnxc_run_entry_(&run, &session->cache, desc->entry, args);

  /* The dynamic outputs: their shapes, then into the caller's buffers or
   * handed over. */
  size_t mismatch = num_outputs;
  for (size_t i = 0; i < num_outputs && status == ONNXC_OK; ++i) {
    int64_t *record = session->records[i];
    if (!record)
      continue;
    const onnxc_tensor_desc *d = &desc->outputs[i];
    uint64_t bytes = 0;
    if ((status = check_record(d, record, &bytes)))
      break;
    void *data = (void *)(intptr_t)record[0];
    if (given) {
      if (mismatch == num_outputs &&
          memcmp(record + 1, given[i].shape,
                 (size_t)d->rank * sizeof(int64_t)) != 0)
        mismatch = i;
      out_bytes[i] = bytes;
      continue;
    }
    /* Its own block, unless the record points elsewhere (an input, a
     * block another output took, the middle of one): then a copy. */
    if (data && onnxc_run_claim_(&run, data)) {
      allocated[i].data = data;
    } else if ((allocated[i].data = onnxc_alloc_(bytes))) {
      if (bytes)
        memcpy(allocated[i].data, data, bytes);
    } else {
      status = set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                         "cannot allocate %llu bytes for output '%s'",
                         (unsigned long long)bytes, d->name);
    }
    allocated[i].shape = record + 1;
  }
  if (status == ONNXC_OK && mismatch < num_outputs) {
    status = output_shape_error(&desc->outputs[mismatch],
                                session->records[mismatch] + 1,
                                given[mismatch].shape);
  }
  if (status == ONNXC_OK && given) {
    for (size_t i = 0; i < num_outputs; ++i) {
      int64_t *record = session->records[i];
      if (record && out_bytes[i])
        memcpy(given[i].data, (void *)(intptr_t)record[0], out_bytes[i]);
    }
  }
  onnxc_run_release_(&run);
  if (status != ONNXC_OK) {
    for (size_t i = 0; i < num_outputs && allocated; ++i) {
      onnxc_free(allocated[i].data);
      allocated[i].data = NULL;
      allocated[i].shape = NULL;
    }
    return status;
  }
  for (size_t i = 0; i < num_outputs && allocated; ++i)
    if (!session->records[i])
      allocated[i].shape = desc->outputs[i].shape;
  return clear_error();
}

ONNXC_API onnxc_status onnxc_run(onnxc_session *session,
                                 const onnxc_tensor *inputs, size_t num_inputs,
                                 const onnxc_tensor *outputs,
                                 size_t num_outputs) {
  return run_session(session, inputs, num_inputs, outputs, NULL, num_outputs);
}

ONNXC_API onnxc_status onnxc_run_alloc(onnxc_session *session,
                                       const onnxc_tensor *inputs,
                                       size_t num_inputs, onnxc_tensor *outputs,
                                       size_t num_outputs) {
  return run_session(session, inputs, num_inputs, NULL, outputs, num_outputs);
}

ONNXC_API onnxc_status onnxc_run_device(onnxc_session *session,
                                        const onnxc_tensor *inputs,
                                        size_t num_inputs,
                                        const onnxc_tensor *outputs,
                                        size_t num_outputs) {
  onnxc_status status;
  if (!session)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "session is NULL");
  const onnxc_model_desc *desc = session->desc;
  if (!session->cuda)
    return set_error(ONNXC_ERROR_DEVICE,
                     "model '%s' runs on the CPU: run it with onnxc_run",
                     desc->name ? desc->name : "?");
  if (num_inputs != (size_t)desc->num_inputs ||
      num_outputs != (size_t)desc->num_outputs)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "expected %d inputs and %d outputs, got %zu and %zu",
                     (int)desc->num_inputs, (int)desc->num_outputs,
                     num_inputs, num_outputs);
  if ((num_inputs > 0 && !inputs) || (num_outputs > 0 && !outputs))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "%s array is NULL",
                     num_inputs > 0 && !inputs ? "input" : "output");
  for (size_t i = 0; i < num_outputs; ++i)
    if (session->records[i])
      return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                       "output '%s' is sized at run time: run the model with "
                       "onnxc_run_alloc (host arrays)",
                       desc->outputs[i].name);
  uint64_t *bytes = session->bytes;
  for (size_t i = 0; i < num_inputs; ++i)
    if ((status = check_tensor("input", &desc->inputs[i], &inputs[i],
                               &bytes[i])))
      return status;
  if ((status = check_same_dims(session, inputs)))
    return status;
  for (size_t i = 0; i < num_outputs; ++i) {
    if ((status = check_tensor("output", &desc->outputs[i], &outputs[i],
                               &bytes[num_inputs + i])))
      return status;
    session->args[i] = outputs[i].data;
  }
  status = onnxc_cuda_run_(session->cuda, desc, inputs, session->args,
                           /*on_device=*/1);
  return status == ONNXC_OK ? clear_error() : status;
}

ONNXC_API onnxc_status onnxc_run_shapes(const onnxc_model_desc *desc,
                                        void *const *inputs,
                                        const int64_t *const *input_shapes,
                                        void *const *outputs,
                                        int64_t *const *output_shapes,
                                        void *workspace) {
  onnxc_status status;
  onnxc_session *session = NULL;
  if ((status = check_desc(desc)) != ONNXC_OK)
    return status;
  if ((desc->num_inputs > 0 && (!inputs || !input_shapes)) ||
      (desc->num_outputs > 0 && !outputs))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "input, input shape or output array is NULL");
  for (int32_t i = 0; i < desc->num_outputs; ++i)
    if (has_dynamic_dim(&desc->outputs[i]) &&
        (!output_shapes || !output_shapes[i] || !outputs[i]))
      return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                       "output '%s': its buffer pointer or shape array is "
                       "NULL",
                       desc->outputs[i].name ? desc->outputs[i].name : "?");
  size_t n_in = (size_t)desc->num_inputs, n_out = (size_t)desc->num_outputs;
  onnxc_tensor *tensors = calloc(n_in + n_out + 1, sizeof(onnxc_tensor));
  if (!tensors)
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY, "cannot allocate %zu tensors",
                     n_in + n_out);
  for (size_t i = 0; i < n_in; ++i) {
    tensors[i].data = inputs[i];
    tensors[i].dtype = desc->inputs[i].dtype;
    tensors[i].rank = desc->inputs[i].rank;
    tensors[i].shape = input_shapes[i];
  }
  onnxc_tensor *out = tensors + n_in;
  if ((status = onnxc_session_create(desc, workspace, &session)) == ONNXC_OK)
    status = onnxc_run_alloc(session, tensors, n_in, out, n_out);
  if (status == ONNXC_OK) {
    for (size_t i = 0; i < n_out; ++i) {
      const onnxc_tensor_desc *d = &desc->outputs[i];
      if (has_dynamic_dim(d)) {
        for (int32_t k = 0; k < out[i].rank; ++k)
          output_shapes[i][k] = out[i].shape[k];
        *(void **)outputs[i] = out[i].data;
        out[i].data = NULL;
        continue;
      }
      size_t bytes =
          (size_t)onnxc_tensor_desc_elements(d) * onnxc_dtype_size(d->dtype);
      if (bytes && !outputs[i]) {
        status = set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                           "output '%s': data is NULL", d->name ? d->name : "?");
        break;
      }
      if (bytes)
        memcpy(outputs[i], out[i].data, bytes);
    }
    for (size_t i = 0; i < n_out; ++i)
      onnxc_free(out[i].data);
  }
  onnxc_session_destroy(session);
  free(tensors);
  return status == ONNXC_OK ? clear_error() : status;
}

ONNXC_API onnxc_status onnxc_workspace_bytes(const onnxc_model_desc *desc,
                                             const int64_t *const *input_shapes,
                                             uint64_t *bytes) {
  onnxc_status status;
  if (!bytes)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "bytes pointer is NULL");
  *bytes = 0;
  if ((status = check_desc(desc)) != ONNXC_OK)
    return status;
  if (desc->num_inputs > 0 && !input_shapes)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT, "input shape array is NULL");
  for (int32_t i = 0; i < desc->num_inputs; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    if (d->rank > 0 && !input_shapes[i])
      return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                       "input '%s': shape is NULL", d->name ? d->name : "?");
    for (int32_t k = 0; k < d->rank; ++k) {
      int64_t size = input_shapes[i][k];
      if (size < 0 || (d->shape[k] >= 0 && size != d->shape[k]))
        return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                         "input '%s' dim %d: expected %lld, got %lld",
                         d->name ? d->name : "?", (int)k,
                         (long long)d->shape[k], (long long)size);
      /* Dims of one name agree (as onnxc_run checks). */
      const char *name = dim_param(d, k);
      if (d->shape[k] >= 0 || !name || !*name)
        continue;
      for (int32_t j = 0; j <= i; ++j) {
        const onnxc_tensor_desc *e = &desc->inputs[j];
        for (int32_t l = 0; l < e->rank && (j < i || l < k); ++l) {
          const char *other = dim_param(e, l);
          if (e->shape[l] < 0 && other && strcmp(other, name) == 0 &&
              input_shapes[j][l] != size)
            return set_error(ONNXC_ERROR_SHAPE_MISMATCH,
                             "input '%s' dim %d ('%s') is %lld but input '%s' "
                             "dim %d ('%s') is %lld",
                             d->name, (int)k, name, (long long)size, e->name,
                             (int)l, other, (long long)input_shapes[j][l]);
        }
      }
    }
  }
  *bytes = desc->workspace_bytes;
  if (desc->dynamic_workspace_bytes)
    *bytes += desc->dynamic_workspace_bytes(input_shapes);
  return clear_error();
}

/* The typed NAME_run() of a --target=cuda model: a session on device 0 for
 * the call, host pointers copied in and out. */
static onnxc_status run_pointers_cuda(const onnxc_model_desc *desc,
                                      void *const *inputs,
                                      void *const *outputs, void *workspace) {
  onnxc_status status;
  if (workspace)
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "model '%s' runs on the GPU: its workspace is device "
                     "memory; pass NULL",
                     desc->name ? desc->name : "?");
  if ((status = check_pointers("input", desc->inputs, desc->num_inputs,
                               inputs)) != ONNXC_OK ||
      (status = check_pointers("output", desc->outputs, desc->num_outputs,
                               outputs)) != ONNXC_OK)
    return status;
  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  onnxc_tensor *tensors = calloc(ni + no + 1, sizeof(onnxc_tensor));
  if (!tensors)
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY, "cannot allocate %zu tensors",
                     ni + no);
  for (size_t i = 0; i < ni + no; ++i) {
    const onnxc_tensor_desc *d = i < ni ? &desc->inputs[i] : &desc->outputs[i - ni];
    tensors[i] = (onnxc_tensor){i < ni ? inputs[i] : outputs[i - ni], d->dtype,
                                d->rank, d->shape};
  }
  onnxc_session *session = NULL;
  if ((status = onnxc_session_create_cuda(desc, 0, NULL, &session)) == ONNXC_OK)
    status = onnxc_run(session, tensors, ni, tensors + ni, no);
  onnxc_session_destroy(session);
  free(tensors);
  return status;
}

ONNXC_API onnxc_status onnxc_run_pointers(const onnxc_model_desc *desc,
                                void *const *inputs, void *const *outputs,
                                void *workspace) {
  onnxc_status status;
  if ((status = check_desc(desc)) != ONNXC_OK)
    return status;
  if (is_dynamic(desc))
    return set_error(ONNXC_ERROR_INVALID_ARGUMENT,
                     "model '%s' has dimensions known only at run time; run "
                     "it with onnxc_run or onnxc_run_alloc",
                     desc->name ? desc->name : "?");
  if (desc->device == ONNXC_DEVICE_CUDA)
    return run_pointers_cuda(desc, inputs, outputs, workspace);
  if ((status = check_workspace(workspace)) != ONNXC_OK ||
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

  size_t ni = (size_t)desc->num_inputs, no = (size_t)desc->num_outputs;
  size_t num_args = 2 * ni + no + 1, num_spans = ni + no + 1;
  void *stack_args[ONNXC_STACK_ARGS];
  span stack_spans[ONNXC_STACK_ARGS];
  void **args = stack_args;
  span *spans = stack_spans;
  void *owned_workspace = NULL;
  if (num_args > ONNXC_STACK_ARGS &&
      (!(args = malloc(num_args * sizeof(void *))) ||
       !(spans = malloc(num_spans * sizeof(span))))) {
    free(args);
    return set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                     "cannot allocate %zu argument pointers", num_args);
  }
  if (!workspace && desc->workspace_bytes > 0) {
    if (!(workspace = owned_workspace =
              aligned_alloc64(desc->workspace_bytes))) {
      if (args != stack_args) {
        free(args);
        free(spans);
      }
      return set_error(ONNXC_ERROR_OUT_OF_MEMORY,
                       "cannot allocate a workspace of %llu bytes",
                       (unsigned long long)desc->workspace_bytes);
    }
  }

  size_t n = 0;
  for (size_t i = 0; i < ni; ++i) {
    const onnxc_tensor_desc *d = &desc->inputs[i];
    spans[n] = (span){inputs[i],
                      (uint64_t)onnxc_tensor_desc_elements(d) *
                          onnxc_dtype_size(d->dtype),
                      SPAN_INPUT, (int32_t)i};
    args[n++] = inputs[i];
  }
  for (size_t i = 0; i < no; ++i) {
    const onnxc_tensor_desc *d = &desc->outputs[i];
    spans[n] = (span){outputs[i],
                      (uint64_t)onnxc_tensor_desc_elements(d) *
                          onnxc_dtype_size(d->dtype),
                      SPAN_OUTPUT, (int32_t)i};
    args[n++] = outputs[i];
  }
  spans[n] = (span){workspace, desc->workspace_bytes, SPAN_WORKSPACE, 0};
  args[n++] = workspace;
  for (size_t i = 0; i < ni; ++i)
    args[n++] = (void *)(uintptr_t)(desc->inputs[i].rank > 0
                                        ? desc->inputs[i].shape
                                        : no_dims);
  if ((status = check_no_overlap(desc, spans, num_spans)) == ONNXC_OK) {
    /* Static inputs and outputs, but the code may still allocate
     * intermediates sized at run time, and check them. Without a session
     * there is no cache to keep its blocks in. */
    onnxc_run_context run;
    status = onnxc_run_entry_(&run, NULL, desc->entry, args);
    onnxc_run_release_(&run);
  }

  free(owned_workspace);
  if (args != stack_args) {
    free(args);
    free(spans);
  }
  return status == ONNXC_OK ? clear_error() : status;
}
