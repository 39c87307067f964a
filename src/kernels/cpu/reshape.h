// Reshape's shape rule, as tf.reshape: the requested shape may hold one -1, inferred from
// the input's element count; zero-size dimensions aside, as TF (a -1 beside a 0 in the
// requested shape is inferred from the input's other dimensions).
//
// Shared by the native Reshape kernel and the Reshape converter's shape function.
#ifndef TFTRT_KERNELS_CPU_RESHAPE_H_
#define TFTRT_KERNELS_CPU_RESHAPE_H_

#include "tftrt/status.h"
#include "tftrt/tensor.h"

namespace tftrt {

// The shape that reshaping a tensor of `input` to `shape` gives: `shape` with its -1 filled
// in. InvalidArgument with TensorFlow's wording for: more than one -1, a negative
// size, too many elements, an element count that does not fit.
StatusOr<Shape> ResolveReshape(const Shape& input, Shape shape);

}  // namespace tftrt

#endif  // TFTRT_KERNELS_CPU_RESHAPE_H_
