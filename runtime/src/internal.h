/*===- internal.h - Shared definitions of the runtime's sources -----------===*/

#ifndef ONNXC_RUNTIME_INTERNAL_H
#define ONNXC_RUNTIME_INTERNAL_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* posix_memalign, sysconf */
#endif

#include "onnxc/runtime.h"

/* Every compiled model object (.o, .a) carries this runtime; weak
 * definitions let several models link into one program, sharing one copy. */
#if defined(__GNUC__)
#define ONNXC_API __attribute__((weak, visibility("default")))
#else
#define ONNXC_API
#endif

/* Shared between the runtime's sources, not exported from a model .so. */
#if defined(__GNUC__)
#define ONNXC_INTERNAL __attribute__((weak, visibility("hidden")))
#else
#define ONNXC_INTERNAL
#endif

/* Sets the calling thread's last error message; returns `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
ONNXC_INTERNAL onnxc_status onnxc_runtime_error(onnxc_status status,
                                                const char *fmt, ...);

/* Whether the model's constants are readable: embedded, or external and
 * mapped. */
ONNXC_INTERNAL int onnxc_weights_ready_(const onnxc_model_desc *desc);

#endif /* ONNXC_RUNTIME_INTERNAL_H */
