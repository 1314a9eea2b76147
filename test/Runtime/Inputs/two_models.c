/* Two different models linked statically into one program: the sample CNN
 * compiled with --name=first as a static library (first.a, first.h) and
 * mixed.onnx compiled with --name=second as a relocatable object (second.o,
 * second.h). Each carries a copy of the runtime; its weak symbols let both
 * link, and each model's own code must stay its own.
 *
 *   cc two_models.c first.a second.o -lm -lpthread && ./a.out DIR1 DIR2
 *
 * Runs both, interleaved, writes each one's inputs and outputs for
 * compare_ort.py (DIR1: first, DIR2: second) and checks that an error of one
 * model is reported through the shared onnxc_last_error(). */
#include "first.h"
#include "second.h"

#include "dump.h"
#include "onnxc/runtime.h"

#include <stdio.h>
#include <string.h>

static float image[FIRST_INPUT0_ELEMENTS], probabilities[FIRST_OUTPUT0_ELEMENTS],
    probabilities2[FIRST_OUTPUT0_ELEMENTS];
static float x[SECOND_INPUT0_ELEMENTS], y[SECOND_OUTPUT0_ELEMENTS],
    y2[SECOND_OUTPUT0_ELEMENTS], pooled[SECOND_OUTPUT1_ELEMENTS];
static int64_t ids[SECOND_INPUT1_ELEMENTS], ids_out[SECOND_OUTPUT2_ELEMENTS];
static uint8_t positive[SECOND_OUTPUT3_ELEMENTS];

static void dump_model(const char *dir, const onnxc_model_desc *desc,
                       const void *const *in, const void *const *out) {
  dump_begin(dir);
  for (int i = 0; i < desc->num_inputs; ++i)
    dump_tensor(dir, "input", i, desc->inputs[i].name, desc->inputs[i].dtype,
                desc->inputs[i].rank, desc->inputs[i].shape, in[i]);
  for (int i = 0; i < desc->num_outputs; ++i)
    dump_tensor(dir, "output", i, desc->outputs[i].name, desc->outputs[i].dtype,
                desc->outputs[i].rank, desc->outputs[i].shape, out[i]);
}

int main(int argc, char **argv) {
  int failures = 0;
  if (argc != 3) {
    fprintf(stderr, "usage: two_models DIR1 DIR2\n");
    return 2;
  }
  const onnxc_model_desc *d1 = first_model(), *d2 = second_model();
  printf("models: %s (%d input, %d output), %s (%d inputs, %d outputs)\n",
         d1->name, d1->num_inputs, d1->num_outputs, d2->name, d2->num_inputs,
         d2->num_outputs);
  fill_input(image, ONNXC_FLOAT, FIRST_INPUT0_ELEMENTS, 0);
  fill_input(x, ONNXC_FLOAT, SECOND_INPUT0_ELEMENTS, 0);
  fill_input(ids, ONNXC_INT64, SECOND_INPUT1_ELEMENTS, 1);

  int rc1 = first_run(image, probabilities, NULL);
  int rc2 = second_run(x, ids, y, pooled, ids_out, positive, NULL);
  printf("first_run: %d, second_run: %d\n", rc1, rc2);
  if (rc1 || rc2) {
    printf("FAIL: %s\n", onnxc_last_error());
    return 1;
  }
  printf("first probabilities:");
  print_values(probabilities, ONNXC_FLOAT, FIRST_OUTPUT0_ELEMENTS);
  printf("second ids_out:");
  print_values(ids_out, ONNXC_INT64, SECOND_OUTPUT2_ELEMENTS);

  /* Again, the other way round: each model's outputs are its own. */
  rc2 = second_run(x, ids, y2, pooled, ids_out, positive, NULL);
  rc1 = first_run(image, probabilities2, NULL);
  int same = !rc1 && !rc2 && !memcmp(y, y2, sizeof(y)) &&
             !memcmp(probabilities, probabilities2, sizeof(probabilities));
  printf("interleaved runs: %s\n", same ? "same outputs" : "DIFFERENT");
  failures += !same;

  /* An error of either model shows in the one onnxc_last_error(). */
  rc1 = first_run(NULL, probabilities2, NULL);
  printf("first_run(NULL): %d: %s\n", rc1, onnxc_last_error());
  failures += rc1 == 0 || !strstr(onnxc_last_error(), "input 'image'");
  rc2 = second_run(x, NULL, y2, pooled, ids_out, positive, NULL);
  printf("second_run(NULL): %d: %s\n", rc2, onnxc_last_error());
  failures += rc2 == 0 || !strstr(onnxc_last_error(), "input 'token.ids'");

  const void *in1[] = {image}, *out1[] = {probabilities};
  const void *in2[] = {x, ids}, *out2[] = {y, pooled, ids_out, positive};
  dump_model(argv[1], d1, in1, out1);
  dump_model(argv[2], d2, in2, out2);
  printf("%s\n", failures ? "FAILED" : "done");
  return failures ? 1 : 0;
}
