/*===- checksum.h - The checksum of an external weights file --------------===*
 *
 * One definition for the compiler, which writes the checksum into the
 * weights file and the model, and the runtime, which checks it: four lanes
 * of FNV-1a-64 over the data's little-endian 64-bit words (word i to lane
 * i % 4, a final partial word zero-padded), then FNV-1a-64 over the four
 * lanes and the byte count. The lanes keep four multiplications in flight,
 * so a check streams at memory speed; every lane step is a bijection, so
 * any single changed word changes the result. Not a cryptographic hash: it
 * catches a stale, truncated or corrupted file, not a forged one.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ONNXC_RUNTIME_CHECKSUM_H
#define ONNXC_RUNTIME_CHECKSUM_H

#include <stdint.h>
#include <string.h>

#define ONNXC_FNV_OFFSET 0xcbf29ce484222325ull
#define ONNXC_FNV_PRIME 0x100000001b3ull

static inline uint64_t onnxc_load_le64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

static inline uint64_t onnxc_checksum_bytes(const void *data, uint64_t bytes) {
  const unsigned char *p = (const unsigned char *)data;
  uint64_t lane[4] = {ONNXC_FNV_OFFSET, ONNXC_FNV_OFFSET, ONNXC_FNV_OFFSET,
                      ONNXC_FNV_OFFSET};
  uint64_t words = bytes / 8, i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* memcpy: an unaligned little-endian load the compiler makes one move. */
  for (; i + 4 <= words; i += 4) {
    uint64_t w[4];
    memcpy(w, p + i * 8, sizeof(w));
    for (int l = 0; l < 4; ++l)
      lane[l] = (lane[l] ^ w[l]) * ONNXC_FNV_PRIME;
  }
#endif
  for (; i < words; ++i)
    lane[i % 4] = (lane[i % 4] ^ onnxc_load_le64(p + i * 8)) * ONNXC_FNV_PRIME;
  if (bytes % 8) {
    unsigned char tail[8] = {0};
    memcpy(tail, p + words * 8, (size_t)(bytes % 8));
    lane[words % 4] = (lane[words % 4] ^ onnxc_load_le64(tail)) * ONNXC_FNV_PRIME;
  }
  uint64_t h = ONNXC_FNV_OFFSET;
  for (int l = 0; l < 4; ++l)
    h = (h ^ lane[l]) * ONNXC_FNV_PRIME;
  return (h ^ bytes) * ONNXC_FNV_PRIME;
}

#endif /* ONNXC_RUNTIME_CHECKSUM_H */
