// RUN: onnx-opt %s --onnxc-lower-run-time-checks | FileCheck %s

// A failed check calls the runtime's onnxc_fail with its message, which
// unwinds to the run; it never aborts the process.
// CHECK:       llvm.mlir.global private constant @onnxc_check_0("Add node 'a': dims differ\00")
// CHECK:       llvm.func @onnxc_fail(!llvm.ptr)
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME:    %[[A:.*]]: index, %[[B:.*]]: index)
// CHECK:         %[[OK:.*]] = arith.cmpi eq, %[[A]], %[[B]] : index
// CHECK:         cf.cond_br %[[OK]], ^[[CONT:.*]], ^[[FAIL:.*]]
// CHECK:       ^[[CONT]]:
// CHECK:         return
// CHECK:       ^[[FAIL]]:
// CHECK:         %[[MSG:.*]] = llvm.mlir.addressof @onnxc_check_0
// CHECK:         llvm.call @onnxc_fail(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK:         llvm.unreachable
// CHECK-NOT:     cf.assert
func.func @main_graph(%a: index, %b: index) {
  %ok = arith.cmpi eq, %a, %b : index
  cf.assert %ok, "Add node 'a': dims differ"
  return
}
