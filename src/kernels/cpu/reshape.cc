#include "kernels/cpu/reshape.h"

#include <limits>
#include <string>

namespace tftrt {
namespace {

// "[2,-1,3]": the values as they are (ShapeToString would print -1 as "?").
std::string ValuesString(const Shape& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(values[i]);
  }
  return s + "]";
}

}  // namespace

StatusOr<Shape> ResolveReshape(const Shape& input, Shape shape) {
  int unknown_index = -1;
  int64_t known_product = 1;  // of the dimensions that are neither -1 nor 0
  bool has_zero_dim = false;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == -1) {
      if (unknown_index != -1) {
        return Status::InvalidArgument("Only one input size may be -1, not both " +
                                       std::to_string(unknown_index) + " and " + std::to_string(d));
      }
      unknown_index = static_cast<int>(d);
    } else if (shape[d] < 0) {
      return Status::InvalidArgument("Size " + std::to_string(d) + " must be non-negative, not " +
                                     std::to_string(shape[d]));
    } else if (shape[d] == 0) {
      has_zero_dim = true;
    } else {
      if (known_product > std::numeric_limits<int64_t>::max() / shape[d]) {
        return Status::InvalidArgument("shape " + ValuesString(shape) + " has too many elements");
      }
      known_product *= shape[d];
    }
  }
  if (unknown_index != -1) {
    // Zero-size input dimensions are left out when the requested shape has a zero too,
    // so that the -1 can still be inferred from the other dimensions (as TF does).
    int64_t input_elements = 1;
    bool input_has_zero_dim = false;
    for (int64_t d : input) {
      if (d > 0 || !has_zero_dim) {
        input_elements *= d;
      } else {
        input_has_zero_dim = true;
      }
    }
    const int64_t missing = input_elements / known_product;
    if (!input_has_zero_dim && known_product * missing != input_elements) {
      return Status::InvalidArgument("Input to reshape is a tensor with " +
                                     std::to_string(input_elements) +
                                     " values, but the requested shape requires a multiple of " +
                                     std::to_string(known_product));
    }
    shape[unknown_index] = missing;
  }
  if (NumElements(shape) != NumElements(input)) {
    return Status::InvalidArgument(
        "Input to reshape is a tensor with " + std::to_string(NumElements(input)) +
        " values, but the requested shape has " + std::to_string(NumElements(shape)));
  }
  return shape;
}

}  // namespace tftrt
