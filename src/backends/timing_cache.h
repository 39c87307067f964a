// The timing cache: which kernel won when a backend timed its candidates for a layer (as
// TensorRT's timing cache), so that identical layers, later builds and later processes skip
// the timing. Keys name the device and its libraries and the layer's signature (the caller
// builds them); values name the winner (a cuDNN engine configuration, a cuBLASLt algorithm).
//
// The file is text, one "key<TAB>choice" line per entry after a header line. A cache only
// saves time: a missing file is an empty cache, and an unreadable or malformed one is
// ignored with a warning and replaced at the next Save.
//
// Thread safety: every method may be called from several threads at once (engines are built
// concurrently at run time).
#ifndef TFTRT_BACKENDS_TIMING_CACHE_H_
#define TFTRT_BACKENDS_TIMING_CACHE_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/env.h"
#include "tftrt/status.h"

namespace tftrt {

class TimingCache {
 public:
  // The cache of the file at `path`, read now.
  explicit TimingCache(std::string path, Env* env = Env::Default());

  std::optional<std::string> Find(const std::string& key) const;
  // Keys and choices must not hold tabs or newlines (InvalidArgument).
  Status Record(const std::string& key, const std::string& choice);

  // Writes the file when entries were recorded since it was read or last saved: the
  // entries another process saved meanwhile are kept (ours win on the same key), the
  // parent directories are created, and the file is replaced atomically (a temp file and a
  // rename), so that a reader never sees half of it.
  Status Save();

  const std::string& path() const { return path_; }
  size_t size() const;

 private:
  // The entries of the file, or nullopt (with a warning) when it is there but unusable.
  std::optional<std::map<std::string, std::string>> ReadFile() const;

  const std::string path_;
  Env* const env_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> entries_;
  std::map<std::string, std::string> recorded_;  // since the last Save
};

// The file of the process's timing cache: the path SetTimingCachePath gave, else
// TFTRT_TIMING_CACHE, else $XDG_CACHE_HOME/tftrt/timing-cache, else
// $HOME/.cache/tftrt/timing-cache. Empty (no cache) when the chosen value is "off", or when
// none of these is set.
std::string TimingCachePath();

// Overrides TFTRT_TIMING_CACHE for this process ("off" turns the cache off). Takes effect
// for ProcessTimingCache calls after it; the CLI's --timing-cache calls it first thing.
void SetTimingCachePath(std::string path);

// The process's cache (of TimingCachePath()), or null when it is off.
TimingCache* ProcessTimingCache();

}  // namespace tftrt

#endif  // TFTRT_BACKENDS_TIMING_CACHE_H_
