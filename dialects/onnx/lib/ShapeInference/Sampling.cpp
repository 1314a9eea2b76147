//===- Sampling.cpp - Shape inference of GridSample and AffineGrid --------===//
//
// GridSample samples X (N, C, D1..Dr) at the points of grid (N, O1..Or, r),
// each a normalized coordinate per spatial dim in [-1, 1], last dim first
// (x, y, z): Y is (N, C, O1..Or). AffineGrid makes such a grid from affine
// transforms theta (N, r, r + 1) for an output of `size` (N, C, D1..Dr):
// (N, D1..Dr, r). r is 2 or 3 for AffineGrid, any positive rank for
// GridSample.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {

LogicalResult GridSampleOp::inferShapes() {
  StringRef mode = getMode();
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return emitOpError() << "mode must be \"linear\", \"nearest\" or "
                            "\"cubic\" (\"bilinear\"/\"bicubic\" before "
                            "opset 20), got \""
                         << mode << "\"";
  StringRef padding = getPaddingMode();
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return emitOpError() << "padding_mode must be \"zeros\", \"border\" or "
                            "\"reflection\", got \""
                         << padding << "\"";
  auto x = getRankedType(getX());
  auto grid = getRankedType(getGrid());
  Type element = getElementType(getX());
  if (x && x.getRank() < 3)
    return emitOpError() << "X must have rank 3 or more (N, C, D1, ...), got "
                         << x.getRank();
  if (!x || !grid) {
    setUnrankedResultType(*this, 0, element);
    return success();
  }
  int64_t r = x.getRank() - 2;
  if (grid.getRank() != r + 2)
    return emitOpError() << "grid must have rank " << r + 2
                         << " (N, O1, ..., O" << r << ", " << r
                         << ") for X of rank " << x.getRank() << ", got "
                         << grid.getRank();
  int64_t last = grid.getDimSize(r + 1);
  if (last != kDynamic && last != r)
    return emitOpError() << "grid's last dim must be " << r
                         << " (one coordinate per spatial dim), got " << last;
  int64_t n = x.getDimSize(0), gn = grid.getDimSize(0);
  if (n != kDynamic && gn != kDynamic && n != gn)
    return emitOpError() << "X has " << n << " images but grid " << gn;
  SmallVector<int64_t> shape{n != kDynamic ? n : gn, x.getDimSize(1)};
  for (int64_t d = 1; d <= r; ++d)
    shape.push_back(grid.getDimSize(d));
  setResultType(*this, 0, shape, element);
  return success();
}

LogicalResult AffineGridOp::inferShapes() {
  auto theta = getRankedType(getTheta());
  auto size = getRankedType(getSize());
  Type element = getElementType(getTheta());
  if (size && (size.getRank() != 1 || (!size.isDynamicDim(0) &&
                                       size.getDimSize(0) != 4 &&
                                       size.getDimSize(0) != 5)))
    return emitOpError() << "size must be a 1-D tensor of 4 (N, C, H, W) or "
                            "5 (N, C, D, H, W) elements, got "
                         << size;
  if (theta && (theta.getRank() != 3 ||
                (!theta.isDynamicDim(1) && !theta.isDynamicDim(2) &&
                 theta.getDimSize(2) != theta.getDimSize(1) + 1)))
    return emitOpError() << "theta must be (N, 2, 3) or (N, 3, 4), got "
                         << theta;
  if (!size || size.isDynamicDim(0)) {
    setUnrankedResultType(*this, 0, element);
    return success();
  }
  int64_t r = size.getDimSize(0) - 2;
  if (theta && !theta.isDynamicDim(1) && theta.getDimSize(1) != r)
    return emitOpError() << "theta is " << theta << " for a size of "
                         << r + 2 << " elements; (N, " << r << ", " << r + 1
                         << ") expected";
  SmallVector<int64_t> shape(r + 2, kDynamic);
  shape[r + 1] = r;
  if (std::optional<SmallVector<int64_t>> values = getConstantInts(getSize())) {
    for (int64_t d = 0; d < r; ++d) {
      if ((*values)[2 + d] < 0)
        return emitOpError() << "size has a negative dim, "
                             << (*values)[2 + d];
      shape[1 + d] = (*values)[2 + d];
    }
    if ((*values)[0] < 0)
      return emitOpError() << "size has a negative N, " << (*values)[0];
    shape[0] = (*values)[0];
  }
  if (theta && !theta.isDynamicDim(0)) {
    if (shape[0] != kDynamic && shape[0] != theta.getDimSize(0))
      return emitOpError() << "size says N = " << shape[0] << " but theta has "
                           << theta.getDimSize(0) << " transforms";
    shape[0] = theta.getDimSize(0);
  }
  setResultType(*this, 0, shape, element);
  return success();
}

} // namespace onnxc::onnx_ir
