//===- Gathering.cpp - Shape inference of CenterCropPad, ReverseSequence, -===//
//                     Col2Im
//
//   CenterCropPad   input (d...), shape (k) for `axes` (default: all k
//                   leading dims): those dims become shape's values.
//   ReverseSequence input with batch and time axes 0 and 1 (either way
//                   round), sequence_lens (batch): the input's shape.
//   Col2Im          input (N, C * prod(block_shape), L), image_shape and
//                   block_shape (r each): (N, C, image_shape...).
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {

LogicalResult CenterCropPadOp::inferShapes() {
  auto input = getRankedType(getInputData());
  auto shape = getRankedType(getShape());
  Type element = getElementType(getInputData());
  if (!input) {
    setUnrankedResultType(*this, 0, element);
    return success();
  }
  int64_t rank = input.getRank();
  if (shape && shape.getRank() != 1)
    return emitOpError() << "shape must be 1-D, got rank " << shape.getRank();
  SmallVector<int64_t> axes;
  if (std::optional<ArrayRef<int64_t>> given = getAxes()) {
    for (int64_t axis : *given) {
      FailureOr<int64_t> a = normalizeAxis(*this, axis, rank, "axes");
      if (failed(a))
        return failure();
      if (llvm::is_contained(axes, *a))
        return emitOpError() << "axes repeats axis " << *a;
      axes.push_back(*a);
    }
  } else if (shape && !shape.isDynamicDim(0)) {
    if (shape.getDimSize(0) > rank)
      return emitOpError() << "shape has " << shape.getDimSize(0)
                           << " values for an input of rank " << rank;
    for (int64_t a = 0; a < shape.getDimSize(0); ++a)
      axes.push_back(a);
  } else {
    // Which dims change is known only with shape's length.
    setResultType(*this, 0, SmallVector<int64_t>(rank, kDynamic), element);
    return success();
  }
  if (shape && !shape.isDynamicDim(0) &&
      shape.getDimSize(0) != static_cast<int64_t>(axes.size()))
    return emitOpError() << "shape has " << shape.getDimSize(0)
                         << " values for " << axes.size() << " axes";
  SmallVector<int64_t> result(input.getShape());
  std::optional<SmallVector<int64_t>> values = getConstantInts(getShape());
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (!values) {
      result[axis] = kDynamic;
      continue;
    }
    if ((*values)[i] < 0)
      return emitOpError() << "shape has a negative value, " << (*values)[i];
    result[axis] = (*values)[i];
  }
  setResultType(*this, 0, result, element);
  return success();
}

LogicalResult ReverseSequenceOp::inferShapes() {
  int64_t batchAxis = getBatchAxis(), timeAxis = getTimeAxis();
  if ((batchAxis != 0 && batchAxis != 1) || (timeAxis != 0 && timeAxis != 1) ||
      batchAxis == timeAxis)
    return emitOpError() << "batch_axis and time_axis must be 0 and 1 (either "
                            "way round), got "
                         << batchAxis << " and " << timeAxis;
  auto input = getRankedType(getInput());
  auto lens = getRankedType(getSequenceLens());
  if (input && input.getRank() < 2)
    return emitOpError() << "the input must have rank 2 or more, got "
                         << input.getRank();
  if (lens && lens.getRank() != 1)
    return emitOpError() << "sequence_lens must be 1-D (batch), got rank "
                         << lens.getRank();
  if (input && lens && !input.isDynamicDim(batchAxis) &&
      !lens.isDynamicDim(0) &&
      lens.getDimSize(0) != input.getDimSize(batchAxis))
    return emitOpError() << "sequence_lens has " << lens.getDimSize(0)
                         << " values for a batch of "
                         << input.getDimSize(batchAxis);
  return inferSameAsFirstOperand(*this);
}

LogicalResult Col2ImOp::inferShapes() {
  auto input = getRankedType(getInput());
  Type element = getElementType(getInput());
  if (input && input.getRank() != 3)
    return emitOpError() << "the input must be (N, C * prod(block_shape), L), "
                            "got rank "
                         << input.getRank();
  std::optional<SmallVector<int64_t>> image = getConstantInts(getImageShape());
  std::optional<SmallVector<int64_t>> block = getConstantInts(getBlockShape());
  auto imageType = getRankedType(getImageShape());
  if (!imageType || imageType.getRank() != 1 || imageType.isDynamicDim(0)) {
    setUnrankedResultType(*this, 0, element);
    return success();
  }
  int64_t r = imageType.getDimSize(0);
  if (r < 1)
    return emitOpError() << "image_shape must have one value per spatial dim";
  SmallVector<int64_t> shape(2 + r, kDynamic);
  if (input)
    shape[0] = input.getDimSize(0);
  if (block) {
    if (static_cast<int64_t>(block->size()) != r)
      return emitOpError() << "block_shape has " << block->size()
                           << " values; image_shape has " << r;
    int64_t blockSize = 1;
    for (int64_t b : *block) {
      if (b < 1)
        return emitOpError() << "block_shape values must be positive, got "
                             << b;
      blockSize *= b;
    }
    if (input && !input.isDynamicDim(1)) {
      if (input.getDimSize(1) % blockSize)
        return emitOpError() << "the input's dim 1 (" << input.getDimSize(1)
                             << ") is not a multiple of prod(block_shape) ("
                             << blockSize << ")";
      shape[1] = input.getDimSize(1) / blockSize;
    }
  }
  for (auto [name, values, count] :
       {std::tuple<StringRef, std::optional<ArrayRef<int64_t>>, int64_t>{
            "dilations", getDilations(), r},
        {"strides", getStrides(), r},
        {"pads", getPads(), 2 * r}})
    if (values && static_cast<int64_t>(values->size()) != count)
      return emitOpError() << name << " has " << values->size()
                           << " values; " << count << " expected";
  if (image)
    for (int64_t d = 0; d < r; ++d) {
      if ((*image)[d] < 1)
        return emitOpError() << "image_shape values must be positive, got "
                             << (*image)[d];
      shape[2 + d] = (*image)[d];
    }
  setResultType(*this, 0, shape, element);
  return success();
}

} // namespace onnxc::onnx_ir
