/*===- weights.c - External weights: map, check, share --------------------===*
 *
 * A model compiled with --weights=external reads its constants through a
 * pointer that this file sets to a read-only, shared mapping of the weights
 * file (format in onnxc/runtime.h). One mapping per model and process,
 * reference-counted across sessions; MAP_SHARED lets every process running
 * the model share the page cache's copy.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE /* dladdr1, struct link_map */

#include "internal.h"

#include "checksum.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WEIGHTS_HEADER_BYTES 64
#define WEIGHTS_FORMAT_VERSION 1

typedef struct mapping {
  const onnxc_model_desc *desc;
  void *address;
  size_t length;
  long references;
  struct mapping *next;
} mapping;

static pthread_mutex_t mappings_lock = PTHREAD_MUTEX_INITIALIZER;
static mapping *mappings;

ONNXC_API uint64_t onnxc_weights_checksum(const void *data, uint64_t bytes) {
  return onnxc_checksum_bytes(data, bytes);
}

/* The folder of the shared library or executable that holds `address`, with
 * a trailing '/'; "" when unknown (then the path is relative to the current
 * directory). */
static void containing_folder(const void *address, char *buf, size_t size) {
  Dl_info info;
  struct link_map *map = NULL;
  buf[0] = '\0';
  if (!dladdr1(address, &info, (void **)&map, RTLD_DL_LINKMAP))
    return;
  const char *file = info.dli_fname;
  char executable[PATH_MAX];
  /* The main program's link map has an empty name, and glibc reports
   * argv[0] for it, which may be relative to another directory. */
  if (!map || !map->l_name || !map->l_name[0]) {
    ssize_t n = readlink("/proc/self/exe", executable, sizeof(executable) - 1);
    if (n > 0) {
      executable[n] = '\0';
      file = executable;
    }
  }
  const char *slash = file ? strrchr(file, '/') : NULL;
  if (slash && (size_t)(slash - file) + 2 <= size) {
    memcpy(buf, file, (size_t)(slash - file) + 1);
    buf[slash - file + 1] = '\0';
  }
}

/* Maps and checks the file at `path` for `desc`; sets *address, *length. */
static onnxc_status map_weights(const onnxc_model_desc *desc, const char *path,
                                void **address, size_t *length) {
  const onnxc_weights_desc *w = desc->weights;
  const char *model = desc->name ? desc->name : "?";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return onnxc_runtime_error(
        ONNXC_ERROR_WEIGHTS,
        "model '%s': cannot open its weights file '%s': %s (the model was "
        "compiled with --weights=external: keep %s beside the library, or "
        "call onnxc_weights_load() with its path)",
        model, path, strerror(errno), w->file_name);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return onnxc_runtime_error(ONNXC_ERROR_WEIGHTS,
                               "model '%s': weights file '%s' is not a "
                               "regular file",
                               model, path);
  }
  uint64_t expected = WEIGHTS_HEADER_BYTES + w->bytes;
  if ((uint64_t)st.st_size != expected) {
    close(fd);
    return onnxc_runtime_error(
        ONNXC_ERROR_WEIGHTS,
        "model '%s': weights file '%s' has %lld bytes, the model expects "
        "%llu (%s)",
        model, path, (long long)st.st_size, (unsigned long long)expected,
        (uint64_t)st.st_size < expected ? "truncated, or from another build"
                                        : "from another build");
  }
  if (expected > SIZE_MAX) {
    close(fd);
    return onnxc_runtime_error(ONNXC_ERROR_WEIGHTS,
                               "model '%s': weights file '%s' does not fit "
                               "the address space",
                               model, path);
  }
  void *p = mmap(NULL, (size_t)expected, PROT_READ, MAP_SHARED, fd, 0);
  int mmap_errno = errno;
  close(fd);
  if (p == MAP_FAILED)
    return onnxc_runtime_error(ONNXC_ERROR_WEIGHTS,
                               "model '%s': cannot map weights file '%s': %s",
                               model, path, strerror(mmap_errno));
  const unsigned char *h = p;
  const char *problem = NULL;
  if (memcmp(h, "ONNXCWTS", 8) != 0)
    problem = "not an onnx-compile weights file (bad magic)";
  else if (onnxc_load_le64(h + 8) !=
           (WEIGHTS_FORMAT_VERSION | ((uint64_t)WEIGHTS_HEADER_BYTES << 32)))
    problem = "an unknown weights file format version";
  else if (onnxc_load_le64(h + 16) != w->bytes ||
           onnxc_load_le64(h + 24) != w->checksum)
    problem = "the weights of another model or build (its header's size or "
              "checksum differs from the model's)";
  else if (onnxc_checksum_bytes(h + WEIGHTS_HEADER_BYTES, w->bytes) !=
           w->checksum)
    problem = "corrupted (the data's checksum differs from its header's)";
  if (problem) {
    munmap(p, (size_t)expected);
    return onnxc_runtime_error(ONNXC_ERROR_WEIGHTS,
                               "model '%s': weights file '%s' is %s", model,
                               path, problem);
  }
  *address = p;
  *length = (size_t)expected;
  return ONNXC_OK;
}

ONNXC_API onnxc_status onnxc_weights_load(const onnxc_model_desc *desc,
                                          const char *path) {
  if (!desc)
    return onnxc_runtime_error(ONNXC_ERROR_INVALID_ARGUMENT,
                               "model descriptor is NULL");
  if (desc->abi_version != ONNXC_ABI_VERSION)
    return onnxc_runtime_error(
        ONNXC_ERROR_ABI_MISMATCH,
        "model '%s' was compiled for runtime ABI version %u, this runtime "
        "has ABI version %d",
        desc->name ? desc->name : "?", (unsigned)desc->abi_version,
        ONNXC_ABI_VERSION);
  const onnxc_weights_desc *w = desc->weights;
  if (!w)
    return ONNXC_OK;
  if (!w->file_name || !w->base)
    return onnxc_runtime_error(ONNXC_ERROR_INVALID_ARGUMENT,
                               "model descriptor '%s' is malformed",
                               desc->name ? desc->name : "?");
  onnxc_status status = ONNXC_OK;
  pthread_mutex_lock(&mappings_lock);
  mapping *m = mappings;
  while (m && m->desc != desc)
    m = m->next;
  if (m) {
    ++m->references;
  } else {
    char resolved[PATH_MAX + 256];
    if (!path) {
      char folder[PATH_MAX];
      containing_folder(desc, folder, sizeof(folder));
      snprintf(resolved, sizeof(resolved), "%s%s", folder, w->file_name);
      path = resolved;
    }
    void *address = NULL;
    size_t length = 0;
    if ((status = map_weights(desc, path, &address, &length)) == ONNXC_OK) {
      if (!(m = malloc(sizeof(*m)))) {
        munmap(address, length);
        status = onnxc_runtime_error(ONNXC_ERROR_OUT_OF_MEMORY,
                                     "cannot allocate a weights mapping");
      } else {
        *m = (mapping){desc, address, length, 1, mappings};
        mappings = m;
        __atomic_store_n(w->base,
                         (const void *)((const char *)address +
                                        WEIGHTS_HEADER_BYTES),
                         __ATOMIC_RELEASE);
      }
    }
  }
  pthread_mutex_unlock(&mappings_lock);
  return status;
}

ONNXC_API void onnxc_weights_release(const onnxc_model_desc *desc) {
  if (!desc || desc->abi_version != ONNXC_ABI_VERSION || !desc->weights)
    return;
  pthread_mutex_lock(&mappings_lock);
  mapping **link = &mappings;
  while (*link && (*link)->desc != desc)
    link = &(*link)->next;
  mapping *m = *link;
  if (m && --m->references == 0) {
    *link = m->next;
    __atomic_store_n(desc->weights->base, (const void *)NULL, __ATOMIC_RELEASE);
    munmap(m->address, m->length);
    free(m);
  }
  pthread_mutex_unlock(&mappings_lock);
}

ONNXC_INTERNAL int onnxc_weights_ready_(const onnxc_model_desc *desc) {
  return !desc->weights ||
         __atomic_load_n(desc->weights->base, __ATOMIC_ACQUIRE) != NULL;
}
