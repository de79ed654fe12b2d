#pragma once
// Precompiled for every translation unit of dragon_core: parsing torch/torch.h costs ~10 s.
#include <torch/torch.h>
