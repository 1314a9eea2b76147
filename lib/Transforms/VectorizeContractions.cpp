//===- VectorizeContractions.cpp - --onnxc-vectorize-contractions ---------===//
//
// Register-tiled f32 contractions on buffers: the BLIS/Goto micro-kernel
// (Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS
// Functionality", TOMS 2015) expressed in the vector dialect. Each Mr x Nr
// block of the output stays in vector registers for the whole reduction; per
// reduction step one Nr-wide row of B is loaded and Mr scalars of A are
// broadcast into Mr x Nr/lanes FMAs. Constant B operands (weights) are
// repacked at compile time into Nr-wide panels contiguous along K, so that
// the micro-kernel streams them and never needs a mask.
//
//===----------------------------------------------------------------------===//

#include "Epilogue.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/FormatVariadic.h"

#define DEBUG_TYPE "onnxc-vectorize-contractions"

namespace onnxc {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// A contraction C[outer, m, n] += A[outer?, m, k] * B[outer?, k, n], in
/// loop positions of the linalg op. `outer` are the batch dims and any M or
/// N dims but the innermost ones of C. A bound may be dynamic (a dim known
/// only at run time): its loops then run to a run-time size, with the
/// remainders of M and N handled by row and vector loops.
struct Contraction {
  mutable linalg::LinalgOp op;
  SmallVector<unsigned> outer;
  unsigned m, n, k;
  SmallVector<int64_t> bounds;
  /// Row-major f32 values of B when it is a constant global, for packing.
  memref::GlobalOp constantB;
};

/// The register tile: mr rows of nv vectors of `lanes` f32.
struct RegisterTile {
  int64_t mr, nv, lanes;
  int64_t nr() const { return nv * lanes; }
};

/// Whether the innermost dimension of a buffer has unit stride, so that a
/// vector along it is one contiguous load.
static bool hasUnitInnerStride(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || type.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

/// Whether the last result of `map` is loop `dim`.
static bool isInnermost(AffineMap map, unsigned dim) {
  return map.getNumResults() > 0 && map.getResults().back() == getAffineDimExpr(dim, map.getContext());
}

/// The constant global a buffer is a view of, if any: a chain of view ops
/// (reshapes, subviews, casts) from a `memref.get_global` of a constant.
/// The buffer's strided layout then addresses the global's data.
static memref::GlobalOp getConstantGlobal(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type || failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return {};
  Operation *def = buffer.getDefiningOp();
  while (auto view = dyn_cast_or_null<ViewLikeOpInterface>(def)) {
    if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::SubViewOp,
             memref::CastOp>(def))
      return {};
    def = view.getViewSource().getDefiningOp();
  }
  auto get = dyn_cast_or_null<memref::GetGlobalOp>(def);
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant() || !global.getInitialValue() ||
      !global.getType().getLayout().isIdentity())
    return {};
  return global;
}

/// The f32 values of a constant global, row-major; empty if unreadable.
static ArrayRef<float> getFloatData(memref::GlobalOp global,
                                    SmallVector<float> &storage) {
  Attribute value = *global.getInitialValue();
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(value)) {
    if (std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef())
      return *data;
    return {};
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (!dense.getElementType().isF32())
      return {};
    storage.assign(dense.getValues<float>().begin(),
                   dense.getValues<float>().end());
    return storage;
  }
  return {};
}

static std::optional<Contraction> matchContraction(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isF32())
      return std::nullopt;
  }
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() ||
      dims->k.size() != 1)
    return std::nullopt;
  // One M and the innermost N dim of C are register-tiled; batch dims and
  // any other M or N dims (a leading batch of one operand only) are outer
  // loops.
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  auto innermostOf = [&](ArrayRef<unsigned> candidates) {
    unsigned best = candidates.front();
    int64_t bestPosition = -1;
    for (unsigned d : candidates)
      if (std::optional<unsigned> position = outMap.getResultPosition(
              getAffineDimExpr(d, op.getContext()));
          position && static_cast<int64_t>(*position) > bestPosition) {
        best = d;
        bestPosition = *position;
      }
    return best;
  };
  // Rows of the register tile are independent scalar loads of A, so any M
  // dim can be tiled: the longest, so that B is streamed the fewest times.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // A dim known only at run time counts as the longest (tokens, batch).
  auto longer = [](int64_t a, int64_t b) {
    return ShapedType::isDynamic(a) ? !ShapedType::isDynamic(b)
                                    : !ShapedType::isDynamic(b) && a > b;
  };
  unsigned mDim = innermostOf(dims->m);
  for (unsigned d : dims->m)
    if (longer(ranges[d], ranges[mDim]))
      mDim = d;
  unsigned nDim = innermostOf(dims->n);
  SmallVector<unsigned> outer(dims->batch.begin(), dims->batch.end());
  for (unsigned d : llvm::concat<unsigned>(dims->m, dims->n))
    if (d != mDim && d != nDim)
      outer.push_back(d);
  llvm::sort(outer);
  // The body must be exactly acc + a * b, in f32: inferContractionDims and
  // isaContractionOpInterface accept casts that this kernel would drop.
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3)
    return std::nullopt;
  Contraction c{op, outer, mDim, nDim, dims->k[0], ranges, {}};
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps, [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/false);
      }))
    return std::nullopt;
  Value rhs = op.getDpsInputOperand(1)->get();
  Value out = op.getDpsInitOperand(0)->get();
  // C is stored along n; B is read along n unless it is repacked.
  if (!isInnermost(maps[2], c.n) || !hasUnitInnerStride(out))
    return std::nullopt;
  AffineMap bMap = maps[1];
  if (memref::GlobalOp global = getConstantGlobal(rhs);
      global && bMap.getNumResults() == 2 &&
      !ShapedType::isDynamic(c.bounds[c.k]) &&
      !ShapedType::isDynamic(c.bounds[c.n]) &&
      global.getType().getElementType().isF32())
    c.constantB = global;
  if (!c.constantB && !(isInnermost(bMap, c.n) && hasUnitInnerStride(rhs)))
    return std::nullopt;
  return c;
}

/// Mr x Nv register tile for `registers` vector registers of `lanes` f32:
/// Mr x Nv accumulators, Nv B vectors and one broadcast, Mr chosen to divide
/// M where possible so that no row remainder is needed.
static RegisterTile chooseRegisterTile(int64_t m, int64_t n, int64_t lanes,
                                       int64_t registers) {
  // Dynamic sizes: the tile for a long M and a wide N.
  int64_t vectorsOfN = ShapedType::isDynamic(n) ? registers
                                                 : llvm::divideCeil(n, lanes);
  if (ShapedType::isDynamic(m)) {
    int64_t mr = registers >= 32 ? 6 : 4;
    int64_t nv = std::max<int64_t>(1, (registers - 2) / (mr + 1));
    return {mr, std::min(nv, vectorsOfN), lanes};
  }
  if (m == 1)
    return {1, std::min(vectorsOfN, registers / 2), lanes};
  SmallVector<int64_t> candidates =
      registers >= 32 ? SmallVector<int64_t>{6, 8, 4, 7, 5}
                      : SmallVector<int64_t>{6, 4, 3, 5};
  int64_t mr = candidates.front();
  for (int64_t candidate : candidates)
    if (m % candidate == 0) {
      mr = candidate;
      break;
    }
  if (m < mr)
    mr = m;
  int64_t nv = std::max<int64_t>(1, (registers - 2) / (mr + 1));
  return {mr, std::min(nv, vectorsOfN), lanes};
}

/// Creates (once per global and panel width) a constant global holding B
/// as ceil(N/Nr) panels of K x Nr, zero-padded: element (k, n) at
/// ((n / Nr) * K + k) * Nr + n % Nr.
static FailureOr<memref::GlobalOp> getPackedB(const Contraction &c,
                                              const RegisterTile &tile) {
  memref::GlobalOp global = c.constantB;
  auto module = global->getParentOfType<ModuleOp>();
  int64_t nr = tile.nr();
  // B[k, n] is at offset + k * kStride + n * nStride of the global's data.
  auto bType = cast<MemRefType>(c.op.getDpsInputOperand(1)->get().getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(bType.getStridesAndOffset(strides, offset)))
    return failure();
  AffineMap bMap = c.op.getIndexingMapsArray()[1];
  MLIRContext *ctx = bMap.getContext();
  int64_t kStride = strides[*bMap.getResultPosition(getAffineDimExpr(c.k, ctx))];
  int64_t nStride = strides[*bMap.getResultPosition(getAffineDimExpr(c.n, ctx))];
  int64_t kSize = c.bounds[c.k], nSize = c.bounds[c.n];
  std::string name = llvm::formatv("{0}_packed{1}_{2}_{3}_{4}_{5}x{6}",
                                   global.getSymName(), nr, offset, kStride,
                                   nStride, kSize, nSize)
                         .str();
  if (auto existing = module.lookupSymbol<memref::GlobalOp>(name))
    return existing;
  SmallVector<float> storage;
  ArrayRef<float> data = getFloatData(global, storage);
  int64_t last = offset + (kSize - 1) * kStride + (nSize - 1) * nStride;
  if (data.empty() || offset < 0 || last >= static_cast<int64_t>(data.size()))
    return failure();
  int64_t panels = llvm::divideCeil(nSize, nr);
  int64_t packedSize = panels * kSize * nr;
  // Packed straight into the blob: large weights are not copied twice.
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(
      packedSize * sizeof(float), alignof(float));
  MutableArrayRef<float> packed(
      reinterpret_cast<float *>(blob.getMutableData().data()), packedSize);
  std::fill(packed.begin(), packed.end(), 0.0f);
  for (int64_t k = 0; k < kSize; ++k)
    for (int64_t n = 0; n < nSize; ++n)
      packed[((n / nr) * kSize + k) * nr + n % nr] =
          data[offset + k * kStride + n * nStride];
  OpBuilder builder(global);
  builder.setInsertionPointAfter(global);
  auto type = MemRefType::get({packedSize}, builder.getF32Type());
  auto tensorType = RankedTensorType::get(type.getShape(), type.getElementType());
  auto value = DenseResourceElementsAttr::get(tensorType, name, std::move(blob));
  auto packedGlobal = memref::GlobalOp::create(
      builder, global.getLoc(), name, builder.getStringAttr("private"), type,
      value, /*constant=*/true, builder.getI64IntegerAttr(64));
  return packedGlobal;
}

/// Emits the micro-kernels of one contraction and erases it.
class MicroKernelEmitter {
public:
  MicroKernelEmitter(const Contraction &c, const RegisterTile &tile,
                     Value packedB, std::optional<Epilogue> epilogue)
      : c(c), tile(tile), packedB(packedB), epilogue(std::move(epilogue)),
        loc(c.op.getLoc()) {
    maps = c.op.getIndexingMapsArray();
    a = c.op.getDpsInputOperand(0)->get();
    b = c.op.getDpsInputOperand(1)->get();
    out = c.op.getDpsInitOperand(0)->get();
  }

  void emit(OpBuilder &builder) {
    // Loop bounds: constants, or sizes read from the operands at run time.
    bound.clear();
    for (Range range : c.op.createLoopRanges(builder, loc))
      bound.push_back(getValueOrCreateConstantIndexOp(builder, loc, range.size));
    int64_t mSize = c.bounds[c.m], nSize = c.bounds[c.n], kSize = c.bounds[c.k];
    bool mDynamic = ShapedType::isDynamic(mSize);
    bool nDynamic = ShapedType::isDynamic(nSize);
    int64_t nr = tile.nr();
    // Loop over the smaller operand's tiles innermost, so that the larger
    // one is read from memory once while the smaller stays in cache (a
    // run-time size counts as large).
    auto bytes = [](int64_t rows, int64_t cols) {
      return ShapedType::isDynamic(rows) || ShapedType::isDynamic(cols)
                 ? std::numeric_limits<int64_t>::max()
                 : rows * cols;
    };
    bool mInner = bytes(nSize, kSize) > bytes(mSize, kSize);
    SmallVector<Value> lbs, ubs, steps;
    auto index = [&](int64_t v) {
      return arith::ConstantIndexOp::create(builder, loc, v).getResult();
    };
    for (unsigned d : c.outer) {
      lbs.push_back(index(0));
      ubs.push_back(bound[d]);
      steps.push_back(index(1));
    }
    SmallVector<std::pair<unsigned, int64_t>> tiled = {{c.m, tile.mr},
                                                       {c.n, nr}};
    if (mInner)
      std::swap(tiled[0], tiled[1]);
    for (auto [dim, step] : tiled) {
      lbs.push_back(index(0));
      ubs.push_back(bound[dim]);
      steps.push_back(index(step));
    }
    auto parallel = scf::ParallelOp::create(builder, loc, lbs, ubs, steps);
    OpBuilder body = OpBuilder::atBlockBegin(parallel.getBody());
    ivs.assign(c.bounds.size(), Value());
    for (auto [i, d] : llvm::enumerate(c.outer))
      ivs[d] = parallel.getInductionVars()[i];
    ivs[tiled[0].first] = parallel.getInductionVars()[c.outer.size()];
    ivs[tiled[1].first] = parallel.getInductionVars()[c.outer.size() + 1];
    ivs[c.k] = Value();

    // Whether the tile at ivs[dim] is whole: ivs[dim] + step <= size.
    auto isFull = [&](OpBuilder &bb, unsigned dim, int64_t step) -> Value {
      return arith::CmpIOp::create(
          bb, loc, arith::CmpIPredicate::sle,
          arith::AddIOp::create(bb, loc, ivs[dim],
                                arith::ConstantIndexOp::create(bb, loc, step)),
          bound[dim]);
    };
    auto ifElse = [&](OpBuilder &bb, Value condition,
                      function_ref<void(OpBuilder &)> then,
                      function_ref<void(OpBuilder &)> otherwise) {
      scf::IfOp::create(
          bb, loc, condition,
          [&](OpBuilder &t, Location) {
            then(t);
            scf::YieldOp::create(t, loc);
          },
          [&](OpBuilder &e, Location) {
            otherwise(e);
            scf::YieldOp::create(e, loc);
          });
    };
    int64_t mRest = mDynamic ? 0 : mSize % tile.mr;
    int64_t nRest = nDynamic ? 0 : nSize % nr;
    // Full tiles, then the remainders: each variant has static sizes, but
    // a run-time remainder of N, which goes one masked vector at a time.
    auto emitN = [&](OpBuilder &bb, int64_t rows) {
      if (!nDynamic && (nRest == 0 || nSize < nr)) {
        emitTile(bb, rows, std::min(nr, nSize));
        return;
      }
      ifElse(
          bb, isFull(bb, c.n, nr), [&](OpBuilder &t) { emitTile(t, rows, nr); },
          [&](OpBuilder &e) {
            if (!nDynamic)
              return emitTile(e, rows, nRest);
            Value tileStart = ivs[c.n];
            auto vectors = scf::ForOp::create(
                e, loc, tileStart, bound[c.n],
                arith::ConstantIndexOp::create(e, loc, tile.lanes));
            OpBuilder v = OpBuilder::atBlockBegin(vectors.getBody());
            ivs[c.n] = vectors.getInductionVar();
            Value left = arith::SubIOp::create(v, loc, bound[c.n], ivs[c.n]);
            Value count = arith::MinSIOp::create(
                v, loc, left, arith::ConstantIndexOp::create(v, loc, tile.lanes));
            Value mask = vector::CreateMaskOp::create(
                v, loc, VectorType::get({tile.lanes}, v.getI1Type()),
                ValueRange{count});
            emitTile(v, rows, tile.lanes, mask);
            ivs[c.n] = tileStart;
          });
    };
    if (!mDynamic && (mRest == 0 || mSize < tile.mr)) {
      emitN(body, std::min(tile.mr, mSize));
      return;
    }
    ifElse(
        body, isFull(body, c.m, tile.mr),
        [&](OpBuilder &t) { emitN(t, tile.mr); },
        [&](OpBuilder &e) {
          if (!mDynamic)
            return emitN(e, mRest);
          // A run-time remainder of M: one row at a time.
          Value tileStart = ivs[c.m];
          auto rowLoop = scf::ForOp::create(
              e, loc, tileStart, bound[c.m],
              arith::ConstantIndexOp::create(e, loc, 1));
          OpBuilder r = OpBuilder::atBlockBegin(rowLoop.getBody());
          ivs[c.m] = rowLoop.getInductionVar();
          emitN(r, 1);
          ivs[c.m] = tileStart;
        });
  }

private:
  /// Indices of an operand for loop values `values` (one per loop).
  SmallVector<Value> operandIndices(OpBuilder &builder, AffineMap map,
                                    ArrayRef<Value> values) {
    SmallVector<Value> indices;
    for (AffineExpr expr : map.getResults())
      indices.push_back(values[cast<AffineDimExpr>(expr).getPosition()]);
    return indices;
  }

  Value offset(OpBuilder &builder, Value base, int64_t delta) {
    if (delta == 0)
      return base;
    return arith::AddIOp::create(
        builder, loc, base, arith::ConstantIndexOp::create(builder, loc, delta));
  }

  /// The micro-kernel for a `rows` x `cols` block at (ivs[m], ivs[n]); with
  /// `dynamicMask`, the last vector of the block is masked by it (a
  /// remainder of N known only at run time).
  void emitTile(OpBuilder &builder, int64_t rows, int64_t cols,
                Value dynamicMask = {}) {
    int64_t lanes = tile.lanes;
    int64_t nv = llvm::divideCeil(cols, lanes);
    bool tail = dynamicMask || cols % lanes != 0;
    Type f32 = builder.getF32Type();
    auto vectorType = VectorType::get({lanes}, f32);
    Value tailMask = dynamicMask;
    if (!dynamicMask && tail)
      tailMask = vector::ConstantMaskOp::create(
          builder, loc, VectorType::get({lanes}, builder.getI1Type()),
          ArrayRef<int64_t>{cols % lanes});
    Value zeros = arith::ConstantOp::create(
        builder, loc, vectorType,
        DenseElementsAttr::get(vectorType, builder.getF32FloatAttr(0.0f)));
    auto load = [&](OpBuilder &bb, Value buffer, ValueRange indices,
                    bool masked) -> Value {
      if (masked)
        return vector::MaskedLoadOp::create(bb, loc, vectorType, buffer,
                                            indices, tailMask, zeros);
      return vector::LoadOp::create(bb, loc, vectorType, buffer, indices);
    };

    // Accumulators start from C (the op accumulates into its output), or
    // from zeros when C was only zero-filled for this op.
    SmallVector<Value> accumulators;
    SmallVector<Value> values(ivs);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < nv; ++j) {
        values[c.m] = offset(builder, ivs[c.m], i);
        values[c.n] = offset(builder, ivs[c.n], j * lanes);
        values[c.k] = values[c.m]; // unused by C
        accumulators.push_back(
            zeroInit ? zeros
                     : load(builder, out,
                            operandIndices(builder, maps[2], values),
                            tail && j == nv - 1));
      }

    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    Value kSize = bound[c.k];
    Value one = arith::ConstantIndexOp::create(builder, loc, 1);
    Value panelBase;
    if (packedB) {
      // ((n / Nr) * K) * Nr: the start of this tile's panel.
      panelBase = arith::MulIOp::create(
          builder, loc, ivs[c.n],
          arith::ConstantIndexOp::create(builder, loc, c.bounds[c.k]));
    }
    auto loop = scf::ForOp::create(
        builder, loc, zero, kSize, one, accumulators,
        [&](OpBuilder &bb, Location, Value k, ValueRange accs) {
          SmallVector<Value> row(ivs);
          row[c.k] = k;
          SmallVector<Value> bVectors;
          for (int64_t j = 0; j < nv; ++j) {
            if (packedB) {
              // panelBase + k * Nr + j * lanes
              Value at = arith::AddIOp::create(
                  bb, loc, panelBase,
                  arith::MulIOp::create(
                      bb, loc, k,
                      arith::ConstantIndexOp::create(bb, loc, tile.nr())));
              bVectors.push_back(
                  load(bb, packedB, {offset(bb, at, j * lanes)}, false));
              continue;
            }
            row[c.n] = offset(bb, ivs[c.n], j * lanes);
            bVectors.push_back(load(bb, b, operandIndices(bb, maps[1], row),
                                    tail && j == nv - 1));
          }
          SmallVector<Value> next;
          for (int64_t i = 0; i < rows; ++i) {
            row[c.m] = offset(bb, ivs[c.m], i);
            row[c.n] = ivs[c.n];
            Value scalar = memref::LoadOp::create(
                bb, loc, a, operandIndices(bb, maps[0], row));
            Value broadcast =
                vector::BroadcastOp::create(bb, loc, vectorType, scalar);
            for (int64_t j = 0; j < nv; ++j)
              next.push_back(vector::FMAOp::create(
                  bb, loc, broadcast, bVectors[j], accs[i * nv + j]));
          }
          scf::YieldOp::create(bb, loc, next);
        });

    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < nv; ++j) {
        values[c.m] = offset(builder, ivs[c.m], i);
        values[c.n] = offset(builder, ivs[c.n], j * lanes);
        SmallVector<Value> indices = operandIndices(builder, maps[2], values);
        Value acc = loop.getResult(i * nv + j);
        if (epilogue) {
          storeThroughEpilogue(builder, loc, *epilogue, indices, acc,
                               tail && j == nv - 1 ? tailMask : Value());
          continue;
        }
        if (tail && j == nv - 1)
          vector::MaskedStoreOp::create(builder, loc, out, indices, tailMask,
                                        acc);
        else
          vector::StoreOp::create(builder, loc, acc, out, indices);
      }
  }

  const Contraction &c;
  RegisterTile tile;
  Value packedB;
  std::optional<Epilogue> epilogue;
  Location loc;

public:
  /// Set when C's zero fill was dropped: accumulators start at zero.
  bool zeroInit = false;

private:
  SmallVector<AffineMap> maps;
  Value a, b, out;
  SmallVector<Value> ivs;
  /// The loop bounds as values (constants where static).
  SmallVector<Value> bound;
};

struct VectorizeContractionsPass
    : impl::VectorizeContractionsBase<VectorizeContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Contraction> contractions;
    module.walk([&](linalg::LinalgOp op) {
      if (std::optional<Contraction> c = matchContraction(op))
        contractions.push_back(*c);
    });
    int64_t lanes = std::max<int64_t>(1, vectorBits / 32);
    llvm::SetVector<memref::GlobalOp> repacked;
    for (Contraction &c : contractions) {
      RegisterTile tile = chooseRegisterTile(c.bounds[c.m], c.bounds[c.n],
                                             lanes, vectorRegisters);
      OpBuilder builder(c.op);
      Value packed;
      if (c.constantB) {
        FailureOr<memref::GlobalOp> global = getPackedB(c, tile);
        if (succeeded(global)) {
          packed = memref::GetGlobalOp::create(builder, c.op.getLoc(),
                                               global->getType(),
                                               global->getSymName());
          repacked.insert(c.constantB);
        }
      }
      if (!packed) {
        // An unreadable constant: read B in place if it is laid out for it.
        AffineMap bMap = c.op.getIndexingMapsArray()[1];
        if (!isInnermost(bMap, c.n) ||
            !hasUnitInnerStride(c.op.getDpsInputOperand(1)->get()))
          continue;
      }
      std::optional<Epilogue> epilogue = matchEpilogue(c.op);
      if (epilogue) {
        // The fused kernel runs where the epilogue did, after the views of
        // its operands; views address them with N collapsed.
        builder.setInsertionPoint(epilogue->op);
        createEpilogueViews(builder, c.op.getLoc(), *epilogue);
      }
      linalg::GenericOp fused = epilogue ? epilogue->op : linalg::GenericOp();
      linalg::FillOp zeroFill = getDroppableZeroFill(c.op, epilogue);
      MicroKernelEmitter emitter(c, tile, packed, std::move(epilogue));
      emitter.zeroInit = static_cast<bool>(zeroFill);
      emitter.emit(builder);
      if (zeroFill)
        zeroFill->erase();
      c.op->erase();
      if (fused)
        fused->erase();
    }
    // Weights now read only in packed form are dropped from the binary:
    // first the views that addressed them, then the globals nothing reads.
    SmallVector<Operation *> views;
    module.walk([&](Operation *op) {
      if (isa<memref::GetGlobalOp, ViewLikeOpInterface>(op))
        views.push_back(op);
    });
    for (Operation *op : llvm::reverse(views))
      if (isOpTriviallyDead(op))
        op->erase();
    SmallVector<DenseResourceElementsHandle> dropped;
    for (memref::GlobalOp global : repacked) {
      if (!SymbolTable::symbolKnownUseEmpty(global, module))
        continue;
      if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(
              global.getInitialValueAttr()))
        dropped.push_back(resource.getRawHandle());
      global->erase();
    }
    releaseUnusedBlobs(module, dropped);
  }

  /// Frees the data of the blobs in `dropped` that no attribute in `module`
  /// refers to any more: the context keeps every blob until it dies, which
  /// would hold a model's weights twice, once unpacked and once packed.
  static void releaseUnusedBlobs(ModuleOp module,
                                 ArrayRef<DenseResourceElementsHandle> dropped) {
    if (dropped.empty())
      return;
    llvm::DenseSet<void *> used;
    module.walk([&](Operation *op) {
      for (NamedAttribute attr : op->getAttrs())
        if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr.getValue()))
          used.insert(resource.getRawHandle().getResource());
    });
    for (DenseResourceElementsHandle handle : dropped)
      if (handle.getResource() && !used.contains(handle.getResource()))
        handle.getResource()->setBlob(AsmResourceBlob());
  }
};

} // namespace
} // namespace onnxc
