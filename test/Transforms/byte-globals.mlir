// RUN: onnx-opt %s --split-input-file --onnxc-byte-globals | FileCheck %s

// A bool resource blob (one byte per element, as the importer stores it)
// becomes an i8 array; bytes other than 0 read as true. Code reaches the
// global through a pointer and is unchanged.
// CHECK-LABEL: llvm.mlir.global private constant @mask(dense_resource<mask_bytes> : tensor<5xi8>)
// CHECK-SAME: !llvm.array<5 x i8>
// CHECK: llvm.func @read
// CHECK: llvm.mlir.addressof @mask : !llvm.ptr
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i1
// CHECK: mask_bytes: "0x080000000100010101"
llvm.mlir.global private constant @mask(dense_resource<mask> : tensor<5xi1>) {addr_space = 0 : i32} : !llvm.array<5 x i1>
llvm.func @read(%i: i64) -> i1 {
  %0 = llvm.mlir.addressof @mask : !llvm.ptr
  %1 = llvm.getelementptr %0[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i1
  %2 = llvm.load %1 : !llvm.ptr -> i1
  llvm.return %2 : i1
}

{-#
  dialect_resources: {
    builtin: {
      mask: "0x080000000100020101"
    }
  }
#-}

// -----

// Dense (bit-packed) bools become bytes too; a splat stays a splat. Other
// element types are left alone.
// CHECK-LABEL: llvm.mlir.global private constant @dense(dense<[1, 0, 0, 1]> : tensor<4xi8>)
// CHECK-SAME: !llvm.array<4 x i8>
// CHECK: llvm.mlir.global private constant @ones(dense<1> : tensor<6xi8>)
// CHECK-SAME: !llvm.array<6 x i8>
// CHECK: llvm.mlir.global private constant @floats(dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>)
// CHECK-SAME: !llvm.array<2 x f32>
llvm.mlir.global private constant @dense(dense<[true, false, false, true]> : tensor<4xi1>) {addr_space = 0 : i32} : !llvm.array<4 x i1>
llvm.mlir.global private constant @ones(dense<true> : tensor<2x3xi1>) {addr_space = 0 : i32} : !llvm.array<2 x array<3 x i1>>
llvm.mlir.global private constant @floats(dense<[1.0, 2.0]> : tensor<2xf32>) {addr_space = 0 : i32} : !llvm.array<2 x f32>
