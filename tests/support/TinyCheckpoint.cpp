#include "TinyCheckpoint.h"

#include "model/PocketGenerator.h"

namespace fixtures {

void writeTinyPocketCheckpoint(const std::string &path)
{
    dragon::PocketModelConfig c = dragon::PocketGenerator::defaultConfig();
    c.width = 32;
    c.heads = 2;
    c.layers = 1;
    c.textLayers = 1;
    torch::manual_seed(1);
    dragon::PocketGenerator generator(c);
    {
        // Non-zero output layer so generations are not all silence.
        torch::NoGradGuard noGrad;
        for (auto &p : generator.parameters())
            if (p.dim() == 2)
                p.normal_(0, 0.1);
    }
    generator.save(path);
}

} // namespace fixtures
