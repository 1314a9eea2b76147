//===- Spectral.cpp - Shape inference of DFT and STFT ---------------------===//
//
//   DFT   input (..., n, 1 | 2) real or complex along `axis` (not the last
//         dim), optional dft_length, optional axis (default -2): the input's
//         shape with the last dim 2 and, along axis, dft_length (or n),
//         halved to floor(length / 2) + 1 when onesided. A run-time axis
//         leaves the dims it could change dynamic.
//   STFT  signal (batch, L, 1 | 2), frame_step, optional window (frame
//         length) and frame_length: (batch, frames, bins, 2) with frames =
//         (L - frame_length) / frame_step + 1 and bins = frame_length / 2 + 1
//         when onesided (else frame_length).
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {

LogicalResult DFTOp::inferShapes() {
  auto input = getRankedType(getInput());
  Type element = getElementType(getInput());
  if (!input) {
    setUnrankedResultType(*this, 0, element);
    return success();
  }
  int64_t rank = input.getRank();
  if (rank < 2)
    return emitOpError() << "the input must have rank 2 or more (..., n, 1 "
                            "or 2), got "
                         << rank;
  int64_t last = input.getDimSize(rank - 1);
  if (last != kDynamic && last != 1 && last != 2)
    return emitOpError() << "the input's last dim must be 1 (real) or 2 "
                            "(complex), got "
                         << last;
  if (getOnesided() && last == 2)
    return emitOpError() << "onesided needs a real input (last dim 1)";
  std::optional<int64_t> axis;
  if (isNone(getAxis())) {
    axis = rank - 2;
  } else if (std::optional<SmallVector<int64_t>> values =
                 getConstantInts(getAxis())) {
    if (values->size() != 1)
      return emitOpError() << "axis must hold one value";
    int64_t a = values->front() < 0 ? values->front() + rank : values->front();
    if (a < 0 || a >= rank - 1)
      return emitOpError() << "axis " << values->front()
                           << " is out of range: the signal dims are [-"
                           << rank << ", " << rank - 2 << "] but the last";
    axis = a;
  }
  std::optional<int64_t> length;
  if (!isNone(getDftLength())) {
    if (std::optional<SmallVector<int64_t>> values =
            getConstantInts(getDftLength())) {
      if (values->size() != 1 || values->front() < 1)
        return emitOpError() << "dft_length must be one positive value";
      length = values->front();
    }
  }
  SmallVector<int64_t> shape(input.getShape());
  shape[rank - 1] = 2;
  auto resized = [&](int64_t n) {
    if (isNone(getDftLength()))
      return getOnesided() && n != kDynamic ? n / 2 + 1
                                            : (getOnesided() ? kDynamic : n);
    if (!length)
      return kDynamic;
    return getOnesided() ? *length / 2 + 1 : *length;
  };
  if (axis) {
    shape[*axis] = resized(shape[*axis]);
  } else if (!isNone(getDftLength()) || getOnesided()) {
    // Which dim changes is known only at run time.
    for (int64_t d = 0; d < rank - 1; ++d)
      shape[d] = kDynamic;
  }
  setResultType(*this, 0, shape, element);
  return success();
}

LogicalResult STFTOp::inferShapes() {
  auto signal = getRankedType(getSignal());
  Type element = getElementType(getSignal());
  if (signal && signal.getRank() != 3)
    return emitOpError() << "the signal must be (batch, length, 1 or 2), got "
                            "rank "
                         << signal.getRank();
  if (signal && !signal.isDynamicDim(2) && signal.getDimSize(2) != 1 &&
      signal.getDimSize(2) != 2)
    return emitOpError() << "the signal's last dim must be 1 (real) or 2 "
                            "(complex), got "
                         << signal.getDimSize(2);
  auto window = getRankedType(getWindow());
  if (window && window.getRank() != 1)
    return emitOpError() << "the window must be 1-D, got rank "
                         << window.getRank();
  if (isNone(getWindow()) && isNone(getFrameLength()))
    return emitOpError() << "needs a window or a frame_length";
  int64_t frameLength = kDynamic, step = kDynamic;
  if (std::optional<SmallVector<int64_t>> v = getConstantInts(getFrameLength()))
    frameLength = v->front();
  else if (window)
    frameLength = window.getDimSize(0);
  if (std::optional<SmallVector<int64_t>> v = getConstantInts(getFrameStep()))
    step = v->front();
  if (step != kDynamic && step < 1)
    return emitOpError() << "frame_step must be positive, got " << step;
  if (frameLength != kDynamic && frameLength < 1)
    return emitOpError() << "frame_length must be positive, got "
                         << frameLength;
  if (window && frameLength != kDynamic && !window.isDynamicDim(0) &&
      window.getDimSize(0) != frameLength)
    return emitOpError() << "the window has " << window.getDimSize(0)
                         << " values for a frame_length of " << frameLength;
  int64_t batch = signal ? signal.getDimSize(0) : kDynamic;
  int64_t length = signal ? signal.getDimSize(1) : kDynamic;
  int64_t frames = kDynamic;
  if (length != kDynamic && frameLength != kDynamic && step != kDynamic) {
    if (length < frameLength)
      return emitOpError() << "the signal (" << length
                           << ") is shorter than a frame (" << frameLength
                           << ")";
    frames = (length - frameLength) / step + 1;
  }
  int64_t bins = frameLength == kDynamic
                     ? kDynamic
                     : (getOnesided() ? frameLength / 2 + 1 : frameLength);
  setResultType(*this, 0, {batch, frames, bins, 2}, element);
  return success();
}

} // namespace onnxc::onnx_ir
