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

/* A checksum over data given in pieces (the compiler writes the weights
 * constant by constant); the result equals that of the whole data at once. */
typedef struct onnxc_checksum {
  uint64_t lane[4];
  uint64_t bytes;
  unsigned char pending[32]; /* the current 4-word block, bytes % 32 long */
} onnxc_checksum;

static inline void onnxc_checksum_init(onnxc_checksum *c) {
  for (int l = 0; l < 4; ++l)
    c->lane[l] = ONNXC_FNV_OFFSET;
  c->bytes = 0;
}

/* Word i of a block goes to lane i: blocks start at multiples of 32 bytes. */
static inline void onnxc_checksum_block(onnxc_checksum *c,
                                        const unsigned char *block) {
  uint64_t w[4];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* memcpy: an unaligned little-endian load the compiler makes one move. */
  memcpy(w, block, sizeof(w));
#else
  for (int l = 0; l < 4; ++l)
    w[l] = onnxc_load_le64(block + 8 * l);
#endif
  for (int l = 0; l < 4; ++l)
    c->lane[l] = (c->lane[l] ^ w[l]) * ONNXC_FNV_PRIME;
}

static inline void onnxc_checksum_update(onnxc_checksum *c, const void *data,
                                         uint64_t n) {
  const unsigned char *p = (const unsigned char *)data;
  unsigned have = (unsigned)(c->bytes % 32);
  c->bytes += n;
  if (have) {
    unsigned take = 32 - have < n ? 32 - have : (unsigned)n;
    memcpy(c->pending + have, p, take);
    p += take;
    n -= take;
    if (have + take < 32)
      return;
    onnxc_checksum_block(c, c->pending);
  }
  for (; n >= 32; p += 32, n -= 32)
    onnxc_checksum_block(c, p);
  memcpy(c->pending, p, (size_t)n);
}

static inline uint64_t onnxc_checksum_final(const onnxc_checksum *c) {
  uint64_t lane[4] = {c->lane[0], c->lane[1], c->lane[2], c->lane[3]};
  unsigned rest = (unsigned)(c->bytes % 32);
  for (unsigned i = 0; i * 8 < rest; ++i) {
    unsigned char word[8] = {0};
    memcpy(word, c->pending + i * 8, rest - i * 8 < 8 ? rest - i * 8 : 8);
    lane[i] = (lane[i] ^ onnxc_load_le64(word)) * ONNXC_FNV_PRIME;
  }
  uint64_t h = ONNXC_FNV_OFFSET;
  for (int l = 0; l < 4; ++l)
    h = (h ^ lane[l]) * ONNXC_FNV_PRIME;
  return (h ^ c->bytes) * ONNXC_FNV_PRIME;
}

static inline uint64_t onnxc_checksum_bytes(const void *data, uint64_t bytes) {
  onnxc_checksum c;
  onnxc_checksum_init(&c);
  onnxc_checksum_update(&c, data, bytes);
  return onnxc_checksum_final(&c);
}

#endif /* ONNXC_RUNTIME_CHECKSUM_H */
