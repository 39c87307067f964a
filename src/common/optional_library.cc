#include "common/optional_library.h"

namespace tftrt {
namespace {

constexpr std::string_view kMarker = ", which this build of tftrt was made without";

}  // namespace

std::string MissingLibraryMessage(std::string_view what, std::string_view library,
                                  std::string_view package) {
  return std::string(what) + " needs " + std::string(library) + std::string(kMarker) +
         " (install " + std::string(package) + " and rebuild)";
}

Status MissingLibrary(std::string_view what, std::string_view library, std::string_view package) {
  return Status::Unimplemented(MissingLibraryMessage(what, library, package));
}

bool IsMissingLibrary(const Status& status) {
  return status.code() == StatusCode::kUnimplemented &&
         status.message().find(kMarker) != std::string::npos;
}

}  // namespace tftrt
