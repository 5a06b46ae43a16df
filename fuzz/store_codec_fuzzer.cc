// Arbitrary bytes -> the store's value decoders (DecodeWorkflow, DecodeSpec, DecodeTask,
// DecodeEvent), as if RocksDB handed back a corrupt or hostile record.
//
// Input layout: byte 0 picks the record kind (mod 4), byte 1 is the key's length n (capped at
// the bytes left), then n key bytes, then the value. The key is the spec's workflow id, or a
// task/event key (<id> 0x00 <big-endian number>).
//
// Invariants: decoding never crashes; errors carry a message; every decoded record encodes to
// a value (and key) that decodes to an equal record, and encoding is deterministic.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "goclaw/store/encoding.h"

#include "fuzz_check.h"

namespace {

using namespace goclaw::store;

template <typename R>
bool CheckDecoded(const goclaw::Result<R>& r) {
  if (!r) FUZZ_CHECK(!r.error().message().empty(), "an error without a message");
  return r.has_value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int kind = data[0] % 4;
  const std::size_t key_size = std::min<std::size_t>(data[1], size - 2);
  const std::string_view key(reinterpret_cast<const char*>(data) + 2, key_size);
  const std::string_view value(reinterpret_cast<const char*>(data) + 2 + key_size,
                               size - 2 - key_size);

  switch (kind) {
    case 0: {
      auto r = DecodeWorkflow(value);
      if (!CheckDecoded(r)) break;
      const std::string encoded = EncodeWorkflow(*r);
      auto again = DecodeWorkflow(encoded);
      FUZZ_CHECK(again && *again == *r, "workflow record round trip");
      FUZZ_CHECK(EncodeWorkflow(*again) == encoded, "workflow encoding is deterministic");
      break;
    }
    case 1: {
      auto r = DecodeSpec(key, value);
      if (!CheckDecoded(r)) break;
      const std::string encoded = EncodeSpec(*r);
      auto again = DecodeSpec(r->workflow_id, encoded);
      FUZZ_CHECK(again && *again == *r, "spec record round trip");
      FUZZ_CHECK(EncodeSpec(*again) == encoded, "spec encoding is deterministic");
      break;
    }
    case 2: {
      auto r = DecodeTask(key, value);
      if (!CheckDecoded(r)) break;
      const std::string encoded = EncodeTask(*r);
      auto again = DecodeTask(TaskKey(r->workflow_id, r->index), encoded);
      FUZZ_CHECK(again && *again == *r, "task record round trip");
      FUZZ_CHECK(EncodeTask(*again) == encoded, "task encoding is deterministic");
      break;
    }
    default: {
      auto r = DecodeEvent(key, value);
      if (!CheckDecoded(r)) break;
      const std::string encoded = EncodeEvent(*r);
      auto again = DecodeEvent(EventKey(r->workflow_id, r->seq), encoded);
      FUZZ_CHECK(again && *again == *r, "event record round trip");
      FUZZ_CHECK(EncodeEvent(*again) == encoded, "event encoding is deterministic");
      break;
    }
  }
  return 0;
}
