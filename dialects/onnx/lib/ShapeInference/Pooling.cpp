//===- Pooling.cpp - Shape inference of convolutions and pooling ----------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// The sliding-window attributes of Conv, ConvTranspose and the pools, with
/// ONNX's defaults filled in for `spatialRank` dimensions.
struct WindowParams {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

LogicalResult getWindowParams(Operation *op, int64_t spatialRank,
                              std::optional<ArrayRef<int64_t>> kernel,
                              std::optional<ArrayRef<int64_t>> strides,
                              std::optional<ArrayRef<int64_t>> dilations,
                              std::optional<ArrayRef<int64_t>> pads,
                              WindowParams &params) {
  auto fill = [&](std::optional<ArrayRef<int64_t>> attr, int64_t size,
                  int64_t value, StringRef name,
                  SmallVector<int64_t> &out) -> LogicalResult {
    if (!attr) {
      out.assign(size, value);
      return success();
    }
    if (static_cast<int64_t>(attr->size()) != size)
      return op->emitOpError() << name << " has " << attr->size()
                               << " values, expected " << size;
    out.assign(attr->begin(), attr->end());
    return success();
  };
  if (!kernel)
    return op->emitOpError("kernel_shape is unknown");
  if (failed(fill(kernel, spatialRank, 1, "kernel_shape", params.kernel)) ||
      failed(fill(strides, spatialRank, 1, "strides", params.strides)) ||
      failed(fill(dilations, spatialRank, 1, "dilations", params.dilations)) ||
      failed(fill(pads, 2 * spatialRank, 0, "pads", params.pads)))
    return failure();
  for (int64_t s : params.strides)
    if (s <= 0)
      return op->emitOpError("strides must be positive");
  return success();
}

/// Output spatial sizes of a sliding window, with ONNX's auto_pad modes.
LogicalResult computeWindowOutput(Operation *op, ArrayRef<int64_t> inputSpatial,
                                  WindowParams &params, StringRef autoPad,
                                  bool ceilMode, SmallVector<int64_t> &out) {
  for (size_t i = 0; i < inputSpatial.size(); ++i) {
    int64_t in = inputSpatial[i];
    int64_t window = (params.kernel[i] - 1) * params.dilations[i] + 1;
    int64_t stride = params.strides[i];
    if (in == kDynamic) {
      out.push_back(kDynamic);
      continue;
    }
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t size = (in + stride - 1) / stride;
      int64_t total = std::max<int64_t>(0, (size - 1) * stride + window - in);
      int64_t small = total / 2, large = total - small;
      params.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      params.pads[i + inputSpatial.size()] =
          autoPad == "SAME_UPPER" ? large : small;
      out.push_back(size);
      continue;
    }
    if (autoPad == "VALID") {
      params.pads[i] = params.pads[i + inputSpatial.size()] = 0;
    } else if (autoPad != "NOTSET") {
      return op->emitOpError() << "unknown auto_pad '" << autoPad << "'";
    }
    int64_t padded = in + params.pads[i] + params.pads[i + inputSpatial.size()];
    if (padded < window)
      return op->emitOpError() << "window of size " << window
                               << " is larger than the padded input ("
                               << padded << ") in spatial dimension " << i;
    int64_t span = padded - window;
    int64_t size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
    // A window must start inside the input or the left padding.
    if (ceilMode && (size - 1) * stride >= in + params.pads[i])
      --size;
    out.push_back(size);
  }
  return success();
}

template <typename PoolOp>
LogicalResult inferPool(PoolOp op, bool ceilMode, int64_t channelsOverride) {
  Type elementType = getElementType(op.getX());
  auto x = getRankedType(op.getX());
  if (!x) {
    for (unsigned i = 0; i < op->getNumResults(); ++i)
      setUnrankedResultType(op, i, getElementType(op->getResult(i)));
    return success();
  }
  if (x.getRank() < 3)
    return op.emitOpError() << "input must have rank 3 or more (N, C, "
                               "spatial...), got rank "
                            << x.getRank();
  int64_t spatialRank = x.getRank() - 2;
  WindowParams params;
  if (failed(getWindowParams(op, spatialRank, op.getKernelShape(),
                             op.getStrides(), op.getDilations(), op.getPads(),
                             params)))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0),
                                channelsOverride == kDynamic
                                    ? x.getDimSize(1)
                                    : channelsOverride};
  if (failed(computeWindowOutput(op, x.getShape().drop_front(2), params,
                                 op.getAutoPad(), ceilMode, shape)))
    return failure();
  setResultType(op, 0, shape, elementType);
  return success();
}

} // namespace

LogicalResult MaxPoolOp::inferShapes() {
  if (failed(inferPool(*this, getCeilMode() != 0, kDynamic)))
    return failure();
  if (!isNone(getIndices())) {
    auto y = getRankedType(getY());
    Type i64 = IntegerType::get(getContext(), 64);
    if (y)
      setResultType(*this, 1, y.getShape(), i64);
    else
      setUnrankedResultType(*this, 1, i64);
  }
  return success();
}

LogicalResult AveragePoolOp::inferShapes() {
  return inferPool(*this, getCeilMode() != 0, kDynamic);
}

LogicalResult LpPoolOp::inferShapes() {
  return inferPool(*this, getCeilMode() != 0, kDynamic);
}

static LogicalResult inferGlobalPool(Operation *op) {
  Value x = op->getOperand(0);
  auto type = getRankedType(x);
  if (!type)
    return inferSameAsFirstOperand(op);
  if (type.getRank() < 3)
    return op->emitOpError() << "input must have rank 3 or more, got rank "
                             << type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  setResultType(op, 0, shape, type.getElementType());
  return success();
}

LogicalResult GlobalAveragePoolOp::inferShapes() { return inferGlobalPool(*this); }
LogicalResult GlobalMaxPoolOp::inferShapes() { return inferGlobalPool(*this); }
LogicalResult GlobalLpPoolOp::inferShapes() { return inferGlobalPool(*this); }

LogicalResult ConvOp::inferShapes() {
  Type elementType = getElementType(getX());
  auto x = getRankedType(getX()), w = getRankedType(getW());
  if (!x || !w) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (x.getRank() < 3 || x.getRank() != w.getRank())
    return emitOpError() << "X (rank " << x.getRank() << ") and W (rank "
                         << w.getRank()
                         << ") must have the same rank, 3 or more";
  int64_t group = getGroup();
  int64_t channels = x.getDimSize(1), weightChannels = w.getDimSize(1);
  if (group <= 0)
    return emitOpError("group must be positive");
  if (channels != kDynamic && weightChannels != kDynamic &&
      channels != weightChannels * group)
    return emitOpError() << "input has " << channels
                         << " channels but W expects " << weightChannels
                         << " x group " << group;
  int64_t spatialRank = x.getRank() - 2;
  std::optional<ArrayRef<int64_t>> kernel = getKernelShape();
  if (!kernel)
    kernel = w.getShape().drop_front(2);
  WindowParams params;
  if (failed(getWindowParams(*this, spatialRank, kernel, getStrides(),
                             getDilations(), getPads(), params)))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), w.getDimSize(0)};
  if (failed(computeWindowOutput(*this, x.getShape().drop_front(2), params,
                                 getAutoPad(), /*ceilMode=*/false, shape)))
    return failure();
  setResultType(*this, 0, shape, elementType);
  return success();
}

LogicalResult ConvTransposeOp::inferShapes() {
  Type elementType = getElementType(getX());
  auto x = getRankedType(getX()), w = getRankedType(getW());
  if (!x || !w) {
    setUnrankedResultType(*this, 0, elementType);
    return success();
  }
  if (x.getRank() < 3 || x.getRank() != w.getRank())
    return emitOpError("X and W must have the same rank, 3 or more");
  int64_t spatialRank = x.getRank() - 2;
  std::optional<ArrayRef<int64_t>> kernel = getKernelShape();
  if (!kernel)
    kernel = w.getShape().drop_front(2);
  WindowParams params;
  if (failed(getWindowParams(*this, spatialRank, kernel, getStrides(),
                             getDilations(), getPads(), params)))
    return failure();
  int64_t outChannels = w.getDimSize(1) == kDynamic
                            ? kDynamic
                            : w.getDimSize(1) * getGroup();
  SmallVector<int64_t> shape = {x.getDimSize(0), outChannels};
  if (std::optional<ArrayRef<int64_t>> outputShape = getOutputShape()) {
    ArrayRef<int64_t> dims = *outputShape;
    if (static_cast<int64_t>(dims.size()) == spatialRank + 2)
      dims = dims.drop_front(2);
    if (static_cast<int64_t>(dims.size()) != spatialRank)
      return emitOpError("output_shape must give every spatial dimension");
    shape.append(dims.begin(), dims.end());
    setResultType(*this, 0, shape, elementType);
    return success();
  }
  SmallVector<int64_t> outputPadding(spatialRank, 0);
  if (std::optional<ArrayRef<int64_t>> attr = getOutputPadding())
    outputPadding.assign(attr->begin(), attr->end());
  for (int64_t i = 0; i < spatialRank; ++i) {
    int64_t in = x.getDimSize(i + 2);
    if (in == kDynamic) {
      shape.push_back(kDynamic);
      continue;
    }
    int64_t full = params.strides[i] * (in - 1) + outputPadding[i] +
                   (params.kernel[i] - 1) * params.dilations[i] + 1;
    if (getAutoPad() == "SAME_UPPER" || getAutoPad() == "SAME_LOWER")
      shape.push_back(in * params.strides[i]);
    else
      shape.push_back(full - params.pads[i] - params.pads[i + spatialRank]);
  }
  setResultType(*this, 0, shape, elementType);
  return success();
}

} // namespace onnxc::onnx_ir
