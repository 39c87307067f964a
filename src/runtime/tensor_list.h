// TensorList: the value that TensorFlow's TensorList* ops pass around in a DT_VARIANT
// scalar tensor (what Keras LSTM/GRU layers and tf.TensorArray compile to in TF2), plus the
// shape and element helpers that the list kernels share.
//
// A list has an element dtype, an element shape that may be partial, an optional maximum
// size and its elements; an element that was never set (TensorListReserve, Resize) is an
// invalid Tensor and reads as zeros once its shape is known, as in TensorFlow.
//
// Copy-on-write: a TensorList held by a tensor is never modified while anyone else can see
// it. A kernel that changes a list calls ListForUpdate(), which hands back the input's own
// list when the kernel holds the only reference to both the variant tensor and the list
// (TF's ForwardInputOrCreateNewList), and a copy otherwise. Copying a list copies element
// handles, not element data. Forwarding keeps loops that update a list once per iteration
// linear instead of quadratic.
//
// Thread safety: a TensorList reachable from more than one tensor is read-only.
#ifndef TFTRT_RUNTIME_TENSOR_LIST_H_
#define TFTRT_RUNTIME_TENSOR_LIST_H_

#include <memory>
#include <string>
#include <vector>

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

struct TensorList final : Object {
  // TensorFlow's name for the variant type.
  static constexpr const char* kTypeName = "tensorflow::TensorList";
  std::string TypeName() const override { return kTypeName; }

  DataType element_dtype = DataType::kInvalid;
  PartialShape element_shape;     // unknown rank by default
  int64_t max_num_elements = -1;  // -1: unbounded (only EmptyTensorList sets a bound)
  std::vector<Tensor> elements;   // an invalid Tensor is an element never set
};

// A new DT_VARIANT scalar holding `list`.
Tensor MakeListTensor(std::shared_ptr<TensorList> list);

// The list held by `tensor`. InvalidArgument unless `tensor` is a DT_VARIANT scalar holding
// a TensorList. The pointer lives as long as `tensor` (or any tensor sharing its list).
StatusOr<const TensorList*> GetList(const Tensor& tensor);

// A list a kernel may modify, and the tensor to output once it has done so.
struct ListUpdate {
  Tensor tensor;  // the kernel's output: a DT_VARIANT scalar holding `list`
  TensorList* list = nullptr;
};
// `list_tensor` (taken from the kernel's inputs) itself when nothing else references its
// buffer or its list, otherwise a new tensor holding a copy of the list.
// InvalidArgument if `list_tensor` does not hold a TensorList.
StatusOr<ListUpdate> ListForUpdate(Tensor list_tensor);

// --- Partial shapes, with TensorFlow's PartialTensorShape semantics ---

// The partial shape an int32/int64 shape tensor describes: a vector of dims where -1 is an
// unknown dimension, or the scalar -1 for an unknown rank (TF's TensorShapeFromTensor).
StatusOr<PartialShape> PartialShapeFromTensor(const Tensor& shape_tensor);
bool IsFullyDefined(const PartialShape& shape);
// True if some shape matches both: either rank is unknown, or the ranks agree and every
// dimension known in both is equal.
bool AreCompatible(const PartialShape& a, const PartialShape& b);
// The most specific shape compatible with both (TF's MergeWith); InvalidArgument naming
// both shapes if they are incompatible.
StatusOr<PartialShape> MergeShapes(const PartialShape& a, const PartialShape& b);
inline PartialShape KnownShape(const Shape& shape) {
  return {.unknown_rank = false, .dims = shape};
}

// --- Element copies for any dtype (numbers, bool, string, variant, resource) ---

// Copies `count` elements from `src` starting at flat index `src_offset` into `dst` at
// `dst_offset`. REQUIRES: same dtype, both ranges in bounds.
void CopyElements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset,
                  int64_t count);

}  // namespace tftrt

#endif  // TFTRT_RUNTIME_TENSOR_LIST_H_
