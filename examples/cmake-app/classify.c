/* Classifies a synthetic image with a model compiled at build time by
 * onnx_compile_model(classifier ...) in CMakeLists.txt, and prints the top
 * class and its score.
 *
 * The typed API comes from the generated classifier.h: classifier_run(),
 * CLASSIFIER_*_ELEMENTS and CLASSIFIER_WORKSPACE_BYTES. The image's
 * dimensions come from the model's descriptor (onnxc/runtime.h), so any
 * classifier with one float32 NCHW input of batch 1 and one output of
 * scores works. */
#include "classifier.h"
#include "onnxc/runtime.h"

#include <stdio.h>
#include <stdlib.h>

/* A test card: a disk tinted by channel over a diagonal gradient, in
 * integer arithmetic so that any language reproduces it exactly (the test
 * computes it again in numpy for onnxruntime). */
static void fill_test_card(float *image, int64_t channels, int64_t height,
                           int64_t width) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x) {
        int64_t dx = 2 * x + 1 - width, dy = 2 * y + 1 - height;
        int64_t value = 9 * (dx * dx + dy * dy) < 4 * height * width
                            ? (64 + 64 * c) % 256
                            : 255 * (x + y) / (width + height - 2);
        image[(c * height + y) * width + x] = (float)value / 255.0f;
      }
}

int main(void) {
  const onnxc_model_desc *model = classifier_model();
  const onnxc_tensor_desc *input = &model->inputs[0];
  if (input->dtype != ONNXC_FLOAT || input->rank != 4 || input->shape[0] != 1) {
    fprintf(stderr, "classify: input '%s' of model %s is not a float32 "
                    "[1,C,H,W] image\n", input->name, model->name);
    return 1;
  }
  int64_t channels = input->shape[1], height = input->shape[2],
          width = input->shape[3];

  /* The caller may own the workspace: 64-byte aligned, and aligned_alloc
   * wants a multiple of the alignment. */
  size_t workspace_bytes = (CLASSIFIER_WORKSPACE_BYTES + 63) / 64 * 64;
  float *image = malloc(sizeof(float) * CLASSIFIER_INPUT0_ELEMENTS);
  float *scores = malloc(sizeof(float) * CLASSIFIER_OUTPUT0_ELEMENTS);
  void *workspace = aligned_alloc(64, workspace_bytes ? workspace_bytes : 64);
  if (!image || !scores || !workspace) {
    fprintf(stderr, "classify: out of memory\n");
    return 1;
  }

  fill_test_card(image, channels, height, width);
  if (classifier_run(image, scores, workspace) != 0) {
    fprintf(stderr, "classify: %s\n", onnxc_last_error());
    return 1;
  }

  int64_t top = 0;
  for (int64_t i = 1; i < CLASSIFIER_OUTPUT0_ELEMENTS; ++i)
    if (scores[i] > scores[top])
      top = i;
  printf("model %s: image %lldx%lldx%lld, %lld classes\n", model->name,
         (long long)channels, (long long)height, (long long)width,
         (long long)CLASSIFIER_OUTPUT0_ELEMENTS);
  printf("top class: %lld (score %.6g)\n", (long long)top, scores[top]);

  free(workspace);
  free(scores);
  free(image);
  return 0;
}
