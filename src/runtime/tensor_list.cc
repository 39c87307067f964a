#include "runtime/tensor_list.h"

#include <algorithm>

#include "common/check.h"

namespace tftrt {
namespace {

StatusOr<std::shared_ptr<TensorList>> ListObject(const Tensor& tensor) {
  if (tensor.dtype() != DataType::kVariant || tensor.rank() != 0) {
    return Status::InvalidArgument("expected a TensorList (a variant scalar), got " +
                                   tensor.DebugString());
  }
  const std::shared_ptr<Object>& object = tensor.objects()[0];
  auto list = std::dynamic_pointer_cast<TensorList>(object);
  if (list == nullptr) {
    return Status::InvalidArgument(
        "expected a TensorList, got a variant holding " +
        (object == nullptr ? std::string("nothing") : object->TypeName()));
  }
  return list;
}

}  // namespace

Tensor MakeListTensor(std::shared_ptr<TensorList> list) {
  Tensor tensor(DataType::kVariant, {});
  tensor.objects()[0] = std::move(list);
  return tensor;
}

StatusOr<const TensorList*> GetList(const Tensor& tensor) {
  TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<TensorList> list, ListObject(tensor));
  return static_cast<const TensorList*>(list.get());
}

StatusOr<ListUpdate> ListForUpdate(Tensor list_tensor) {
  TFTRT_ASSIGN_OR_RETURN(std::shared_ptr<TensorList> list, ListObject(list_tensor));
  // Two owners to rule out: other tensors sharing this tensor's buffer, and other buffers
  // holding the same list (the local `list` is one reference itself).
  if (list_tensor.RefCountIsOne() && list.use_count() == 2) {
    return ListUpdate{.tensor = std::move(list_tensor), .list = list.get()};
  }
  auto copy = std::make_shared<TensorList>(*list);
  TensorList* copy_ptr = copy.get();
  return ListUpdate{.tensor = MakeListTensor(std::move(copy)), .list = copy_ptr};
}

StatusOr<PartialShape> PartialShapeFromTensor(const Tensor& shape_tensor) {
  if (shape_tensor.dtype() != DataType::kInt32 && shape_tensor.dtype() != DataType::kInt64) {
    return Status::InvalidArgument("expected an int32 or int64 shape tensor, got " +
                                   shape_tensor.DebugString());
  }
  if (shape_tensor.rank() == 0) {
    if (shape_tensor.ElementAsInt64(0) == -1) return PartialShape{};
    return Status::InvalidArgument("the only valid scalar shape tensor is -1 (unknown rank), got " +
                                   std::to_string(shape_tensor.ElementAsInt64(0)));
  }
  if (shape_tensor.rank() > 1) {
    return Status::InvalidArgument("a shape tensor must be a scalar or a vector, got " +
                                   shape_tensor.DebugString());
  }
  PartialShape shape{.unknown_rank = false, .dims = {}};
  for (int64_t i = 0; i < shape_tensor.NumElements(); ++i) {
    const int64_t dim = shape_tensor.ElementAsInt64(i);
    if (dim < -1) {
      return Status::InvalidArgument("shape dimension " + std::to_string(i) + " is " +
                                     std::to_string(dim) + "; it must be >= -1");
    }
    shape.dims.push_back(dim);
  }
  return shape;
}

bool IsFullyDefined(const PartialShape& shape) {
  return !shape.unknown_rank &&
         std::all_of(shape.dims.begin(), shape.dims.end(), [](int64_t d) { return d >= 0; });
}

bool AreCompatible(const PartialShape& a, const PartialShape& b) {
  if (a.unknown_rank || b.unknown_rank) return true;
  if (a.dims.size() != b.dims.size()) return false;
  for (size_t i = 0; i < a.dims.size(); ++i) {
    if (a.dims[i] >= 0 && b.dims[i] >= 0 && a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

StatusOr<PartialShape> MergeShapes(const PartialShape& a, const PartialShape& b) {
  if (a.unknown_rank) return b;
  if (b.unknown_rank) return a;
  if (!AreCompatible(a, b)) {
    return Status::InvalidArgument("incompatible shapes " + a.ToString() + " and " + b.ToString());
  }
  PartialShape merged = a;
  for (size_t i = 0; i < merged.dims.size(); ++i) {
    if (merged.dims[i] < 0) merged.dims[i] = b.dims[i];
  }
  return merged;
}

void CopyElements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset,
                  int64_t count) {
  TFTRT_CHECK(src.dtype() == dst.dtype());
  TFTRT_CHECK(src_offset >= 0 && count >= 0 && src_offset + count <= src.NumElements());
  TFTRT_CHECK(dst_offset >= 0 && dst_offset + count <= dst.NumElements());
  if (count == 0) return;
  if (IsPodDataType(src.dtype())) {
    const size_t size = DataTypeSize(src.dtype());
    std::memcpy(static_cast<uint8_t*>(dst.raw_data()) + dst_offset * size,
                static_cast<const uint8_t*>(src.raw_data()) + src_offset * size, count * size);
  } else if (src.dtype() == DataType::kString) {
    const std::string* from = src.flat<std::string>() + src_offset;
    std::copy(from, from + count, dst.flat<std::string>() + dst_offset);
  } else {  // variant, resource: share the objects, as TF copies variant handles
    const std::shared_ptr<Object>* from = src.objects() + src_offset;
    std::copy(from, from + count, dst.objects() + dst_offset);
  }
}

}  // namespace tftrt
