// TensorList* kernels: the list ops that TF2 While loops (Keras LSTM/GRU, tf.TensorArray)
// use to collect per-step inputs and outputs. Semantics follow TensorFlow's list_kernels:
// unset elements read as zeros once the element shape is known (from the list, the op's
// element_shape input, or the other elements), indices are checked, and a list is updated
// in place only when the kernel holds its only reference (runtime/tensor_list.h).
// Every element dtype is supported: elements are copied by CopyElements, not per type.
#include <algorithm>
#include <string>
#include <vector>

#include "common/check.h"
#include "graph/attrs.h"
#include "runtime/kernel.h"
#include "runtime/tensor_list.h"

namespace tftrt {
namespace {

// An int32/int64 index or count input: a scalar, or (as TF's scalar<int32>() allows) a
// tensor with exactly one element.
StatusOr<int64_t> ScalarInput(const OpKernelContext& ctx, int input, const char* what) {
  const Tensor& t = ctx.input(input);
  if ((t.dtype() != DataType::kInt32 && t.dtype() != DataType::kInt64) || t.NumElements() != 1) {
    return Status::InvalidArgument(std::string(what) + " must be an int32 scalar, got " +
                                   t.DebugString());
  }
  return t.ElementAsInt64(0);
}

// Indices, lengths: int32 or int64 tensors (the op defs fix which; both read the same).
Status CheckIntegers(const Tensor& t, const char* what) {
  if (t.dtype() != DataType::kInt32 && t.dtype() != DataType::kInt64) {
    return Status::InvalidArgument(std::string(what) + " must be integers, got " + t.DebugString());
  }
  return Status::Ok();
}

// As ScalarInput, but where TF requires a true scalar (list sizes).
StatusOr<int64_t> StrictScalarInput(const OpKernelContext& ctx, int input, const char* what) {
  if (ctx.input(input).rank() != 0) {
    return Status::InvalidArgument(std::string(what) + " must be a scalar, got " +
                                   ctx.input(input).DebugString());
  }
  return ScalarInput(ctx, input, what);
}

// The node's element_dtype attribute, which must match the list's.
Status CheckElementDtype(const OpKernelContext& ctx, const TensorList& list) {
  TFTRT_ASSIGN_OR_RETURN(DataType expected, GetTypeAttr(ctx.node(), "element_dtype"));
  if (expected != list.element_dtype) {
    return Status::InvalidArgument("the op expects " + std::string(DataTypeName(expected)) +
                                   " elements but the list holds " +
                                   std::string(DataTypeName(list.element_dtype)));
  }
  return Status::Ok();
}

// The element shape given by input `input`, merged with the list's own.
StatusOr<PartialShape> ElementShapeFromInput(const OpKernelContext& ctx, int input,
                                             const TensorList& list) {
  TFTRT_ASSIGN_OR_RETURN(PartialShape shape, PartialShapeFromTensor(ctx.input(input)));
  auto merged = MergeShapes(shape, list.element_shape);
  if (!merged.ok()) {
    return merged.status().WithContext("element_shape input vs. the list's element shape");
  }
  return merged;
}

// `shape` refined by the shape of list element `index` if it is set.
Status MergeWithElement(const TensorList& list, int64_t index, PartialShape& shape) {
  const Tensor& element = list.elements[index];
  if (!element.is_valid()) return Status::Ok();
  auto merged = MergeShapes(shape, KnownShape(element.shape()));
  if (!merged.ok()) {
    return merged.status().WithContext("list element " + std::to_string(index) +
                                       " does not match the other elements' shape");
  }
  shape = std::move(*merged);
  return Status::Ok();
}

Status CheckIndex(int64_t index, const TensorList& list, const char* action) {
  if (index < 0 || index >= static_cast<int64_t>(list.elements.size())) {
    return Status::InvalidArgument("trying to " + std::string(action) + " element " +
                                   std::to_string(index) + " in a list with " +
                                   std::to_string(list.elements.size()) + " elements");
  }
  return Status::Ok();
}

// A zero-filled element (what an unset element reads as), or an error saying the shape
// is not known.
StatusOr<Tensor> ZerosElement(DataType dtype, const PartialShape& shape) {
  if (!IsFullyDefined(shape)) {
    return Status::InvalidArgument(
        "trying to read an element that was never set, but the element shape " + shape.ToString() +
        " is not fully defined");
  }
  return Tensor(dtype, shape.dims);
}

// Stacks list elements `indices` into one tensor of shape [indices.size()] + element_shape,
// unset elements as zeros.
StatusOr<Tensor> StackElements(const TensorList& list, const std::vector<int64_t>& indices,
                               const Shape& element_shape) {
  Shape output_shape = element_shape;
  output_shape.insert(output_shape.begin(), static_cast<int64_t>(indices.size()));
  Tensor output(list.element_dtype, output_shape);
  const int64_t element_size = NumElements(element_shape);
  for (size_t i = 0; i < indices.size(); ++i) {
    const Tensor& element = list.elements[indices[i]];
    if (!element.is_valid()) continue;  // the output is zero-filled already
    if (element.shape() != element_shape || element.dtype() != list.element_dtype) {
      return Status::InvalidArgument("list element " + std::to_string(indices[i]) + " is " +
                                     element.DebugString() + ", expected " +
                                     std::string(DataTypeName(list.element_dtype)) +
                                     ShapeToString(element_shape));
    }
    CopyElements(element, 0, output, static_cast<int64_t>(i) * element_size, element_size);
  }
  return output;
}

// Row `row` of `tensor` (rank >= 1) as a new tensor of shape tensor.shape[1:].
Tensor Row(const Tensor& tensor, int64_t row) {
  Shape row_shape(tensor.shape().begin() + 1, tensor.shape().end());
  Tensor result(tensor.dtype(), row_shape);
  const int64_t row_size = result.NumElements();
  CopyElements(tensor, row * row_size, result, 0, row_size);
  return result;
}

// REQUIRES: the rank is unknown or >= 1.
PartialShape WithoutFirstDim(const PartialShape& shape) {
  if (shape.unknown_rank) return shape;
  TFTRT_CHECK(!shape.dims.empty());
  return {.unknown_rank = false, .dims = Shape(shape.dims.begin() + 1, shape.dims.end())};
}

// --- Creating lists ---

Status EmptyTensorListKernel(OpKernelContext& ctx) {
  auto list = std::make_shared<TensorList>();
  TFTRT_ASSIGN_OR_RETURN(list->element_dtype, GetTypeAttr(ctx.node(), "element_dtype"));
  TFTRT_ASSIGN_OR_RETURN(list->element_shape, PartialShapeFromTensor(ctx.input(0)));
  TFTRT_ASSIGN_OR_RETURN(list->max_num_elements, StrictScalarInput(ctx, 1, "max_num_elements"));
  ctx.set_output(0, MakeListTensor(std::move(list)));
  return Status::Ok();
}

Status TensorListReserveKernel(OpKernelContext& ctx) {
  auto list = std::make_shared<TensorList>();
  TFTRT_ASSIGN_OR_RETURN(list->element_dtype, GetTypeAttr(ctx.node(), "element_dtype"));
  TFTRT_ASSIGN_OR_RETURN(list->element_shape, PartialShapeFromTensor(ctx.input(0)));
  TFTRT_ASSIGN_OR_RETURN(int64_t num_elements, StrictScalarInput(ctx, 1, "num_elements"));
  if (num_elements < 0) {
    return Status::InvalidArgument("num_elements must be >= 0, got " +
                                   std::to_string(num_elements));
  }
  list->elements.resize(num_elements);
  ctx.set_output(0, MakeListTensor(std::move(list)));
  return Status::Ok();
}

Status TensorListFromTensorKernel(OpKernelContext& ctx) {
  const Tensor& tensor = ctx.input(0);
  if (tensor.rank() < 1) {
    return Status::InvalidArgument("the tensor must be at least a vector, got " +
                                   tensor.DebugString());
  }
  auto list = std::make_shared<TensorList>();
  list->element_dtype = tensor.dtype();
  TFTRT_ASSIGN_OR_RETURN(list->element_shape, PartialShapeFromTensor(ctx.input(1)));
  const PartialShape row_shape = WithoutFirstDim(KnownShape(tensor.shape()));
  if (!AreCompatible(list->element_shape, row_shape)) {
    return Status::InvalidArgument("element_shape " + list->element_shape.ToString() +
                                   " does not match the rows " + row_shape.ToString() +
                                   " of the tensor " + tensor.DebugString());
  }
  list->elements.reserve(tensor.dim(0));
  for (int64_t i = 0; i < tensor.dim(0); ++i) list->elements.push_back(Row(tensor, i));
  ctx.set_output(0, MakeListTensor(std::move(list)));
  return Status::Ok();
}

// TensorListScatter (inputs tensor, indices, element_shape) and TensorListScatterV2 (plus
// num_elements): a new list with row i of `tensor` at indices[i].
Status TensorListScatterKernel(OpKernelContext& ctx) {
  const Tensor& tensor = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  TFTRT_RETURN_IF_ERROR(CheckIntegers(indices, "indices"));
  int64_t num_elements = -1;
  if (ctx.num_inputs() > 3) {
    TFTRT_ASSIGN_OR_RETURN(num_elements, ScalarInput(ctx, 3, "num_elements"));
    if (num_elements < -1) {
      return Status::InvalidArgument("num_elements must be >= -1, got " +
                                     std::to_string(num_elements));
    }
  }
  if (tensor.rank() < 1) {
    return Status::InvalidArgument("the tensor must be at least a vector, got " +
                                   tensor.DebugString());
  }
  auto list = std::make_shared<TensorList>();
  list->element_dtype = tensor.dtype();
  TFTRT_ASSIGN_OR_RETURN(list->element_shape, PartialShapeFromTensor(ctx.input(2)));
  const PartialShape row_shape = WithoutFirstDim(KnownShape(tensor.shape()));
  if (!AreCompatible(list->element_shape, row_shape)) {
    return Status::InvalidArgument("element_shape " + list->element_shape.ToString() +
                                   " does not match the rows " + row_shape.ToString() +
                                   " of the tensor " + tensor.DebugString());
  }
  if (indices.NumElements() != tensor.dim(0)) {
    return Status::InvalidArgument("got " + std::to_string(indices.NumElements()) +
                                   " indices for " + std::to_string(tensor.dim(0)) +
                                   " rows of the tensor");
  }
  int64_t size = num_elements;
  for (int64_t i = 0; i < indices.NumElements(); ++i) {
    const int64_t index = indices.ElementAsInt64(i);
    if (index < 0 || (num_elements != -1 && index >= num_elements)) {
      return Status::InvalidArgument("cannot scatter to index " + std::to_string(index) +
                                     " of a list of " + std::to_string(num_elements) + " elements");
    }
    size = std::max(size, index + 1);
  }
  list->elements.resize(std::max<int64_t>(size, 0));
  for (int64_t i = 0; i < indices.NumElements(); ++i) {
    list->elements[indices.ElementAsInt64(i)] = Row(tensor, i);
  }
  ctx.set_output(0, MakeListTensor(std::move(list)));
  return Status::Ok();
}

Status TensorListSplitKernel(OpKernelContext& ctx) {
  const Tensor& tensor = ctx.input(0);
  TFTRT_ASSIGN_OR_RETURN(PartialShape element_shape, PartialShapeFromTensor(ctx.input(1)));
  const Tensor& lengths = ctx.input(2);
  if (!element_shape.unknown_rank && element_shape.dims.empty()) {
    return Status::InvalidArgument("element_shape must be at least of rank 1, got []");
  }
  if (tensor.rank() < 1) {
    return Status::InvalidArgument("the tensor must be at least a vector, got " +
                                   tensor.DebugString());
  }
  if (!AreCompatible(WithoutFirstDim(element_shape), WithoutFirstDim(KnownShape(tensor.shape())))) {
    return Status::InvalidArgument("tensor " + tensor.DebugString() +
                                   " is not compatible with element_shape " +
                                   element_shape.ToString());
  }
  TFTRT_RETURN_IF_ERROR(CheckIntegers(lengths, "lengths"));
  if (lengths.rank() != 1) {
    return Status::InvalidArgument("lengths must be a vector, got " + lengths.DebugString());
  }
  auto list = std::make_shared<TensorList>();
  list->element_dtype = tensor.dtype();
  list->element_shape = element_shape;
  const int64_t row_size = tensor.dim(0) == 0 ? 0 : tensor.NumElements() / tensor.dim(0);
  int64_t start = 0;
  for (int64_t i = 0; i < lengths.NumElements(); ++i) {
    const int64_t length = lengths.ElementAsInt64(i);
    if (length < 0 || start + length > tensor.dim(0)) {
      return Status::InvalidArgument("lengths[" + std::to_string(i) +
                                     "] = " + std::to_string(length) + " does not fit: rows " +
                                     std::to_string(start) + ".. of " + tensor.DebugString());
    }
    Shape piece_shape = tensor.shape();
    piece_shape[0] = length;
    Tensor piece(tensor.dtype(), piece_shape);
    CopyElements(tensor, start * row_size, piece, 0, length * row_size);
    list->elements.push_back(std::move(piece));
    start += length;
  }
  if (start != tensor.dim(0)) {
    return Status::InvalidArgument("lengths sum to " + std::to_string(start) +
                                   " but the tensor has " + std::to_string(tensor.dim(0)) +
                                   " rows");
  }
  ctx.set_output(0, MakeListTensor(std::move(list)));
  return Status::Ok();
}

// --- Reading lists ---

Status TensorListLengthKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  ctx.set_output(0, Tensor::Scalar<int32_t>(static_cast<int32_t>(list->elements.size())));
  return Status::Ok();
}

Status TensorListElementShapeKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_ASSIGN_OR_RETURN(DataType shape_type, GetTypeAttr(ctx.node(), "shape_type"));
  if (shape_type != DataType::kInt32 && shape_type != DataType::kInt64) {
    return Status::InvalidArgument("shape_type must be int32 or int64, got " +
                                   std::string(DataTypeName(shape_type)));
  }
  const PartialShape& shape = list->element_shape;
  // TF's convention: an unknown rank is the scalar -1, an unknown dimension is -1.
  const std::vector<int64_t> dims = shape.unknown_rank ? std::vector<int64_t>{-1} : shape.dims;
  const Shape output_shape =
      shape.unknown_rank ? Shape{} : Shape{static_cast<int64_t>(dims.size())};
  Tensor output(shape_type, output_shape);
  for (size_t i = 0; i < dims.size(); ++i) {
    if (shape_type == DataType::kInt32) {
      output.flat<int32_t>()[i] = static_cast<int32_t>(dims[i]);
    } else {
      output.flat<int64_t>()[i] = dims[i];
    }
  }
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status TensorListGetItemKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  TFTRT_ASSIGN_OR_RETURN(int64_t index, ScalarInput(ctx, 1, "index"));
  TFTRT_RETURN_IF_ERROR(CheckIndex(index, *list, "read"));
  if (list->elements[index].is_valid()) {
    ctx.set_output(0, list->elements[index]);
    return Status::Ok();
  }
  TFTRT_ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, 2, *list));
  // As TF (for parity with TensorArray): the other elements may tell the shape, and then
  // must all agree on it.
  if (!IsFullyDefined(shape)) {
    for (size_t i = 0; i < list->elements.size(); ++i) {
      TFTRT_RETURN_IF_ERROR(MergeWithElement(*list, static_cast<int64_t>(i), shape));
    }
  }
  TFTRT_ASSIGN_OR_RETURN(Tensor zeros, ZerosElement(list->element_dtype, shape));
  ctx.set_output(0, std::move(zeros));
  return Status::Ok();
}

// The fully defined element shape for stacking or gathering elements `indices`: the
// element_shape input (input 1 or 2) merged with the list's and with the set elements'.
StatusOr<Shape> StackedElementShape(const OpKernelContext& ctx, int shape_input,
                                    const TensorList& list, const std::vector<int64_t>& indices) {
  TFTRT_ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, shape_input, list));
  if (indices.empty() && !IsFullyDefined(shape)) {
    return Status::InvalidArgument("cannot stack zero elements: the element shape " +
                                   shape.ToString() + " is not fully defined");
  }
  if (!IsFullyDefined(list.element_shape)) {
    for (int64_t index : indices) TFTRT_RETURN_IF_ERROR(MergeWithElement(list, index, shape));
  }
  if (!IsFullyDefined(shape)) {
    return Status::InvalidArgument(
        "cannot stack a list whose elements were never set: the element shape " + shape.ToString() +
        " is not fully defined");
  }
  return shape.dims;
}

Status TensorListStackKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  TFTRT_ASSIGN_OR_RETURN(int64_t num_elements, GetIntAttrOr(ctx.node(), "num_elements", -1));
  const auto size = static_cast<int64_t>(list->elements.size());
  if (num_elements != -1 && num_elements != size) {
    return Status::InvalidArgument("expected a list of " + std::to_string(num_elements) +
                                   " elements, got " + std::to_string(size));
  }
  std::vector<int64_t> all(size);
  for (int64_t i = 0; i < size; ++i) all[i] = i;
  TFTRT_ASSIGN_OR_RETURN(Shape element_shape, StackedElementShape(ctx, 1, *list, all));
  TFTRT_ASSIGN_OR_RETURN(Tensor output, StackElements(*list, all, element_shape));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

Status TensorListGatherKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  const Tensor& indices_tensor = ctx.input(1);
  TFTRT_RETURN_IF_ERROR(CheckIntegers(indices_tensor, "indices"));
  // TF reads the indices flat, whatever their rank.
  std::vector<int64_t> indices(indices_tensor.NumElements());
  for (int64_t i = 0; i < indices_tensor.NumElements(); ++i) {
    indices[i] = indices_tensor.ElementAsInt64(i);
    TFTRT_RETURN_IF_ERROR(CheckIndex(indices[i], *list, "gather"));
  }
  TFTRT_ASSIGN_OR_RETURN(Shape element_shape, StackedElementShape(ctx, 2, *list, indices));
  TFTRT_ASSIGN_OR_RETURN(Tensor output, StackElements(*list, indices, element_shape));
  ctx.set_output(0, std::move(output));
  return Status::Ok();
}

// Outputs: the concatenation along the elements' first dimension and the int64 length
// (first dimension) of each element.
Status TensorListConcatV2Kernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  TFTRT_ASSIGN_OR_RETURN(PartialShape element_shape, ElementShapeFromInput(ctx, 1, *list));
  const Tensor& leading_dims = ctx.input(2);
  TFTRT_RETURN_IF_ERROR(CheckIntegers(leading_dims, "leading_dims"));
  if (!element_shape.unknown_rank && element_shape.dims.empty()) {
    return Status::InvalidArgument("concat requires elements of rank >= 1, got scalars");
  }
  int64_t first_dim = element_shape.unknown_rank ? -1 : element_shape.dims[0];
  PartialShape rest = WithoutFirstDim(element_shape);
  const auto size = static_cast<int64_t>(list->elements.size());
  if (size == 0 && !IsFullyDefined(rest)) {
    return Status::InvalidArgument(
        "all but the first dimension must be fully defined to concat an empty list, got " +
        element_shape.ToString());
  }
  // The set elements tell the rest of the shape, and their common first dimension (if they
  // share one) is the length of unset elements without leading_dims. (TF looks at them only
  // when the list's element shape is partial; for valid lists that is the same.)
  const bool infer_first_dim = first_dim == -1;
  bool first_dim_agrees = true;
  for (int64_t i = 0; i < size; ++i) {
    const Tensor& element = list->elements[i];
    if (!element.is_valid()) continue;
    if (element.rank() < 1 || element.dtype() != list->element_dtype) {
      return Status::InvalidArgument(
          "concat requires " + std::string(DataTypeName(list->element_dtype)) +
          " elements of rank >= 1, element " + std::to_string(i) + " is " + element.DebugString());
    }
    auto merged = MergeShapes(rest, WithoutFirstDim(KnownShape(element.shape())));
    if (!merged.ok()) return merged.status().WithContext("list element " + std::to_string(i));
    rest = std::move(*merged);
    if (!infer_first_dim) {
      if (first_dim != element.dim(0)) {
        return Status::InvalidArgument("element_shape's first dimension " +
                                       std::to_string(first_dim) + " does not match element " +
                                       std::to_string(i) + " " + element.DebugString());
      }
    } else if (first_dim == -1 && first_dim_agrees) {
      first_dim = element.dim(0);
    } else if (first_dim != element.dim(0)) {
      first_dim = -1;
      first_dim_agrees = false;
    }
  }
  if (!IsFullyDefined(rest)) {
    return Status::InvalidArgument("cannot concat elements that were never set: their shape " +
                                   rest.ToString() +
                                   " (all but the first dimension) is not fully defined");
  }
  Tensor lengths(DataType::kInt64, {size});
  int64_t total = 0;
  for (int64_t i = 0; i < size; ++i) {
    const Tensor& element = list->elements[i];
    int64_t length;
    if (element.is_valid()) {
      length = element.dim(0);
    } else if (i < leading_dims.NumElements()) {
      length = leading_dims.ElementAsInt64(i);
    } else if (first_dim != -1) {
      length = first_dim;
    } else {
      return Status::InvalidArgument("list element " + std::to_string(i) +
                                     " was never set and leading_dims has only " +
                                     std::to_string(leading_dims.NumElements()) + " entries");
    }
    if (length < 0) {
      return Status::InvalidArgument("leading_dims[" + std::to_string(i) + "] is negative");
    }
    lengths.flat<int64_t>()[i] = length;
    total += length;
  }
  Shape output_shape = rest.dims;
  output_shape.insert(output_shape.begin(), total);
  Tensor output(list->element_dtype, output_shape);
  const int64_t row_size = NumElements(rest.dims);
  int64_t offset = 0;
  for (int64_t i = 0; i < size; ++i) {
    const Tensor& element = list->elements[i];
    const int64_t length = lengths.flat<int64_t>()[i];
    // Set elements were checked above: [length] + rest, of the list's dtype.
    if (element.is_valid()) CopyElements(element, 0, output, offset, length * row_size);
    offset += length * row_size;
  }
  ctx.set_output(0, std::move(output));
  ctx.set_output(1, std::move(lengths));
  return Status::Ok();
}

// --- Updating lists (in place when the kernel holds the only reference) ---

Status TensorListSetItemKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  TFTRT_ASSIGN_OR_RETURN(int64_t index, ScalarInput(ctx, 1, "index"));
  TFTRT_ASSIGN_OR_RETURN(bool resize,
                         GetBoolAttrOr(ctx.node(), "resize_if_index_out_of_bounds", false));
  const auto size = static_cast<int64_t>(list->elements.size());
  if (index < 0 || (index >= size && !resize)) {
    return Status::InvalidArgument("trying to set element " + std::to_string(index) +
                                   " in a list with " + std::to_string(size) + " elements");
  }
  const Tensor& item = ctx.input(2);
  if (item.dtype() != list->element_dtype) {
    return Status::InvalidArgument("cannot set a " + item.DebugString() + " in a list of " +
                                   std::string(DataTypeName(list->element_dtype)));
  }
  if (!list->element_shape.IsCompatibleWith(item.shape())) {
    return Status::InvalidArgument("cannot set an item of shape " + ShapeToString(item.shape()) +
                                   " in a list with element shape " +
                                   list->element_shape.ToString());
  }
  TFTRT_ASSIGN_OR_RETURN(ListUpdate update, ListForUpdate(ctx.TakeInput(0)));
  if (index >= size) update.list->elements.resize(index + 1);
  update.list->elements[index] = ctx.TakeInput(2);
  ctx.set_output(0, std::move(update.tensor));
  return Status::Ok();
}

Status TensorListPushBackKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  const Tensor& item = ctx.input(1);
  if (item.dtype() != list->element_dtype) {
    return Status::InvalidArgument("cannot append a " + item.DebugString() + " to a list of " +
                                   std::string(DataTypeName(list->element_dtype)));
  }
  if (!list->element_shape.IsCompatibleWith(item.shape())) {
    return Status::InvalidArgument("cannot append an item of shape " + ShapeToString(item.shape()) +
                                   " to a list with element shape " +
                                   list->element_shape.ToString());
  }
  if (list->max_num_elements != -1 &&
      static_cast<int64_t>(list->elements.size()) >= list->max_num_elements) {
    return Status::InvalidArgument(
        "cannot append to a full list: it has " + std::to_string(list->elements.size()) +
        " elements, max_num_elements is " + std::to_string(list->max_num_elements));
  }
  TFTRT_ASSIGN_OR_RETURN(ListUpdate update, ListForUpdate(ctx.TakeInput(0)));
  update.list->elements.push_back(ctx.TakeInput(1));
  ctx.set_output(0, std::move(update.tensor));
  return Status::Ok();
}

// Outputs: the list without its last element, and that element.
Status TensorListPopBackKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  TFTRT_RETURN_IF_ERROR(CheckElementDtype(ctx, *list));
  if (list->elements.empty()) {
    return Status::InvalidArgument("trying to pop from an empty list");
  }
  Tensor last = list->elements.back();
  if (!last.is_valid()) {
    // Unlike GetItem, TF does not look at the other elements here.
    TFTRT_ASSIGN_OR_RETURN(PartialShape shape, ElementShapeFromInput(ctx, 1, *list));
    TFTRT_ASSIGN_OR_RETURN(last, ZerosElement(list->element_dtype, shape));
  }
  TFTRT_ASSIGN_OR_RETURN(ListUpdate update, ListForUpdate(ctx.TakeInput(0)));
  update.list->elements.pop_back();
  ctx.set_output(0, std::move(update.tensor));
  ctx.set_output(1, std::move(last));
  return Status::Ok();
}

Status TensorListResizeKernel(OpKernelContext& ctx) {
  TFTRT_RETURN_IF_ERROR(GetList(ctx.input(0)));
  TFTRT_ASSIGN_OR_RETURN(int64_t size, StrictScalarInput(ctx, 1, "size"));
  if (size < 0) {
    return Status::InvalidArgument("size must be >= 0, got " + std::to_string(size));
  }
  TFTRT_ASSIGN_OR_RETURN(ListUpdate update, ListForUpdate(ctx.TakeInput(0)));
  update.list->elements.resize(size);
  ctx.set_output(0, std::move(update.tensor));
  return Status::Ok();
}

// Sets element indices[i] to row i of `tensor`, growing the list to fit the largest index.
// Unlike TF, negative indices and rows incompatible with the element shape are errors
// (TF crashes or stores them).
Status TensorListScatterIntoExistingListKernel(OpKernelContext& ctx) {
  TFTRT_ASSIGN_OR_RETURN(const TensorList* list, GetList(ctx.input(0)));
  const Tensor& tensor = ctx.input(1);
  const Tensor& indices = ctx.input(2);
  if (tensor.dtype() != list->element_dtype) {
    return Status::InvalidArgument("cannot scatter a " + tensor.DebugString() + " into a list of " +
                                   std::string(DataTypeName(list->element_dtype)));
  }
  if (tensor.rank() < 1) {
    return Status::InvalidArgument("the tensor must be at least a vector, got " +
                                   tensor.DebugString());
  }
  TFTRT_RETURN_IF_ERROR(CheckIntegers(indices, "indices"));
  if (indices.rank() != 1) {
    return Status::InvalidArgument("indices must be a vector, got " + indices.DebugString());
  }
  if (indices.NumElements() != tensor.dim(0)) {
    return Status::InvalidArgument("got " + std::to_string(indices.NumElements()) +
                                   " indices for " + std::to_string(tensor.dim(0)) +
                                   " rows of the tensor");
  }
  const PartialShape row_shape = WithoutFirstDim(KnownShape(tensor.shape()));
  if (!AreCompatible(list->element_shape, row_shape)) {
    return Status::InvalidArgument("rows " + row_shape.ToString() +
                                   " do not match the list's element shape " +
                                   list->element_shape.ToString());
  }
  int64_t size = static_cast<int64_t>(list->elements.size());
  for (int64_t i = 0; i < indices.NumElements(); ++i) {
    const int64_t index = indices.ElementAsInt64(i);
    if (index < 0) {
      return Status::InvalidArgument("cannot scatter to negative index " + std::to_string(index));
    }
    size = std::max(size, index + 1);
  }
  TFTRT_ASSIGN_OR_RETURN(ListUpdate update, ListForUpdate(ctx.TakeInput(0)));
  update.list->elements.resize(size);
  for (int64_t i = 0; i < indices.NumElements(); ++i) {
    update.list->elements[indices.ElementAsInt64(i)] = Row(tensor, i);
  }
  ctx.set_output(0, std::move(update.tensor));
  return Status::Ok();
}

}  // namespace

void RegisterTensorListOps(KernelRegistry& registry) {
  registry.Register("EmptyTensorList", EmptyTensorListKernel);
  registry.Register("TensorListReserve", TensorListReserveKernel);
  registry.Register("TensorListFromTensor", TensorListFromTensorKernel);
  registry.Register("TensorListScatter", TensorListScatterKernel);
  registry.Register("TensorListScatterV2", TensorListScatterKernel);
  registry.Register("TensorListSplit", TensorListSplitKernel);
  registry.Register("TensorListLength", TensorListLengthKernel);
  registry.Register("TensorListElementShape", TensorListElementShapeKernel);
  registry.Register("TensorListGetItem", TensorListGetItemKernel);
  registry.Register("TensorListStack", TensorListStackKernel);
  registry.Register("TensorListGather", TensorListGatherKernel);
  registry.Register("TensorListConcatV2", TensorListConcatV2Kernel);
  registry.Register("TensorListSetItem", TensorListSetItemKernel);
  registry.Register("TensorListPushBack", TensorListPushBackKernel);
  registry.Register("TensorListPopBack", TensorListPopBackKernel);
  registry.Register("TensorListResize", TensorListResizeKernel);
  registry.Register("TensorListScatterIntoExistingList", TensorListScatterIntoExistingListKernel);
}

}  // namespace tftrt
