#pragma once

#include "encoders/Embedding.h"

#include <torch/torch.h>

namespace dragon {

// Frame embeddings [F, D] -> Embedding; the clip embedding is `clip` if given, else the mean of
// the frames. Values copied as float32 from any device and dtype.
Embedding embeddingFromFrames(const torch::Tensor &frames, const torch::Tensor &clip = {});

} // namespace dragon
