#include "goclaw/memory/embedder.h"

#include <cmath>

namespace goclaw::memory {

void NormaliseL2(std::span<float> vector) {
  double sum = 0;
  for (const float x : vector) sum = std::fma(static_cast<double>(x), static_cast<double>(x), sum);
  if (sum == 0) return;
  const double norm = std::sqrt(sum);
  for (float& x : vector) x = static_cast<float>(x / norm);
}

}  // namespace goclaw::memory
