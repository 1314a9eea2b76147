/* Two models of one network in one program, each with its copy of the
 * runtime: `first` (batch 1) and `second_model` (batch 2). Runs both on the
 * test card of examples/cmake-app, prints first's scores (checked against
 * onnxruntime by check_cmake_app.py) and how far each of second_model's
 * rows is from them. */
#include "first.h"
#include "second_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { kChannels = 3, kHeight = 32, kWidth = 32 };

static float image[FIRST_INPUT0_ELEMENTS], batch[SECOND_MODEL_INPUT0_ELEMENTS];
static float scores[FIRST_OUTPUT0_ELEMENTS],
    batch_scores[SECOND_MODEL_OUTPUT0_ELEMENTS];

int main(void) {
  /* examples/cmake-app/classify.c's fill_test_card. */
  for (int c = 0; c < kChannels; ++c)
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x) {
        int dx = 2 * x + 1 - kWidth, dy = 2 * y + 1 - kHeight;
        int value = 9 * (dx * dx + dy * dy) < 4 * kHeight * kWidth
                        ? (64 + 64 * c) % 256
                        : 255 * (x + y) / (kWidth + kHeight - 2);
        image[(c * kHeight + y) * kWidth + x] = (float)value / 255.0f;
      }
  memcpy(batch, image, sizeof(image));
  memcpy(batch + FIRST_INPUT0_ELEMENTS, image, sizeof(image));

  if (first_run(image, scores, NULL) != 0 ||
      second_model_run(batch, batch_scores, NULL) != 0) {
    printf("FAIL: %s\n", onnxc_last_error());
    return 1;
  }
  printf("first:");
  for (int i = 0; i < FIRST_OUTPUT0_ELEMENTS; ++i)
    printf(" %.6f", scores[i]);
  printf("\n");
  for (int row = 0; row < 2; ++row) {
    float worst = 0;
    for (int i = 0; i < FIRST_OUTPUT0_ELEMENTS; ++i)
      worst = fmaxf(worst, fabsf(batch_scores[row * FIRST_OUTPUT0_ELEMENTS + i] -
                                 scores[i]));
    printf("second_model row %d: max |difference| to first %g\n", row,
           (double)worst);
  }
  return 0;
}
