// Reading and writing NumPy .npy files (format version 1.0-3.0), the interchange format
// of `tftrt run` and of the test fixtures that TensorFlow writes.
//
// Supported element types: the numeric ones, bool, and strings (DT_STRING): fixed-width
// byte strings ('S<n>', trailing NULs stripped, as numpy does) and numpy str arrays
// ('<U<n>', UCS-4, read as UTF-8); string tensors are written as 'S<n>' (TensorFlow's
// strings are bytes). Object arrays ('|O') are pickled and refused with a clear error.
// Fortran-order arrays (as np.save writes a Fortran-contiguous array) are read into tftrt's
// row-major order; big-endian and structured arrays are rejected with a clear error. The header is
// parsed as numpy parses it (common/npy_header.h).
#ifndef TFTRT_COMMON_NPY_H_
#define TFTRT_COMMON_NPY_H_

#include <string>

#include "tftrt/tensor.h"

namespace tftrt {

// Parses the bytes of a .npy file; `name` (usually the path) is used in errors.
StatusOr<Tensor> ParseNpy(const std::string& bytes, const std::string& name);
// Serializes a tensor as a .npy file (version 1.0).
StatusOr<std::string> SerializeNpy(const Tensor& tensor);

StatusOr<Tensor> ReadNpyFile(const std::string& path);
Status WriteNpyFile(const std::string& path, const Tensor& tensor);

}  // namespace tftrt

#endif  // TFTRT_COMMON_NPY_H_
