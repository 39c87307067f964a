// The header of a NumPy .npy file: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// read as numpy's np.lib.format reads it (ast.literal_eval, then checks of each key).
#ifndef TFTRT_COMMON_NPY_HEADER_H_
#define TFTRT_COMMON_NPY_HEADER_H_

#include <string>
#include <string_view>

#include "tftrt/tensor.h"

namespace tftrt {

struct NpyHeader {
  std::string descr;  // numpy's type string, e.g. "<f4" (not checked here)
  bool fortran_order = false;
  Shape shape;
};

// Parses `text` (the header bytes after the length field, padding included). Accepts the
// Python literal syntax numpy's headers use: either quote style, any whitespace and line
// breaks, comments, trailing commas, nested parentheses, ints with '_'. As numpy requires:
// the keys are exactly 'descr', 'fortran_order' and 'shape'; 'fortran_order' is True or
// False; 'shape' is a tuple of ints whose element count fits in int64 at every step of
// the product; no NUL byte. Stricter than numpy, where numpy would guess or fail later: a
// key given twice (numpy keeps the last), a negative or bool dimension, a non-decimal int,
// escape sequences or adjacent literals in strings.
// Errors: DataLoss, Unimplemented for a structured dtype (a list as 'descr'). `name`
// (usually the path) starts every message.
StatusOr<NpyHeader> ParseNpyHeader(std::string_view text, const std::string& name);

}  // namespace tftrt

#endif  // TFTRT_COMMON_NPY_HEADER_H_
