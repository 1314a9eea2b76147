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

#endif /* ONNXC_RUNTIME_INTERNAL_H */
