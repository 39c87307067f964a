#include "testing/optional_libraries.h"

#include "kernels/cpu/fft.h"

namespace tftrt::testing {

std::optional<std::string> MissingLibrary(const Status& status) {
  if (status.code() != StatusCode::kUnimplemented) return std::nullopt;
  for (const Status& library : {FftLibraryAvailable()}) {
    if (!library.ok() && status.message().find(library.message()) != std::string::npos) {
      return library.message();
    }
  }
  return std::nullopt;
}

}  // namespace tftrt::testing
