// Conversions between tftrt values (Tensor, DataType, Shape, PartialShape) and their
// TensorFlow protos (TensorProto, DataType enum, TensorShapeProto).
//
// TensorFromProto follows TensorFlow's reading rules exactly (tensor.cc FromProto), so that a
// Const node or signature default means here what it means in TensorFlow:
//  * a non-empty tensor_content holds the raw row-major little-endian element bytes and must
//    have exactly NumElements * element-size bytes (strings: TF's string-list encoding);
//  * otherwise the typed field of the dtype is used (float_val, int_val, half_val, ...); if it
//    holds fewer values than elements the last value is repeated, if it holds none the tensor
//    is zeros, and extra values are ignored;
//  * DT_HALF / DT_BFLOAT16 use half_val (16-bit patterns); DT_INT8/UINT8/INT16/UINT16 use
//    int_val; complex types use (re, im) pairs.
// TensorToProto writes tensor_content for numeric and bool tensors and string_val for strings.
//
// All functions are thread-safe (no shared state).
#ifndef TFTRT_SAVEDMODEL_TENSOR_PROTO_H_
#define TFTRT_SAVEDMODEL_TENSOR_PROTO_H_

#include <string>

#include "proto/tensor.pb.h"
#include "proto/tensor_shape.pb.h"
#include "proto/types.pb.h"
#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The tftrt DataType for a wire value. Errors (InvalidArgument) name the value: unknown
// numbers, DT_INVALID, types tftrt cannot hold (quantized, float8, int4, ...) and TF1
// reference types (DT_FLOAT_REF, ...; use BaseDataTypeValue first where refs are expected).
StatusOr<DataType> DataTypeFromProto(int value);
inline tensorflow::DataType DataTypeToProto(DataType dtype) {
  return static_cast<tensorflow::DataType>(static_cast<int>(dtype));
}
// "DT_FLOAT" for 1, "DT_FLOAT_REF" for 101, "DataType(999)" for unknown values.
std::string DataTypeProtoName(int value);
// TF1 reference types are value + 100: DT_FLOAT_REF (101) -> DT_FLOAT (1). Others unchanged.
inline int BaseDataTypeValue(int value) { return value > 100 ? value - 100 : value; }

// A fully defined shape. InvalidArgument if the rank or a dimension is unknown (or < -1).
StatusOr<Shape> ShapeFromProto(const tensorflow::TensorShapeProto& proto);
// A shape that may be partial. InvalidArgument for dims < -1 or unknown_rank with dims.
StatusOr<PartialShape> PartialShapeFromProto(const tensorflow::TensorShapeProto& proto);
// Overwrites `proto`. Dimensions of -1 in `shape` are written as unknown (-1).
void ShapeToProto(const Shape& shape, tensorflow::TensorShapeProto* proto);
void PartialShapeToProto(const PartialShape& shape, tensorflow::TensorShapeProto* proto);

// The tensor a TensorProto describes, by TensorFlow's rules (see the file comment).
// InvalidArgument for an unknown / unsupported dtype, a partial or overflowing shape, or a
// tensor_content of the wrong size; Unimplemented for DT_RESOURCE / DT_VARIANT values.
StatusOr<Tensor> TensorFromProto(const tensorflow::TensorProto& proto);

// Overwrites `proto` with `tensor`: dtype, shape, and tensor_content (numeric, bool) or
// string_val (strings). REQUIRES: tensor.is_valid() and dtype is not resource / variant.
void TensorToProto(const Tensor& tensor, tensorflow::TensorProto* proto);

}  // namespace tftrt

#endif  // TFTRT_SAVEDMODEL_TENSOR_PROTO_H_
