/* Two --target=cuda models linked into one program (ma and mb, from
 * .a archives): a session of each, whose checks concern its own kernels
 * only. Prints one line per model. */
#include <stdio.h>

#include "onnxc/runtime.h"

const onnxc_model_desc *ma_model(void);
const onnxc_model_desc *mb_model(void);

int main(void) {
  const onnxc_model_desc *models[] = {ma_model(), mb_model()};
  for (int i = 0; i < 2; ++i) {
    onnxc_session *session = NULL;
    onnxc_status status = onnxc_session_create(models[i], NULL, &session);
    printf("%s: %s\n", models[i]->name,
           status == ONNXC_OK ? "session created" : onnxc_last_error());
    onnxc_session_destroy(session);
  }
  return 0;
}
