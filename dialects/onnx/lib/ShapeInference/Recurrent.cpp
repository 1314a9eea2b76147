//===- Recurrent.cpp - Shape inference of LSTM, GRU and RNN ---------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// Y is [seq, dirs, batch, hidden] (layout 0) or [batch, seq, dirs, hidden]
/// (layout 1); the state outputs are [dirs, batch, hidden] or
/// [batch, dirs, hidden].
template <typename RecurrentOp>
LogicalResult inferRecurrent(RecurrentOp op, unsigned gates) {
  Type elementType = getElementType(op.getX());
  auto x = getRankedType(op.getX()), w = getRankedType(op.getW());
  if (!x || !w) {
    for (unsigned i = 0; i < op->getNumResults(); ++i)
      setUnrankedResultType(op, i, elementType);
    return success();
  }
  if (x.getRank() != 3 || w.getRank() != 3)
    return op.emitOpError() << "X and W must be 3-D, got ranks "
                            << x.getRank() << " and " << w.getRank();
  StringRef direction = op.getDirection();
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && dirs != 2)
    return op.emitOpError() << "unknown direction '" << direction << "'";
  if (w.getDimSize(0) != kDynamic && w.getDimSize(0) != dirs)
    return op.emitOpError() << "W has " << w.getDimSize(0)
                            << " directions, expected " << dirs;
  int64_t hidden = kDynamic;
  if (std::optional<int64_t> attr = op.getHiddenSize())
    hidden = *attr;
  else if (w.getDimSize(1) != kDynamic)
    hidden = w.getDimSize(1) / gates;
  if (hidden != kDynamic && w.getDimSize(1) != kDynamic &&
      w.getDimSize(1) != gates * hidden)
    return op.emitOpError() << "W's second dimension " << w.getDimSize(1)
                            << " is not " << gates << " x hidden_size "
                            << hidden;
  bool batchFirst = op.getLayout() == 1;
  int64_t seq = x.getDimSize(batchFirst ? 1 : 0);
  int64_t batch = x.getDimSize(batchFirst ? 0 : 1);
  SmallVector<int64_t> y = batchFirst
                               ? SmallVector<int64_t>{batch, seq, dirs, hidden}
                               : SmallVector<int64_t>{seq, dirs, batch, hidden};
  SmallVector<int64_t> state = batchFirst
                                   ? SmallVector<int64_t>{batch, dirs, hidden}
                                   : SmallVector<int64_t>{dirs, batch, hidden};
  setResultType(op, 0, y, elementType);
  for (unsigned i = 1; i < op->getNumResults(); ++i)
    setResultType(op, i, state, elementType);
  return success();
}

} // namespace

LogicalResult LSTMOp::inferShapes() { return inferRecurrent(*this, 4); }
LogicalResult GRUOp::inferShapes() { return inferRecurrent(*this, 3); }
LogicalResult RNNOp::inferShapes() { return inferRecurrent(*this, 1); }

} // namespace onnxc::onnx_ir
