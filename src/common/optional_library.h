// Libraries tftrt builds without where their -dev package is missing (the GPU machine's
// build may lack them): libjpeg-turbo and libpng (image decoding), FFTW3 (FFTs), RE2 (regular
// expressions), ICU (UTF-8 case mapping). An op that needs a missing one fails with
// MissingLibrary's error, which names the library and its package; tests that reach such an
// error skip with its message (tests/testing/optional_libraries.h).
#ifndef TFTRT_COMMON_OPTIONAL_LIBRARY_H_
#define TFTRT_COMMON_OPTIONAL_LIBRARY_H_

#include <string>
#include <string_view>

#include "tftrt/status.h"

namespace tftrt {

// "<what> needs <library>, which this build of tftrt was made without (install <package>
// and rebuild)".
std::string MissingLibraryMessage(std::string_view what, std::string_view library,
                                  std::string_view package);
// Unimplemented with that message.
Status MissingLibrary(std::string_view what, std::string_view library, std::string_view package);
// Whether `status` is such an error (maybe with context added).
bool IsMissingLibrary(const Status& status);

}  // namespace tftrt

#endif  // TFTRT_COMMON_OPTIONAL_LIBRARY_H_
