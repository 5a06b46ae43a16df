// Time-ordered unique ids: UUID version 7 (RFC 9562). The first 48 bits are the Unix time in
// milliseconds, so ids sort by creation time as bytes and as strings; a 12-bit counter keeps
// ids created in the same millisecond by one generator in order, and 62 random bits make ids
// from different generators distinct.
//
// Thread-safety: Uuid is a value type. UuidGenerator::Next may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "goclaw/core/clock.h"

namespace goclaw {

class Uuid {
 public:
  Uuid() = default;
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // Parses the canonical 36-character form (8-4-4-4-12 hex digits, either case).
  static std::optional<Uuid> Parse(std::string_view text);

  // Canonical lowercase form, e.g. "01936b2e-6f3a-7c21-8e5d-0b1f2c3d4e5f".
  std::string ToString() const;
  // Milliseconds since the Unix epoch stored in a version-7 id.
  std::uint64_t UnixMillis() const;
  int Version() const { return bytes_[6] >> 4; }
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

class UuidGenerator {
 public:
  // `seed` makes the random bits reproducible in tests; 0 seeds from std::random_device.
  explicit UuidGenerator(const Clock& clock, std::uint64_t seed = 0);

  // A new id, strictly greater than every id this generator returned before, even if the wall
  // clock steps backwards.
  Uuid Next();

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  std::uint64_t last_ms_ = 0;
  std::uint32_t counter_ = 0;  // 12 bits
};

}  // namespace goclaw
