#pragma once

#include "model/PocketModel.h"

// A pocket-model architecture small enough to load millions of times (fuzz_checkpoint) and to
// seed its corpus with (make_checkpoint_seeds).
inline dragon::PocketModelConfig smallPocketConfig()
{
    dragon::PocketModelConfig c;
    c.width = 16;
    c.heads = 2;
    c.layers = 1;
    c.textLayers = 1;
    c.vocabulary = 64;
    c.frames = 16;
    return c;
}
